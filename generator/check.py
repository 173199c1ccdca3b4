"""`check`: load, validate and lint one plan, collecting every problem instead of stopping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import PlanError, Problem
from .lint import lint
from .plan.extends import is_shared_alone, load_plan
from .plan.load import SourceMap
from .plan.model import Plan
from .plan.validate import validate

SHARED_ALONE = ("a shared plan (it has no `event:`), checked alone: its YAML and the values it holds; what needs an event "
                "(the event, venues, team and rota, and references to them) is checked through each event that extends it")


@dataclass
class CheckResult:
    file: Path
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    source: SourceMap | None = None  # positions in the plan, for problems found later (the build's leak check)
    shared: dict[str, str] = field(default_factory=dict)  # the shared plans it extends: real path -> SHA-256 read
    note: str | None = None  # said of the plan as a whole (a shared plan checked without an event)

    def ok(self, strict: bool = False) -> bool:
        return not any(p.severity == "error" or strict for p in self.problems)


def check_plan(path: str | Path, root: str | Path | None = None) -> CheckResult:
    """Check the plan at `path` with the shared plans it extends (inside `root`, the plans' folder tree)."""
    path = Path(path)
    try:
        loaded = load_plan(path, root)
    except PlanError as exc:
        return CheckResult(path, None, exc.problems)
    alone = is_shared_alone(loaded.data)
    try:
        plan = validate(loaded)
    except PlanError as exc:
        if alone:
            return CheckResult(path, None, [p for p in exc.problems if not _needs_event(p)], loaded.source, loaded.shared, SHARED_ALONE)
        return CheckResult(path, None, exc.problems, loaded.source, loaded.shared)
    return CheckResult(path, plan, lint(plan, loaded.source), loaded.source, loaded.shared, SHARED_ALONE if alone else None)


def _needs_event(problem: Problem) -> bool:
    """A top-level section missing from a shared plan, or a phone number read in the event's country: each event gives it."""
    if not problem.path and problem.message.endswith("is missing from the plan"):
        return True
    return "that can be read without a country" in problem.message  # the event's venue or event gives the country
