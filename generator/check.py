"""`check`: load, validate and lint one plan, collecting every problem instead of stopping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PlanError, Problem
from generator.plan.lint import lint
from generator.plan.load import SourceMap, load_file
from generator.plan.model import Plan
from generator.plan.validate import validate


@dataclass
class CheckResult:
    file: Path
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    source: SourceMap | None = None  # positions in the plan, for problems found later (the build's leak check)

    def ok(self, strict: bool = False) -> bool:
        return not any(p.severity == "error" or strict for p in self.problems)


def check_plan(path: str | Path) -> CheckResult:
    path = Path(path)
    try:
        loaded = load_file(path, keep_going=True)
        plan = validate(loaded)
    except PlanError as exc:
        return CheckResult(path, None, exc.problems)
    return CheckResult(path, plan, lint(plan, loaded.source), loaded.source)
