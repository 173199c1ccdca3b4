"""Step 1, load: YAML text to plain Python data plus the source position of every node.

Plans are written by hand and sometimes arrive from strangers, so the loader is
strict and bounded: a size limit, a nesting limit, a limit on what aliases may
expand to, no duplicate keys, UTF-8 only, no tabs in indentation, no YAML tags
beyond the plain ones. It follows YAML 1.2 where 1.1 surprises people: `no`, `on`
and `off` stay text (`country: NO`), `08:00` is not a base-60 number and `0207` is
not octal. YAML's own error messages are rewritten into plain words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import PlanError, Problem, path_text, quoted
from ..files import read_regular

MAX_BYTES = 4_000_000  # a complete plan is about 20 kB; one with 4,000 responders about 1.5 MB
MAX_DEPTH = 32
MAX_NODES = 250_000  # 4,000 responders with every field are about 100,000
MAX_ALIAS_NODES = 50_000  # values that aliases repeat

# libyaml (PyYAML's C extension) parses some 20 times faster than the pure-Python
# parser, which matters for hostile input close to MAX_BYTES. Positions are the same.
_YAML_LOADER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_KNOWN_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_TRUE_FALSE = re.compile(r"^(true|false)$", re.IGNORECASE)
# Characters a YAML document may not hold (YAML's "non-printable" set; U+FEFF only
# as a byte order mark at the very start, which is removed before this check).
_LINE_SEPARATORS = "\x85\u2028\u2029"  # line breaks to YAML (1.1), not to editors
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_TOO_DEEP = f"the plan nests lists and mappings more than {MAX_DEPTH} levels deep"
_TOO_DEEP_HINT = "a plan needs at most 6 levels; is a bracket or the indentation out of place?"
_ANCHOR_NAME = re.compile(r"[^\s,\[\]{}]*")
# In a value (after YAML's escapes such as "\e" or "\x7f" are read): control characters other than tab and
# newline, the bidirectional controls that reorder the text around them on screen, and invisible characters.
# The isolates (U+2066-U+2069) that writers of right-to-left text use are allowed where each one opened
# is closed by U+2069 in the same value (see _unbalanced_isolate); overrides and embeddings are not.
# Unicode's noncharacters (U+FDD0-U+FDEF and the last two code points of each plane) are never text either.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
                       "\ufeff\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff"
                       + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)) + "]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


# Text shapes no guide needs and a printer lays out in time that grows with the square of their length: a word
# with no space to break it at (a pasted blob: `*a*a*a…`, `[[[…`), Markdown blocks or HTML elements nested deep.
MAX_WORD = 1000  # characters between two spaces: a long web address is a few hundred
MAX_NESTING = 16  # quotes or lists inside each other in one text; HTML elements, twice that
# Scripts written without spaces, which a line may break in anywhere (Chinese, Japanese, Korean) or between words
# the layout engine finds (Thai, Lao, Myanmar, Khmer): a paragraph in them is not one word
# (their letters, not their punctuation or the long-vowel mark ー, which no line may start with)
_NO_SPACES = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fff\u3040-\u30fb\u30fd-\u9fff\ua000-\ua4cf"
              "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff")
# Spaces a line may break at (not the no-break space U+00A0, U+202F, U+2007)
_BREAKING_SPACES = " \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000"
_LONG_WORD = re.compile(rf"[^{_BREAKING_SPACES}{_NO_SPACES}]{{{MAX_WORD + 1},}}")
_NESTED_BLOCKS = re.compile(rf"^(?:[ \t]*(?:>[ \t]*|(?:[*+-]|\d{{1,9}}[.)])[ \t]+)){{{MAX_NESTING + 1},}}", re.MULTILINE)
_DEEP_INDENT = re.compile(rf"^[ \t]{{{4 * MAX_NESTING + 1},}}(?=\S)", re.MULTILINE)  # lists nested by indentation
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


# Marks a text holds few of, and the Markdown reader takes in time only a few of ("[ " 5,000 times took 8 s, and four
# times as many sixteen times as long): links are written [text](address), HTML tags <b>
_MANY_MARKS = (("[", 200, "square brackets `[`"), ("<", 1_000, "angle brackets `<`"))


def text_shape_problem(value: str) -> tuple[int, str] | None:
    """(offset, message) of the first shape in `value` the guides refuse, or None."""
    if len(value) > MAX_WORD:
        word = _LONG_WORD.search(value)
        if word:
            return word.start(), (f"the value holds a word of {len(word.group()):,} characters with no space to break it at; "
                                  f"the guides take words of up to {MAX_WORD:,}")
    for mark, most, what in _MANY_MARKS:  # the Markdown reader slows down with the square of their number
        if value.count(mark) > most:
            at = -1
            for _ in range(most + 1):
                at = value.index(mark, at + 1)
            return at, f"the value holds more than {most:,} {what}; the guides take at most {most:,} in one text"
    nested = _NESTED_BLOCKS.search(value) or (_DEEP_INDENT.search(value) if "\n" in value else None)
    if nested:
        return nested.start(), f"the value nests quotes or lists more than {MAX_NESTING} levels deep"
    if "<" in value:
        depth = 0
        for tag in _TAG.finditer(value):
            closing, name, self_closing = tag.groups()
            if closing:
                depth = max(depth - 1, 0)
            elif not self_closing and name.lower() not in _VOID:
                depth += 1
                if depth > 2 * MAX_NESTING:
                    return tag.start(), f"the value nests HTML elements more than {2 * MAX_NESTING} levels deep"
    return None


def _hidden_in_reference(value: str) -> re.Match[str] | None:
    """The first HTML character reference (`&#x202E;`, `&rlm;`) that spells a character text may not hold
    typed as it is: plan text is Markdown, which reads references as the characters."""
    if "&" not in value:
        return None
    for match in _REFERENCE.finditer(value):
        char = _referenced(match.group())
        if _NOT_TEXT.search(char) or _BIDI.search(char):
            return match
    return None


def _referenced(reference: str) -> str:
    """What an HTML character reference spells, a control character included (html.unescape drops those,
    an HTML parser keeps them)."""
    if reference.startswith("&#"):
        digits = reference[2:].rstrip(";")
        number = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        return chr(number) if 0 < number <= 0x10FFFF else "\ufffd"
    return html.unescape(reference)


def _unbalanced_isolate(value: str) -> re.Match[str] | None:
    """The first isolate mark without its partner: a U+2069 that closes nothing, or an opener never closed."""
    opened: list[int] = []
    for index, char in enumerate(value):
        if char in _ISOLATE_OPEN:
            opened.append(index)
        elif char == _ISOLATE_CLOSE:
            if not opened:
                return re.compile(re.escape(char)).match(value, index)
            opened.pop()
    return re.compile(re.escape(value[opened[0]])).match(value, opened[0]) if opened else None


@dataclass
class SourceMap:
    """Positions (1-based line, column) of the values and keys in a loaded plan."""

    file: str
    values: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    keys: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    # where each scalar's source text ends (line, column), to point inside a value
    ends: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the plan as written
    # A plan that extends shared plans (generator.plan.extends): the file each value was written in, where
    # it is not `file`, and the text of every file read. Positions are in the value's own file.
    files: dict[tuple[Any, ...], str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    # an event's item that replaced a shared one with the same id: its path -> the shared item's keys it does not have
    left_out: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        """The file's text line by line, for rules that read comments."""
        return self.text.splitlines()

    def inside(self, path: tuple[Any, ...], pattern: re.Pattern[str]) -> tuple[int, int]:
        """Where `pattern` first matches the source text of the value at `path`; the value's start if it does not."""
        return self.span(path, pattern)[0]

    def span(self, path: tuple[Any, ...], pattern: re.Pattern[str]) -> tuple[tuple[int, int], tuple[int, int] | None]:
        """Where `pattern` first matches the value at `path`, start and end; the value's start (and no end) if it does not."""
        start = self.value(path)
        end = self.ends.get(tuple(path))
        text = self.texts.get(self.file_of(path), self.text)
        if end is None or not text:
            return start, None
        lines = text.split("\n")
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line) + 1)
        begin = offsets[start[0] - 1] + start[1] - 1
        match = pattern.search(text, begin, offsets[end[0] - 1] + end[1] - 1)
        return (_position(text, match.start()), _position(text, match.end())) if match else (start, None)

    def file_of(self, path: tuple[Any, ...]) -> str:
        """The file the value at `path` (or, if absent, the nearest enclosing node `value` falls back to) was written in."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.files.get(path, self.file)
            path = path[:-1]
        return self.file

    def located(self, where: tuple[Any, ...], line: int, column: int, message: str, **extra: Any) -> Problem:
        """A problem at LINE:COLUMN of the file the value at `where` was written in; through this plan when that is a shared file."""
        file = self.file_of(where)
        extra.setdefault("path", tuple(where))
        return Problem(file, line, column, message, via=self.file if file != self.file else None, **extra)

    def value(self, path: tuple[Any, ...]) -> tuple[int, int]:
        """Where the value at `path` starts; the nearest enclosing node if it is absent."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def key(self, path: tuple[Any, ...]) -> tuple[int, int]:
        """Where the key naming `path` is written (falls back to the value)."""
        return self.keys.get(tuple(path)) or self.value(path)

    def problem(self, path: tuple[Any, ...], message: str, *, at_key: bool = False, **extra: Any) -> Problem:
        line, column = self.key(path) if at_key else self.value(path)
        message = " ".join(message.splitlines())  # a problem is one line, whatever a value in it holds
        end = self.end(path, at_key=at_key)
        return self.located(path, line, column, message, end_line=end and end[0], end_column=end and end[1], **extra)

    def end(self, path: tuple[Any, ...], *, at_key: bool = False) -> tuple[int, int] | None:
        """Where the key naming `path`, or its value when that is one scalar, ends (the column after it); None if not known."""
        path = tuple(path)
        if at_key and path in self.keys and isinstance(path[-1], str):
            line, column = self.keys[path]
            lines = self.lines
            written = lines[line - 1][column - 1:] if line <= len(lines) else ""
            if written.startswith(path[-1]):  # a plain key, not a quoted or folded one
                return line, column + len(path[-1])
            return None
        if not at_key and path in self.values:
            return self.ends.get(path)
        return None


@dataclass
class LoadedPlan:
    data: dict[str, Any]
    source: SourceMap
    # problems in single values (a bad date, a duplicate key, a tag) when loaded with keep_going
    problems: list[Problem] = field(default_factory=list)
    # the shared plans merged in (generator.plan.extends), real path -> SHA-256 of the bytes read
    shared: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.source.file


def _too_big(name: str, size: int) -> PlanError:
    return _fail(name, 1, 1, f"the file is {size:,} bytes long; a plan may be at most {MAX_BYTES:,} bytes",
                 hint="is this the right file? a complete plan is about 20 kB")


def load_file(path: str | Path, keep_going: bool = False) -> LoadedPlan:
    path = Path(path)
    name = str(path)
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or a device is refused, never waited on
    except OSError as exc:
        raise _fail(name, 1, 1, f"cannot read the plan: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        try:
            size = path.stat().st_size
        except OSError:
            size = len(raw)
        raise _too_big(name, max(size, len(raw)))
    return load_bytes(raw, name, keep_going)


def load_bytes(raw: bytes, name: str = "<plan>", keep_going: bool = False) -> LoadedPlan:
    if len(raw) > MAX_BYTES:
        raise _too_big(name, len(raw))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: the same first two bytes
        raise _fail(name, 1, 1, "the plan is saved as UTF-32, not UTF-8", hint="save the file as UTF-8 in your editor")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, 1, 1, "the plan is saved as UTF-16 (\"Unicode\" in some editors), not UTF-8",
                    hint="save the file as UTF-8 in your editor")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # count characters, not bytes, up to the bad byte (the line before it is valid UTF-8)
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise _fail(name, line, column, f"the plan is not UTF-8 text (it has the byte 0x{raw[exc.start]:02x} here)",
                    hint="save the file as UTF-8 in your editor") from None
    return load_text(text, name, keep_going)


def load_text(text: str, name: str = "<plan>", keep_going: bool = False) -> LoadedPlan:
    """Load a plan. With keep_going, problems in single values are returned on the result
    (so validation can report the rest of the file too) instead of raised."""
    if len(text) > MAX_BYTES:
        raise _too_big(name, len(text.encode("utf-8", errors="replace")))
    text = text.removeprefix("\ufeff")
    _check_characters(text, name)
    _check_indentation(text, name)
    _check_events(text, name)
    try:
        node = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:  # pragma: no cover - the event pass has seen the same errors
        raise _yaml_problem(exc, name, text) from None
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value == ""):
        raise _fail(name, 1, 1, "the plan is empty", hint="copy a plan from plans/ and change it")
    if not isinstance(node, MappingNode):
        mark = node.start_mark
        found = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise _fail(name, mark.line + 1, mark.column + 1,
                    f"a plan must be made of `key: value` lines such as `format: 1` and `event:`, but this file holds {found}")
    builder = _Builder(SourceMap(name, text=text), text)
    data = builder.build(node, ())
    if builder.problems and (not keep_going or data is None):  # None: a tag refused the whole plan
        raise PlanError(builder.problems)
    return LoadedPlan(data, builder.source, builder.problems)


def _fail(name: str, line: int, column: int, message: str, hint: str | None = None) -> PlanError:
    return PlanError([Problem(name, line, column, message, hint=hint)])


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _check_characters(text: str, name: str) -> None:
    bad = _NOT_ALLOWED.search(text)
    if bad is None:
        return
    line, column = _position(text, bad.start())
    char = bad.group()
    if char in _LINE_SEPARATORS:
        raise _fail(name, line, column, f"the plan contains a line separator (U+{ord(char):04X}) that YAML reads as the end of a "
                    "line where editors show none, so every line number after it would be off",
                    hint="replace it with a new line or a space; it often comes from copying text out of a web page")
    if char == "\x00":
        raise _fail(name, line, column, "the plan contains a NUL character (a zero byte); is this a binary file rather than a plan?")
    raise _fail(name, line, column, f"the plan contains an invisible control character (U+{ord(char):04X}) that YAML does not allow",
                hint="delete it; it often comes from copying text out of a PDF or a word processor")


def _check_indentation(text: str, name: str) -> None:
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(name, number, indent.index("\t") + 1, "a tab is used for indentation; YAML indents with spaces only",
                                    hint="set your editor to insert spaces for the tab key"))
    if problems:
        raise PlanError(problems)


def _check_events(text: str, name: str) -> None:
    """Walk the event stream (no recursion) to refuse deep nesting, huge plans and a second document."""
    depth = documents = values = 0
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    assert mark is not None  # the parser marks every event it makes
                    raise _fail(name, mark.line + 1, mark.column + 1, _TOO_DEEP, _TOO_DEEP_HINT)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    assert mark is not None  # the parser marks every event it makes
                    raise _fail(name, mark.line + 1, mark.column + 1, "a plan file holds one YAML document, but a second one starts here",
                                hint="remove this `---` line, or split the file into two plans")
            if isinstance(event, yaml.NodeEvent):  # scalars, aliases, list and mapping starts
                values += 1
                if values > MAX_NODES:
                    mark = event.start_mark
                    assert mark is not None  # the parser marks every event it makes
                    raise _fail(name, mark.line + 1, mark.column + 1, f"the plan holds more than {MAX_NODES} values; is this the right file?")
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc, name, text) from None
    except yaml.YAMLError as exc:  # a ReaderError; _check_characters catches these first
        position = getattr(exc, "position", 0) or 0
        raise _fail(name, *_position(text, min(position, len(text))), "the plan contains a character YAML does not allow") from None


# --- YAML's errors in plain words ---------------------------------------------

_QUOTE_HINT = "put the whole value in quotes"


def _too_deep_at(text: str, limit: int) -> tuple[int, int]:
    """Where brackets (outside quotes) first open more than MAX_DEPTH levels, before index LIMIT; else LIMIT."""
    depth = 0
    quote = ""
    for index, char in enumerate(text[:limit]):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _position(text, index)
        elif char in "]}":
            depth -= 1
    return _position(text, min(limit, len(text)))


def _yaml_problem(exc: yaml.MarkedYAMLError, name: str, text: str) -> PlanError:
    """Rewrite a PyYAML/libyaml error (their wordings differ) into plain words at the right place."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")
    row = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    char = row[column - 1] if 0 < column <= len(row) else ""
    at_end = not (row[column - 1:] + "".join(lines[line:])).strip()
    start = exc.context_mark
    start_at = (start.line + 1, start.column + 1) if start else (line, column)
    hint = None

    def word_after(index_in_row: int) -> str:
        match = _ANCHOR_NAME.match(row, index_in_row) if 0 <= index_in_row <= len(row) else None
        return match.group() if match else ""

    if "nesting depth" in problem or "nesting depth" in context:
        # libyaml's own limit (newer releases) can answer before the event pass reaches the plan's limit.
        line, column = _too_deep_at(text, mark.index if mark else len(text))
        return _fail(name, line, column, _TOO_DEEP, _TOO_DEEP_HINT)
    if "tab" in problem or char == "\t":
        message = "a tab cannot be used here; YAML uses spaces"
        hint = "replace the tab with spaces"
    elif "mapping values are not allowed" in problem:
        message = "a colon followed by a space (`: `) cannot appear here"
        hint = "if the value contains `: `, " + _QUOTE_HINT + "; otherwise check how far this line is indented"
    elif "cannot start any token" in problem:
        message = f"a value cannot start with `{char}`" if char else "a value cannot start with this character"
        hint = _QUOTE_HINT
    elif "undefined alias" in problem:
        alias = word_after(column)
        message = f"`*{alias}` refers to an anchor `&{alias}` that is not defined above it"
        hint = "a value starting with `*` must be quoted"
    elif "duplicate anchor" in problem or "duplicate anchor" in context:
        message = f"the anchor `&{word_after(column)}` is defined twice"
    elif "escape character" in problem:
        message = "a backslash (`\\`) inside double quotes must start a known escape such as `\\n`"
        hint = "use single quotes, or write `\\\\` for a backslash"
    elif "quoted scalar" in context and "end of stream" in problem:
        line, column = start_at
        message = "this quotation mark is never closed"
    elif ("flow sequence" in context or "flow mapping" in context) and ("','" in problem or "','" in context):
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        if at_end or "stream end" in problem or line > start_at[0]:
            # a bracketed list or mapping rarely spans lines, so a problem on a later line means it was never closed
            line, column = start_at
            message = f"this `{bracket}` is never closed with `{closing}`"
            hint = "close it at the end of the line; put items that contain `:`, `#` or `,` in quotes"
        else:
            message = f"expected `,` or `{closing}` here, inside the `{bracket}...{closing}`"
            hint = "put an item that contains `:`, `?`, `#`, `,` or brackets in quotes"
    elif "could not find expected ':'" in problem:
        line, column = start_at
        message = "this line has no `key:` in it, but the lines around it do"
        hint = "add the missing `:` after the key, or indent the line if it continues the value above"
    elif "sequence entries are not allowed" in problem:
        message = "a list item (`- `) cannot start here"
        hint = "start the list on the next line, indented under its key"
    elif "block scalar" in context:
        message = "after `|` or `>` the text must start on the next line"
    elif "anchor" in context or "alias" in context:
        message = "`&` and `*` mark anchors and aliases and must be followed by a name"
        hint = "a value starting with `&` or `*` must be quoted"
    elif "tag" in context or "tag" in problem:
        message = "this YAML tag is not allowed in a plan"
    elif "directive" in context or "directive" in problem or "incompatible YAML document" in problem:
        message = "`%` lines (YAML directives) are not allowed in a plan"
        hint = "delete this line"
    elif char in ("]", "}"):
        message = f"`{char}` closes nothing here; is a bracket or quote out of place?"
    elif "block mapping" in context or "block collection" in context:
        indent = len(row) - len(row.lstrip(" "))
        if column - 1 > indent:
            message = "unexpected text after the value on this line"
            hint = "if it is part of the value, " + _QUOTE_HINT
        else:
            message = "this line is not indented like the lines before it"
            hint = "keys of one mapping start in the same column, and list items start with `- `"
    elif "node content" in problem:
        message = f"a value cannot start with `{char}`" if char else "a value is missing here"
        hint = _QUOTE_HINT
    elif "document start" in problem:
        message = f"unexpected `{char}` after the end of the plan" if char else "unexpected text after the end of the plan"
    else:
        detail = problem + (f" {context}" if context else "")
        message = f"this part cannot be read as YAML ({detail})"
    return _fail(name, line, column, message, hint)


# --- the node tree to plain data ---------------------------------------------

class _Builder:
    """Turns the composed node tree into dicts, lists and scalars, recording positions."""

    def __init__(self, source: SourceMap, text: str = ""):
        self.source = source
        self.text = text
        self.problems: list[Problem] = []
        self.nodes = 0
        self.built: set[int] = set()  # ids of the nodes built once: building one again is an alias repeating it
        self.repeated = 0
        self.open: set[int] = set()  # ids of the collections being built (to catch an alias inside itself)
        self.constructor = SafeConstructor()

    def _problem(self, node: Node, message: str, path: tuple[Any, ...], **extra: Any) -> None:
        mark, end = node.start_mark, node.end_mark
        self.problems.append(Problem(self.source.file, mark.line + 1, mark.column + 1, message, path=path,
                                     end_line=end.line + 1, end_column=end.column + 1, **extra))

    def build(self, node: Node, path: tuple[Any, ...], depth: int = 0) -> Any:
        self.nodes += 1
        mark = node.start_mark
        if id(node) in self.built:
            self.repeated += 1
        else:
            self.built.add(id(node))
        if self.nodes > MAX_NODES or self.repeated > MAX_ALIAS_NODES:
            limit = MAX_NODES if self.nodes > MAX_NODES else MAX_ALIAS_NODES
            raise _fail(self.source.file, mark.line + 1, mark.column + 1,
                        f"aliases (`*name`) repeat this value so often that the plan would hold more than {limit} values",
                        hint="write the values out instead of nesting aliases")
        if depth > MAX_DEPTH:
            raise _fail(self.source.file, mark.line + 1, mark.column + 1,
                        f"with its aliases (`*name`) expanded, the plan nests more than {MAX_DEPTH} levels deep")
        self.source.values.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(node, ScalarNode):
            self.source.ends.setdefault(path, (node.end_mark.line + 1, node.end_mark.column + 1))
            value = self._scalar(node, path)
            if isinstance(value, str):
                self._check_text(node, value, path)
            return value
        if id(node) in self.open:
            raise _fail(self.source.file, mark.line + 1, mark.column + 1,
                        "this value contains an alias (`*name`) to itself, so it would never end")
        expected = "tag:yaml.org,2002:map" if isinstance(node, MappingNode) else "tag:yaml.org,2002:seq"
        if node.tag != expected:
            self._problem(node, f"the YAML tag `{_tag_name(node.tag)}` is not allowed in a plan", path)
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth)
            return [self.build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: MappingNode, path: tuple[Any, ...], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
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
            if key_node.tag not in _KNOWN_SCALAR_TAGS:
                self.problems.append(Problem(self.source.file, *where, f"the YAML tag `{_tag_name(key_node.tag)}` is not allowed in a plan", path=path))
                continue
            key = str(key_node.value)
            if not self._check_text(key_node, key, path):
                continue
            if key in first_seen:
                self.problems.append(Problem(self.source.file, *where,
                                             f"{quoted(key, 40)} appears twice in {_where(path)} (first on line {first_seen[key]})",
                                             hint="keep one of them: the later one would silently replace the earlier one",
                                             path=path + (key,)))
                continue
            first_seen[key] = where[0]
            self.source.keys[path + (key,)] = where
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _check_text(self, node: ScalarNode, value: str, path: tuple[Any, ...]) -> bool:
        """Text is text: a control, bidi or invisible character is a problem, at the character where it is written."""
        bad = _NOT_TEXT.search(value) or _unbalanced_isolate(value) or _hidden_in_reference(value)
        if bad is None:
            return self._check_shape(node, value, path)
        char = bad.group()
        spelled = char
        if char.startswith("&"):  # an HTML character reference, which Markdown text turns into the character
            spelled, char = char, _referenced(char)
        line, column = self._written_at(node, spelled)
        if char in _ISOLATE_OPEN + _ISOLATE_CLOSE:
            message = (f"the value holds an isolate mark (U+{ord(char):04X}) without its partner: each U+2066, U+2067 "
                       "or U+2068 needs a U+2069 after it in the same value, or it reorders the text after it")
        elif _BIDI.match(char):
            message = (f"the value holds a bidirectional control character (U+{ord(char):04X}) that would reorder "
                       "the text around it on screen, e.g. the digits of a phone number")
        elif char.isprintable() or ord(char) >= 0x200B:
            message = f"the value holds an invisible character (U+{ord(char):04X})"
        else:
            message = f"the value holds a control character (U+{ord(char):04X}); only tabs and line breaks are text"
        self.problems.append(Problem(self.source.file, line, column, message, path=path,
                                     hint="delete it (a YAML escape such as \\e or \\x1b, or an HTML reference such as "
                                          "&#x202E; or &rlm;, spells one); names in right-to-left scripts need no control characters"))
        return False

    def _written_at(self, node: ScalarNode, piece: str) -> tuple[int, int]:
        """Where `piece` of the value is written in the file (line, column); the value's start when it is not written
        as it is (spelled with a YAML escape, or folded over lines)."""
        mark = node.start_mark
        written = self.text.find(piece, mark.index, node.end_mark.index) if self.text else -1
        return _position(self.text, written) if written >= 0 else (mark.line + 1, mark.column + 1)

    def _check_shape(self, node: ScalarNode, value: str, path: tuple[Any, ...]) -> bool:
        """No word too long to break and nothing nested too deep (text_shape_problem), at where it starts."""
        found = text_shape_problem(value)
        if found is None:
            return True
        offset, message = found
        line, column = self._written_at(node, value[offset:offset + 20])
        self.problems.append(Problem(self.source.file, line, column, message, path=path,
                                     hint="is this pasted from somewhere by mistake? write it as plain sentences"))
        return False

    def _scalar(self, node: ScalarNode, path: tuple[Any, ...]) -> Any:
        text = node.value
        tag = node.tag
        if node.style in ("'", '"', "|", ">"):  # libyaml marks plain scalars with "", PyYAML with None
            return text  # quoted or block text is always text
        if tag == "tag:yaml.org,2002:bool" and not _TRUE_FALSE.match(text):
            return text  # yes/no/on/off stay words (YAML 1.2)
        if tag == "tag:yaml.org,2002:int" and not _PLAIN_INT.match(text.replace("_", "")):
            return text  # 0207..., 08:00, 0x1F stay as written
        if tag == "tag:yaml.org,2002:int" and len(text) > 30:
            return text  # far too long for a number anyone means; text is the honest reading
        if tag in _KNOWN_SCALAR_TAGS:
            try:
                return self.constructor.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError) as exc:
                detail = getattr(exc, "problem", None) or str(exc)
                what = "a real date" if tag.endswith(":timestamp") else "a valid value"
                self._problem(node, f"{quoted(text, 40)} is not {what} ({detail})", path)
                return text
        self._problem(node, f"the YAML tag `{_tag_name(tag)}` is not allowed in a plan", path)
        return text


def _where(path: tuple[Any, ...]) -> str:
    """`responders[2].relationships[0]`, as an organizer reads the YAML; "the plan" at the top."""
    text = path_text(path)
    return f"`{text}`" if text else "the plan"


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")
