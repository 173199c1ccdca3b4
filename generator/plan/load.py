"""Step 1, load: YAML text to plain Python data plus the source position of every node.

Plans are written by hand and sometimes arrive from strangers, so the loader is
strict and bounded: a size limit, a nesting limit, a limit on what aliases may
expand to, no duplicate keys, UTF-8 only, no tabs in indentation. It follows YAML
1.2 where 1.1 surprises people: `no`, `on` and `off` stay text (`country: NO`),
`08:00` is not a base-60 number and `0207` is not octal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.errors import PlanError, Problem

MAX_BYTES = 1_000_000  # a complete plan is about 30 kB
MAX_DEPTH = 32
MAX_NODES = 50_000  # after alias expansion

_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_KNOWN_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_TRUE_FALSE = re.compile(r"^(true|false)$", re.IGNORECASE)


@dataclass
class SourceMap:
    """Positions (1-based line, column) of the values and keys in a loaded plan."""

    file: str
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def value(self, path: tuple) -> tuple[int, int]:
        """Where the value at `path` starts; the nearest enclosing node if it is absent."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def key(self, path: tuple) -> tuple[int, int]:
        """Where the key naming `path` is written (falls back to the value)."""
        return self.keys.get(tuple(path)) or self.value(path)

    def problem(self, path: tuple, message: str, *, at_key: bool = False, **extra) -> Problem:
        line, column = self.key(path) if at_key else self.value(path)
        return Problem(self.file, line, column, message, path=tuple(path), **extra)


@dataclass
class LoadedPlan:
    data: dict
    source: SourceMap

    @property
    def file(self) -> str:
        return self.source.file


def load_file(path: str | Path) -> LoadedPlan:
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(name, 1, 1, f"the plan is {size / 1_000_000:.1f} MB; a plan may be at most {MAX_BYTES // 1000} kB")
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(name, 1, 1, f"cannot read the plan: {exc.strerror or exc}") from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str = "<plan>") -> LoadedPlan:
    if len(raw) > MAX_BYTES:
        raise _fail(name, 1, 1, f"the plan is {len(raw) / 1_000_000:.1f} MB; a plan may be at most {MAX_BYTES // 1000} kB")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _fail(name, line, column, f"the plan is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8") from None
    return load_text(text, name)


def load_text(text: str, name: str = "<plan>") -> LoadedPlan:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(name, line, 1, "the plan contains a NUL character; is this a binary file?")
    _check_indentation(text, name)
    _check_events(text, name)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc, name) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        raise _fail(name, 1, 1, f"not valid YAML: {exc}") from None
    if node is None:
        raise _fail(name, 1, 1, "the plan is empty; start from `incident-guide init` or a plan in plans/")
    if not isinstance(node, MappingNode):
        mark = node.start_mark
        raise _fail(name, mark.line + 1, mark.column + 1, "the top level of a plan must be a mapping of keys such as `event:` and `responders:`")
    builder = _Builder(SourceMap(name))
    data = builder.build(node, ())
    if builder.problems:
        raise PlanError(builder.problems)
    return LoadedPlan(data, builder.source)


def _fail(name: str, line: int, column: int, message: str, hint: str | None = None) -> PlanError:
    return PlanError([Problem(name, line, column, message, hint=hint)])


def _yaml_problem(exc: yaml.MarkedYAMLError, name: str) -> PlanError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    hint = None
    if "mapping values are not allowed" in problem:
        hint = "a value containing `: ` must be quoted, or a key is indented wrongly"
    elif "found character" in problem and "cannot start any token" in problem:
        hint = "quote the value if it starts with a special character such as @ or `"
    return _fail(name, line, column, message, hint)


def _check_indentation(text: str, name: str) -> None:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(name, number, indent.index("\t") + 1, "a tab is used for indentation; YAML indents with spaces only"))
    if problems:
        raise PlanError(problems)


def _check_events(text: str, name: str) -> None:
    """Walk the event stream (no recursion) to refuse deep nesting and a second document."""
    depth = documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise _fail(name, mark.line + 1, mark.column + 1, f"the plan nests deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise _fail(name, mark.line + 1, mark.column + 1, "a plan file holds one YAML document; remove the second `---`")
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc, name) from None


class _Builder:
    """Turns the composed node tree into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceMap):
        self.source = source
        self.problems: list[Problem] = []
        self.nodes = 0
        self.constructor = SafeConstructor()

    def build(self, node, path: tuple):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            mark = node.start_mark
            raise _fail(self.source.file, mark.line + 1, mark.column + 1,
                        f"the plan expands to more than {MAX_NODES} values (aliases repeating aliases?)")
        self.source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: tuple) -> dict:
        result: dict = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(self.source.file, *where, "a key must be plain text, not a list or mapping", path=path))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(Problem(self.source.file, *where, "merge keys (`<<:`) are not supported; write the values out", path=path))
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.problems.append(Problem(self.source.file, *where,
                                             f"`{key}` appears twice in this mapping (first on line {first_seen[key]})",
                                             hint="keep one of them: a later value would silently replace the earlier one",
                                             path=path + (key,)))
                continue
            first_seen[key] = where[0]
            self.source.keys[path + (key,)] = where
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: ScalarNode, path: tuple):
        text = node.value
        tag = node.tag
        if node.style is not None and node.style in "'\"|>":
            return text  # quoted or block text is always text
        if tag == "tag:yaml.org,2002:bool" and not _TRUE_FALSE.match(text):
            return text  # yes/no/on/off stay words (YAML 1.2)
        if tag == "tag:yaml.org,2002:int" and not _PLAIN_INT.match(text.replace("_", "")):
            return text  # 0207..., 08:00, 0x1F stay as written
        if tag in _KNOWN_SCALAR_TAGS:
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError) as exc:
                mark = node.start_mark
                detail = getattr(exc, "problem", None) or str(exc)
                self.problems.append(Problem(self.source.file, mark.line + 1, mark.column + 1,
                                             f"`{text}` is not a valid value: {detail}", path=path))
                return text
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return value  # an explicit offset is kept; naive times are in the event's time zone
            return value
        mark = node.start_mark
        self.problems.append(Problem(self.source.file, mark.line + 1, mark.column + 1,
                                     f"the YAML tag `{tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed in a plan", path=path))
        return text
