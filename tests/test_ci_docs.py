"""docs/ci.md and docs/ci/plans.yml: the documented hook ids, options and commands exist and do what the page says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
WORKFLOW = yaml.safe_load((ROOT / "docs" / "ci" / "plans.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _commands() -> dict[str, list[list[str]]]:
    """The incident-guide commands each job of the workflow runs."""
    found: dict[str, list[list[str]]] = {}
    for name, job in WORKFLOW["jobs"].items():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                if line.strip().startswith("incident-guide "):
                    found.setdefault(name, []).append(shlex.split(line, comments=True)[1:])
    return found


def _parses(args: list[str]) -> None:
    """Raise click's UsageError if the command line is not one incident-guide accepts."""
    ctx = click.Context(main, info_name="incident-guide")
    command = main.get_command(ctx, args[0])
    assert command is not None, args[0]
    command.make_context(args[0], list(args[1:]), parent=ctx)


def test_the_workflow_checks_on_every_push_and_builds_sealed_on_main_only():
    commands = _commands()
    assert commands["check"] == [["check", "--format", "github", "--strict", "plans/"]]
    assert commands["build"] == [["build", "--seal", "--quiet", "plans/", "-o", "output"]]
    for args in commands["check"] + commands["build"]:
        _parses(args)
    on = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1 reads the key `on` as true
    assert "push" in on and "pull_request" in on
    build = WORKFLOW["jobs"]["build"]
    assert build["needs"] == "check" and "refs/heads/main" in build["if"] and "push" in build["if"]
    [sealed] = [step for step in build["steps"] if "--seal" in str(step.get("run", ""))]
    assert sealed["env"] == {"INCIDENT_GUIDE_PASSPHRASE": "${{ secrets.INCIDENT_GUIDE_PASSPHRASE }}"}
    [upload] = [step for step in build["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload["with"]["path"] == "output/"
    assert WORKFLOW["permissions"] == {"contents": "read"}


def test_the_documented_check_annotates_a_broken_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "good.yaml").write_bytes((ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_bytes())
    (tmp_path / "plans" / "broken.yaml").write_text("format: [\n", encoding="utf-8")
    [args] = _commands()["check"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=plans/broken.yaml,line=2,col=1,")
    assert result.stdout.splitlines()[-1] == "2 plans checked: 1 error, 0 warnings"


def test_the_page_uses_the_hooks_that_exist_and_they_pick_plan_files_only():
    ids = {hook["id"] for hook in HOOKS}
    assert ids == {"incident-guide-check", "incident-guide-check-system"}
    for hook_id in ids:
        assert f"`{hook_id}`" in PAGE
    [config] = [block for block in re.findall(r"```yaml\n(.*?)```", PAGE, flags=re.S) if "repos:" in block]
    [repo] = yaml.safe_load(config)["repos"]
    for hook in repo["hooks"]:
        assert hook["id"] in ids
        _parses(["check", *hook.get("args", []), "plans/x.yaml"])
    for hook in HOOKS:
        assert hook["entry"] == "incident-guide check"
        files = re.compile(hook["files"])
        assert files.search("plans/my-event.yaml") and files.search("plans/my-event.yml")
        assert not files.search(".github/workflows/plans.yml") and not files.search(".pre-commit-config.yaml")


def test_a_usage_error_in_a_documented_command_would_be_caught():
    try:
        _parses(["check", "--format", "gitlab", "plans/"])
    except click.UsageError:
        return
    raise AssertionError("an unknown format parsed")
