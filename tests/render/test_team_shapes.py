"""Any team shape (#22 point 3): a committee without a lead, a team that publishes its members,
organizers who are the responders, several chat handles per person."""

import re
from pathlib import Path

import pytest

from generator.assets import AssetPolicy
from generator.paths import templates_dir
from generator.plan.load import load_text
from generator.plan.model import Audience
from generator.plan.secrets import secrets_above
from generator.plan.validate import validate
from generator.render.edition import EDITIONS, make_edition
from generator.render.extract import visible_text
from generator.render.html import render_html
from generator.render.leaks import find_leaks

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
NO_ROTA = MINIMAL[:MINIMAL.index("rota:\n")] + MINIMAL[MINIMAL.index("reporting:\n"):]


def plan_of(text: str):
    loaded = load_text(text, "plan.yaml")
    return validate(loaded)


def page(plan, edition: str) -> str:
    spec = EDITIONS[edition]
    return render_html(make_edition(plan, spec.audience, spec.name), policy=AssetPolicy(ROOT, templates_dir()), template=spec.template)


def committee(decides: str = "together", extra: str = "") -> str:
    text = NO_ROTA.replace("responders:\n", f"team: {{decides: {decides}{extra}}}\nresponders:\n", 1)
    return text.replace("    role: lead\n", "")


def test_a_committee_that_decides_together_has_no_lead_column_and_no_ask_the_lead():
    plan = plan_of(committee())
    for edition in ("volunteer", "responder"):
        text = visible_text(page(plan, edition))
        assert "Nobody leads the team: its members decide together." in text
        assert "Ask the lead" not in text and "through the lead" not in text
        assert 'class="col-role"' not in page(plan, edition)
    lead_team = visible_text(page(plan_of(NO_ROTA), "responder"))
    assert "Nobody leads" not in lead_team
    assert 'class="col-role"' in page(plan_of(NO_ROTA), "responder")


def test_a_committee_that_votes_says_so():
    text = visible_text(page(plan_of(committee("vote")), "responder"))
    assert "Nobody leads the team: its members decide by vote." in text


def test_the_desk_sheet_of_a_committee_lists_its_members():
    plan = plan_of(committee())
    html = page(plan, "desk")
    assert "Ana Example" in html and "Ben Example" in html and "(lead)" not in html


def test_a_published_team_lists_its_members_on_the_public_sheet_and_the_leak_check_agrees():
    text = committee(extra=", published: true").replace("    fallback: ben\n", "    fallback: ben\n    chat: [\"Signal: ana.example\", \"Matrix: @ana:example.org\"]\n", 1)
    plan = plan_of(text)
    html = page(plan, "public")
    shown = visible_text(html)
    assert "Who is on the response team" in shown
    assert "Ana Example" in shown and "ana@example.org" in shown
    assert "Signal: ana.example" in shown and "Matrix: @ana:example.org" in shown
    assert "020 7946 0001" not in shown and "7946 0001" not in shown  # phones stay with volunteers
    secrets = secrets_above(plan, Audience.public)
    assert not find_leaks(secrets, html_source=html)
    assert EDITIONS["procedure"].exists_for(plan)  # the members reach the published procedure too (the sheet in short drops them)
    document = visible_text(page(plan, "procedure"))
    assert "Ana Example" in document and "Matrix: @ana:example.org" in document and "7946 0001" not in document
    assert not find_leaks(secrets, html_source=page(plan, "procedure"))
    assert any("7946" in s.value or "0001" in s.needle for s in secrets)  # the phone is still a secret


def test_an_unpublished_team_stays_off_the_public_sheet():
    plan = plan_of(committee())
    html = page(plan, "public")
    assert "Ana Example" not in html and "Who is on the response team" not in html
    assert any(s.needle == "ana example" or "ana" in s.needle for s in secrets_above(plan, Audience.public))


def test_a_published_member_may_still_keep_an_address_private():
    text = committee(extra=", published: true").replace("    fallback: ben\n", "    fallback: ben\n    visibility: {email: responder}\n", 1)
    html = page(plan_of(text), "public")
    assert "Ana Example" in html and "ana@example.org" not in html


def test_several_chat_handles_print_one_per_line_in_the_team_table():
    text = NO_ROTA.replace("    fallback: ben\n", "    fallback: ben\n    chat: [\"Signal: ana.example\", \"Matrix: @ana:example.org\"]\n", 1)
    plan = plan_of(text)
    assert plan.responders[0].chat == ["Signal: ana.example", "Matrix: @ana:example.org"]
    html = page(plan, "responder")
    assert "Signal: ana.example<br>Matrix: @ana:example.org" in html
    assert "Signal: ana.example" not in page(plan, "volunteer")
    single = plan_of(NO_ROTA.replace("    fallback: ben\n", "    fallback: ben\n    chat: \"Signal: ana.example\"\n", 1))
    assert single.responders[0].chat == ["Signal: ana.example"]


@pytest.mark.parametrize("flag", [True, False])
def test_organizers_who_respond_get_no_volunteer_guide(flag):
    text = committee(extra=f", organizers_respond: {str(flag).lower()}")
    plan = plan_of(text)
    assert EDITIONS["volunteer"].exists_for(plan) is not flag
    assert EDITIONS["responder"].exists_for(plan) and EDITIONS["public"].exists_for(plan)


def test_a_committee_with_a_rota_names_whoever_is_on_call_and_no_lead():
    """A team that decides together may still keep a rota: its first name on a shift is the first call, and nothing
    the guides, the calendars or the drill say of it calls them the lead."""
    from generator.render.calendar import rota_calendars
    from generator.render.edition import drill_spec

    text = MINIMAL.replace("responders:\n", "team: {decides: together}\nresponders:\n", 1).replace("    role: lead\n", "")
    plan = plan_of(text)
    assert plan.rota
    for edition in ("volunteer", "responder", "desk"):
        shown = visible_text(page(plan, edition))
        for said in plan.policy.values():  # the plan's own sentences are its words, lead or not
            shown = re.sub(re.escape(said).replace(re.escape("{zone}"), ".*?"), "", shown)
        assert "on call" in shown.lower() and "Nobody leads" in shown or edition == "desk"
        assert not [word for word in ("lead on call", "Lead on call", "lead responder", "(lead)", "Who leads")
                    if word in shown], edition
    calendars = "\n".join(body.decode() for body in rota_calendars(plan).values())
    assert "First call" in calendars or "first call" in calendars
    assert "Lead:" not in calendars and "You lead" not in calendars and "(lead)" not in calendars
    drill = visible_text(render_html(make_edition(plan, Audience.responder), template=drill_spec(Audience.responder).template))
    assert "(lead)" not in drill
    lead_team = visible_text(page(plan_of(MINIMAL), "volunteer"))  # the same plan with its lead says so
    assert "Lead on call" in lead_team


def test_the_team_details_have_a_column_only_for_what_someone_has():
    """Empty columns squeezed the others until headings and addresses broke ("Language/s", "example.or/g")."""
    def head(plan) -> str:
        html = page(plan, "responder")
        details = html[html.index('id="team-details"'):]
        return details[:details.index("</thead>")]

    assert 'class="col-name"' in head(plan_of(MINIMAL)) and 'class="col-fallback"' in head(plan_of(MINIMAL))
    assert 'class="col-notes"' not in head(plan_of(MINIMAL)) and 'class="col-languages"' not in head(plan_of(MINIMAL))
    with_notes = plan_of(MINIMAL.replace("    fallback: ben\n", "    fallback: ben\n    notes: Prefers texts.\n", 1))
    assert 'class="col-notes"' in head(with_notes)
