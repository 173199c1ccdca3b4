"""The docs stay true: every code block runs (or is marked as output), and the plan reference matches the schema.

A ```sh block runs; all of a page's ```sh blocks run in order in one shell, from an empty
folder (docs/tutorial.md from `init` to sealed guides). A ```yaml block holds top-level keys
of a plan; each is checked against the plan's schema. A ```text block is output, shown as an
example and not run. Any other kind of block is an error, so nothing untested slips in.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.lint import RULES
from generator.plan.schema import plan_schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Generated pages with tests of their own (wording.md: catalogs; rules.md and reference.md:
# below), and the CI recipe, whose workflow is tested with it.
OWN_TESTS = {"rules.md", "wording.md", "reference.md", "ci.md"}
PAGES = sorted(path for path in DOCS.glob("*.md") if path.name not in OWN_TESTS)
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```$", re.M | re.S)


def blocks(path: Path) -> list[tuple[str, str]]:
    return [(match.group(1).strip(), match.group(2)) for match in FENCE.finditer(path.read_text(encoding="utf-8"))]


def test_the_docs_pages_are_there():
    names = {path.name for path in PAGES}
    assert {"tutorial.md", "recipes.md", "commands.md", "writing-plans.md", "privacy.md", "internals.md"} <= names


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_every_block_is_run_checked_or_output(path):
    kinds = {kind for kind, _ in blocks(path)}
    assert kinds <= {"sh", "yaml", "text"}, f"{path.name}: blocks must be sh (run), yaml (checked) or text (output): {kinds}"


@pytest.mark.parametrize("path", [path for path in PAGES if any(kind == "yaml" for kind, _ in blocks(path))],
                         ids=lambda path: path.name)
def test_yaml_blocks_are_valid_plan_parts(path):
    schema = plan_schema()
    for kind, text in blocks(path):
        if kind != "yaml":
            continue
        data = yaml.safe_load(text)
        assert isinstance(data, dict) and data, text
        for key, value in data.items():
            assert key in schema["properties"], f"{path.name}: `{key}` is not a top-level key of a plan"
            node = {"$defs": schema["$defs"], **schema["properties"][key]}
            errors = [error.message for error in Draft202012Validator(node).iter_errors(_as_json(value))]
            assert errors == [], f"{path.name}: {key}: {errors}"


def _as_json(value):
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.slow
@pytest.mark.parametrize("path", [path for path in PAGES if any(kind == "sh" for kind, _ in blocks(path))],
                         ids=lambda path: path.name)
def test_sh_blocks_run_from_an_empty_folder(path, tmp_path):
    script = "set -euo pipefail\n" + "\n".join(text for kind, text in blocks(path) if kind == "sh")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "INCIDENT_GUIDE_PASSPHRASE": "copper lantern meadow forty", "HOME": str(tmp_path)}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    if path.name == "tutorial.md":
        out = tmp_path / "our-meetup" / "output" / "our-meetup"
        assert (out / "volunteer.pdf").read_bytes().startswith(b"%PDF")
        assert b"%PDF" not in (out / "private" / "responder.html").read_bytes()
        assert not list((out / "private").glob("*.ics"))  # sealed: the calendars are inside the locked page
        assert "Our incident response plan" in subprocess.run(
            ["git", "log", "--format=%s"], cwd=tmp_path / "our-meetup", capture_output=True, text=True).stdout


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_plan_reference_matches_the_schema():
    text = _script("make_reference").reference_text(plan_schema())
    assert (DOCS / "reference.md").read_text(encoding="utf-8") == text, (
        "docs/reference.md is out of date with the plan model: run `python scripts/make_reference.py` and commit it")


def test_the_plan_reference_lists_every_key():
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    schema = plan_schema()
    for name, definition in schema["$defs"].items():
        assert f"## {name}\n" in text
        for key in definition.get("properties", {}):
            assert f"| `{key}` |" in text, f"{name}.{key}"


def test_the_rules_page_matches_the_rule_declarations():
    text = _script("make_rules").rules_text(RULES.values())
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == text, (
        "docs/rules.md is out of date with the rules declared in generator/lint/rules/: run `python scripts/make_rules.py` "
        "and commit it")


def test_the_rules_page_has_a_section_for_each_rule_in_order():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert re.findall(r"^## ([A-Z][A-Z0-9-]+)$", text, flags=re.M) == list(RULES)
    for rule in RULES.values():
        assert f"## {rule.id}\n\n**{rule.severity}** · " in text


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda rule: rule.id)
def test_the_rules_each_have_an_explanation_and_bad_and_good_yaml(rule):
    assert rule.explanation and rule.bad != rule.good, rule.id
    for example in (rule.bad, rule.good, *(text for _, text in rule.also)):
        data = yaml.safe_load(example)
        assert isinstance(data, dict) and data, example  # top-level keys of a plan, as the page says
        assert set(data) <= set(plan_schema()["properties"]), example


def test_relative_links_in_the_docs_and_readme_resolve():
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: {target}"
