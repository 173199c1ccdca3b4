"""The JSON Schema of a plan, generated from the models; a copy is committed in schema/."""

from __future__ import annotations

import json
from typing import Any

from generator.plan.model import Plan

SCHEMA_ID = "https://incident-guide.example.org/schema/plan.schema.json"


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return schema


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
