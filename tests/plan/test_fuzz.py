"""Whatever arrives, load + validate ends in a Plan or in clean PlanErrors, never another exception."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import PlanError
from generator.plan.load import load_bytes, load_text
from generator.plan.model import Plan
from generator.plan.validate import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "plans" / "complete-conference.yaml").read_text(encoding="utf-8")
SMALL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
SPECIAL = [":", ": ", "- ", "-", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!", "!!str ", "|", ">", "'", '"', "%", "@", "`",
           "?", "? ", "<<: ", "~", "\t", "\n", "  ", "---\n", "...", "\\", "\ufeff", "\x85", "\u2028", "\x00", "é", "0x", "08:00"]
# FUZZ_EXAMPLES=5000 python -m pytest tests/plan/test_fuzz.py for a deeper run.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(source: str | bytes) -> Plan | PlanError:
    """Load and validate; any exception other than PlanError fails the test."""
    try:
        loaded = load_bytes(source, "fuzz.yaml") if isinstance(source, bytes) else load_text(source, "fuzz.yaml")
        return validate(loaded)
    except PlanError as error:
        assert error.problems, "a PlanError must carry at least one problem"
        for problem in error.problems:
            assert problem.file == "fuzz.yaml"
            assert isinstance(problem.line, int) and problem.line >= 1
            assert isinstance(problem.column, int) and problem.column >= 1
            assert isinstance(problem.message, str) and problem.message.strip()
            assert "\n" not in problem.message
            assert problem.severity in ("error", "warning")
            str(problem)  # printing never fails
            problem.as_json()
        return error


def test_the_example_plans_are_valid():
    assert isinstance(outcome(EXAMPLE), Plan)
    assert isinstance(outcome(SMALL), Plan)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text):
    outcome(text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    outcome(data)


@FUZZ
@given(st.lists(st.sampled_from(SPECIAL + ["a", "b: ", "x", "1", " "]), max_size=60).map("".join))
def test_random_yaml_punctuation(text):
    outcome(text)


# --- mutations of a valid plan ----------------------------------------------------

@st.composite
def mutated(draw, base: str) -> str:
    lines = base.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "indent", "special", "truncate", "value"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif action == "char" and line:
            at = draw(st.integers(0, len(line) - 1))
            lines[index] = line[:at] + draw(st.characters(codec="utf-8")) + line[at + 1:]
        elif action == "indent":
            change = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
            lines[index] = " " * max(0, len(line) - len(line.lstrip(" ")) + change) + line.lstrip(" ")
        elif action == "special":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(SPECIAL)) + line[at:]
        elif action == "truncate":
            lines[index] = line[: draw(st.integers(0, len(line)))]
        elif action == "value" and ": " in line:
            key = line.split(": ", 1)[0]
            lines[index] = key + ": " + draw(st.sampled_from(
                ["", "~", "[]", "{}", "-1", "0", "99999999999999999999", "1.5", "true", "no", "2027-02-30", "2027-06-09",
                 "2027-06-09 25:00", "x" * 400, "javascript:alert(1)", "+44 20 7946 0000", "not@an@email", "Europe/Nowhere",
                 "ZZ", "*nope", "&x", "!!python/none", "'unclosed", "[a, b", "lead", "team-decision"]))
    return "\n".join(lines)


@pytest.mark.slow  # hundreds of mutated plans, ~2 s
@FUZZ
@given(mutated(EXAMPLE))
def test_mutated_example_plan(text):
    outcome(text)


@pytest.mark.slow  # hundreds of mutated plans
@FUZZ
@given(mutated(SMALL))
def test_mutated_minimal_plan(text):
    outcome(text)


@pytest.mark.slow  # hundreds of mutated plans
@FUZZ
@given(mutated(SMALL).map(lambda text: text.encode("utf-8")), st.binary(max_size=3), st.integers(0, 2000))
def test_mutated_plan_with_stray_bytes(data, stray, where):
    where = min(where, len(data))
    outcome(data[:where] + stray + data[where:])
