"""The committed JSON Schema matches the code, and it accepts the example plans and catches typos."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator.plan.load import load_file
from generator.plan.schema import EXAMPLES as SCHEMA_EXAMPLES
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


# --- what editors show: descriptions, examples, closed sets, a stable id -------------------

def _properties(node, where="#"):
    """(path, schema) of every property anywhere in a schema."""
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", value
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}/{index}")


def test_every_property_and_definition_has_a_description():
    schema = plan_schema()
    properties = list(_properties(schema))
    assert len(properties) > 150 and len(schema["$defs"]) > 30  # the walk found the plan's properties
    missing = [path for path, value in properties if not value.get("description", "").strip()]
    missing += [f"#/$defs/{name}" for name, value in schema["$defs"].items() if not value.get("description", "").strip()]
    assert schema["description"]
    assert missing == [], ("give each a docstring line under the field in generator/plan/model.py "
                           "(or a class docstring for a definition):\n" + "\n".join(missing))


def test_every_description_is_also_markdown_for_editors():
    def described(node):
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                yield node
            for key, value in node.items():
                if key != "properties":
                    yield from described(value)
                else:  # a property may be called `description` (Level, Action)
                    for item in value.values():
                        yield from described(item)
        elif isinstance(node, list):
            for value in node:
                yield from described(value)

    nodes = list(described(plan_schema()))
    assert len(nodes) > 200
    assert [node["description"] for node in nodes if not node.get("markdownDescription", "").startswith(node["description"])] == []
    event = plan_schema()["$defs"]["Event"]["properties"]
    assert "Example" in event["timezone"]["markdownDescription"] and "Europe/London" in event["timezone"]["markdownDescription"]


def _subschema_validator(schema, node):
    return Draft202012Validator({"$defs": schema["$defs"], **node}, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_examples_are_valid_values_of_their_property():
    schema = plan_schema()
    found = 0
    for path, node in _properties(schema):
        for example in node.get("examples", []):
            found += 1
            errors = [error.message for error in _subschema_validator(schema, node).iter_errors(example)]
            assert errors == [], f"{path}: example {example!r}: {errors}"
    assert found > 80


def test_examples_cover_what_organizers_type():
    event = plan_schema()["$defs"]["Event"]["properties"]
    responder = plan_schema()["$defs"]["Responder"]["properties"]
    for node in (event["name"], event["timezone"], event["code_of_conduct"], responder["phone"], responder["email"]):
        assert node["examples"]


def test_example_values_are_invented():
    text = json.dumps(SCHEMA_EXAMPLES)
    addresses = re.findall(r"[\w.]+@[\w.-]+", text)
    links = re.findall(r"https?://([^/\"]+)", text)
    numbers = re.findall(r"\+[\d ]+\d", text)
    assert addresses and links and numbers
    assert all(address.endswith("@example.org") for address in addresses), addresses
    assert all(host.endswith("example.org") for host in links), links
    assert all(number.startswith("+44 20 7946 0") for number in numbers), numbers  # Ofcom's range for drama


def test_locale_offers_the_shipped_catalogs_and_allows_others():
    from generator.messages import CATALOG_LANGUAGES
    from generator.plan.language import SHIPPED, parse_tag

    schema = plan_schema()
    locale = schema["$defs"]["Event"]["properties"]["locale"]
    offered = next(part["enum"] for part in locale["anyOf"] if "enum" in part)
    assert offered == list(SHIPPED)
    for tag in offered:
        parse_tag(tag)  # CLDR knows each
    languages = {tag.split("-")[0] for tag in offered}
    for catalog in CATALOG_LANGUAGES:  # every catalog is offered, by its language and, where it has one, region
        language, _, region = catalog.partition("_")
        assert language in languages and (not region or f"{language}-{region}" in offered), catalog
    assert languages - {"en"} <= {catalog.split("_")[0] for catalog in CATALOG_LANGUAGES}
    check = _subschema_validator(schema, locale)
    assert check.is_valid("it-IT") and check.is_valid("de")
    assert not check.is_valid("English") and not check.is_valid("en GB")


def test_closed_sets_are_enums():
    defs = plan_schema()["$defs"]
    assert defs["Audience"]["enum"] == ["public", "volunteer", "responder"]
    assert "online-community" in defs["EventKind"]["enum"]
    for name in ("RoleKind", "ChannelKind", "RoomKind", "ResourceKind", "ResponderRole", "RelationKind", "Handling"):
        assert defs[name]["enum"], name
    visibility = defs["Responder"]["properties"]["visibility"]
    assert visibility["additionalProperties"] == {"$ref": "#/$defs/Audience"}
    assert {"phone", "email", "name"} <= set(visibility["propertyNames"]["enum"])


def test_schema_rejects_a_misspelt_visibility_field(validator):
    data = as_json_data(load_file(ROOT / "plans" / "complete-conference.yaml").data)
    data["responders"][0]["visibility"] = {"phon": "responder"}
    assert not validator.is_valid(data)


def test_schema_id_is_a_stable_name_not_an_address_that_never_answers():
    from generator.plan.model import FORMAT_VERSION
    from generator.plan.schema import SCHEMA_ID

    assert SCHEMA_ID == f"urn:incident-guide:plan:{FORMAT_VERSION}"
    assert plan_schema()["$id"] == SCHEMA_ID
    assert json.loads(COMMITTED.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID


def test_init_writes_the_schema_with_the_same_id(tmp_path):
    from generator.init import write_starter

    written = write_starter(tmp_path / "team" / "my-event.yaml", "meetup")
    assert written.schema_written is not None
    copy_ = json.loads(written.schema_written.read_text(encoding="utf-8"))
    assert copy_ == json.loads(COMMITTED.read_text(encoding="utf-8"))
