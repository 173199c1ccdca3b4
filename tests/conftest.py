"""Shared test setup: the --update-golden flag, the slow mark and its guard (a fast test prints no PDF), one build of the
example plan, plan variants, a fixed today."""

from __future__ import annotations

import datetime as dt
import importlib.abc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# The tests import the checkout's code as `generator` (installed, the same code is `incident_guide`); so do the
# processes they start (`python -m generator.cli`, print workers), wherever they run.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"

# REVIEW-DATE compares a plan without event dates (plans/foundation-team.yaml, an online
# project) with the day `check` runs, so a test that checks the example plans with no
# warnings would start failing a year after their `last_reviewed`. Such tests pin the
# lint's today to a date shortly after the example plans were last reviewed (autumn 2026).
EXAMPLE_PLANS_TODAY = dt.date(2026, 12, 1)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files (tests/golden/, tests/fixtures/bad/*.expected) from the current output; review the diff.")


SLOW_FIXTURES = {"browser", "example_guides"}  # Chromium; the example plan printed to PDF


def pytest_collection_modifyitems(config, items):
    """A test that drives Chromium or prints the example plan is slow: `pytest -m "not slow"` leaves it out."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


PRINTS_A_PDF = "this test prints a PDF: mark it slow (@pytest.mark.slow) or build with pdf=False"


def _refused(*_: object, **__: object) -> None:
    pytest.fail(PRINTS_A_PDF, pytrace=False)


class _NoPrintWorkers:
    """PrintWorkers in a test not marked slow: a build starts them before it reads the plan, so a build that fails
    early stays a fast test; these start no process, and printing with them fails the test."""

    def __init__(self, workers: int) -> None:
        pass

    def __enter__(self) -> _NoPrintWorkers:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def close(self, stop: bool = False) -> None:
        pass

    __call__ = staticmethod(_refused)


# What prints a PDF, by the module that holds it (owner, name, stand-in): the guard below puts in the stand-ins.
PRINTERS = {
    "weasyprint": ("Document", "write_pdf", _refused),  # WeasyPrint's own writer (HTML.write_pdf calls it too)
    "generator.render.pdf": (None, "render_pdf", _refused),  # the print step, in this process
    "generator.printing": (None, "PrintWorkers", _NoPrintWorkers),  # the print workers (they print in their processes)
    "generator.batch": (None, "pool_context", _refused),  # the build workers of many plans, and the forkserver: they print
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """`pytest -m "not slow"` prints no PDF: in a test not marked slow (its fixtures included) printing fails it."""
    if item.get_closest_marker("slow"):
        yield
        return
    with pytest.MonkeyPatch.context() as patch, _after_import(PRINTERS, lambda module: _stand_in(module, patch)):
        yield


def _stand_in(module: ModuleType, patch: pytest.MonkeyPatch) -> None:
    owner, name, stand_in = PRINTERS[module.__name__]
    patch.setattr(getattr(module, owner) if owner else module, name, stand_in)


@contextmanager
def _after_import(names: dict[str, object], then: Callable[[ModuleType], None]) -> Iterator[None]:
    """Call then(module) for each module in `names` now if it is imported, else once it is (WeasyPrint is imported
    only by a test that needs it)."""
    for name in names:
        if name in sys.modules:
            then(sys.modules[name])
    finder = _AfterImport(names, then)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _AfterImport(importlib.abc.MetaPathFinder):
    def __init__(self, names: dict[str, object], then: Callable[[ModuleType], None]) -> None:
        self.names, self.then = names, then

    def find_spec(self, name, path, target=None):
        if name not in self.names:
            return None
        for finder in sys.meta_path:
            spec = None if finder is self or not hasattr(finder, "find_spec") else finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_then(module: ModuleType) -> None:
            exec_module(module)
            self.then(module)

        spec.loader.exec_module = exec_then
        return spec


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright, one per test module; the test is skipped when it is not installed."""
    from browser import CHROMIUM, launch_chromium

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def example_plans_today(monkeypatch) -> dt.date:
    """Pin the date the lint rules take as today (REVIEW-DATE) to EXAMPLE_PLANS_TODAY."""
    import generator.lint as lint

    monkeypatch.setattr(lint, "_today", lambda: EXAMPLE_PLANS_TODAY)
    return EXAMPLE_PLANS_TODAY


@pytest.fixture(scope="session")
def example_guides(tmp_path_factory) -> dict[str, Path]:
    """The example plan's guides, built once per session: {"volunteer.pdf": path, "private/responder.pdf": ...}."""
    from generator.build import build_plan

    out = tmp_path_factory.mktemp("guides")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        written = build_plan(EXAMPLE, out)
    return {path.relative_to(out / EXAMPLE.stem).as_posix(): path for path in written}


@pytest.fixture
def write_plan(tmp_path):
    """write_plan(change, name="plan") writes a copy of the example plan after change(data) edits it."""

    def write(change=None, name: str = "plan", folder: Path | None = None) -> Path:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        if change:
            change(data)
        folder = folder or tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def no_colour_settings(monkeypatch):
    """A developer's or CI's NO_COLOR / FORCE_COLOR must not change what the tests read; tests that need one set it."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


LINT_BASE = ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml"


@pytest.fixture
def flawed(tmp_path, monkeypatch) -> str:
    """A plan with a rule's warning (ana has no fallback) and rules' errors (ana alone on two shifts, once twice)."""
    monkeypatch.chdir(tmp_path)
    text = LINT_BASE.read_text(encoding="utf-8").replace("    fallback: ben\n", "", 1).replace("lead: ana, responders: [cai]}", "lead: ana, responders: [ana]}")
    Path("plan.yaml").write_text(text, encoding="utf-8")
    return "plan.yaml"


@pytest.fixture
def misspelt(tmp_path, monkeypatch) -> str:
    """A plan with an error no rule reports, and a hint: a misspelt key."""
    monkeypatch.chdir(tmp_path)
    Path("typo.yaml").write_text(LINT_BASE.read_text(encoding="utf-8").replace("    name: Ben Example\n", "    nmae: Ben Example\n", 1), encoding="utf-8")
    return "typo.yaml"
