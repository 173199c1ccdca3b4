"""Issue 13: what published guides need from the plan format, each point printed where it belongs.

Every plan here is tests/fixtures/minimal.yaml with its text edited, so a test shows
the YAML an organizer writes and checks the guides that come out of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import PlanError
from generator.lint import lint
from generator.plan.load import load_text
from generator.plan.model import Audience, Plan
from generator.plan.validate import validate
from generator.render.edition import make_edition
from generator.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, f"expected exactly one {old!r} in the plan"
        text = text.replace(old, new)
    return text


def read(text: str) -> Plan:
    return validate(load_text(text, "plan.yaml"))


def findings(text: str) -> list[str]:
    loaded = load_text(text, "plan.yaml")
    return [str(p) for p in lint(validate(loaded), loaded.source)]


def page(plan: Plan, audience: str) -> str:
    return render_html(make_edition(plan, Audience(audience)))


def visible(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text.replace("<wbr>", ""))
    return " ".join(text.replace("&#39;", "'").replace("&amp;", "&").split())


# 1. numbers: a note and a link for every number, the emergency number included

NUMBERS = edit(BASE, ("    country: GB\n", """    country: GB
    emergency_when: When in doubt, call.
    emergency_link: https://relay.example.org/emergency-sms
    numbers:
      - label: Crisis line
        number: "116 123"
        link: https://crisis.example.org/chat
      - label: Police, non-emergency
        number: "101"
        when: Theft or damage after the fact.
"""))


def test_a_number_needs_no_note_and_may_carry_a_link():
    plan = read(NUMBERS)
    crisis, police = plan.venues[0].numbers
    assert crisis.when is None and crisis.link == "https://crisis.example.org/chat"
    assert police.when == "Theft or damage after the fact." and police.link is None


def test_the_emergency_note_and_links_are_printed_on_the_cover():
    html = page(read(NUMBERS), "volunteer")
    text = visible(html)
    assert "When in doubt, call." in text
    assert 'href="https://relay.example.org/emergency-sms"' in html
    cover = text[: text.index("Contents")]
    assert "Crisis line: 116 123 crisis.example.org/chat" in cover
    assert "Police, non-emergency: 101 Theft or damage after the fact." in cover


def test_the_emergency_note_and_link_are_on_the_public_sheet_too():
    # a text relay for deaf callers, or Germany's police number beside 112, is for everyone
    html = page(read(NUMBERS), "public")
    emergency = visible(html[html.index('class="public-emergency"'):html.index('class="public-channels"')])
    assert "When in doubt, call." in emergency and "relay.example.org/emergency-sms" in emergency
    assert 'href="https://relay.example.org/emergency-sms"' in html


# 2. what each role does when a report comes in, apart from its standing duties

PROTOCOL = edit(BASE, ("""    kind: attendees
    duties: [Follow the code of conduct.]
""", """    kind: attendees
    duties: [Follow the code of conduct.]
  - id: volunteers
    name: Volunteers
    kind: volunteers
    duties: [Staff the registration desk.]
    on_report: [Call the lead responder at once and never resolve a report alone.]
  - id: team
    name: Response team
    kind: response-team
    on_report: [Assess impact and risk before anything else.]
"""))


def test_the_protocol_prints_on_report_and_governance_the_duties_once_each():
    plan = read(PROTOCOL)
    assert plan.role("team").duties == []
    text = visible(page(plan, "responder"))
    assert text.count("Call the lead responder at once and never resolve a report alone.") == 1
    assert text.count("Staff the registration desk.") == 1
    assert text.count("Assess impact and risk before anything else.") == 1
    body = text[text.rindex("Response protocol by role"):]
    assert body.index("Call the lead responder at once") < body.rindex("Roles and governance") < body.index("Staff the registration desk.")
    volunteer = visible(page(plan, "volunteer"))
    assert "Call the lead responder at once" in volunteer and "Staff the registration desk." not in volunteer


def test_a_role_without_duties_or_protocol_is_an_error():
    text = edit(BASE, ("    duties: [Hears appeals.]\n", ""))
    with pytest.raises(PlanError) as caught:
        read(text)
    exc = caught.value
    assert "plan.yaml:22:5: error: a role needs `duties`" in str(exc.problems[0])


# 3. information to gather: its own checklist, with the report form and in "taking a report"

GATHER = edit(BASE, ("taking_reports:\n", """information_to_gather:
  items:
    - What happened, in their words
    - When and where, as exactly as they can
    - Is it still going on?
report_form:
  - label: Reporter's name
taking_reports:
"""))


def test_information_to_gather_is_printed_in_taking_reports_and_with_the_report_form():
    plan = read(GATHER)
    responder = visible(page(plan, "responder"))
    form = responder[responder.rindex("Report form"):]
    assert form.index("Information to gather") < form.index("Is it still going on?") < form.index("Reporter's name")
    taking = responder[responder.rindex("Taking a report"):]
    assert taking.index("Find out") < taking.index("What happened, in their words") < taking.index("Never")
    volunteer = visible(page(plan, "volunteer"))
    assert "Find out What happened, in their words When and where, as exactly as they can Is it still going on?" in volunteer
    assert "What happened, in their words" not in visible(page(plan, "public"))  # volunteer-level unless marked public


# 4. scenarios as written: impact and risk optional; a phrase, a "do not" and sub-steps at their step

SCRIPTED = edit(BASE, ("""    impact: low
    risk: low
    steps: [Listen.]
""", """    steps:
      - Find a quiet place to talk.
      - do: Listen without interrupting.
        say: "Thank you for telling me."
        do_not: [Ask why they did not report it sooner.]
      - do: Offer what they need.
        steps: [A glass of water, A friend to sit with them]
"""))


def test_a_scripted_scenario_needs_no_impact_or_risk_and_draws_no_warning():
    plan = read(SCRIPTED)
    scenario = plan.scenarios[0]
    assert scenario.impact is None and scenario.risk is None
    assert [step.do for step in scenario.steps] == ["Find a quiet place to talk.", "Listen without interrupting.", "Offer what they need."]
    assert scenario.steps[1].say == ["Thank you for telling me."]
    assert findings(SCRIPTED) == []


def test_phrases_and_do_nots_print_at_their_step_and_sub_steps_as_a_list():
    html = page(read(SCRIPTED), "responder")
    card = html[html.index('<article class="scenario"'):html.index("</article>")]
    assert "Low impact" not in card and "Low risk" not in card
    text = visible(card)
    assert ("Listen without interrupting. Say: Thank you for telling me. Do not: Ask why they did not report it sooner. "
            "Offer what they need.") in text
    assert re.search(r'<ol class="sub-steps" type="a">\s*<li>A glass of water</li>\s*<li>A friend to sit with them</li>\s*</ol>', card)
    assert text.index("Offer what they need.") < text.index("Say \u201cYou don't need to decide anything now.\u201d")  # in quotation marks


def test_a_bad_step_is_reported_at_its_line():
    text = edit(SCRIPTED, ("        do_not: [Ask why", "        dont: [Ask why"))
    with pytest.raises(PlanError) as caught:
        read(text)
    exc = caught.value
    assert [str(p) for p in exc.problems] == [
        "plan.yaml:68:9: error: unknown key `dont` in `scenarios[0].steps[1]`\n  hint: did you mean `do_not`?"]


# 5. small teams and online communities: no rota, on-call hours, no emergency number, the locale's formats

ONLINE = """format: 1
event:
  name: Example Forum
  kind: online-community
  timezone: Europe/London
  languages: [en-GB]
  emergency_number: none
  code_of_conduct: https://forum.example.org/conduct
  last_reviewed: 2027-02-01
roles:
  - {id: members, name: Members, kind: attendees, duties: [Follow the code of conduct.]}
  - {id: moderators, name: Moderators, kind: volunteers, on_report: [Pass the report to the working group.]}
  - {id: board, name: Board, kind: board, duties: [Hears appeals.]}
responders:
  - {id: ana, name: Ana Example, role: lead, email: ana@example.org, fallback: ben}
  - {id: ben, name: Ben Example, phone: 020 7946 0002, fallback: ana}
  - {id: cai, name: Cai Example}
reporting:
  channels:
    - {kind: email, label: E-mail the working group, email: conduct@example.org, audience: public}
  chain: [members, moderators, board]
taking_reports:
  ask: ["Do you need anything right now?"]
  do_not: [Promise a particular outcome.]
communication:
  records: Kept in the group's private folder.
policy: {}
"""


def test_an_online_community_needs_no_rota_venue_secure_channel_or_emergency_number():
    plan = read(ONLINE)
    assert plan.region == "GB" and plan.emergency_numbers == []
    assert plan.responder("ben").phone == "+442079460002"  # read as a UK number, from the language's region
    assert findings(ONLINE) == []
    from generator.render.paper import default_paper
    assert default_paper(plan) == "a4"


def test_an_online_community_guide_never_says_through_the_lead_on_shift_or_an_emergency_number():
    plan = read(ONLINE)
    for audience in ("public", "volunteer", "responder"):
        text = visible(page(plan, audience))
        for phrase in ("through the lead", "on shift", "999", "112", "911", "Lead responder on call"):
            assert phrase not in text, (audience, phrase)
        # the public sheet says "your local emergency services", the guides "the emergency number where that person is"
        assert "local emergency services" in text or "the emergency number where that person is" in text, audience
    volunteer = visible(page(plan, "volunteer"))
    assert "Then tell the response team." in volunteer
    assert "There is no rota: reach the response team through the ways to report below or the phone numbers" in volunteer


def test_a_worldwide_community_with_a_country_can_still_set_no_emergency_number():
    with_country = edit(ONLINE, ("  languages: [en-GB]\n", "  country: US\n"), ("020 7946 0002", "(312) 555-0102"))
    assert read(with_country).emergency_numbers == []
    # nothing is assumed from `country`: without a number the guides say to contact local emergency services
    assert read(edit(with_country, ("  emergency_number: none\n", ""))).emergency_numbers == []
    assert read(edit(with_country, ("  emergency_number: none\n", '  emergency_number: "911"\n'))).emergency_numbers == ["911"]


HOURS = edit(BASE, ("  timezone: Europe/London\n", "  timezone: Europe/London\n  on_call_hours: {start: \"08:00\", end: \"22:00\"}\n"),
             ("""  - start: 2027-03-04 00:00
    end: 2027-03-04 06:00
    lead: ana
    responders: [ben]
  - {start: 2027-03-04 06:00, end: 2027-03-04 12:00, lead: ben, responders: [cai]}
""", "  - {start: 2027-03-04 08:00, end: 2027-03-04 12:00, lead: ben, responders: [cai]}\n"),
             ("{start: 2027-03-04 18:00, end: 2027-03-05 00:00, lead: ana, responders: [ben]}",
              "{start: 2027-03-04 18:00, end: 2027-03-04 21:00, lead: ana, responders: [ben]}"))


def test_coverage_is_checked_against_the_on_call_hours():
    assert findings(HOURS) == [
        "plan.yaml:46:36: error: nobody is on call from 2027-03-04 21:00 to 22:00 GMT (1 hour); the on-call hours end at 22:00: "
        "end this shift later or add one after it [SHIFT-COVERAGE]",
        "plan.yaml:52:19: warning: nobody answers `Report by e-mail` from 2027-03-04 21:00 to 22:00 GMT: `ana`, `ben` are not "
        "on call then; add someone on call then to `staffed_by`, or empty it so whoever is on call answers [CHANNEL-GAP]"]
    assert findings(edit(HOURS, ("end: 2027-03-04 21:00", "end: 2027-03-04 22:00"))) == []


def test_a_plan_without_rota_key_is_not_asked_for_shifts():
    no_rota = BASE.split("rota:")[0] + "reporting:" + BASE.split("reporting:")[1]
    assert [f for f in findings(no_rota) if "SHIFT-COVERAGE" in f or "CHANNEL" in f] == []
    text = visible(page(read(no_rota), "volunteer"))
    assert "on shift" not in text and "Then call the lead responder on shift" not in text
    with_rota = visible(page(read(BASE), "volunteer"))  # volunteers do not see the rota, but know there is one
    assert "call the emergency number first, then the lead responder." in with_rota
    assert "There is no rota" not in with_rota


# 6. what may be public: responses, appeals, timelines, confidentiality, what to include in a report

PUBLISHED = edit(GATHER, ("information_to_gather:\n", "information_to_gather:\n  audience: public\n"),
                 ("  chain: [attendees, board]\n", """  chain: [attendees, board]
  appeals:
    how: Write to the board within 14 days.
    audience: public
"""), ("taking_reports:\n", """responses:
  - name: A warning
    description: We ask the person to stop.
    audience: public
  - name: Quiet word from the lead
    description: Kept between the team and the person only.
communication:
  secure_channel: A private group chat.
  confidentiality:
    text: Only the response team reads reports; we never name a reporter without their consent.
    audience: public
  timelines:
    - {what: We reply to every report, within: 24 hours, audience: public}
    - {what: Internal debrief, within: a week}
taking_reports:
"""))


def test_the_public_sheet_prints_what_the_plan_publishes_and_nothing_else():
    text = visible(page(read(PUBLISHED), "public"))
    for published in ("What to include in a report", "Is it still going on?",
                      "How we keep reports confidential", "we never name a reporter without their consent",
                      "We reply to every report: within 24 hours", "What the team may do A warning",
                      "Appeals Write to the board within 14 days."):
        assert published in text, published
    for private in ("Quiet word from the lead", "Internal debrief", "A private group chat"):
        assert private not in text, private


def test_a_plain_text_appeal_is_still_read_and_stays_with_volunteers():
    plan = read(edit(BASE, ("  chain: [attendees, board]\n", "  chain: [attendees, board]\n  appeals: Write to the board.\n")))
    assert plan.reporting.appeals.how == "Write to the board." and plan.reporting.appeals.audience is None
    assert "Write to the board." in visible(page(plan, "volunteer"))
    assert "Write to the board." not in visible(page(plan, "public"))


def test_published_parts_are_not_secrets_of_the_public_sheet_and_private_ones_are():
    from generator.plan.secrets import secrets_above
    from generator.render.leaks import find_leaks

    plan = read(PUBLISHED)
    needles = {secret.needle for secret in secrets_above(plan, Audience.public)}
    assert "kept between the team and the person only." in needles  # normalised: lower case
    assert not any("never name a reporter" in needle or "We ask the person to stop" in needle for needle in needles)
    assert find_leaks(secrets_above(plan, Audience.public), page(plan, "public")) == []


# 7. escalation apart from appeals: a board that only hears appeals is not the top of the chain

SEPARATE = edit(PROTOCOL, ("  chain: [attendees, board]\n", """  chain: [attendees, volunteers, team]
  appeals:
    to: [board]
    how: Write to the board within 14 days.
"""))


def test_a_board_that_hears_appeals_only_is_outside_the_chain_and_satisfies_chain_end():
    assert [f for f in findings(SEPARATE) if "CHAIN-END" in f] == []
    text = visible(page(read(SEPARATE), "responder"))
    escalation = text[text.rindex("Escalation and appeals"):]
    chain, appeals = escalation.split("Appeals", 1)
    assert "Response team" in chain and "Board" not in chain
    assert appeals.startswith(" Heard by: Board Write to the board within 14 days.")
    without = edit(SEPARATE, ("    to: [board]\n", ""))
    assert [f.split(": warning: ")[1][:60] for f in findings(without) if "CHAIN-END" in f] == [
        "the reporting chain ends at `team` (kind `response-team`) an"]


def test_an_unknown_appeals_role_is_reported_at_its_line():
    with pytest.raises(PlanError) as caught:
        read(edit(SEPARATE, ("    to: [board]", "    to: [bord]")))
    exc = caught.value
    assert [str(p) for p in exc.problems] == ["plan.yaml:67:10: error: `bord` is not a known role id\n  hint: did you mean `board`?"]


# 8. enforcement ladder rungs; an assessment prints only what the plan says

LADDER = edit(BASE, ("taking_reports:\n", """responses:
  - name: Warning
    community_impact: A serious remark, or several smaller ones.
    consequence: A written warning.
    expected: No contact with the people involved.
    duration: three months
  - name: Ban
    description: The account is closed.
assessment:
  impact_levels: [{id: low, name: Low impact}, {id: high, name: High impact}]
  risk_levels: [{id: low, name: Low risk}, {id: high, name: High risk}]
taking_reports:
"""))


def test_a_rung_prints_impact_consequence_expectation_and_duration():
    plan = read(LADDER)
    assert plan.responses[0].consequence == "A written warning." and plan.responses[0].description is None
    text = visible(page(plan, "responder"))
    ladder = text[text.rindex("Possible responses"):]
    assert ("Warning. Community impact A serious remark, or several smaller ones. Consequence A written warning. "
            "Expected of the person No contact with the people involved. For how long three months Ban. The account is closed.") in ladder


def test_an_assessment_without_a_matrix_prints_no_empty_cells():
    html = page(read(LADDER), "responder")
    assert "(not set)" not in html and 'class="matrix"' not in html
    assert "Low impact" in visible(html)


def test_a_response_may_be_only_its_name_as_published_menus_list_them():
    # PyCon US's list of consequences and Rust's moderation ladder name most rungs and say no more
    plan = read(edit(LADDER, ("    description: The account is closed.\n", "    duration: for good\n"),
                     ("  - name: Warning\n", "  - name: Final warning\n  - name: Warning\n")))
    assert [action.name for action in plan.responses] == ["Final warning", "Warning", "Ban"]
    ladder = visible(page(plan, "responder"))
    ladder = ladder[ladder.rindex("Possible responses"):]
    assert "Final warning. Warning. Community impact" in ladder and "Ban. For how long for good" in ladder


# 9. a starter cannot be printed by mistake

@pytest.mark.slow
def test_a_starter_with_only_its_quoted_values_replaced_fails_strict_and_builds_as_draft(tmp_path):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from generator.cli import main
    from generator.init import write_starter

    written = write_starter(tmp_path / "meetup.yaml", "meetup")
    text = written.path.read_text(encoding="utf-8")
    count = iter(range(1, 1000))
    filled = re.sub(r'"CHANGE ME[^"]*"', lambda _: f'"Filled in {next(count)}"', text)
    written.path.write_text(filled, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--strict", str(written.path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    sample = [line for line in lines if "[PLACEHOLDER]" in line]
    # every line that still says CHANGE ME (comments included) is reported at that line, and each sample value is named
    still_marked = {number for number, line in enumerate(filled.splitlines(), start=1) if "CHANGE ME" in line}
    assert still_marked and still_marked <= {int(line.split(":")[1]) for line in sample}
    assert any("`+13125550101` is the starter's sample (phone number)" in line for line in sample)
    assert any("`organisers@example.org` uses example.org" in line or "@example.org` uses example.org" in line for line in sample)
    assert any("`2027-03-04` is the starter's sample (date)" in line for line in sample)
    assert any("a comment still says CHANGE ME" in line for line in sample)

    out = tmp_path / "out"
    built = runner.invoke(main, ["build", "--edition", "public", "--edition", "volunteer", "-o", str(out), str(written.path)])
    assert built.exit_code == 0, built.output
    assert "DRAFT on every page (placeholders or a starter's sample values left, see the warnings): " in built.output
    for name in ("public.pdf", "volunteer.pdf"):
        pages = PdfReader(out / "meetup" / name).pages
        assert all("DRAFT" in page.extract_text() for page in pages), name
    assert "DRAFT" in (out / "meetup" / "volunteer.html").read_text(encoding="utf-8")


def test_example_plans_and_a_finished_plan_carry_no_draft_mark():
    html = page(read(BASE), "volunteer")
    assert "draft-mark\">" not in html and "DRAFT:" not in html


# 10. check messages where organizers stumbled

def problems_of(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        read(text)
    return [str(p) for p in caught.value.problems]


def test_a_shift_is_named_by_its_place_counted_from_one():
    assert problems_of(edit(BASE, ("{start: 2027-03-04 12:00, end: 2027-03-04 18:00, lead: ana,", "{start: 2027-03-04 12:00, end: 6pm, lead: ana,"))) == [
        "plan.yaml:48:36: error: `end` of the 3rd shift in `rota` is `6pm`, not a date and time (YYYY-MM-DD HH:MM)"]


def test_a_key_at_the_wrong_depth_says_where_it_belongs():
    assert problems_of(BASE + "appeals: Write to the board.\n") == [
        "plan.yaml:80:1: error: unknown key `appeals` in the plan\n  hint: `appeals` belongs under `reporting`; indent it there"]


def test_a_conflict_on_a_shift_says_who_leads_it():
    couple = edit(BASE, ("        kind: other\n", "        kind: partner\n"))
    assert [f for f in findings(couple) if "TEAM-CONFLICT" in f][0] == (
        "plan.yaml:46:18: error: `ben` and `ana` are partners (line 38) and are on the same shift, which `ana` leads; "
        "move one of them to another shift [TEAM-CONFLICT]")


def test_a_shift_outside_the_event_dates_says_so():
    outside = edit(BASE, ("{start: 2027-03-04 12:00, end: 2027-03-04 18:00,", "{start: 2027-03-14 12:00, end: 2027-03-14 18:00,"))
    assert (
        "plan.yaml:48:13: error: the shift starts on 2027-03-14, outside the event's dates (it is on 2027-03-04 only); "
        "check the date, or the event's `starts` and `ends` [SHIFT-COVERAGE]") in findings(outside)


# 11. published guides transcribed into plans (a German awareness concept, a large
# conference's staff procedure, a foundation's working group)

ONE_DAY_ROOMS = edit(BASE, ("    country: GB\n", """    country: GB
    rooms:
      - kind: safety
        name: Quiet tent
        where: Behind the finish line, no sign on it.
      - kind: other
        name: Awareness point
        where: Left of the finish arch.
"""))


@pytest.mark.parametrize("audience", ["public", "volunteer", "responder"])
def test_a_one_day_event_never_says_a_room_is_there_every_day(audience):
    text = visible(page(read(ONE_DAY_ROOMS), audience))
    assert "Quiet tent" in text and "Behind the finish line" in text
    assert "Every day" not in text
    assert "( )" not in text and "()" not in text and " : Quiet tent" not in text


def test_a_room_of_a_multi_day_event_still_says_every_day():
    two_days = edit(ONE_DAY_ROOMS, ("  starts: 2027-03-04\n", "  starts: 2027-03-04\n  ends: 2027-03-05\n"),
                    ("  - {start: 2027-03-04 18:00, end: 2027-03-05 00:00, lead: ana, responders: [ben]}\n",
                     "  - {start: 2027-03-04 18:00, end: 2027-03-06 00:00, lead: ana, responders: [ben]}\n"))
    assert "Quiet tent (every day)" in visible(page(read(two_days), "public"))


def test_a_room_at_a_venue_used_one_day_is_open_that_day_not_every_day():
    two_days = edit(ONE_DAY_ROOMS, ("  starts: 2027-03-04\n", "  starts: 2027-03-04\n  ends: 2027-03-05\n"),
                    ("  - {start: 2027-03-04 18:00, end: 2027-03-05 00:00, lead: ana, responders: [ben]}\n",
                     "  - {start: 2027-03-04 18:00, end: 2027-03-06 00:00, lead: ana, responders: [ben]}\n"),
                    ("    country: GB\n", "    country: GB\n    days: [2027-03-05]\n"))
    for audience in ("public", "volunteer", "responder"):
        text = visible(page(read(two_days), audience))
        assert "Quiet tent" in text and "Every day" not in text, audience
        assert re.search(r"Fri,? 5 Mar", text), audience
    # a room's own day must be one of its venue's
    with pytest.raises(PlanError) as caught:
        read(edit(two_days, ("        where: Behind the finish line, no sign on it.\n",
                             "        where: Behind the finish line, no sign on it.\n        days: [2027-03-04]\n")))
    assert "error: 2027-03-04 is not a day the venue `hall` is used (its days: 2027-03-05)" in str(caught.value.problems[0])


def test_responses_without_an_assessment_do_not_point_to_impact_and_risk():
    # a meetup's or an awareness team's menu has no impact/risk matrix to fit
    menu = edit(BASE, ("taking_reports:\n", "responses:\n  - name: A quiet word\n  - name: Asked to leave\ntaking_reports:\n"),
                ("policy:\n", "policy:\n  responses.intro-no-assessment: Choose the response that stops the harm.\n"))
    text = visible(page(read(menu), "responder"))
    menu_text = text[text.rindex("Possible responses"):]
    assert "Choose the response that stops the harm." in menu_text and "impact and risk" not in menu_text
    stated = edit(LADDER, ("policy:\n", "policy:\n  responses.intro: Choose the response that stops the harm and fits the impact and risk.\n"))
    assert "fits the impact and risk" in visible(page(read(stated), "responder"))
