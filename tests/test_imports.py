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
print("\\n" + json.dumps({"code": code, "heavy": heavy}))
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


def test_init_does_not_import_weasyprint(tmp_path):
    result = run_command("init", str(tmp_path / "plan.yaml"), "--team", "meetup", cwd=tmp_path)
    assert result["code"] == 0
    assert (tmp_path / "plan.yaml").is_file()
    assert result["heavy"] == []
