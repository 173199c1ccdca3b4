"""The tabletop drill kit: read back from the PDF, for the whole team and for the volunteer briefing."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import EDITIONS, build_drill, drill_scenarios
from generator.cli import main
from generator.errors import UserError
from generator.matcher import normalise_text
from generator.plan.model import Audience
from generator.plan.secrets import secrets_above
from generator.plan.validate import read_plan
from generator.render.drill import SESSION_MINUTES
from generator.render.edition import make_edition
from generator.render.extract import pdf_text
from generator.render.guide import Guide
from generator.render.html import render_html
from generator.render.leaks import check_output_dir, find_leaks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
SENTINEL = "Zebrafinch Quorum Lighthouse Marmalade"


def plain(text: str) -> str:
    """Text as the leak check compares it: case, quotes and line breaks folded."""
    return normalise_text(text.replace("\u00ad", ""))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", plain(text))


@pytest.fixture(scope="module")
def plan():
    return read_plan(EXAMPLE)


@pytest.fixture(scope="module")
def kit_text(example_guides) -> str:
    return plain(pdf_text(example_guides["private/drill.pdf"].read_bytes()))


def test_the_kit_is_a_private_printed_only_edition_built_by_default(example_guides):
    path = example_guides["private/drill.pdf"]
    assert path.parent.name == "private"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert EDITIONS["drill"].formats == ("pdf",) and EDITIONS["drill"].audience is Audience.responder
    assert "private/drill.html" not in example_guides


def test_every_scenario_with_its_phrases_and_do_not_items(plan, kit_text):
    for scenario in plan.scenarios:
        assert plain(scenario.title) in kit_text
        assert plain(f"At {plan.event.name}: {scenario.applies_when}") in kit_text  # the situation read out
        at_steps = [text for step in scenario.steps for text in (step.do, *step.say, *step.do_not, *step.steps)]
        for text in [*at_steps, *scenario.say, *scenario.do_not]:  # each phrase and "do not", also those at a step
            assert plain(text) in kit_text, text


def test_the_plan_drill_fields_are_printed_and_generic_ones_fill_in(plan, kit_text):
    banned = next(s for s in plan.scenarios if s.id == "banned-person")
    assert banned.drill and banned.drill.roles and banned.drill.roles.reported
    for text in [*banned.drill.complications, *banned.drill.debrief, banned.drill.roles.reported]:
        assert plain(text) in kit_text, text
    # a scenario without drill fields still gets complications, role cards and debrief questions
    unsure = next(s for s in plan.scenarios if s.id == "unsure-reporter")
    assert unsure.drill is None
    assert plain("You call Response team and nobody answers for ten minutes") in kit_text
    assert kit_text.count(plain("You want: To be listened to and believed")) == len(plan.scenarios)


def test_debrief_sheets_and_the_checklist_with_every_responder(plan, example_guides):
    pages = _pages(example_guides["private/drill.pdf"])
    debriefs = [page for page in pages if plain("Debrief: exercise") in page]
    assert len(debriefs) == len(plan.scenarios)
    for scenario in plan.scenarios:
        assert any(f"id: {scenario.id}" in page and plain("Change to make in the plan") in page for page in debriefs)
    assert any(plain("Session debrief") in page and plain("Who writes it in") in page for page in pages)
    checklist = next(page for page in pages if plain("Who knows their part") in page)
    for responder in plan.responders:
        assert squash(responder.name) in squash(checklist), responder.name  # a name may wrap at its hyphen
    amara = checklist[checklist.index(plain("Amara Okonjo-Reyes")):]
    assert plain("Wed 9 Jun 08:00\u2009–\u200916:00 (lead)") in amara  # her shifts from the rota, as CLDR writes a range


def _pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(path.read_bytes())
    try:
        return [plain(document[i].get_textpage().get_text_range().replace("\ufffe", "-")) for i in range(len(document))]
    finally:
        document.close()


def test_the_running_order_fits_an_hour_and_adds_up(plan):
    guide = Guide(make_edition(plan, Audience.responder), "print", "a4")
    kit = guide.drill
    assert len(kit.exercises) == len(plan.scenarios)
    assert kit.total_minutes <= SESSION_MINUTES
    assert kit.schedule[0].start == "0:00"
    for before, after in zip(kit.schedule, kit.schedule[1:], strict=False):
        assert before.end == after.start
    minutes = int(kit.schedule[-1].end.split(":")[0]) * 60 + int(kit.schedule[-1].end.split(":")[1])
    assert minutes == kit.total_minutes


def test_a_plan_without_drill_fields_gets_a_complete_kit():
    bare = read_plan(ROOT / "tests" / "fixtures" / "minimal.yaml")
    assert all(s.drill is None for s in bare.scenarios)
    page = render_html(make_edition(bare, Audience.responder), medium="print", template="drill.html.j2")
    text = plain(re.sub(r"<[^>]+>", " ", page))
    for scenario in bare.scenarios:
        assert plain(scenario.title) in text
    for part in ["Running order", "Answer sheet", "Complications to add", "The person it is about", "A witness",
                 "Debrief: exercise 1", "Session debrief", "Who knows their part"]:
        assert plain(part) in text, part
    assert plain("Suggested by the kit") in text


def test_plan_text_in_drill_fields_is_data(write_plan):
    def change(data):
        data["scenarios"][1]["drill"] = {"complications": ["{{ 7*7 }} <script>alert(1)</script>"],
                                         "roles": {"witness": "{% raw %}x"}}
    plan = read_plan(write_plan(change))
    page = render_html(make_edition(plan, Audience.responder), medium="print", template="drill.html.j2")
    assert "{{ 7*7 }}" in page and "<script>alert" not in page and "{% raw %}x" in page


@pytest.mark.slow
def test_one_scenario_only(tmp_path):
    result = CliRunner().invoke(main, ["drill", str(EXAMPLE), "--scenario", "apology", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "complete-conference" / "private" / "drill.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list((tmp_path / "complete-conference" / "private").glob("*.ics"))
    text = plain(pdf_text(path.read_bytes()))
    plan = read_plan(EXAMPLE)
    for scenario in plan.scenarios:
        assert (plain(scenario.title) in text) == (scenario.id == "apology"), scenario.id


@pytest.mark.slow
def test_the_volunteer_kit_holds_only_volunteer_scenarios_and_no_planted_secret(write_plan, tmp_path):
    def plant(data):
        for scenario in data["scenarios"]:
            if scenario.get("audience") != "volunteer":
                scenario["steps"].append(f"{SENTINEL} in a responder-only scenario.")
        volunteer_one = next(s for s in data["scenarios"] if s.get("audience") == "volunteer")
        volunteer_one["drill"] = {"audience": "responder", "complications": [f"{SENTINEL} complication for responders."]}
        data["responders"][0]["notes"] = f"{SENTINEL} in a responder's notes."

    plan_path = write_plan(plant)
    plan = read_plan(plan_path)
    secrets = secrets_above(plan, Audience.volunteer)
    assert any(plain(SENTINEL) in secret.needle for secret in secrets)  # the leak check looks for it
    assert find_leaks(secrets, pdf_text=f"a page with {SENTINEL} in a responder's notes.")  # and would find it

    written = build_drill(plan_path, tmp_path, audience=Audience.volunteer)  # passes the leak check
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["plan/drill-volunteer.pdf"]
    text = plain(pdf_text(written[0].read_bytes()))
    assert plain(SENTINEL) not in text
    for scenario in plan.scenarios:
        marked = scenario.audience is Audience.volunteer
        assert (plain(scenario.title) in text) == marked, scenario.id
    assert plain("This is the volunteer version") in text
    assert check_output_dir(tmp_path / "plan", plan) == {"drill-volunteer.pdf": []}  # `incident-guide leaks` agrees


def test_scenarios_the_kit_cannot_use(plan):
    assert [s.id for s in drill_scenarios(plan, ["weapon", "banned-person"], Audience.volunteer)] == ["weapon", "banned-person"]
    with pytest.raises(UserError, match="`apology` is for responders only") as responders_only:
        drill_scenarios(plan, ["apology"], Audience.volunteer)
    assert responders_only.value.hint == "this kit can use: " + ", ".join(
        s.id for s in plan.scenarios if s.audience is Audience.volunteer)
    with pytest.raises(UserError, match="`nope` is not in the plan"):
        drill_scenarios(plan, ["nope"], Audience.responder)
    with pytest.raises(UserError, match="`weapons` is not in the plan") as misspelt:
        drill_scenarios(plan, ["weapons"], Audience.responder)
    assert misspelt.value.hint == "did you mean `weapon`?"
    hidden = plan.model_copy(update={"scenarios": [s for s in plan.scenarios if s.audience is not Audience.volunteer]})
    with pytest.raises(UserError, match="no scenario in the plan is marked `audience: volunteer`") as none_marked:
        drill_scenarios(hidden, [], Audience.volunteer)
    assert none_marked.value.hint == "add `audience: volunteer` to the scenarios a volunteer may rehearse"


def test_the_cli_reports_an_unknown_scenario_as_an_input_error_with_a_hint(tmp_path):
    result = CliRunner().invoke(main, ["drill", str(EXAMPLE), "--scenario", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: scenario `nope` is not in the plan\n  hint: this kit can use: ")
    assert "Usage:" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "complete-conference").exists()


def test_a_bug_in_drill_is_an_internal_error_not_a_usage_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not the user's input")

    monkeypatch.setattr("generator.build.drill_scenarios", broken)
    result = CliRunner().invoke(main, ["drill", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 70, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error (ValueError: a bug, not the user's input)" in lines[0] and "please report it" in lines[0]
    assert "Usage:" not in result.output and "Traceback" not in result.output
    debug = CliRunner().invoke(main, ["--debug", "drill", str(EXAMPLE), "-o", str(tmp_path)])
    assert isinstance(debug.exception, ValueError)  # raised through: Python prints the traceback
    assert not (tmp_path / "complete-conference").exists()


def test_a_paper_size_guides_do_not_print_on_is_an_input_error_with_a_hint(tmp_path):
    for command in ("drill", "build"):
        result = CliRunner().invoke(main, [command, str(EXAMPLE), "--paper", "A4", "-o", str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert result.stderr == "error: `A4` is not a paper size the guides print on\n  hint: did you mean `a4`?\n"
    other = CliRunner().invoke(main, ["drill", str(EXAMPLE), "--paper", "tabloid", "-o", str(tmp_path)])
    assert other.exit_code == 1 and "hint: --paper takes a4 or letter" in other.stderr
    assert not (tmp_path / "complete-conference").exists()
