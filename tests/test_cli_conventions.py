"""Conventions of a Python command line: colour (NO_COLOR, FORCE_COLOR), --quiet and --verbose, help, shell completion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.messages import english
from generator.render.edition import EDITIONS
from generator.report import colour_setting

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)



# --- colour -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({}, None), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, None), ({"FORCE_COLOR": "1"}, True),
    ({"FORCE_COLOR": "0"}, False), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
])
def test_colour_follows_no_color_and_force_color(environ, expected):
    assert colour_setting(environ) is expected


def test_problems_are_coloured_on_a_terminal_or_when_forced_and_plain_otherwise(flawed, misspelt):
    coloured = run("check", flawed, color=True)
    assert "\x1b[31m\x1b[1merror:\x1b[0m" in coloured.stdout and "\x1b[33m\x1b[1mwarning:\x1b[0m" in coloured.stdout
    assert "\x1b[36m\x1b[1mhint:\x1b[0m" in run("check", misspelt, color=True).stdout
    assert "\x1b" not in run("check", flawed).stdout  # a pipe
    assert "\x1b" not in run("check", flawed, color=True, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[31m" in run("check", flawed, env={"FORCE_COLOR": "1"}).stdout
    plain = run("check", flawed, color=True, env={"NO_COLOR": "1"}).stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain


def test_machine_formats_never_hold_colour(flawed):
    for output_format in ("json", "github", "sarif"):
        assert "\x1b" not in run("check", "--format", output_format, flawed, env={"FORCE_COLOR": "1"}).stdout


# --- quiet and verbose -------------------------------------------------------------------------

def test_check_verbose_names_plans_that_pass_and_quiet_prints_problems_and_summary(flawed):
    good = str(ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml")
    verbose = run("check", "-v", flawed, good)
    assert f"{good}: ok" in verbose.stdout.splitlines()
    quiet = run("check", "-q", flawed, good)
    assert f"{good}: ok" not in quiet.stdout and "LEAD-FALLBACK" in quiet.stdout
    assert quiet.stderr == "2 plans checked: 4 errors, 1 warning\n"


@pytest.mark.slow
def test_build_quiet_prints_only_problems_and_the_totals_and_verbose_lists_unchanged_files(tmp_path):
    plan = ROOT / "tests" / "fixtures" / "minimal.yaml"
    quiet = run("build", str(plan), "-o", str(tmp_path), "--edition", "public", "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert (tmp_path / "minimal" / "public.pdf").is_file()
    assert "wrote" not in quiet.output and "status" not in quiet.output and "[1/1]" not in quiet.output
    assert quiet.stdout.splitlines()[-1].startswith("1 plan: 1 built, 0 unchanged, 0 failed in ")
    verbose = run("build", str(plan), "-o", str(tmp_path), "--edition", "public", "--verbose")
    assert f"unchanged {tmp_path / 'minimal' / 'public.pdf'}" in verbose.stdout.splitlines()


# --- build --help --------------------------------------------------------------------------------

def test_build_help_lists_every_output_of_the_editions_registry():
    text = " ".join(run("build", "--help").stdout.split())
    for spec in EDITIONS.values():
        assert f"{spec.name} {english(spec.title)}: " in text
        for suffix in spec.formats:
            assert str(spec.file(suffix)) in text
    assert "private/rota-ID.ics" in text


# --- shell completion ------------------------------------------------------------------------------

def test_shell_completion_as_the_docs_say_completes_commands_and_edition_names():
    env = {**os.environ, "_INCIDENT_GUIDE_COMPLETE": "bash_complete", "COMP_WORDS": "incident-guide build --edition ", "COMP_CWORD": "3"}
    command = [sys.executable, "-c", "from generator.cli import main; main(prog_name='incident-guide')"]
    editions = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert [line.split(",", 1)[1] for line in editions.stdout.splitlines()] == list(EDITIONS)
    env |= {"COMP_WORDS": "incident-guide ch", "COMP_CWORD": "1"}
    assert subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).stdout.splitlines() == ["plain,check"]
    readme = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert '_INCIDENT_GUIDE_COMPLETE=bash_source incident-guide' in readme

