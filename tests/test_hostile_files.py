"""Files that are not files: a FIFO or a device as the plan or a picture is refused at once, never waited on;
a picture named only in a field that is never rendered is neither read nor recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "templates" / "starters" / "meetup.yaml"
# Generous: a hang is what is tested, not speed (the real refusal takes well under a second).
HANG = 120

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, check=False, capture_output=True, text=True,
                          timeout=HANG, env={**os.environ, "PYTHONPATH": str(ROOT)})


def starter(folder: Path, directions: str | None = None, hours: str | None = None) -> Path:
    text = STARTER.read_text(encoding="utf-8")
    if directions:
        text = text.replace('    name: "CHANGE ME: where you meet"\n',
                            f'    name: "CHANGE ME: where you meet"\n    directions: "{directions}"\n')
    if hours:
        text = text.replace("      hours: Read within a day\n", f'      hours: "{hours}"\n')
    plan = folder / "meetup.yaml"
    plan.write_text(text, encoding="utf-8")
    return plan


@pytest.mark.slow  # runs the command in a subprocess
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_plan_that_is_a_fifo_is_refused(tmp_path, command):
    os.mkfifo(tmp_path / "plan.yaml")
    result = run(command, "plan.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "plan.yaml:1:1: error: cannot read the plan: it is not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # runs the command in a subprocess
def test_a_plan_that_is_a_device_is_refused(tmp_path):
    result = run("check", "/dev/zero", cwd=tmp_path)
    assert result.returncode == 1
    assert "/dev/zero:1:1: error: cannot read the plan: it is not a regular file" in result.stdout


@pytest.mark.slow  # runs the command in a subprocess
@pytest.mark.parametrize("picture", ["pipe.png", "file:///dev/zero"])
def test_a_picture_that_is_a_fifo_or_a_device_is_refused(tmp_path, picture):
    os.mkfifo(tmp_path / "pipe.png")
    starter(tmp_path, directions=f"See ![map]({picture}).")
    result = run("build", "meetup.yaml", "--edition", "volunteer", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    refusal = next(line for line in result.stdout.splitlines() if "error: refused to use `" in line)
    assert picture.removeprefix("file://") in refusal and "Traceback" not in result.stderr
    assert not (tmp_path / "output" / "meetup").exists()


@pytest.mark.slow  # builds in a subprocess
def test_a_picture_in_a_field_never_rendered_is_neither_read_nor_recorded(tmp_path):
    (tmp_path / "map.png").write_bytes(_png())
    os.mkfifo(tmp_path / "pipe.png")  # opening it for reading would hang the build
    plan = starter(tmp_path, directions="See ![map](map.png).", hours="![x](pipe.png) ![y](file:///etc/hostname)")
    result = run("build", "meetup.yaml", "--edition", "volunteer", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads((tmp_path / "output" / "meetup" / ".build.json").read_text())
    uses = sorted(name for name in record["files"] if name.startswith("uses:"))
    assert uses == [f"uses:{(tmp_path / 'map.png').resolve().as_posix()}"]
    assert "hostname" not in json.dumps(record) and "pipe.png" not in json.dumps(record)
    assert "data:image/png;base64," in (tmp_path / "output" / "meetup" / "volunteer.html").read_text()
    # The cache checks the same list again: unchanged, and a new map rebuilds.
    assert "unchanged" in run("build", "meetup.yaml", "--edition", "volunteer", cwd=tmp_path).stdout
    (tmp_path / "map.png").write_bytes(_png(2))
    assert " built " in run("build", "meetup.yaml", "--edition", "volunteer", cwd=tmp_path).stdout
    assert plan.exists()


def _png(size: int = 1) -> bytes:
    """A tiny valid PNG of size x size grey pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
