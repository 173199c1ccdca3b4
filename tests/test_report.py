"""Problems for machines: `check --format json|github|sarif`, the same positions and rule ids in each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import Problem
from generator.lint import RULES
from generator.report import RULES_PAGE, github_line, rule_url, sarif

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)



def _positions(plan: str) -> list[set[tuple[object, ...]]]:
    """(line, column, end line, end column, rule) of each problem, as JSON, GitHub and SARIF give them."""
    as_json = json.loads(run("check", "--format", "json", plan).stdout)
    from_json = {(p["line"], p["column"], p["end_line"], p["end_column"], p["rule"]) for p in as_json["plans"][0]["problems"]}

    from_github = set()
    for line in run("check", "--format", "github", plan).stdout.splitlines():
        if line.startswith("::"):
            props = dict(item.split("=", 1) for item in line.split(" ", 1)[1].split("::", 1)[0].split(","))
            end = (int(props["endLine"]), int(props["endColumn"])) if "endLine" in props else (None, None)
            from_github.add((int(props["line"]), int(props["col"]), *end, None if props["title"] == "incident-guide" else props["title"]))

    from_sarif = set()
    for result in json.loads(run("check", "--format", "sarif", plan).stdout)["runs"][0]["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        from_sarif.add((region["startLine"], region["startColumn"], region.get("endLine"), region.get("endColumn"), result.get("ruleId")))
    return [from_json, from_github, from_sarif]


def test_every_format_gives_the_same_positions_and_rule_ids(flawed, misspelt):
    linted = _positions(flawed)
    assert linted[0] == linted[1] == linted[2]
    assert {rule for *_, rule in linted[0]} == {"LEAD-FALLBACK", "SHIFT-STAFFING"} and len(linted[0]) == 5
    lines = Path(flawed).read_text(encoding="utf-8").splitlines()
    marked = sorted((rule, lines[line - 1][column - 1:end_column - 1]) for line, column, end_line, end_column, rule in linted[0]
                    if end_line is not None)
    assert marked == [("LEAD-FALLBACK", "lead"), ("SHIFT-STAFFING", "ana"), ("SHIFT-STAFFING", "ana")]  # `role: lead`, the 2nd ana

    [typo] = _positions(misspelt)[0]
    assert _positions(misspelt) == [{typo}] * 3
    line, column, end_line, end_column, rule = typo
    assert rule is None and end_line == line
    assert Path(misspelt).read_text(encoding="utf-8").splitlines()[line - 1][column - 1:end_column - 1] == "nmae"


def test_json_has_end_positions_rule_links_and_per_file_counts_and_nothing_on_stderr(flawed, misspelt):
    result = run("check", "--format", "json", flawed, misspelt, str(ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml"))
    assert result.exit_code == 1 and result.stderr == ""
    report = json.loads(result.stdout)
    first, second, third = report["plans"]
    assert [(plan["errors"], plan["warnings"]) for plan in report["plans"]] == [(4, 1), (1, 0), (0, 0)]
    assert (report["errors"], report["warnings"]) == (5, 1)
    by_rule = {p["rule"]: p for p in first["problems"] + second["problems"]}
    assert by_rule["LEAD-FALLBACK"]["docs"] == f"{RULES_PAGE}#lead-fallback"
    assert by_rule[None]["docs"] is None
    assert by_rule[None]["end_column"] - by_rule[None]["column"] == len("nmae")


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub and mkdocs give the page's headings (lower case, spaces to hyphens, punctuation dropped)."""
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in re.findall(r"^#+ (.+)$", markdown, flags=re.M)}


def test_every_rule_link_is_a_section_of_the_rules_page():
    anchors = _anchors((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    for rule in RULES:
        url = rule_url(rule)
        assert url is not None and url.startswith(RULES_PAGE + "#") and url.split("#")[1] in anchors, rule


def test_github_lines_carry_file_line_and_column_and_escape_what_would_end_a_field():
    problem = Problem("plans/a,b:c.yaml", 12, 5, "100% sure\nor not", severity="warning", hint="do this", rule="TEAM-SIZE",
                      end_line=12, end_column=9)
    assert github_line(problem) == (
        "::warning file=plans/a%2Cb%3Ac.yaml,line=12,col=5,endLine=12,endColumn=9,title=TEAM-SIZE::"
        f"100%25 sure%0Aor not%0Ahint: do this%0A{RULES_PAGE}#team-size")
    assert github_line(Problem("out", 0, 0, "disk full")) == "::error file=out,title=incident-guide::disk full"


def test_github_format_annotates_and_fails_like_text(flawed):
    result = run("check", "--format", "github", "--strict", flawed)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 plan checked: 4 errors, 1 warning"
    assert re.search(r"^::warning file=plan\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=LEAD-FALLBACK::", result.stdout, re.M)


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(flawed):
    result = run("check", "--format", "sarif", flawed)
    assert result.exit_code == 1 and result.stderr == ""
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    [run_] = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert sorted(rule["id"] for rule in rules) == sorted(RULES)
    for result_ in run_["results"]:
        if "ruleId" in result_:
            assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"]
        assert result_["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plan.yaml"


def test_sarif_of_problems_without_a_place_still_validates():
    problems = [Problem("/tmp/out dir/x", 0, 0, "the disk is full"), Problem("", 1, 1, "no file"),
                Problem("plans/ä b.yaml", 3, 1, "bad", rule="TEAM-SIZE", severity="warning")]
    log = sarif(["plans/ä b.yaml"], problems)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    first, second, third = log["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "file:///tmp/out%20dir/x"}}
    assert "locations" not in second
    assert third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plans/%C3%A4%20b.yaml"


def test_a_folder_that_cannot_be_read_is_still_one_document_in_every_machine_format(monkeypatch):
    import generator.plan.discover
    from generator.errors import UserError

    def refuse(paths):
        raise UserError([Problem("plans", 0, 0, "cannot read this folder of plans: Permission denied")])

    monkeypatch.setattr(generator.plan.discover, "_listed", refuse)
    as_json = run("check", "--format", "json", "plans")
    assert as_json.exit_code == 1 and as_json.stderr == ""
    [plan] = json.loads(as_json.stdout)["plans"]
    assert (plan["file"], plan["ok"], plan["errors"]) == ("plans", False, 1)
    log = json.loads(run("check", "--format", "sarif", "plans").stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"][0]["message"]["text"].startswith("cannot read this folder")
    assert run("check", "--format", "github", "plans").stdout.startswith("::error file=plans,title=incident-guide::cannot read")
    assert "cannot read" in run("check", "plans").stderr


@pytest.mark.slow  # checks every bad plan three times, ~2 s
def test_every_bad_fixture_gives_valid_sarif_and_ends_after_starts():
    """The fixtures of broken plans hold every kind of problem the loader and validator report."""
    folder = str(ROOT / "tests" / "fixtures" / "bad")
    log = json.loads(run("check", "--format", "sarif", folder).stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    as_json = json.loads(run("check", "--format", "json", folder).stdout)
    assert len(results) == sum(len(plan["problems"]) for plan in as_json["plans"]) > 50
    github = [line for line in run("check", "--format", "github", folder).stdout.splitlines() if line.startswith("::")]
    assert len(github) == len(results)
    for plan in as_json["plans"]:
        for problem in plan["problems"]:
            if problem["end_line"] is not None:
                assert (problem["end_line"], problem["end_column"]) >= (problem["line"], problem["column"]), problem
