"""The JSON Schema of a plan, generated from the models; a copy is committed in schema/.

The models give every property and definition its description (a test fails when one
is missing). This module adds what editors show beside it and the models do not say:
`examples` for the values organizers type, the names `visibility` takes, and a
`markdownDescription` (hover text in editors with the YAML language server) that
also shows the examples and the default.

The `$id` is a name, not an address: `urn:incident-guide:plan:FORMAT`. The tool has no
web site that could serve the schema, so an `https://` id would be an address that never
answers (and a tool that follows `$id` would try it). Editors find the schema through a
plan's `$schema=` line, a path to `schema/plan.schema.json` or to the copy `init` writes
beside the plan; both copies carry this one id, so a validator that caches schemas by id
knows them for the same schema. It changes only with the plan format (`format:`), when a
plan written for one format may stop being valid for the next.
"""

from __future__ import annotations

import json
from typing import Any

from .model import FORMAT_VERSION, Plan, Responder

SCHEMA_ID = f"urn:incident-guide:plan:{FORMAT_VERSION}"

# Values an organizer types, by definition and property ("Plan" is the top level). All
# invented: example.org addresses, phone numbers from ranges kept for drama.
EXAMPLES: dict[str, dict[str, list[Any]]] = {
    "Event": {
        "name": ["PyData Harbourside 2027", "Rust Meetup Leeds"],
        "organiser": ["Harbourside Python Society"],
        "starts": ["2027-06-09"],
        "ends": ["2027-06-11"],
        "timezone": ["Europe/London", "America/Chicago", "Europe/Berlin"],
        "country": ["GB", "US", "DE"],
        "emergency_number": ["112", "none"],
        "languages": [["en"], ["de", "en"]],
        "locale": ["en-GB", "de-DE"],
        "website": ["https://conf.example.org/"],
        "logo": ["logo.png"],
        "code_of_conduct": ["https://conf.example.org/code-of-conduct"],
        "reporting_guidelines": ["https://conf.example.org/code-of-conduct/reporting"],
        "last_reviewed": ["2027-04-01"],
    },
    "OnCallHours": {"start": ["08:00"], "end": ["22:00", "24:00"]},
    "Venue": {
        "id": ["main-venue"],
        "name": ["Harbourside Conference Centre"],
        "address": [["1 Quay Street", "London", "SE1 9ZZ"]],
        "country": ["GB"],
        "emergency_number": ["999"],
        "directions": ["Enter from Quay Street; the loading bay is round the back."],
    },
    "Number": {"label": ["Police (non-emergency)"], "number": ["101", "+44 20 7946 0999"],
               "when": ["Theft or trespassing; for violence dial the emergency number."]},
    "Contact": {"name": ["Venue security"], "phone": ["+44 20 7946 0200"], "where": ["Ground floor, by the main entrance"]},
    "Room": {"name": ["Quiet room"], "where": ["Room 2.14, second floor, past the lifts"]},
    "Role": {"id": ["volunteers", "board"], "name": ["Volunteers", "Board of directors"]},
    "Responder": {
        "id": ["priya"],
        "name": ["Priya Raman"],
        "pronouns": ["she/her", "they/them"],
        "phone": ["+44 20 7946 0101"],
        "email": ["priya@example.org"],
        "chat": ["Signal: priya.42"],
        "languages": [["en", "ta"]],
        "how_to_recognise": ["Orange lanyard and a green scarf"],
        "fallback": ["jonah"],
        "visibility": [{"phone": "responder"}],
    },
    "Shift": {"start": ["2027-06-09 08:00"], "end": ["2027-06-09 14:00"], "lead": ["priya"], "responders": [["jonah"]]},
    "Channel": {
        "label": ["Incident hotline", "E-mail the response team"],
        "phone": ["+44 20 7946 0300"],
        "email": ["conduct@example.org"],
        "link": ["https://conf.example.org/report"],
        "where": ["The info desk in the main hall"],
        "hours": ["During the event, 08:00-22:00"],
        "staffed_by": [["priya", "jonah"]],
    },
    "Reporting": {"recognise_responders": ["Responders wear orange lanyards."], "chain": [["volunteers", "response-team", "board"]]},
    "Appeals": {"how": ["Write to the board within two weeks; anyone involved steps aside."], "to": [["board"]]},
    "Step": {"title": ["Receive the report", "Assess impact and risk"]},
    "TakingReports": {"ask": [["Do you need anything right now?", "Is there anything else we should know?"]],
                      "do": [["Find a private place to talk."]], "do_not": [["Promise a particular outcome."]]},
    "InformationToGather": {"items": [["When and where did it happen?", "Is it still going on?"]]},
    "FormField": {"label": ["When did it happen?"], "help": ["Date and time, as exactly as you can"], "lines": [3],
                  "choices": [["yes", "no", "not sure"]]},
    "Level": {"id": ["low", "high"], "name": ["Low", "High"]},
    "Resource": {"name": ["Local rape crisis centre"], "phone": ["+44 20 7946 0555"], "link": ["https://help.example.org/"]},
    "Action": {"name": ["Verbal warning", "Asked to leave"], "duration": ["three months"]},
    "Definition": {"term": ["Critical incident"]},
    "Scenario": {"id": ["banned-person"], "title": ["A banned person tries to enter"],
                 "applies_when": ["Someone on the banned list is at the door or inside."],
                 "escalate_to": [["response-team"]]},
    "ScenarioStep": {"do": ["Stay calm and keep your distance."], "say": ["Thank you for telling me."]},
    "Timeline": {"what": ["Acknowledge the report"], "within": ["24 hours", "one week"]},
    "Communication": {"secure_channel": ["A Signal group of the responders"], "spokespeople": [["lead"]]},
    "Waiver": {"rule": ["TEAM-SIZE"], "reason": ["A two-person meetup team: both leaders handle every report."]},
    "Plan": {"format": [1], "report_form_audience": ["volunteer"]},
}


def _definition(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema if name == "Plan" else schema["$defs"][name]


def _add_examples(schema: dict[str, Any]) -> None:
    for name, fields in EXAMPLES.items():
        properties = _definition(schema, name)["properties"]
        for field, examples in fields.items():
            properties[field]["examples"] = examples


def _markdown(node: dict[str, Any]) -> str:
    text = str(node["description"])
    if node.get("format") == "markdown" or any(part.get("format") == "markdown" for part in node.get("anyOf", [])):
        text += "\n\nMarkdown: `*emphasis*`, `**strong**`, lists and links."
    if node.get("default") not in (None, [], {}):
        text += f"\n\nDefault: `{json.dumps(node['default'], ensure_ascii=False)}`"
    if "examples" in node:
        shown = ", ".join(f"`{json.dumps(example, ensure_ascii=False)}`" for example in node["examples"])
        text += f"\n\nExample{'s' if len(node['examples']) > 1 else ''}: {shown}"
    return text


def _add_markdown_descriptions(node: Any) -> None:
    """Every description also as `markdownDescription`, which the YAML language server shows on hover."""
    if isinstance(node, dict):
        for value in node.values():
            _add_markdown_descriptions(value)
        if isinstance(node.get("description"), str):
            node["markdownDescription"] = _markdown(node)
    elif isinstance(node, list):
        for value in node:
            _add_markdown_descriptions(value)


# `extends` is read by the loader (generator.plan.extends) before the plan is validated, so it is not a model field.
EXTENDS = {
    "description": "The shared plan(s) this plan builds on, relative to this file, inside the plans' folder tree "
                   "(docs/networks.md). This plan is laid over them: mappings merge key by key; lists whose items all have an "
                   "`id` merge by id (an item with the same id replaces the shared one, new ids are added, `{id: x, remove: true}` "
                   "removes the shared item x); other lists and values are replaced whole; this plan's values win.",
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}],
}


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    schema["properties"] = {"extends": EXTENDS, **schema["properties"]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    visibility = schema["$defs"]["Responder"]["properties"]["visibility"]
    visibility["propertyNames"] = {"enum": sorted(set(Responder.model_fields) - {"id", "visibility", "waivers"})}
    _add_examples(schema)
    _add_markdown_descriptions(schema)
    return schema


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
