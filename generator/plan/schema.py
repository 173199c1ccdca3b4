"""The JSON Schema of a plan, generated from the models; a copy is committed in schema/."""

from __future__ import annotations

import json
from typing import Any

from generator.plan.model import Plan

SCHEMA_ID = "https://incident-guide.example.org/schema/plan.schema.json"
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
    return schema


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
