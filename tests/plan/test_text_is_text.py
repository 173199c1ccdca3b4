"""Text is text: control, bidi and invisible characters in a value are located errors, whatever spells them;
a one-line field holds no line break; what reaches the terminal is escaped; no plan text can end a calendar line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import check_plan
from generator.cli import main
from generator.errors import PlanError
from generator.plan.load import load_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"

CHARACTERS = {
    "NUL": "\x00", "ESC": "\x1b", "backspace": "\x08", "DEL": "\x7f", "bare CR": "\r", "C1 CSI": "\x9b",
    "right-to-left override": "\u202e", "left-to-right isolate": "\u2066", "right-to-left mark": "\u200f",
    "zero width space": "\u200b", "byte order mark": "\ufeff", "noncharacter": "\ufffe", "plane noncharacter": "\U0010ffff",
}


@pytest.mark.parametrize("name", sorted(CHARACTERS))
def test_a_yaml_escape_cannot_smuggle_a_character_into_a_value(name):
    char = CHARACTERS[name]
    escape = f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
    loaded = load_text(f'event:\n  name: "Python {escape}Day"\nlist:\n  - "ok"\n', "p.yaml", keep_going=True)
    [problem] = loaded.problems
    assert (problem.line, problem.column) == (2, 9)
    assert f"(U+{ord(char):04X})" in problem.message
    assert problem.path == ("event", "name")


def test_a_bidi_control_typed_as_it_is_is_located_at_the_character():
    [problem] = load_text("channels:\n  - label: Call \u202eus on\n", "p.yaml", keep_going=True).problems
    assert (problem.line, problem.column) == (2, 17)
    assert "bidirectional control character (U+202E)" in problem.message


@pytest.mark.parametrize(("reference", "char"), [
    ("&#x202E;", "202E"), ("&#8238;", "202E"), ("&#x202e ", "202E"), ("&rlm;", "200F"), ("&lrm;", "200E"),
    ("&#x2066;", "2066"), ("&#27;", "001B")])
def test_an_html_reference_cannot_spell_a_control_either(reference, char):
    # Markdown text turns `&#x202E;` into the character itself: refused where it is written, like the character
    [problem] = load_text(f"definitions:\n  - meaning: Call Maya on {reference}2410-555 (213) now.\n", "p.yaml",
                          keep_going=True).problems
    assert (problem.line, problem.column) == (2, 27)
    assert f"(U+{char})" in problem.message


def test_html_references_to_ordinary_characters_are_text():
    value = "Q&A &amp; caf&eacute; &#233; &copy; AT&T &#x41;"
    loaded = load_text(f"definitions:\n  - meaning: {value}\n", "p.yaml", keep_going=True)
    assert loaded.problems == [] and loaded.data == {"definitions": [{"meaning": value}]}


@pytest.mark.parametrize("opener", ["\u2066", "\u2067", "\u2068"], ids=["LRI", "RLI", "FSI"])
def test_balanced_isolate_marks_are_text(opener):
    # how writers of Arabic keep an address in its order: LRI ... PDI around it, nested or one after another
    value = f"زوروا {opener}cairo-py.example.org/code-of-conduct\u2069 أو {opener}+20 2 {opener}2345\u2069 6789\u2069"
    loaded = load_text(f"event:\n  name: {value}\n", "p.yaml", keep_going=True)
    assert loaded.problems == [] and loaded.data == {"event": {"name": value}}


@pytest.mark.parametrize(("value", "char", "column"), [
    ("x \u2069y", "2069", 11),  # closes nothing
    ("x \u2066y\u2069 \u2067z", "2067", 15),  # opened, never closed
])
def test_an_isolate_mark_without_its_partner_is_refused(value, char, column):
    [problem] = load_text(f"event:\n  name: {value}\n", "p.yaml", keep_going=True).problems
    assert f"isolate mark (U+{char}) without its partner" in problem.message
    assert (problem.line, problem.column) == (2, column)


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e"])
def test_embeddings_and_overrides_are_refused_even_inside_isolates(char):
    [problem] = load_text(f"event:\n  name: \u2066a{char}b\u2069\n", "p.yaml", keep_going=True).problems
    assert f"bidirectional control character (U+{ord(char):04X})" in problem.message


def test_a_key_with_a_control_character_is_an_error_not_a_key():
    loaded = load_text('"na\\eme": x\nother: y\n', "p.yaml", keep_going=True)
    assert [p.line for p in loaded.problems] == [1]
    assert loaded.data == {"other": "y"}


def test_tabs_and_line_breaks_in_prose_are_text():
    loaded = load_text('intro: "one\\ttwo\\nthree"\n', "p.yaml", keep_going=True)
    assert loaded.problems == [] and loaded.data == {"intro": "one\ttwo\nthree"}


def test_every_value_of_a_real_plan_is_checked(write_plan):
    def poison(data):
        data["reporting"]["channels"][0]["label"] = "Hotline \u202e0123"
        data["responders"][1]["name"] = "Sam\x1b[2J"
    problems = [p for p in check_plan(write_plan(poison)).problems if "(U+" in p.message]
    assert sorted(p.path for p in problems) == [("reporting", "channels", 0, "label"), ("responders", 1, "name")]


@pytest.mark.parametrize("line_break", ["\n", "\u2028", "\u2029"], ids=["LF", "line separator", "paragraph separator"])
def test_a_one_line_field_holds_no_line_break(write_plan, line_break):
    # U+2028 ends a line on paper too: under a name it would print a second line that reads like the phone number below it
    def change(data):
        data["responders"][0]["name"] = f"Sam{line_break}020 7946 0999"
    problems = [p for p in check_plan(write_plan(change)).problems if p.severity == "error"]
    if line_break == "\n":
        assert [(p.path, p.message) for p in problems] == [(("responders", 0, "name"),
                                                            "`responders[0].name`: this value is one line: write it without line breaks")]
    else:  # typed as it is, it is refused where it stands in the file, as YAML reads it as a line break editors do not show
        [problem] = problems
        assert f"a line separator (U+{ord(line_break):04X})" in problem.message


@pytest.mark.parametrize("line_break", ["\\u2028", "\\u2029"])
def test_a_one_line_field_holds_no_line_break_spelled_as_an_escape(line_break):
    loaded = load_text(f'responders:\n  - name: "Sam{line_break}020 7946 0999"\n', "p.yaml", keep_going=True)
    assert loaded.problems == [] and loaded.data["responders"][0]["name"] == f"Sam{chr(int(line_break[2:], 16))}020 7946 0999"


def test_a_line_separator_in_a_comment_is_refused_at_its_place_not_later_lines_misplaced():
    with pytest.raises(PlanError) as raised:
        load_text("format: 1\n# a comment\u2028with a separator\nevent:\n  name: x\n", "p.yaml")
    [problem] = raised.value.problems
    assert (problem.line, problem.column) == (2, 12) and "U+2028" in problem.message


def test_values_printed_on_the_terminal_are_escaped(tmp_path):
    plan = tmp_path / "p.yaml"
    plan.write_text('format: 1\nevent:\n  "\\e]0;pwned\\a": 1\n  name: "\\e[31mred"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "U+001B" in result.output


CALENDAR = r"""
import sys
from icalendar import Calendar
from generator.plan.validate import read_plan
from generator.render.calendar import rota_calendars
plan = read_plan(sys.argv[1])
hostile = "Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\rX-A:1\nX-B:2\x00"
plan.event.__dict__["name"] = hostile  # past the loader's checks, as a bug might let it through
for shift in plan.rota:
    shift.__dict__["note"] = hostile
for ics in rota_calendars(plan).values():
    lines = ics.split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines), "a bare line break"
    events = [line for line in lines if line == b"BEGIN:VEVENT"]
    parsed = Calendar.from_ical(ics)
    if len(parsed.walk("VEVENT")) != len(events) or any(line.startswith(b"SUMMARY:injected") for line in lines):
        raise SystemExit("injected event")
print("ok", len(lines))
"""


@pytest.mark.slow  # runs Python in a subprocess
@pytest.mark.parametrize("optimize", [[], ["-O"]])
def test_no_plan_text_can_end_a_calendar_line(optimize):
    result = subprocess.run([sys.executable, *optimize, "-c", CALENDAR, str(EXAMPLE)], check=False, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")


@pytest.mark.parametrize(("text", "message"), [
    ("Call us. " + "*a" * 2500, "a word of 5,000 characters with no space"),  # emphasis a printer lays out in minutes
    ("[" * 2000 + "x" + "]" * 2000, "a word of 4,001 characters"),
    ("a\u00a0" * 600, "a word of 1,200 characters"),  # a no-break space is no place to break a line
    ("ー" * 1100, "a word of 1,100 characters"),  # nor a run of marks no Japanese line may start with
    ("Listen.\n" + "> " * 40 + "deep", "nests quotes or lists more than 16 levels deep"),
    ("Listen.\n" + "\n".join("  " * level + "- step" for level in range(200)), "nests quotes or lists"),
    ("Listen. " + "<span> " * 100 + "deep", "nests HTML elements more than 32 levels deep"),
    ("Listen. " + "[ " * 300, "more than 200 square brackets"),  # the Markdown reader: minutes for tens of thousands
    ("Listen. " + "<a " * 1200, "more than 1,000 angle brackets"),
])
def test_a_text_no_guide_needs_and_no_printer_lays_out_in_time_is_refused_where_it_starts(text, message):
    loaded = load_text("roles:\n  - duties:\n      - " + __import__("json").dumps(text) + "\n", "p.yaml", keep_going=True)
    [problem] = loaded.problems
    assert message in problem.message and problem.line == 3 and problem.path == ("roles", 0, "duties", 0)


@pytest.mark.parametrize("text", [
    "See https://example.org/" + "a" * 900 + " for the map.",  # a long web address
    "Listen.\n\n> Quoted once.\n\n- one\n  - two\n    - three",
    "-" * 60, "*" * 40,  # separator lines
    "Line one<br>line two " * 200,
    "通報を受けたら、落ち着いて話を聞いてください。" * 100,  # Japanese: no spaces, a line may break anywhere
    "ผู้ใหญ่น้ำใจดี" * 200,  # Thai: no spaces between words
])
def test_long_addresses_separators_and_some_nesting_are_text(text):
    loaded = load_text("roles:\n  - duties:\n      - " + __import__("json").dumps(text) + "\n", "p.yaml", keep_going=True)
    assert loaded.problems == []


@pytest.mark.parametrize("reference", ["&#x2028;", "&#8233;", "&#10;", "&NewLine;"])
def test_a_one_line_field_holds_no_line_break_spelled_as_an_html_reference(write_plan, reference):
    def change(data):
        data["responders"][0]["name"] = f"Sam{reference}020 7946 0999"
    problems = [p for p in check_plan(write_plan(change)).problems if p.severity == "error"]
    assert [(p.path, p.message) for p in problems] == [(("responders", 0, "name"),
                                                        "`responders[0].name`: this value is one line: write it without line breaks")]
