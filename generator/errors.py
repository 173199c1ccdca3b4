"""The one problem type every step reports: where it is, how bad, and what to do."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One finding in a plan, printed like a compiler message: FILE:LINE:COL: error: MESSAGE."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"
    hint: str | None = None
    rule: str | None = None  # a lint rule id, e.g. "TEAM-SIZE"
    path: tuple[Any, ...] = field(default=())  # where in the plan, e.g. ("responders", 0, "phone")

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.rule:
            text += f" [{self.rule}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = ".".join(str(p) for p in self.path)
        return data


class PlanError(Exception):
    """Raised when a plan cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(Exception):
    """A build step failed for a reason that is not a position in the plan (a refused file, a leak)."""


def problems_as_json(problems: list[Problem]) -> str:
    return json.dumps([p.as_json() for p in problems], indent=2, ensure_ascii=False)
