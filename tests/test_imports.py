"""Imports stay lazy: commands that do not print never import WeasyPrint (it costs about a second)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Runs one command in a fresh interpreter and reports which heavy modules it loaded.
SCRIPT = """
import json, sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="incident-guide")
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("weasyprint", "pydyf", "fontTools", "cffi", "tinycss2", "cssselect2", "markdown", "icalendar"))
model = "pydantic" in sys.modules or "generator.plan.model" in sys.modules
print("\\n" + json.dumps({"code": code, "heavy": heavy, "model": model}))
"""


def run_command(*args: str, cwd: Path = ROOT) -> dict:
    completed = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=cwd, capture_output=True, text=True,
                               timeout=60, env=_env())
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow  # runs the command in a subprocess
@pytest.mark.parametrize("args", [
    ("--help",),
    ("check", "plans/complete-conference.yaml"),
    ("check", "--format", "json", "plans/complete-conference.yaml"),
    ("schema",),
    ("init", "--help"),
    ("build", "--help"),
    ("serve", "--help"),
], ids=lambda args: " ".join(args))
def test_command_does_not_import_weasyprint(args):
    result = run_command(*args)
    if result["code"] == 2 and args[0] in ("build", "serve"):
        pytest.skip(f"no `{args[0]}` command yet")
    assert result["code"] == 0
    assert result["heavy"] == [], f"`incident-guide {' '.join(args)}` imported {result['heavy']}"


@pytest.mark.slow  # runs the command in a subprocess
def test_init_does_not_import_weasyprint(tmp_path):
    result = run_command("init", str(tmp_path / "plan.yaml"), "--team", "meetup", cwd=tmp_path)
    assert result["code"] == 0
    assert (tmp_path / "plan.yaml").is_file()
    assert result["heavy"] == []


@pytest.mark.slow  # builds in a subprocess first
def test_build_with_nothing_to_do_imports_neither_the_plan_model_nor_weasyprint(tmp_path):
    """A build with nothing to do checks the cache before the plan model (pydantic) is imported; any input change rebuilds."""
    picture = tmp_path / "map.png"
    picture.write_bytes(_png((255, 0, 0)))
    text = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    country: GB\n", "    country: GB\n    directions: \"Side door, see ![map](map.png).\"\n", 1)
    (tmp_path / "minimal.yaml").write_text(text, encoding="utf-8")

    def build(*options: str) -> tuple[str, bool, list[str]]:
        completed = subprocess.run([sys.executable, "-c", SCRIPT, "build", "minimal.yaml", "-o", "out",
                                    "--format", "json", *options], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                   env=_env())
        *document, modules = completed.stdout.strip().splitlines()
        loaded = json.loads(modules)
        assert loaded["code"] == 0, completed.stderr
        return json.loads("\n".join(document))["plans"][0]["status"], loaded["model"], loaded["heavy"]

    assert build()[:2] == ("built", True)
    assert "data:image/png" in (tmp_path / "out" / "minimal" / "volunteer.html").read_text(encoding="utf-8")
    assert build() == ("unchanged", False, [])
    (tmp_path / "minimal.yaml").touch()  # touched, not changed
    assert build() == ("unchanged", False, [])
    picture.write_bytes(_png((0, 0, 255)))  # the picture the guide shows
    assert build()[0] == "built"
    assert build("--paper", "letter")[0] == "built"  # an option
    assert build("--paper", "letter") == ("unchanged", False, [])


def _png(color: tuple[int, int, int]) -> bytes:
    """A 1x1 PNG of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(color))) \
        + chunk(b"IEND", b"")


def test_the_edition_option_offers_the_registry_and_refuses_the_rest():
    from click.testing import CliRunner

    from generator.cli import main
    from generator.render.edition import EDITIONS

    shown = CliRunner().invoke(main, ["build", "--help"], terminal_width=400).output
    assert f"[{'|'.join(EDITIONS)}]" in shown
    refused = CliRunner().invoke(main, ["build", "plan.yaml", "--edition", "brochure"])
    assert refused.exit_code == 2 and "'brochure' is not one of" in refused.output
