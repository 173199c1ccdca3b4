"""Issue 13: what published guides need from the plan format, each point printed where it belongs.

Every plan here is tests/fixtures/minimal.yaml with its text edited, so a test shows
the YAML an organizer writes and checks the guides that come out of it.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.plan.lint import lint
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
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
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
    assert "Crisis line: 116123 crisis.example.org/chat" in cover
    assert "Police, non-emergency: 101 Theft or damage after the fact." in cover


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
    try:
        read(text)
    except Exception as exc:  # PlanError
        assert "plan.yaml:21:5: error: a role needs `duties`" in str(exc.problems[0])
    else:
        raise AssertionError("a role with neither duties nor on_report was accepted")


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
    assert text.index("Offer what they need.") < text.index("Say You don't need to decide anything now.")


def test_a_bad_step_is_reported_at_its_line():
    text = edit(SCRIPTED, ("        do_not: [Ask why", "        dont: [Ask why"))
    try:
        read(text)
    except Exception as exc:
        assert [str(p) for p in exc.problems] == [
            "plan.yaml:67:9: error: unknown key `dont` in `scenarios[0].steps[1]`\n  hint: did you mean `do_not`?"]
    else:
        raise AssertionError("a misspelt step key was accepted")
