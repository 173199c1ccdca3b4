"""Placeholders: values still to write (TODO, CHANGE ME) and a starter plan's sample values left in."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator

from ...plan.model import ITEM_KINDS
from ..context import Context, leaves, strings
from ..registry import Finding, rule

PLACEHOLDER_TEXT = re.compile(r"^(TODO|CHANGE ME)\b")
PLACEHOLDER_MARK = "CHANGE ME"
_SAMPLE_FIELDS = {"phone": "phone number", "number": "phone number", "email": "e-mail address", "link": "link",
                  "website": "link", "code_of_conduct": "link", "reporting_guidelines": "link", "starts": "date",
                  "ends": "date", "last_reviewed": "date", "start": "date", "end": "date", "days": "date"}


@rule("PLACEHOLDER", "warning", "A value still starts with TODO or CHANGE ME, a line still says CHANGE ME, or a starter "
      "plan still holds one of the starter's sample values (its numbers, example.org addresses and links, its dates).",
      items=ITEM_KINDS,
      bad="""
          event:
            name: "TODO: the name of your event"
          """,
      good="""
          event:
            name: Riverside Open Source Summit 2027
          """)
def placeholder(context: Context) -> Iterator[Finding]:
    """A text value still starts with `TODO` or `CHANGE ME` (in capitals), as the starter
    plans do, or any line of the file still says `CHANGE ME` (in a comment next to a number,
    date or link, too): replace it before the event. A plan that still begins with a
    starter's `# Starter plan:` comment is also checked for the starter's sample values:
    its fictional phone numbers, `example.org` e-mail addresses and links, and its dates.
    Remove that comment once every value is your own. While any PLACEHOLDER warning is left,
    `build` prints DRAFT on every page and its summary names the plan.
    """
    found = []
    for path, value in strings(context.plan):
        if PLACEHOLDER_TEXT.match(value):
            shown = value if len(value) <= 40 else value[:37] + "..."
            found.append(Finding(path, f"`{shown}` is a placeholder; replace it with the real value"))
    lines = context.source.lines
    from ...starter_texts import starter_marks  # the mark in each language a starter is written in

    mark = next((m for line in lines for m in starter_marks() if line.startswith(m)), None)
    if mark is not None:
        found += _starter_values(context, mark)
    yield from found
    # every other line that still says CHANGE ME, in a comment or inside a text (as many as `init` counted)
    flagged = {context.line(f.path) for f in found}
    for number, text in enumerate(lines, start=1):
        column = text.find(PLACEHOLDER_MARK)
        if column >= 0 and number not in flagged:
            where = "a comment" if "#" in text[:column] else "this line"
            yield Finding((), f"{where} still says {PLACEHOLDER_MARK}: replace the value it marks, then remove the mark",
                          at=(number, column + 1))


def _starter_values(context: Context, mark: str) -> Iterator[Finding]:
    """In a plan written by `init`: every value still equal to one of the starters' samples."""
    samples = starter_samples()
    for path, value in leaves(context.plan):
        kind = _sample_kind(path, value)
        if kind is None:
            continue
        text = value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else str(value)
        if kind in ("e-mail address", "link") and _example_domain(text):
            why = "uses example.org, a domain for examples"
        elif (kind, text) in samples:
            why = "is the starter's sample"
        else:
            continue
        yield Finding(path, f"`{text}` {why} ({kind}); replace it with the real value, then remove the "
                      f"`{mark}` line at the top")


def _sample_kind(path: tuple[object, ...], value: object) -> str | None:
    names = [part for part in path if isinstance(part, str)]
    kind = _SAMPLE_FIELDS.get(names[-1]) if names else None
    if kind == "date" and not isinstance(value, dt.date):
        return None  # `start` and `end` of on-call hours are clock times, not sample dates
    if kind == "phone number" and not str(value).startswith("+"):
        return None  # a short service number (101, 988) is the country's real one
    return kind


def _example_domain(text: str) -> bool:
    host = text.rpartition("@")[2] if "@" in text and "://" not in text else re.sub(r"^https?://", "", text).split("/")[0]
    return host.lower() == "example.org" or host.lower().endswith(".example.org")


@functools.cache
def starter_samples() -> frozenset[tuple[str, str]]:
    """(kind, value) of every phone number, e-mail address, link and date in the bundled starters."""
    from ...init import TEAMS, starter_path  # the starters live with the templates
    from ...plan.validate import read_plan

    found = set()
    for team in TEAMS:
        for path, value in leaves(read_plan(starter_path(team))):
            kind = _sample_kind(path, value)
            if kind:
                found.add((kind, value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else str(value)))
    return frozenset(found)


_CUT_BY_COMMENT = re.compile(r"[ \t]+#(?=[^\s#])")


@rule("TEXT-CUT", "warning", "A text is cut short by ` #` (a chat channel, a hashtag): YAML reads the rest of the line as "
      "a comment.",
      bad="""
          taking_reports:
            do:
              - Tell the team in #coc-urgent on Discord at once.
          """,
      good="""
          taking_reports:
            do:
              - "Tell the team in #coc-urgent on Discord at once."
          """)
def text_cut(context: Context) -> Iterator[Finding]:
    """In YAML, a space followed by `#` starts a comment, even in the middle of a text not
    in quotes: `Tell the team in #coc-urgent on Discord` is read as `Tell the team in`, and
    the guides print that. A comment written by hand has a space after its `#` (`# CHANGE
    ME`); a `#` followed at once by a word right after a value is taken for part of the
    text. Put the whole text in quotes.
    """
    source = context.source
    lines = source.lines
    for path, (line, column) in source.ends.items():
        if source.file_of(path) != source.file or not 0 < line <= len(lines):
            continue
        rest = lines[line - 1][column - 1:]
        cut = _CUT_BY_COMMENT.match(rest)
        if cut:
            shown = rest[cut.end() - 1:].split()[0][:40]
            yield Finding(path, f"the text stops before ` {shown}`: YAML reads ` #` and the rest of the line as a comment",
                          hint="put the whole text in quotes if the rest belongs to it; a comment has a space after `#`",
                          at=(line, column + cut.end() - 1))
