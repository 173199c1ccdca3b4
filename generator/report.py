"""How problems are printed: text (coloured on a terminal), JSON, GitHub workflow commands and SARIF 2.1.0.

Every format gives the same positions and the same rule ids: lines and columns count
from 1, columns in characters (Unicode code points), and an end is the column just
after the last character of the thing to change (SARIF's convention). A problem whose
end is not known has none (null in JSON, left out of the others).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

import click

from . import __version__
from .errors import Problem

FORMATS = ("text", "json", "github", "sarif")
# The rules page (docs/rules.md); a rule's section is its id in lower case, as GitHub and mkdocs make anchors.
RULES_PAGE = "https://incident-guide.example.org/docs/rules.md"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

_COLOURS: dict[str, dict[str, Any]] = {
    "where": {"bold": True},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "hint": {"fg": "cyan", "bold": True},
    "rule": {"dim": True},
}


def colour_setting(environ: dict[str, str] | None = None) -> bool | None:
    """Whether to colour: False under NO_COLOR, True under FORCE_COLOR, None to let click decide (a terminal, not a pipe).

    As https://no-color.org says, NO_COLOR set to anything but the empty string turns colour off,
    and it wins over FORCE_COLOR; FORCE_COLOR=0 (or false) also means no colour, as in Node.
    """
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    forced = env.get("FORCE_COLOR")
    if forced:
        return forced.lower() not in ("0", "false")
    return None


def styled(problem: Problem) -> str:
    """The problem as text with ANSI colours; click.echo drops them when colour is off."""
    return problem.text(lambda part, kind: click.style(part, **_COLOURS[kind]) if kind in _COLOURS else part)


def summary(plans: int, errors: int, warnings: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"
    return f"{count(plans, 'plan')} checked: {count(errors, 'error')}, {count(warnings, 'warning')}"


def rule_url(rule: str | None) -> str | None:
    """The rule's section of the rules page, or None for a problem no rule reports (a typo in a key, a bad date)."""
    return f"{RULES_PAGE}#{rule.lower()}" if rule else None


def counts(problems: Sequence[Problem]) -> dict[str, int]:
    return {"errors": sum(p.severity == "error" for p in problems), "warnings": sum(p.severity == "warning" for p in problems)}


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem for `--format json`: its fields, its end (null when not known) and its rule's documentation."""
    return {**problem.as_json(), "docs": rule_url(problem.rule)}


def plan_json(file: str | Path, ok: bool, problems: Sequence[Problem]) -> dict[str, Any]:
    """One plan's entry: the file, whether it passed, its counts and its problems."""
    return {"file": str(file), "ok": ok, **counts(problems), "problems": [problem_json(p) for p in problems]}


def report_json(plans: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole document: the plans' entries and the totals."""
    return {"plans": plans, "errors": sum(p["errors"] for p in plans), "warnings": sum(p["warnings"] for p in plans)}


# --- GitHub Actions workflow commands -------------------------------------------------------

def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=RULE::MESSAGE`, an annotation on the line in a workflow run.

    The file is written as given (relative to the repository when the workflow runs from its root);
    a problem with no position (line 0) annotates the file, one with no file the run.
    """
    command = "warning" if problem.severity == "warning" else "error"
    properties = []
    if problem.file:
        properties.append(("file", problem.file))
    if problem.file and problem.line:
        properties += [("line", str(problem.line)), ("col", str(problem.column))]
        if problem.end_line is not None and problem.end_column is not None:
            properties += [("endLine", str(problem.end_line)), ("endColumn", str(problem.end_column))]
    properties.append(("title", problem.rule or "incident-guide"))
    message = problem.message + (f"\nhint: {problem.hint}" if problem.hint else "")
    if problem.rule:
        message += f"\n{rule_url(problem.rule)}"
    return f"::{command} {','.join(f'{key}={_property(value)}' for key, value in properties)}::{_data(message)}"


# --- SARIF 2.1.0 ---------------------------------------------------------------------------

def _artifact_uri(file: str) -> str:
    path = PurePath(file)
    if path.is_absolute():
        return Path(path).as_uri()
    return quote(path.as_posix())


def _region(problem: Problem) -> dict[str, int]:
    region = {"startLine": problem.line, "startColumn": problem.column}
    if problem.end_line is not None and problem.end_column is not None:
        region |= {"endLine": problem.end_line, "endColumn": problem.end_column}
    return region


def sarif(files: Sequence[str | Path], problems: Sequence[Problem]) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run: every rule the tool has, and a result per problem.

    Problems that no rule reports (the plan's YAML and format) have no ruleId; their
    message and place are the same as in the other formats.
    """
    from .lint import RULES

    rule_ids = sorted(RULES)
    rules = [{
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "helpUri": rule_url(rule.id),
        "defaultConfiguration": {"level": rule.severity},
    } for rule in (RULES[name] for name in rule_ids)]
    uris = {str(file): _artifact_uri(str(file)) for file in files}
    results = []
    for problem in problems:
        result: dict[str, Any] = {
            "level": "warning" if problem.severity == "warning" else "error",
            "message": {"text": problem.message + (f" (hint: {problem.hint})" if problem.hint else "")},
        }
        if problem.rule in RULES:
            result |= {"ruleId": problem.rule, "ruleIndex": rule_ids.index(problem.rule)}
        if problem.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": uris.get(problem.file) or _artifact_uri(problem.file)}}
            if problem.line:
                location["region"] = _region(problem)
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "incident-guide", "version": __version__, "informationUri": RULES_PAGE, "rules": rules}},
            "artifacts": [{"location": {"uri": uri}} for uri in uris.values()],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
