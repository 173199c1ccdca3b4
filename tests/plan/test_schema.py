"""The committed JSON Schema matches the code, and it accepts the example plans and catches typos."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.plan.load import load_file
from generator.plan.schema import plan_schema, plan_schema_text

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "plan.schema.json"
EXAMPLES = sorted((ROOT / "plans").glob("*.yaml"))


def as_json_data(value):
    """Plain loader data as JSON would hold it: dates and times become ISO strings."""
    if isinstance(value, dict):
        return {key: as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json_data(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_committed_schema_matches_the_code():
    assert COMMITTED.exists(), "schema/plan.schema.json is missing; run `incident-guide schema > schema/plan.schema.json`"
    assert COMMITTED.read_text(encoding="utf-8") == plan_schema_text(), (
        "schema/plan.schema.json is out of date with the plan model; "
        "run `incident-guide schema > schema/plan.schema.json` and commit the result"
    )


def test_schema_is_draft_2020_12():
    schema = plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_there_are_example_plans():
    names = {path.name for path in EXAMPLES}
    assert {"complete-conference.yaml", "foundation-team.yaml", "meetup-leaders.yaml", "conference-team.yaml", "online-community.yaml"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_plans_point_editors_at_the_schema(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/plan.schema.json"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_schema_accepts_example_plan(path: Path, validator):
    data = as_json_data(load_file(path).data)
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    "where",
    [(), ("event",), ("responders", 0), ("rota", 0), ("scenarios", 0)],
    ids=["top", "event", "responder", "shift", "scenario"],
)
def test_schema_rejects_misspelt_key(where, validator):
    data = as_json_data(load_file(ROOT / "plans" / "complete-conference.yaml").data)
    target = data
    for part in where:
        target = target[part]
    key = next(iter(target))
    broken = copy.deepcopy(data)
    node = broken
    for part in where:
        node = node[part]
    node[key + "x"] = node.pop(key)  # e.g. `formatx`, `namex`, `idx`, `startx`
    messages = [error.message for error in validator.iter_errors(broken)]
    assert any("Additional properties are not allowed" in message and f"'{key}x'" in message for message in messages), messages


def test_schema_rejects_wrong_kind(validator):
    data = as_json_data(load_file(ROOT / "plans" / "meetup-leaders.yaml").data)
    data["event"]["kind"] = "party"
    assert not validator.is_valid(data)


@pytest.mark.parametrize("value, ok", [
    ("2027-06-09 08:00", True),
    ("2027-10-31 01:30+00:00", True),  # docs/rules.md: an offset picks the second of a repeated hour
    ("2027-10-31T01:30:00Z", True),
    ("10pm", False),
    ("2027-06-09 08:00 BST", False),
])
def test_schema_shift_times_are_local_with_an_optional_offset(value, ok, validator):
    data = as_json_data(load_file(ROOT / "plans" / "complete-conference.yaml").data)
    data["rota"][0]["start"] = value
    assert validator.is_valid(data) == ok
