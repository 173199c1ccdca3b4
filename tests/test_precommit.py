"""The pre-commit hooks in .pre-commit-hooks.yaml, run by pre-commit itself (`pre-commit try-repo`) in a scratch plan repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_bytes()

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and a git checkout of incident-guide")


@pytest.fixture
def plan_repository(tmp_path) -> Path:
    """An organizer's plan repository: plans/good.yaml, and a YAML file that is not a plan (the hook must leave it alone)."""
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    (repo / "plans" / "good.yaml").write_bytes(GOOD)
    (repo / "ci.yaml").write_text("not: [a plan\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


def _try_repo(repo: Path, hook: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` with this checkout (its uncommitted changes included) on every file of `repo`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env |= {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",  # the installed incident-guide, for -system
        "PIP_CONSTRAINT": str(ROOT / "requirements" / "test.lock"),  # the python hook installs the versions the tests use
        "NO_COLOR": "1",
    }
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def _add_broken_plan(repo: Path) -> None:
    (repo / "plans" / "broken.yaml").write_text("format: [\n", encoding="utf-8")
    _git(repo, "add", ".")


@pytest.mark.slow  # runs pre-commit, which builds
def test_the_installed_hook_passes_a_good_plan_and_fails_a_broken_one(plan_repository, tmp_path):
    if not (Path(sys.executable).parent / "incident-guide").exists():
        pytest.skip("incident-guide is not installed next to this Python")
    passed = _try_repo(plan_repository, "incident-guide-check-system", tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "incident-guide check (installed)" in passed.stdout and "Passed" in passed.stdout

    _add_broken_plan(plan_repository)
    failed = _try_repo(plan_repository, "incident-guide-check-system", tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "plans/broken.yaml:2:1: error: " in failed.stdout
    assert "2 plans checked: 1 error, 0 warnings" in failed.stdout  # good.yaml and broken.yaml; ci.yaml is not a plan
    assert "ci.yaml" not in failed.stdout


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("INCIDENT_GUIDE_INSTALL_TESTS"),
                    reason="installs the package and its dependencies from the package index (about 100 s): "
                           "set INCIDENT_GUIDE_INSTALL_TESTS=1 to run it")
def test_the_hook_that_installs_incident_guide_passes_a_good_plan_and_fails_a_broken_one(plan_repository, tmp_path):
    """pre-commit installs this checkout with its dependencies into a new environment (from the package index):
    about 100 s on the first run of a revision, then it is cached in PRE_COMMIT_HOME."""
    _add_broken_plan(plan_repository)
    started = time.monotonic()
    result = _try_repo(plan_repository, "incident-guide-check", tmp_path)
    print(f"pre-commit installed and ran the hook in {time.monotonic() - started:.0f} s")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "plans/broken.yaml:2:1: error: " in result.stdout
    assert "2 plans checked: 1 error, 0 warnings" in result.stdout
