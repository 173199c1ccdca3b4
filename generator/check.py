"""`check`: load, validate and lint one plan, collecting every problem instead of stopping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import PlanError, Problem
from .lint import lint
from .plan.extends import is_shared_alone, load_plan
from .plan.load import LoadedPlan, SourceMap
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


def check_plan(path: str | Path, root: str | Path | None = None, loaded: LoadedPlan | PlanError | None = None) -> CheckResult:
    """Check the plan at `path` with the shared plans it extends (inside `root`, the plans' folder tree).

    `loaded` is the plan as already read (or the error reading it gave, discover.Network.loaded): it is not read again.
    """
    path = Path(path)
    if isinstance(loaded, PlanError):
        return CheckResult(path, None, loaded.problems)
    if loaded is None:
        try:
            loaded = load_plan(path, root)
        except PlanError as exc:
            return CheckResult(path, None, exc.problems)
    try:
        plan = validate(loaded)
    except PlanError as exc:
        if is_shared_alone(loaded.data):
            return CheckResult(path, None, [p for p in exc.problems if not p.needs_event], loaded.source, loaded.shared, SHARED_ALONE)
        return CheckResult(path, None, exc.problems, loaded.source, loaded.shared)
    return CheckResult(path, plan, lint(plan, loaded.source), loaded.source, loaded.shared)
