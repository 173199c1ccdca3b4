"""Every bad plan in tests/fixtures/bad/ fails `check` with exactly the lines in its .expected file.

Each fixture is tests/fixtures/minimal.yaml with one thing broken (or a hostile file).
Regenerate the expected files with `python -m pytest tests/plan/test_bad_plans.py --update-golden`
and read the diff: every line must point at the offending node and read as plain words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import check_plan
from generator.cli import main
from generator.errors import PlanError
from generator.plan import load

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
FIXTURES = sorted(path.name for path in BAD.glob("*.yaml"))


def run_check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_there_are_enough_bad_plans():
    assert len(FIXTURES) >= 40
    assert sorted(path.name for path in BAD.glob("*.expected")) == sorted(name.removesuffix(".yaml") + ".expected" for name in FIXTURES)


def test_minimal_plan_is_valid(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run_check("tests/fixtures/minimal.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 plan checked: 0 errors, 0 warnings\n"


@pytest.mark.parametrize("name", FIXTURES)
def test_bad_plan(name: str, request, monkeypatch):
    monkeypatch.chdir(ROOT)
    relative = f"tests/fixtures/bad/{name}"
    result = run_check(relative)
    expected_file = BAD / (name.removesuffix(".yaml") + ".expected")
    if request.config.getoption("--update-golden"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == expected_file.read_text(encoding="utf-8")
    # every problem line names this file and a position inside it
    raw = (BAD / name).read_bytes()
    line_count = max(raw.count(b"\n") + 1, 1)
    problems = check_plan(relative).problems
    assert problems
    for problem in problems:
        assert problem.file == relative
        assert 1 <= problem.line <= line_count + 1 and problem.column >= 1
        assert problem.message and "Traceback" not in problem.message


def test_fifty_megabyte_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("huge.yaml", "wb") as handle:
        handle.write(MINIMAL.read_bytes())
        handle.write(b"# padding\n" * 5_000_000)
    result = run_check("huge.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        f"huge.yaml:1:1: error: the file is {Path('huge.yaml').stat().st_size:,} bytes long; "
        f"a plan may be at most {load.MAX_BYTES:,} bytes\n"
        "  hint: is this the right file? a complete plan is about 20 kB\n"
    )


def test_fifty_megabytes_in_memory():
    """The byte and text entry points refuse a huge plan before parsing it."""
    big = b"a: " + b"x" * 50_000_000
    with pytest.raises(PlanError) as caught:
        load.load_bytes(big, "big.yaml")
    assert caught.value.problems[0].line == 1
    with pytest.raises(PlanError):
        load.load_text(big.decode("ascii"), "big.yaml")
