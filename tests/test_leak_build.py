"""The leak check is the build's last lock: it catches what a faulty template or a faulty cut lets through."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.render.html as html_module
import generator.render.rendered as rendered_module
from generator.build import build_plan
from generator.cli import main
from generator.errors import PlanError
from generator.paths import templates_dir
from generator.plan.validate import read_plan
from generator.render.edition import Edition
from generator.render.leaks import check_output_dir

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
REAL_ENVIRONMENT = html_module.environment


@pytest.fixture
def faulty_templates(tmp_path, monkeypatch):
    """A copy of the templates whose volunteer edition prints a responder-only value (Amara's chat handle)."""
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy)
    partial = copy / "partials" / "definitions.html.j2"
    partial.write_text(partial.read_text(encoding="utf-8") + "\n<p>Ask Signal: amara.91 if unsure.</p>\n", encoding="utf-8")
    monkeypatch.setattr(html_module, "environment", lambda directory=None: REAL_ENVIRONMENT(copy))
    return copy


@pytest.mark.slow
def test_a_template_printing_a_private_value_fails_the_build(faulty_templates, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(PlanError) as caught:
        build_plan(EXAMPLE, out, editions=["volunteer"])
    [problem] = caught.value.problems
    assert problem.message.startswith("Amara Okonjo-Reyes's chat handle (responder only) is printed")
    assert "volunteer.html" in problem.message and "volunteer.pdf" in problem.message
    chat_line = next(n for n, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), 1) if "amara.91" in line)
    assert (problem.file, problem.line, problem.column) == (str(EXAMPLE), chat_line, 11)  # where the handle is written
    assert not (out / "complete-conference").exists(), "nothing may be written when the leak check fails"


@pytest.mark.slow
def test_a_leaking_build_leaves_earlier_guides_untouched(faulty_templates, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(html_module, "environment", REAL_ENVIRONMENT)  # first a good build
    build_plan(EXAMPLE, out, editions=["volunteer"], pdf=False)
    before = (out / "complete-conference" / "volunteer.html").read_bytes()
    monkeypatch.setattr(html_module, "environment", lambda directory=None: REAL_ENVIRONMENT(faulty_templates))
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--edition", "volunteer", "--force"])
    assert result.exit_code == 1
    assert "leak check" in result.output and "Amara Okonjo-Reyes's chat handle" in result.output
    assert (out / "complete-conference" / "volunteer.html").read_bytes() == before


def test_a_cut_that_lets_everything_through_fails_the_build(tmp_path, monkeypatch):
    real = rendered_module.make_edition

    def uncut(plan, audience, name=None):
        edition = real(plan, audience, name)
        return Edition(audience, plan, edition.leads_by_day, name)  # the whole plan, as if redaction failed

    monkeypatch.setattr(rendered_module, "make_edition", uncut)
    with pytest.raises(PlanError, match=r"'s (e-mail|chat handle) \(responder only\)"):
        build_plan(EXAMPLE, tmp_path, editions=["public", "volunteer"], pdf=False)


def test_finished_example_guides_have_no_leaks(example_guides):
    folder = example_guides["volunteer.pdf"].parent
    results = check_output_dir(folder, read_plan(EXAMPLE))
    # every file below the responders: the guides, the desk sheet, the cards, the poster, the volunteer-level report form
    assert set(results) == {"public.html", "public.pdf", "volunteer.html", "volunteer.pdf", "desk.pdf", "cards.pdf", "poster.pdf", "report-form.pdf"}
    assert all(found == [] for found in results.values()), results


@pytest.mark.parametrize("plan", sorted((ROOT / "plans").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_plan_builds_through_the_leak_check(plan, tmp_path):
    written = build_plan(plan, tmp_path, pdf=False)
    names = {p.name for p in written}
    assert {"public.html", "volunteer.html", "responder.html"} <= names
    data = read_plan(plan)
    public = (tmp_path / plan.stem / "public.html").read_text(encoding="utf-8").lower()
    for person in data.responders:
        assert person.email is None or person.email.lower() not in public
        assert all(handle.lower() not in public for handle in person.chat)


def test_leaks_command_finds_and_removes_a_leaking_file(example_guides, tmp_path):
    folder = tmp_path / "complete-conference"
    shutil.copytree(example_guides["volunteer.pdf"].parent, folder)
    html = folder / "volunteer.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</main>", "<p>020-7946-0204</p></main>"), encoding="utf-8")
    result = CliRunner().invoke(main, ["leaks", str(folder), "--plan", str(EXAMPLE)])
    assert result.exit_code == 1
    assert "responders[3].phone" in result.output
    assert not html.exists()
    assert (folder / "volunteer.pdf").exists()
    clean = CliRunner().invoke(main, ["leaks", str(folder), "--plan", str(EXAMPLE)])
    assert clean.exit_code == 0, clean.output


@pytest.mark.slow
def test_leaks_command_finds_the_plan_recorded_by_build(tmp_path, monkeypatch):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--edition", "public"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)  # plans/NAME.yaml does not exist here
    result = CliRunner().invoke(main, ["leaks", str(out / "complete-conference")])
    assert result.exit_code == 0, result.output
    assert "public.pdf: no leak" in result.output


def _paste_everything(data: dict) -> None:
    """A responder-only e-mail, chat handle and phone in a volunteer duty; a volunteer-level name on the public sheet."""
    volunteers = next(role for role in data["roles"] if role["id"] == "volunteers")
    volunteers["duties"].append("If unsure, e-mail Amara at amara@example.org, message Signal: priya.23 or call 020 7946 0204.")
    data["reporting"]["recognise_responders"] += " Ask for Jonah Whitcombe-Adeyemi."
    sam = next(r for r in data["responders"] if r["id"] == "sam")
    sam["visibility"] = {"name": "responder"}  # a responder-only name
    volunteers["duties"].append("Hand lost property to Sam Ferreira-Lindqvist.")


def test_pasted_private_values_fail_check_at_each_paste(write_plan):
    path = write_plan(_paste_everything)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    text = path.read_text(encoding="utf-8").splitlines()
    found = [line for line in result.output.splitlines() if "[PRIVATE-PASTE]" in line]
    expected = {"amara@example.org": "Amara Okonjo-Reyes's e-mail (responder only) appears in a duty of the role “Volunteers”",
                "Signal: priya.23": "Priya Nandakumar's chat handle (responder only) appears in a duty of the role “Volunteers”",
                "020 7946 0204": "Priya Nandakumar's phone number (responder only) appears in a duty of the role “Volunteers”",
                "Jonah Whitcombe-Adeyemi": "Jonah Whitcombe-Adeyemi's name (volunteers and responders only) appears in the text "
                                           "on recognising responders",
                "Sam Ferreira-Lindqvist": "Sam Ferreira-Lindqvist's name (responder only) appears in a duty of the role “Volunteers”"}
    assert len(found) == len(expected), result.output
    for pasted, words in expected.items():
        [line] = [f for f in found if words in f]
        _, row, column = line.split(": error: ")[0].rsplit(":", 2)
        assert text[int(row) - 1][int(column) - 1:].startswith(pasted), (pasted, line)


def test_with_the_audience_lowered_the_pasted_values_build_and_show(write_plan, tmp_path):
    def lowered(data):
        _paste_everything(data)
        data["reporting"]["recognise_responders"] = data["reporting"]["recognise_responders"].replace(" Ask for Jonah Whitcombe-Adeyemi.", "")
        for responder in data["responders"]:
            if responder["id"] == "sam":
                responder["visibility"] = {"name": "volunteer"}
            if responder["id"] == "amara":
                responder.setdefault("visibility", {})["email"] = "volunteer"
            if responder["id"] == "priya":
                responder["visibility"] = {"phone": "volunteer", "chat": "volunteer"}

    written = build_plan(write_plan(lowered), tmp_path / "out", editions=["volunteer"], pdf=False)
    page = next(path for path in written if path.name == "volunteer.html").read_text(encoding="utf-8")
    assert "amara@example.org" in page and "Signal: priya.23" in page and "020 7946 0204" in page
    assert "Sam Ferreira-Lindqvist" in page


def test_a_file_searched_while_printing_is_searched_again_if_its_content_is_not_the_one_searched():
    from pathlib import PurePosixPath

    from generator.errors import BuildError
    from generator.plan.model import Audience
    from generator.render.leaks import LeakSearch, check_leaks
    from generator.render.rendered import RenderedFile

    plan = read_plan(EXAMPLE)
    search = LeakSearch(plan)
    clean = RenderedFile(PurePosixPath("volunteer.html"), b"<p>Nothing private here.</p>", Audience.volunteer, False, "html")
    search.search(clean)
    check_leaks(plan, [clean], None, search)
    leaking = RenderedFile(clean.path, b"<p>Ask Signal: amara.91 if unsure.</p>", Audience.volunteer, False, "html")
    with pytest.raises(BuildError, match="volunteer.html"):
        check_leaks(plan, [leaking], None, search)


# Names of roles, resources, places and organizations, and public web addresses, are labels (issue 23): each fixture
# prints them where the tool before this change called them leaks, and the build's leak check lets them through.
LABELS = ROOT / "tests" / "fixtures" / "labels"
PRINTED_LABELS = {
    "conference-staff-procedure": {"public": ["Find the lead incident responders", "convention center security"],
                                   "volunteer": ["Riverbend County sheriff's office, civil unit"]},
    "online-community-working-group": {"public": ["E-mail the Code of Conduct Working Group"]},
    "city-guide-crisis-line": {"volunteer": ["https://crisis.hamlincounty.example.org/chat", "Hamlin County Crisis Services"]},
}


def _squashed(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


@pytest.mark.parametrize("name", sorted(PRINTED_LABELS))
def test_plans_whose_only_leaks_are_labels_build(name, tmp_path):
    from generator.render.extract import visible_text

    written = build_plan(LABELS / f"{name}.yaml", tmp_path / "out", pdf=False)  # the leak check searches every file
    for edition, labels in PRINTED_LABELS[name].items():
        page = _squashed(visible_text(next(p for p in written if p.name == f"{edition}.html").read_text(encoding="utf-8")))
        for label in labels:
            assert _squashed(label) in page, (edition, label)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PRINTED_LABELS))
def test_plans_whose_only_leaks_are_labels_print(name, tmp_path):
    from generator.render.extract import pdf_text

    written = build_plan(LABELS / f"{name}.yaml", tmp_path / "out", editions=sorted(PRINTED_LABELS[name]))
    for edition, labels in PRINTED_LABELS[name].items():
        text = "".join(_squashed(pdf_text(next(p for p in written if p.name == f"{edition}.pdf").read_bytes())).split())
        for label in labels:  # without spaces: a line may break inside a web address
            assert "".join(_squashed(label).split()) in text, (edition, label)
