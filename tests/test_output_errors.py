"""A disk that is full, a read-only file system, a folder that cannot be written: PATH: error: MESSAGE, exit 1,
checked before anything is rendered, and the earlier guides really are unchanged."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.build as build_module
import generator.write as write_module
from generator.cli import main
from generator.errors import FileError

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "templates" / "starters" / "meetup.yaml"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def plan_in(folder: Path, name: str = "Meetup") -> Path:
    plan = folder / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", name), encoding="utf-8")
    return plan


def test_an_unwritable_output_fails_before_rendering(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(build_module, "make_editions", lambda *args, **kwargs: rendered.append(args) or [])
    (tmp_path / "output").write_text("a file where the output folder should be")
    result = CliRunner().invoke(main, ["build", str(plan_in(tmp_path)), "-o", str(tmp_path / "output" / "sub")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'output' / 'sub'}: error: a file is in the way where a folder is needed" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert rendered == []


def test_os_errors_name_the_path_in_plain_words():
    error = FileError.from_os_error(OSError(30, "Read-only file system", "/mnt/guides/x"))
    assert str(error) == "/mnt/guides/x: error: the file system is read-only"


def _namespace() -> bool:
    if not shutil.which("unshare") or not sys.platform.startswith("linux"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], check=False, capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not _namespace(), reason="needs user and mount namespaces (unshare -rm) for a small tmpfs")


def build_on_tmpfs(tmp_path: Path, mount_options: str, prepare: str = "true", after: str = "true") -> str:
    """Build the starter into a tmpfs mounted (in a private mount namespace) with mount_options; all it printed."""
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    plan = plan_in(tmp_path, "New Meetup")
    script = (f"mount -t tmpfs -o {mount_options} tmpfs {disk} && {prepare} && "
              f"{{ {sys.executable} -m generator.cli build {plan} -o {disk}/out --edition volunteer --edition public; "
              f"echo exit=$?; }}; {after}")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], check=False, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    return result.stdout + result.stderr


@pytest.mark.slow  # builds in a subprocess on a tmpfs of its own
@needs_mounts
def test_a_read_only_file_system_is_a_plain_error(tmp_path):
    output = build_on_tmpfs(tmp_path, "size=4m,ro")
    assert "exit=1" in output
    assert f"{tmp_path / 'disk' / 'out'}: error: the file system is read-only" in output
    assert "internal error" not in output and "Traceback" not in output


@pytest.mark.slow
@needs_mounts
def test_a_full_disk_is_a_plain_error_and_the_earlier_guides_stay(tmp_path):
    old = tmp_path / "old"
    result = CliRunner().invoke(main, ["build", str(plan_in(tmp_path, "Old Meetup")), "-o", str(old),
                                       "--edition", "volunteer", "--edition", "public"])
    assert result.exit_code == 0, result.output
    disk = tmp_path / "disk"
    # The earlier guides on a small disk, filled to the brim; their hashes before and after the build.
    hashes = f"cd {disk}/out && find . -type f | sort | xargs sha256sum"
    prepare = f"cp -a {old} {disk}/out && {{ dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; true; }} && {hashes} > {tmp_path}/before.txt"
    after = f"{hashes} > {tmp_path}/after.txt; ls -a {disk}/out > {tmp_path}/listing.txt"
    output = build_on_tmpfs(tmp_path, "size=3m", prepare, after)
    assert "exit=1" in output, output
    assert f"{disk / 'out' / 'meetup'}: error: the disk is full (no space left on device)" in output
    assert "internal error" not in output and "Traceback" not in output
    assert "not built; earlier guides are unchanged" in output
    before, after_build = (tmp_path / "before.txt").read_text(), (tmp_path / "after.txt").read_text()
    assert "./meetup/volunteer.pdf" in before and after_build == before
    assert (tmp_path / "listing.txt").read_text().split() == [".", "..", "meetup"]  # no unfinished set left beside the guides


def test_an_output_folder_that_is_a_file_is_a_plain_error_with_exit_1(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(build_module, "make_editions", lambda *args, **kwargs: rendered.append(args) or [])
    plan = plan_in(tmp_path)
    (tmp_path / "output").write_text("a file where the output folder should be")
    for command in (["build", str(plan)], ["drill", str(plan)]):
        result = CliRunner().invoke(main, [*command, "-o", str(tmp_path / "output")])
        assert result.exit_code == 1, result.output
        assert f"{tmp_path / 'output'}: error: a file is in the way where a folder is needed" in result.output
        assert "Usage:" not in result.output
    assert rendered == []
    assert (tmp_path / "output").read_text() == "a file where the output folder should be"


def test_a_file_where_the_plans_guides_go_is_refused_and_left_as_it_is(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(build_module, "make_editions", lambda *args, **kwargs: rendered.append(args) or [])
    out = tmp_path / "output"
    out.mkdir()
    (out / "meetup").write_text("the user's own notes")
    result = CliRunner().invoke(main, ["build", str(plan_in(tmp_path)), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert f"{out / 'meetup'}: error: a file is in the way where a folder is needed" in result.output
    assert rendered == []
    assert [p.name for p in out.iterdir()] == ["meetup"]  # not swapped away under a hidden name
    assert (out / "meetup").read_text() == "the user's own notes"


@pytest.mark.slow
def test_a_full_disk_names_the_plans_output_folder(tmp_path, monkeypatch):
    out = tmp_path / "output"
    plan = plan_in(tmp_path)
    first = CliRunner().invoke(main, ["build", str(plan), "-o", str(out), "--edition", "public"])
    assert first.exit_code == 0, first.output
    before = snapshot(out)

    def full(path, content, mode):
        raise OSError(errno.ENOSPC, "No space left on device")  # what a write() says: no file name
    monkeypatch.setattr(write_module, "_write_file", full)
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(out), "--edition", "public", "--force"])
    assert result.exit_code == 1, result.output
    assert f"{out / 'meetup'}: error: the disk is full (no space left on device)" in result.output
    assert snapshot(out) == before
    assert [p.name for p in out.iterdir()] == ["meetup"]


@pytest.mark.slow
def test_a_refused_write_names_the_guides_folder_not_the_hidden_set_being_made(tmp_path, monkeypatch):
    def refused(path, content, mode):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    monkeypatch.setattr(write_module, "_write_file", refused)
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["build", str(plan_in(tmp_path)), "-o", str(out), "--edition", "public"])
    assert result.exit_code == 1, result.output
    assert f"{out / 'meetup'}/public" in result.output and ": error: permission denied" in result.output
    assert ".new" not in result.output
