"""`show`: a plan merged with the shared plans it extends, as YAML, each value with where it was written.

Like `git config --show-origin`: every value line ends with `# from FILE:LINE`, so an
event organizer sees what is theirs and what is shared. The output is itself a valid
plan (without `extends:`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .load import LoadedPlan

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .,()/'-]*$")
_NOT_PLAIN = re.compile(r"^(true|false|yes|no|on|off|null|~|[-+]?[0-9].*)$", re.IGNORECASE)


def show_text(loaded: LoadedPlan) -> str:
    """The merged plan as YAML with an origin comment on each value."""
    lines = [f"# {Path(loaded.file).as_posix()}" + (f", extending {', '.join(sorted(_names(loaded)))}" if loaded.shared else "")
             + ": merged; `# from FILE:LINE` says where each value is written"]
    _mapping(loaded, loaded.data, (), 0, lines)
    return "\n".join(lines) + "\n"


def _names(loaded: LoadedPlan) -> set[str]:
    return {file for file in loaded.source.files.values()}


def _origin(loaded: LoadedPlan, path: tuple[Any, ...]) -> str:
    line, _column = loaded.source.value(path)
    return f"# from {Path(loaded.source.file_of(path)).as_posix()}:{line}"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()  # type: ignore[no-any-return]
    text = str(value)
    if _PLAIN.match(text) and not _NOT_PLAIN.match(text) and not text.endswith(" ") and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def _value(loaded: LoadedPlan, lead: str, value: Any, path: tuple[Any, ...], indent: int, lines: list[str]) -> None:
    """`lead` is `key:` or `-` at `indent` spaces; the value follows on the line or below it."""
    pad = " " * indent
    if isinstance(value, dict) and value and lead == "-":
        start = len(lines)
        _mapping(loaded, value, path, indent + 2, lines)
        lines[start] = f"{pad}- {lines[start][indent + 2:]}"  # `- id: x` on one line, as people write it
    elif isinstance(value, dict) and value:
        lines.append(f"{pad}{lead}")
        _mapping(loaded, value, path, indent + 2, lines)
    elif isinstance(value, list) and value:
        lines.append(f"{pad}{lead}")
        for index, item in enumerate(value):
            _value(loaded, "-", item, path + (index,), indent + 2, lines)
    elif isinstance(value, str) and "\n" in value.rstrip("\n") and not value.startswith((" ", "\n")):
        chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else "-" if not value.endswith("\n") else "+"
        lines.append(f"{pad}{lead} |{chomp}  {_origin(loaded, path)}")
        for text in value.rstrip("\n").split("\n") if chomp != "+" else value[:-1].split("\n"):
            lines.append(f"{pad}  {text}" if text else "")
    else:
        shown = "{}" if isinstance(value, dict) else "[]" if isinstance(value, list) else _scalar(value)
        lines.append(f"{pad}{lead} {shown}  {_origin(loaded, path)}")


def _mapping(loaded: LoadedPlan, data: dict[str, Any], path: tuple[Any, ...], indent: int, lines: list[str]) -> None:
    for key, value in data.items():
        _value(loaded, f"{_scalar(key)}:", value, path + (key,), indent, lines)
