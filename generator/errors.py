"""The one problem type every step reports (where it is, how bad, what to do) and the one error that carries problems.

Anything a user can fix is raised as a `UserError` (or a subclass) and reaches the
command line, the batch runner and the preview as `Problem`s; only the command line
turns them into text. Any other exception is a bug in the tool.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

# What a terminal would act on or reorder: control characters (ESC starts a terminal command), bidi controls.
_NOT_FOR_TERMINAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                               "\u2066-\u2069\ufeff]")


def printable(text: object) -> str:
    """TEXT (a path, say) safe to print on a terminal: each control or bidi character written as an escape (\\x1b, \\u202e)."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return _NOT_FOR_TERMINAL.sub(escape, str(text))


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
    # where the thing to change ends (the column after its last character), when known
    end_line: int | None = None
    end_column: int | None = None
    # the event plan whose check found it, when `file` is a shared plan that event extends
    via: str | None = None
    # what an event gives (a section, the country phone numbers are read in): a shared plan checked alone leaves it out
    needs_event: bool = False

    def __str__(self) -> str:
        return self.text()

    def text(self, style: Callable[[str, str], str] = lambda part, _kind: part) -> str:
        """The problem as printed; `style(part, kind)` may colour its parts (kinds: where, error, warning, hint, rule)."""
        # no file: the command itself; line 0: a path with no position in it (an output folder the system refused)
        where = (f"{printable(self.file)}:{self.line}:{self.column}:" if self.line else f"{printable(self.file)}:") if self.file else ""
        text = f"{style(where, 'where')} " if where else ""
        text += f"{style(self.severity + ':', self.severity)} {printable(self.message)}"
        if self.rule:
            text += " " + style(f"[{self.rule}]", "rule")
        if self.via:
            text += f" (found through {printable(self.via)})"
        if self.hint:
            text += f"\n  {style('hint:', 'hint')} {printable(self.hint)}"
        return text

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = ".".join(str(p) for p in self.path)
        if self.via is None:
            del data["via"]  # only a problem in a shared plan says which event it was found through
        del data["needs_event"]  # for `check` to sort problems, not part of the report
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        """The problem as_json() wrote (its path's parts come back as text)."""
        fields = dict(data)
        where = str(fields.pop("path", ""))
        return cls(**fields, path=tuple(where.split(".")) if where else ())


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


_PLAIN_OS_ERRORS = {
    "ENOSPC": "the disk is full (no space left on device)",
    "EDQUOT": "the disk quota is used up",
    "EROFS": "the file system is read-only",
    "EACCES": "permission denied: this user may not write here",
    "EPERM": "permission denied: this user may not write here",
    "ENOTDIR": "a file is in the way where a folder is needed",
    "EISDIR": "a folder is in the way where a file is needed",
    "EEXIST": "something is already in the way",
    "EFBIG": "the file is too large for this file system",
    "EIO": "the disk reported an input/output error",
    "ENOENT": "there is no such file or folder",
}


class FileError(BuildError):
    """The operating system refused to write the guides (disk full, read-only, no permission): printed as PATH: error: MESSAGE."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__([Problem(path, 0, 0, reason)])

    @classmethod
    def from_os_error(cls, error: OSError, default_path: str = "output") -> FileError:
        import errno

        name = errno.errorcode.get(error.errno or 0, "")
        reason = _PLAIN_OS_ERRORS.get(name) or (error.strerror or str(error)).rstrip(".")
        return cls(str(error.filename) if error.filename is not None else default_path, reason)


# --- the one funnel: any exception as what the user sees ------------------------------

INTERNAL_ERROR = 70  # the exit status of a bug in the tool (EX_SOFTWARE), not a problem in the plan
USER_ERROR = 1  # the exit status of a problem the user can fix


class InternalError(Exception):
    """A bug in the tool found in another process (a print worker): its problem, and the traceback it had there."""

    def __init__(self, problems: Iterable[Problem], traceback: str = ""):
        self.problems = list(problems)
        self.traceback = traceback
        super().__init__("\n".join([*(str(p) for p in self.problems), *([traceback] if traceback else [])]))


def internal_error(exc: BaseException, file: str | Path = "") -> Problem:
    """A bug in the tool, as one problem that asks for a report."""
    return Problem(str(file), 1, 1, f"internal error ({type(exc).__name__}: {exc}); this is a bug in incident-guide, please report it "
                   "with the command you ran (--debug shows the traceback)")


def is_internal(exc: BaseException) -> bool:
    """Is `exc` a bug in the tool, rather than something the user can fix (a UserError) or their system's refusal (an OSError)?"""
    return not isinstance(exc, UserError | OSError)


def exit_status(exc: BaseException) -> int:
    return INTERNAL_ERROR if is_internal(exc) else USER_ERROR


def problems_from(exc: BaseException, file: str | Path = "") -> list[Problem]:
    """What any exception means to the user, as problems: the one place that decides "the user's fault or a bug?".

    A UserError: its problems (a bare message placed at the start of `file`). An OSError (disk full,
    read-only, no permission, no such file): the path in plain words, at `file` when the error names
    none (else `output`). A bug found in a worker (InternalError): its problems. Anything else: one
    internal error asking for a report. Stopping (KeyboardInterrupt, SystemExit) is no problem: callers
    let it through.
    """
    if isinstance(exc, UserError):
        return exc.problems_at(file)
    if isinstance(exc, OSError):
        return FileError.from_os_error(exc, str(file) or "output").problems
    if isinstance(exc, InternalError):  # what the worker could not place goes where the caller's other problems go
        return [problem if problem.file else replace(problem, file=str(file)) for problem in exc.problems]
    return [internal_error(exc, file)]


def raise_problems(problems: Iterable[Problem], internal: bool = False, traceback: str = "") -> None:
    """Raise again, in this process, what problems_from() made of an exception elsewhere (a print worker):
    an InternalError for a bug, else a UserError carrying the same problems, positions and all."""
    found = list(problems)
    if not found:
        return
    if internal:
        raise InternalError(found, traceback)
    if len(found) == 1 and not found[0].file and not found[0].rule:  # a bare message: the build places it in its plan
        raise UserError(found[0].message, hint=found[0].hint)
    raise UserError(found)
