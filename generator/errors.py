"""The one problem type every step reports: where it is, how bad, and what to do."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

# What a terminal would act on or reorder: control characters (ESC starts a terminal command), bidi controls.
_NOT_FOR_TERMINAL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                               "\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """TEXT safe to print on a terminal: each control or bidi character written as an escape (\\x1b, \\u202e)."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return _NOT_FOR_TERMINAL.sub(escape, text)


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
    path: tuple = field(default=())  # where in the plan, e.g. ("responders", 0, "phone")

    def __str__(self) -> str:
        text = f"{printable(self.file)}:{self.line}:{self.column}: {self.severity}: {printable(self.message)}"
        if self.rule:
            text += f" [{self.rule}]"
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text

    def as_json(self) -> dict:
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
}


class FileError(BuildError):
    """The operating system refused to write the guides (disk full, read-only, no permission): printed as PATH: error: MESSAGE."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{printable(path)}: error: {printable(reason)}")

    @classmethod
    def from_os_error(cls, error: OSError, default_path: str = "output") -> FileError:
        import errno

        name = errno.errorcode.get(error.errno or 0, "")
        reason = _PLAIN_OS_ERRORS.get(name) or (error.strerror or str(error)).rstrip(".")
        return cls(str(error.filename) if error.filename is not None else default_path, reason)
