"""A build killed at any moment leaves exactly the old set of guides or exactly the new one, never a mix,
and the next build removes whatever the killed one left behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest

import generator.write as write_module
from generator.plan.model import Audience
from generator.render.rendered import RenderedFile

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "templates" / "starters" / "meetup.yaml"

# The child builds with printing replaced by a blank page (fast), and says where it is before a short pause
# at every step of writing the set, so the parent can kill it between two writes, just before or after the swap.
CHILD = r"""
import io, sys, time, types
from pypdf import PdfWriter

def blank(html, policy, *, paper="a4", **_):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()

pdf = types.ModuleType("generator.render.pdf")  # never imports WeasyPrint: the child starts fast
pdf.render_pdf = blank
sys.modules["generator.render.pdf"] = pdf
import generator.build as build
import generator.write as write

def step(name):
    print(name, flush=True)
    time.sleep(0.03)

def traced(name):
    real = getattr(write, name, None)
    if real is None:
        return
    def wrapper(*args, **kwargs):
        step(f"before {name}")
        result = real(*args, **kwargs)
        step(f"after {name}")
        return result
    setattr(write, name, wrapper)

for name in ("_write_file", "_swap", "_write_temporary", "remove_leftovers"):
    traced(name)
step("start")
build.build_plan(sys.argv[1], sys.argv[2])
step("done")
"""


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (hidden ones included) with its SHA-256."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def child(plan: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(plan), str(out)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=plan.parent)


def write_plan(plan: Path, name: str) -> None:
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", name), encoding="utf-8")


@pytest.mark.slow  # builds in killed subprocesses, ~35 s
def test_a_killed_build_leaves_the_old_set_or_the_new_one(tmp_path):
    plan = tmp_path / "meetup.yaml"
    write_plan(plan, "Old Meetup")
    out = tmp_path / "output"
    assert child(plan, out).wait(timeout=300) == 0
    old = snapshot(out / "meetup")
    reference = tmp_path / "reference-old"
    shutil.copytree(out / "meetup", reference, symlinks=True)
    write_plan(plan, "New Meetup")
    assert child(plan, tmp_path / "new-output").wait(timeout=300) == 0
    new = snapshot(tmp_path / "new-output" / "meetup")
    assert old.keys() == new.keys() and old != new and ".build.json" in old

    # One complete run tells where the steps are; then kill after each step, and at times in between.
    probe = child(plan, tmp_path / "probe")
    steps = [line.strip() for line in probe.stdout]
    assert probe.wait() == 0
    assert steps[-1] == "done" and len(steps) > 10
    # Between two writes, just before and just after the swap, and at a few times while rendering.
    moments: list[tuple[int, float]] = [(k + 1, 0.0) for k, line in enumerate(steps[:-1])
                                        if line.startswith("after") or line == "before _swap"]
    moments += [(0, delay) for delay in (0.3, 0.8, 1.5)]
    seen = set()
    for after_lines, delay in moments:
        shutil.rmtree(out / "meetup")
        shutil.copytree(reference, out / "meetup", symlinks=True)
        process = child(plan, out)
        if after_lines:
            for _ in range(after_lines):
                if not process.stdout.readline():
                    break
        else:
            time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        found = snapshot(out / "meetup")
        assert found in (old, new), f"killed after {after_lines} steps / {delay} s: a mix of two sets"
        seen.add("old" if found == old else "new")
    assert seen == {"old", "new"}  # the kills landed both before and after the switch

    # Whatever the kills left (unfinished sets, temporary files) is gone after the next build.
    assert child(plan, out).wait(timeout=300) == 0
    assert snapshot(out / "meetup") == new
    assert sorted(p.name for p in out.iterdir()) == ["meetup"]
    assert not [p for p in (out / "meetup").rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow  # a build in a subprocess
def test_temporary_files_of_older_versions_do_not_survive(tmp_path):
    plan = tmp_path / "meetup.yaml"
    write_plan(plan, "Meetup")
    out = tmp_path / "output"
    (out / "meetup" / "private").mkdir(parents=True)
    (out / "meetup" / ".volunteer.html.abcd1234.tmp").write_text("left by a killed build")
    (out / "meetup" / "private" / ".responder.pdf.x.tmp").write_text("left by a killed build")
    (out / "meetup" / "notes.txt").write_text("the organizer's own file")
    (out / ".meetup.999999999.0a1b2c3d.new").mkdir()
    assert child(plan, out).wait(timeout=300) == 0
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert not [name for name in names if name.endswith((".tmp", ".new", ".old"))], names
    assert (out / "meetup" / "notes.txt").read_text() == "the organizer's own file"



@pytest.mark.parametrize("link_to", ["elsewhere", "meetup"], ids=["a folder elsewhere", "itself"])
def test_a_symlink_where_the_guides_go_leaves_nothing_hidden_behind(tmp_path, link_to):
    out = tmp_path / "output"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "meetup").symlink_to(tmp_path / link_to if link_to == "elsewhere" else out / "meetup")
    guide = RenderedFile(PurePosixPath("public.html"), b"<p>new</p>", Audience.public, False, "html")
    with write_module.OutputSet(out / "meetup") as output:
        output.commit([guide], None, replaces_rota=False)
    assert [p.name for p in out.iterdir()] == ["meetup"]
    assert (out / "meetup" / "public.html").read_bytes() == b"<p>new</p>"
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_earlier_set_that_cannot_be_removed_is_the_users_to_remove_and_said_so(tmp_path, monkeypatch):
    # e.g. its private/ folder made read-only by hand: the earlier (unsealed) guides would stay hidden in clear
    out = tmp_path / "output"
    (out / "meetup" / "private").mkdir(parents=True)
    (out / "meetup" / "private" / "responder.html").write_text("<p>+44 20 7946 0001</p>")
    real_rmtree = shutil.rmtree

    def refuse(path, *args, **kwargs):
        if kwargs.get("ignore_errors"):
            return None
        raise PermissionError(13, "Permission denied", str(Path(path) / "private" / "responder.html"))

    guide = RenderedFile(PurePosixPath("public.html"), b"<p>new</p>", Audience.public, False, "html")
    monkeypatch.setattr(write_module.shutil, "rmtree", refuse)
    with pytest.raises(write_module.FileError) as caught, write_module.OutputSet(out / "meetup") as output:
        output.commit([guide], None, replaces_rota=False, drops_clear_private=True)
    monkeypatch.setattr(write_module.shutil, "rmtree", real_rmtree)
    error = caught.value
    [hidden] = [p for p in out.iterdir() if p.name != "meetup"]
    assert error.path == str(hidden) and f"the new guides are in {out / 'meetup'}" in error.reason
    assert "private files in clear: remove it by hand" in error.reason and "responder.html" in error.reason
    assert (out / "meetup" / "public.html").read_bytes() == b"<p>new</p>"  # the new set is in place


@pytest.mark.slow
def test_a_file_an_edition_no_longer_writes_there_is_not_carried_over(tmp_path, write_plan):
    """The report form made private moves under private/: the public copy of the earlier build is not kept beside it
    (it holds what the organizer just made private, and the leak check reads only what a build writes)."""
    from generator.build import build_plan

    plan = write_plan(lambda data: data.update(report_form_audience="volunteer"))
    build_plan(plan, tmp_path / "out")
    folder = tmp_path / "out" / plan.stem
    (folder / "notes.txt").write_text("the organizer's own file", encoding="utf-8")
    assert (folder / "report-form.pdf").exists() and not (folder / "private" / "report-form.pdf").exists()
    write_plan(lambda data: data.update(report_form_audience="responder"))
    build_plan(plan, tmp_path / "out", editions=["report-form"])
    assert (folder / "private" / "report-form.pdf").exists() and not (folder / "report-form.pdf").exists()
    assert (folder / "notes.txt").exists() and (folder / "public.pdf").exists()  # the user's own, other editions': kept


@pytest.mark.slow
def test_a_sealed_build_keeps_the_users_own_files_in_private_and_drops_the_tools_in_clear(tmp_path, write_plan):
    from generator.build import build_plan

    plan = write_plan()
    build_plan(plan, tmp_path / "out", editions=["responder"])
    private = tmp_path / "out" / plan.stem / "private"
    (private / "my-notes.txt").write_text("the organizer's own notes", encoding="utf-8")
    (private / "archive").mkdir()
    (private / "archive" / "2025.txt").write_text("last year's", encoding="utf-8")
    build_plan(plan, tmp_path / "out", editions=["public"], passphrase="correct horse battery staple")
    assert (private / "my-notes.txt").exists() and (private / "archive" / "2025.txt").exists()
    assert not (private / "responder.html").exists() and not list(private.glob("rota-*.ics"))  # the tool's, in clear


@pytest.mark.slow
def test_a_full_build_replaces_the_volunteer_drill_kit_made_from_an_earlier_plan(tmp_path, write_plan):
    from generator.build import build_drill, build_plan

    def rehearsable(data):
        data["scenarios"][0]["audience"] = "volunteer"

    plan = write_plan(rehearsable)
    build_drill(plan, tmp_path / "out", audience=Audience.volunteer)
    kit = tmp_path / "out" / plan.stem / "drill-volunteer.pdf"
    assert kit.exists()
    write_plan()  # the scenario is responder-only again
    build_plan(plan, tmp_path / "out")
    assert not kit.exists()
