"""The loader: YAML text to plain data with positions, YAML 1.2 readings, bounded hostile input."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import yaml

from generator.errors import PlanError
from generator.plan import load
from generator.plan.load import load_bytes, load_file, load_text

ROOT = Path(__file__).resolve().parents[2]


def problems(text: str | bytes) -> list[str]:
    """The problems of loading `text`, as `LINE:COL: MESSAGE` strings."""
    with pytest.raises(PlanError) as caught:
        (load_bytes if isinstance(text, bytes) else load_text)(text, "p.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


# --- positions ----------------------------------------------------------------

def test_positions_of_values_and_keys():
    loaded = load_text("format: 1\nevent:\n  name: Camp\nresponders:\n  - id: ana\n    phone: 020 7946 0001\n", "p.yaml")
    source = loaded.source
    assert loaded.file == "p.yaml"
    assert source.value(("format",)) == (1, 9)
    assert source.key(("event",)) == (2, 1)
    assert source.value(("event",)) == (3, 3)
    assert source.value(("event", "name")) == (3, 9)
    assert source.value(("responders", 0)) == (5, 5)
    assert source.key(("responders", 0, "phone")) == (6, 5)
    assert source.value(("responders", 0, "phone")) == (6, 12)


def test_absent_path_falls_back_to_nearest_enclosing_node():
    source = load_text("event:\n  name: Camp\n").source
    assert source.value(("event", "timezone")) == (2, 3)
    assert source.value(("nothing", "here")) == (1, 1)


def test_positions_count_characters_not_bytes():
    source = load_text("name: Δήμητρα\nnote: [ü, x]\n").source
    assert source.value(("note", 1)) == (2, 11)


def test_problem_at_key_and_at_value():
    source = load_text("event:\n  kind: party\n", "p.yaml").source
    at_value = source.problem(("event", "kind"), "bad")
    at_key = source.problem(("event", "kind"), "bad", at_key=True)
    assert (at_value.file, at_value.line, at_value.column) == ("p.yaml", 2, 9)
    assert (at_key.line, at_key.column) == (2, 3)
    assert at_value.path == ("event", "kind")


def test_positions_with_crlf_line_ends():
    source = load_text("a: 1\r\nb:\r\n  c: 2\r\n").source
    assert source.value(("b", "c")) == (3, 6)


# --- what values become ---------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("no", "no"), ("No", "No"), ("NO", "NO"), ("on", "on"), ("off", "off"), ("yes", "yes"), ("y", "y"),
        ("08:00", "08:00"), ("1:30:00", "1:30:00"), ("0207", "0207"), ("020 7946 0001", "020 7946 0001"),
        ("0x1F", "0x1F"), ("0o17", "0o17"), ("+44", 44), ("1_000", 1000), ("007", "007"),
        ("true", True), ("False", False), ("12", 12), ("-3", -3), ("1.5", 1.5), ("~", None), ("", None),
        ("2027-06-09", dt.date(2027, 6, 9)), ("2027-06-09 08:00:00", dt.datetime(2027, 6, 9, 8, 0)),
        ("2027-06-09 08:00", "2027-06-09 08:00"),  # no seconds: text, read as a time by the model
        ("'12'", "12"), ('"true"', "true"), ("'2027-06-09'", "2027-06-09"),
        ("9" * 40, "9" * 40),  # far too long to be a number anyone means
    ],
)
def test_scalars_follow_yaml_1_2_where_1_1_surprises(written, value):
    data = load_text(f"value: {written}\n").data
    assert data["value"] == value
    assert type(data["value"]) is type(value)


def test_block_text_stays_text():
    data = load_text("a: |\n  12\nb: >\n  true\n").data
    assert data == {"a": "12\n", "b": "true\n"}


def test_keys_are_text():
    assert load_text("1: a\ntrue: b\nnull: c\n").data == {"1": "a", "true": "b", "null": "c"}


def test_aliases_are_allowed_within_limits():
    data = load_text("a: &team [ana, ben]\nb: *team\n").data
    assert data == {"a": ["ana", "ben"], "b": ["ana", "ben"]}


def test_document_markers_are_fine():
    assert load_text("---\na: 1\n...\n").data == {"a": 1}


# --- encodings ----------------------------------------------------------------------

def test_utf8_bom_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}
    assert load_text("\ufeffa: 1\n").data == {"a": 1}


def test_bom_in_the_middle_is_refused():
    assert problems("a: 1\nb: \ufeff2\n")[0].startswith("2:4: the plan contains an invisible control character (U+FEFF)")


def test_latin1_byte_position_counts_characters():
    assert problems("a: 1\nname: Zoë Δ\n".encode() + b"\xe9\n") == ["3:1: the plan is not UTF-8 text (it has the byte 0xe9 here)"]
    assert problems("name: Δ Zo".encode() + b"\xeb\n") == ["1:11: the plan is not UTF-8 text (it has the byte 0xeb here)"]


def test_utf16_is_named():
    assert problems("a: 1\n".encode("utf-16"))[0] == '1:1: the plan is saved as UTF-16 ("Unicode" in some editors), not UTF-8'


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_utf32_is_named(encoding):
    raw = ("\ufeff" if encoding == "utf-32-be" else "") + "a: 1\n"
    assert problems(raw.encode(encoding)) == ["1:1: the plan is saved as UTF-32, not UTF-8"]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\ud800", "\ufffe"])
def test_control_characters_are_refused_at_their_position(char):
    found = problems(f"a: 1\nb: x{char}y\n")
    assert len(found) == 1 and found[0].startswith("2:5: the plan contains")


# --- hostile input ----------------------------------------------------------------------

def test_size_limit_for_files_bytes_and_text(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * load.MAX_BYTES)
    with pytest.raises(PlanError) as caught:
        load_file(path)
    assert caught.value.problems[0].message.startswith(f"the file is {load.MAX_BYTES + 5:,} bytes long")
    with pytest.raises(PlanError):
        load_bytes(b"#" * (load.MAX_BYTES + 1))
    with pytest.raises(PlanError):
        load_text("#" * (load.MAX_BYTES + 1))


def test_missing_file(tmp_path):
    with pytest.raises(PlanError) as caught:
        load_file(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "cannot read the plan: No such file or directory"


def test_billion_laughs_is_stopped_quickly():
    lines = ['l0: &l0 "lol"'] + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    found = problems("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert found == ["1:5: aliases (`*name`) repeat this value so often that the plan would hold more than 50000 values"]


def test_alias_to_itself():
    assert problems("a: &x [1, *x]\n") == ["1:4: this value contains an alias (`*name`) to itself, so it would never end"]
    assert problems("a: &x {b: {c: *x}}\n") == ["1:4: this value contains an alias (`*name`) to itself, so it would never end"]


def test_aliases_cannot_nest_past_the_depth_limit():
    text = "a0: &a0 [[[[[[[[x]]]]]]]]\n" + "".join(f"a{i}: &a{i} [[[[[[[[*a{i - 1}]]]]]]]]\n" for i in range(1, 20))
    assert "nests more than 32 levels deep" in problems(text)[0]


@pytest.mark.parametrize("text", ["[" * 100_000, "{a: " * 50_000, "".join(" " * i + "- x:\n" for i in range(0, 400, 2))])
def test_deep_nesting_is_refused_without_recursion(text):
    found = problems(text)
    assert found[0].endswith("the plan nests lists and mappings more than 32 levels deep")


LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if getattr(yaml, "__with_libyaml__", False) else [])


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize("text", ["[" * 5_000, "{a: " * 5_000, "a: " + "[" * 40 + "]" * 40])
def test_deep_nesting_gets_the_tools_message_from_either_backend(monkeypatch, loader, text):
    monkeypatch.setattr(load, "_YAML_LOADER", loader)
    found = problems(text)
    assert found[0].endswith("the plan nests lists and mappings more than 32 levels deep")


def test_libyamls_own_nesting_limit_is_said_in_the_tools_words(monkeypatch):
    """libyaml 0.2.5+ (PyYAML 6.0.4 wheels) stops at its own depth before the event pass sees level 33."""
    def parse(text, Loader):  # noqa: N803 - PyYAML's name
        mark = yaml.Mark("<unicode string>", 1000, 0, 1000, None, None)
        raise yaml.scanner.ScannerError("while increasing flow level", mark, "exceeded maximum nesting depth", mark)
        yield  # a generator, like yaml.parse

    monkeypatch.setattr(load.yaml, "parse", parse)
    assert problems("[" * 2_000) == ["1:33: the plan nests lists and mappings more than 32 levels deep"]


def test_too_many_values():
    found = problems("a:\n" + "  - x\n" * 260_000)
    assert found == ["249999:5: the plan holds more than 250000 values; is this the right file?"]


def test_duplicate_keys_are_errors_at_every_depth():
    found = problems("a: 1\nb:\n  c: 1\n  c: 2\n  d: [{e: 1, e: 2}]\na: 3\n")
    assert found == [
        "4:3: `c` appears twice in `b` (first on line 3)",
        "5:14: `e` appears twice in `b.d[0]` (first on line 5)",
        "6:1: `a` appears twice in the plan (first on line 1)",
    ]


def test_tabs_in_indentation_each_reported():
    assert problems("a:\n\tb: 1\n  c:\n  \td: 2\n") == [
        "2:1: a tab is used for indentation; YAML indents with spaces only",
        "4:3: a tab is used for indentation; YAML indents with spaces only",
    ]


def test_tab_after_a_key_is_fine():
    assert load_text("a:\t1\n").data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "1:1: the plan is empty"),
        ("\n\n  \n", "1:1: the plan is empty"),
        ("# only a comment\n", "1:1: the plan is empty"),
        ("---\n", "1:1: the plan is empty"),
        ("- a\n- b\n", "1:1: a plan must be made of `key: value` lines such as `format: 1` and `event:`, but this file holds a list"),
        ("just words\n", "1:1: a plan must be made of `key: value` lines such as `format: 1` and `event:`, but this file holds a single value"),
        ("~\n", "1:1: a plan must be made of `key: value` lines such as `format: 1` and `event:`, but this file holds a single value"),
        ("a: 1\n---\nb: 2\n", "2:1: a plan file holds one YAML document, but a second one starts here"),
    ],
)
def test_empty_and_wrong_top_level(text, message):
    assert problems(text) == [message]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [echo hi]\n",
        "a: !!python/object:os.system {}\n",
        "a: !!python/name:os.system\n",
        "!!python/name:os.system : 1\n",
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
        "a: !!omap [x: 1]\n",
        "a: !local text\n",
        "a: !<tag:example.org,2027:x> 1\n",
    ],
)
def test_tags_are_refused(text):
    found = problems(text)
    assert len(found) == 1 and "is not allowed in a plan" in found[0]


@pytest.mark.parametrize("text", ["!!python/object:os.system\nformat: 1\n", "!!omap\nformat: 1\n"])
def test_a_tag_on_the_whole_plan_is_refused_even_when_going_on(text):
    """keep_going (check and build) returns problems in single values, but without a plan there is nothing to go on with."""
    with pytest.raises(PlanError) as caught:
        load_text(text, "p.yaml", keep_going=True)
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, 1)]
    assert "is not allowed in a plan" in caught.value.problems[0].message


def test_merge_keys_are_refused():
    assert problems("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n") == ["3:3: merge keys (`<<:`) are not supported; write the values out"]


def test_complex_keys_are_refused():
    assert problems("? [a, b]\n: c\n") == ["1:3: a key must be plain text, not a list or mapping"]


def test_bad_timestamp_is_reported_at_the_value():
    assert problems("starts: 2027-02-30\n") == ["1:9: `2027-02-30` is not a real date (day is out of range for month)"]


# --- YAML syntax errors in plain words ------------------------------------------------

@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: b: c\n", "1:5", "a colon followed by a space (`: `) cannot appear here"),
        ("a: [1, 2\nb: 3\n", "1:4", "this `[` is never closed with `]`"),
        ("a: {b: 1\n", "1:4", "this `{` is never closed with `}`"),
        ("a: 'x\n", "1:4", "this quotation mark is never closed"),
        ('a: "x\n', "1:4", "this quotation mark is never closed"),
        ("a: @x\n", "1:4", "a value cannot start with `@`"),
        ("a: `x\n", "1:4", "a value cannot start with ```"),
        ("a: *nope\n", "1:4", "`*nope` refers to an anchor `&nope` that is not defined above it"),
        ("a: &x 1\nb: &x 2\n", "2:4", "the anchor `&x` is defined twice"),
        ("a: 1\nb\nc: 2\n", "2:1", "this line has no `key:` in it, but the lines around it do"),
        ("a: - b\n", "1:4", "a list item (`- `) cannot start here"),
        ("a: | x\n", "1:6", "after `|` or `>` the text must start on the next line"),
        ("a: 'x' y\n", "1:8", "unexpected text after the value on this line"),
        ("a:\n  - b\n  c: 2\n", "3:3", "this line is not indented like the lines before it"),
        ("a: 1\n]\n", "2:1", "`]` closes nothing here; is a bracket or quote out of place?"),
        ("%YAML 2.0\n---\na: 1\n", None, "`%` lines (YAML directives) are not allowed in a plan"),
    ],
)
def test_yaml_errors_in_plain_words(text, where, words):
    found = problems(text)
    assert len(found) == 1
    if where:
        assert found[0] == f"{where}: {words}"
    else:
        assert found[0].endswith(words)


@pytest.mark.parametrize("text", ["a: b: c\n", "a: [1, 2\n", "a: 'x\n", "a: @x\n", "a: *nope\n", "a: 1\nb\nc: 2\n", "a:\n  - b\n  c: 2\n"])
def test_pure_python_parser_gives_the_same_words(text, monkeypatch):
    """Without libyaml the loader falls back to PyYAML's own parser; the message must not change."""
    expected = problems(text)
    monkeypatch.setattr(load, "_YAML_LOADER", yaml.SafeLoader)
    assert problems(text) == expected


def test_every_example_plan_loads():
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        assert isinstance(load_file(path).data, dict)
