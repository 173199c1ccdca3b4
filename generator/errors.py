"""The one problem type every step reports (where it is, how bad, what to do) and the one error that carries problems.

Anything a user can fix is raised as a `UserError` (or a subclass) and reaches the
command line, the batch runner and the preview as `Problem`s; only the command line
turns them into text. Any other exception is a bug in the tool.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
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
        where = f"{self.file}:{self.line}:{self.column}: " if self.file else ""  # a problem with no file: the command itself
        text = f"{where}{self.severity}: {self.message}"
        if self.rule:
            text += f" [{self.rule}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = ".".join(str(p) for p in self.path)
        return data


class UserError(Exception):
    """Something the user can fix. Carries problems, or one message whose place is not known here."""

    def __init__(self, problems: list[Problem] | str, *, hint: str | None = None):
        if isinstance(problems, str):
            self.message: str | None = problems
            self.hint = hint
            self.problems: list[Problem] = []
            super().__init__(problems)
        else:
            self.message, self.hint = None, None
            self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
            super().__init__("\n".join(str(p) for p in self.problems))

    def problems_at(self, file: str | Path = "") -> list[Problem]:
        """The problems; a bare message is placed at the start of `file` (the plan being built)."""
        if self.message is None:
            return self.problems
        return [Problem(str(file), 1, 1, self.message, hint=self.hint)]


class PlanError(UserError):
    """Raised when a plan cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)


class BuildError(UserError):
    """A build step failed for a reason that is not a position in the plan (a refused file, a leak)."""


def quoted(value: object, limit: int = 60) -> str:
    """A value as quoted in a message: in backticks, on one line, cut short when long."""
    text = " ".join(str(value).split())
    return f"`{text[:limit]}{'...' if len(text) > limit else ''}`"


def path_text(path: Iterable[str | int]) -> str:
    """("responders", 2, "phone") as an organizer reads the YAML: responders[2].phone ("" for the whole plan)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice `value` most likely misspells, or None when none is close."""
    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """The hint "did you mean `x`?" for a misspelt choice, or None."""
    found = closest(value, choices)
    return f"did you mean `{found}`?" if found else None


def internal_error(exc: BaseException, file: str | Path = "") -> Problem:
    """A bug in the tool, as one problem that asks for a report."""
    return Problem(str(file), 1, 1, f"internal error ({type(exc).__name__}: {exc}); this is a bug in incident-guide, please report it "
                   "with the command you ran (--debug shows the traceback)")

