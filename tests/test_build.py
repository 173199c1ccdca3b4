"""`incident-guide build`: the four files, their modes, all-or-nothing writes, errors without tracebacks."""

import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import generator.build as build_module
import generator.render.pdf as pdf_module
import generator.write as write_module
from generator.build import EDITIONS, build_plan
from generator.check import check_plan
from generator.cli import main
from generator.errors import BuildError, FileError
from generator.plan.model import Audience
from generator.plan.validate import read_plan

pytestmark = pytest.mark.slow  # most of these print the example plan; the rest would rather be marked one by one

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
FILES = ["public.pdf", "public.html", "volunteer.pdf", "volunteer.html", "desk.pdf", "cards.pdf", "poster.pdf", "report-form.pdf",
         "private/responder.pdf", "private/responder.html", "private/resolution-record.pdf", "private/drill.pdf",
         *[f"private/rota-{rid}.ics" for rid in ("amara", "dimitra", "jonah", "priya", "sam")]]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def blank_pdf(paper: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(*((612, 792) if paper == "letter" else (595, 842)))
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


@pytest.fixture
def fake_pdf(monkeypatch):
    """Printing replaced by a stand-in (a blank page), for tests about writing files: fast, records the calls."""
    calls = []

    def render_pdf(html, policy, *, paper="a4", **_):
        calls.append({"paper": paper, "html": html})
        if "FAIL-RESPONDER" in html and "Responder guide" in html:
            raise BuildError("the responder edition failed")
        return blank_pdf(paper)

    monkeypatch.setattr(pdf_module, "render_pdf", render_pdf)
    return calls


@pytest.fixture
def old_guides(tmp_path):
    """A previous build's files in out/plan/, to prove a failed build leaves them alone."""
    target = tmp_path / "out" / "plan"
    (target / "private").mkdir(parents=True)
    for name in FILES:
        (target / name).write_text(f"old {name}")
    return target


def assert_untouched(target: Path):
    for name in FILES:
        assert (target / name).read_text() == f"old {name}"
    assert not [p for p in target.rglob("*") if p.name.endswith(".tmp")]


def test_build_writes_every_file_with_private_modes(example_guides):
    assert sorted(example_guides) == sorted(FILES)
    folder = example_guides["volunteer.pdf"].parent
    assert mode(folder / "private") == 0o700
    assert mode(example_guides["private/responder.pdf"]) == 0o600
    assert mode(example_guides["private/responder.html"]) == 0o600
    assert mode(example_guides["volunteer.pdf"]) == 0o644
    assert example_guides["volunteer.pdf"].read_bytes().startswith(b"%PDF-1.7")
    assert example_guides["volunteer.html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in folder.rglob("*")) == sorted([".build.json", "private", *[Path(f).name for f in FILES]])
    assert mode(folder / ".build.json") == 0o600


def test_two_builds_are_byte_identical(example_guides, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = build_plan(EXAMPLE, tmp_path)
    for path in again:
        first = example_guides[path.relative_to(tmp_path / EXAMPLE.stem).as_posix()]
        assert path.read_bytes() == first.read_bytes(), f"{path.name} differs between two builds"


def test_cli_builds_and_lists_the_files(fake_pdf, tmp_path):
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert f"wrote {tmp_path / 'complete-conference' / name}" in result.output
        assert (tmp_path / "complete-conference" / name).is_file()


def test_plan_with_errors_builds_nothing_and_prints_what_check_prints(write_plan, old_guides, fake_pdf):
    def break_it(data):
        data["responders"][0]["phone"] = "12"
        data["responders"][1]["rolle"] = "lead"

    plan = write_plan(break_it)
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(old_guides.parent)])
    assert result.exit_code == 1
    expected = [str(problem) for problem in check_plan(plan).problems]
    assert len(expected) == 2 and all(f"{plan}:" in line for line in expected)
    for line in expected:
        assert line in result.output
    assert "Traceback" not in result.output
    assert fake_pdf == []
    assert_untouched(old_guides)


def test_refused_resource_fails_without_traceback_and_keeps_old_guides(write_plan, old_guides):
    plan = write_plan(lambda data: data["venues"][0].update(directions="![map](file:///etc/passwd)"))
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(old_guides.parent)])
    assert result.exit_code == 1
    assert "error: refused to use `file:///etc/passwd`" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert_untouched(old_guides)


@pytest.mark.parametrize("picture", ['<img src="room.png">', "![](room.png)", "<img src=x>"])
def test_a_picture_without_a_description_is_reported_where_the_plan_names_it(write_plan, old_guides, fake_pdf, picture):
    def add_picture(data):
        data["venues"][0]["directions"] = f"Up the stairs. {picture}"
    plan = write_plan(add_picture)
    (plan.parent / "room.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    src = "x" if "src=x" in picture else "room.png"
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(old_guides.parent)])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if ": error: " in line]
    text = plan.read_text(encoding="utf-8")
    index = text.index(picture) + picture.index(src)
    row = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    assert line.startswith(f"{plan}:{row}:{column}: error: ")
    assert f"`{src}`" in line and "needs a description for people who cannot see it" in line and "data:" not in line
    assert_untouched(old_guides)


def test_one_failed_edition_writes_nothing(write_plan, old_guides, fake_pdf):
    plan = write_plan(lambda data: data["communication"].update(records="FAIL-RESPONDER"))
    with pytest.raises(BuildError, match="responder edition failed"):
        build_plan(plan, old_guides.parent)
    assert len(fake_pdf) == 3  # public and volunteer editions were printed, then nothing was written
    assert_untouched(old_guides)


def test_a_failed_write_leaves_the_previous_guides(write_plan, old_guides, fake_pdf, monkeypatch):
    real = write_module._write_file
    calls = []

    def failing(final, content, file_mode):
        calls.append(final)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(final))
        return real(final, content, file_mode)

    monkeypatch.setattr(write_module, "_write_file", failing)
    with pytest.raises(FileError, match="error: the disk is full"):
        build_plan(write_plan(), old_guides.parent)
    assert_untouched(old_guides)
    assert sorted(p.name for p in old_guides.parent.iterdir()) == ["plan"]  # the unfinished set is gone


def test_the_leak_check_sees_every_file_before_anything_is_written(write_plan, tmp_path, fake_pdf, monkeypatch):
    seen = []

    def check_leaks(plan, files, source=None, search=None):
        seen.extend(files)
        raise BuildError("responders[0].email appears in the volunteer HTML")

    monkeypatch.setattr(build_module, "check_leaks", check_leaks)
    with pytest.raises(BuildError, match="appears in the volunteer HTML"):
        build_plan(write_plan(), tmp_path / "out")
    assert sorted(str(f.path) for f in seen) == sorted(FILES)
    assert {f.audience.value for f in seen if f.private} == {"responder"}
    assert not (tmp_path / "out").exists()


def test_one_edition_only(write_plan, tmp_path, fake_pdf):
    result = CliRunner().invoke(main, ["build", str(write_plan()), "-o", str(tmp_path / "out"), "--edition", "volunteer"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out" / "plan").iterdir() if not p.name.startswith("."))
    assert written == ["volunteer.html", "volunteer.pdf"]


def test_paper_defaults_from_the_venue_and_can_be_chosen(write_plan, tmp_path, fake_pdf):
    plan = write_plan()
    build_plan(plan, tmp_path / "a", editions=["volunteer"])
    CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "b"), "--edition", "volunteer", "--paper", "letter"])
    # the command prints in a worker process (its calls are not seen here): the page size is in the file
    sizes = [tuple(float(n) for n in PdfReader(folder / "plan" / "volunteer.pdf").pages[0].mediabox[2:]) for folder in
             (tmp_path / "a", tmp_path / "b")]
    assert [call["paper"] for call in fake_pdf][:1] == ["a4"] and sizes == [(595, 842), (612, 792)]


def test_the_private_folder_is_tightened(write_plan, tmp_path, fake_pdf):
    private = tmp_path / "out" / "plan" / "private"
    private.mkdir(parents=True, mode=0o755)
    os.chmod(private, 0o755)
    build_plan(write_plan(), tmp_path / "out")
    assert mode(private) == 0o700


def test_private_files_kept_from_the_earlier_set_are_tightened(write_plan, tmp_path, fake_pdf):
    plan = write_plan()
    private = tmp_path / "out" / "plan" / "private"
    build_plan(plan, tmp_path / "out", editions=["responder"], pdf=False)
    os.chmod(private, 0o755)
    for path in private.iterdir():
        os.chmod(path, 0o644)
    build_plan(plan, tmp_path / "out", editions=["public"], pdf=False)  # responder.html and the calendars are carried over
    modes = {path.name: mode(path) for path in private.iterdir()}
    assert "responder.html" in modes and any(name.endswith(".ics") for name in modes)
    assert set(modes.values()) == {0o600}, modes
    assert mode(private) == 0o700


def test_several_plans_build_the_good_ones_and_fail(write_plan, tmp_path, fake_pdf):
    good = write_plan(name="good")
    bad = write_plan(lambda data: data.pop("reporting"), name="bad")
    result = CliRunner().invoke(main, ["build", str(bad), str(good), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert "`reporting` is missing" in result.output
    assert (tmp_path / "out" / "good" / "volunteer.pdf").is_file()
    assert not (tmp_path / "out" / "bad").exists()


def test_editions_table_names_files_and_privacy():
    assert EDITIONS["volunteer"].file("pdf").as_posix() == "volunteer.pdf"
    assert EDITIONS["responder"].file("html").as_posix() == "private/responder.html"
    assert EDITIONS["responder"].private and not EDITIONS["volunteer"].private


def test_an_online_community_without_venues_builds(write_plan, tmp_path, fake_pdf):
    def online(data):
        data["event"].update(kind="online-community", country="GB", emergency_number="999")
        for key in ("starts", "ends", "reporting_guidelines", "last_reviewed"):
            data["event"].pop(key)
        for key in ("venues", "rota", "assessment", "communication"):
            data.pop(key)

    written = {p.name: p for p in build_plan(write_plan(online), tmp_path / "out")}
    html = written["responder.html"].read_text(encoding="utf-8")
    assert "Emergency: <a class=\"emergency-number\" dir=\"ltr\" href=\"tel:999\">999</a>" in html
    assert "Tell them the address" not in html and "Safety room" not in html and ">Rota<" not in html


def test_build_format_json_is_one_document_for_a_good_and_a_broken_plan(write_plan, tmp_path, fake_pdf):
    good = write_plan(name="good")
    broken = write_plan(lambda data: data["responders"][0].update(phone="12"), name="broken")
    result = CliRunner().invoke(main, ["build", "--format", "json", str(good), str(broken), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)  # stdout holds the JSON document and nothing else
    by_file = {Path(entry["file"]).name: entry for entry in report["plans"]}
    assert by_file["good.yaml"]["ok"] is True and by_file["good.yaml"]["status"] == "built"
    assert sorted(Path(f).relative_to(tmp_path / "out" / "good").as_posix() for f in by_file["good.yaml"]["files"]) == sorted(FILES)
    assert by_file["broken.yaml"]["ok"] is False and by_file["broken.yaml"]["files"] == []
    [problem] = by_file["broken.yaml"]["problems"]
    assert problem["path"] == "responders.0.phone" and problem["severity"] == "error" and problem["line"] > 1
    assert report["errors"] == 1
    # the same shape as `check --format json` for the same problem
    checked = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(broken)]).stdout)
    assert checked["plans"][0]["problems"] == by_file["broken.yaml"]["problems"]


def test_a_bug_is_one_line_asking_for_a_report_and_the_traceback_only_with_debug(tmp_path, monkeypatch):
    def broken_schema() -> str:
        raise KeyError("no-such-key")

    monkeypatch.setattr("generator.plan.schema.plan_schema_text", broken_schema)
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 70
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error (KeyError: 'no-such-key')" in lines[0] and "please report it" in lines[0]
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(main, ["--debug", "schema"])
    assert isinstance(debug.exception, KeyError)  # raised through, so Python prints the traceback


def test_a_new_edition_is_one_row_in_the_registry(tmp_path, monkeypatch):
    """A desk sheet for volunteers, HTML only, reusing the volunteer template: one EditionSpec (its title a message id), no other change."""
    from generator.render import edition
    from generator.render.leaks import check_output_dir

    desk = edition.EditionSpec("desk", Audience.volunteer, "edition.desk", "volunteer.html.j2", "desk", formats=("html",))
    monkeypatch.setitem(edition.EDITIONS, "desk", desk)
    written = build_plan(EXAMPLE, tmp_path, editions=["desk"], pdf=False)
    assert [p.relative_to(tmp_path / "complete-conference").as_posix() for p in written] == ["desk.html"]
    html = written[0].read_text(encoding="utf-8")
    assert "<title>Riverside Open Source Summit 2027 \u2013 Desk sheet</title>" in html
    assert "amara@example.org" not in html  # cut for volunteers like the volunteer guide
    assert mode(written[0]) == 0o644
    assert check_output_dir(tmp_path / "complete-conference", read_plan(EXAMPLE)) == {"desk.html": []}  # the leak check knows it


def test_an_unknown_edition_from_python_is_a_user_error_with_a_hint(tmp_path):
    from generator.errors import UserError

    with pytest.raises(UserError) as raised:
        build_plan(EXAMPLE, tmp_path, editions=["volunter"])
    assert (raised.value.message, raised.value.hint) == ("`volunter` is not an edition", "did you mean `volunteer`?")
    assert not any(tmp_path.iterdir())
