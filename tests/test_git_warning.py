"""`build` warns when guides would land in a git work tree that does not ignore them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import exposed_to_git
from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def test_output_in_a_repository_without_ignore_is_exposed(repo):
    assert exposed_to_git(repo / "output")


def test_ignored_output_is_not_exposed(repo):
    (repo / ".gitignore").write_text("/output/\n")
    assert not exposed_to_git(repo / "output")


def test_outside_any_repository_is_not_exposed(tmp_path):
    assert not exposed_to_git(tmp_path / "guides")


def test_the_projects_own_output_is_ignored():
    assert not exposed_to_git(ROOT / "output")


@pytest.mark.slow
def test_build_prints_the_warning(repo):
    plan = repo / "event.yaml"
    shutil.copy(ROOT / "plans" / "complete-conference.yaml", plan)
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(repo / "output"), "--edition", "public"])
    assert result.exit_code == 0, result.output
    assert "does not ignore it" in result.output
