"""The guide's own words and local formats: gettext catalogs for words, Babel (CLDR) for formats.

Every message the tool prints has a stable id, and code and templates name it by that id alone:
`t("public.lede")`, `t("cover.call", number=…)`. Its English (British) default is written once, in
the source catalog templates/locale/messages.pot (read by generator/messages.py); organizers
override by id (`wording:` in the plan, see docs/wording.md).

Catalogs are `templates/locale/<lang>/LC_MESSAGES/messages.po`, read with Babel when
first needed and cached (no compiled .mo files to keep in step). English is the
source language and needs no catalog; en-US has one for its spellings.

`{name}` in a message is a placeholder, filled with escaped values (or Markup).
The pseudo-locale `en-XA` wraps every message in ⟦…⟧ and formats with CLDR data
that has no Latin letters (Japanese), so any English left outside the catalogs shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError, dates, lists
from markupsafe import Markup, escape

from ..messages import PLACEHOLDER, english, english_messages, message_id, translations
from ..plan.language import parse_tag
from ..plan.model import Decisions
from ..plan.policy import POLICY
from . import markdown

if TYPE_CHECKING:
    from ..plan.model import Plan

PSEUDO = "en-XA"
_LETTER = re.compile(r"[^\W\d_]")
# An English message marked for a page in another language (Localizer._marked_english), with no tag inside.
_MARKED_ENGLISH = re.compile(r'<span lang="en">([^<]*)</span>')


def plain_text(value: str | Markup) -> str:
    """Markup as plain text: tags dropped, entities read, runs of ASCII white space made one space.

    Unlike Markup.striptags, it keeps the no-break spaces typography puts in (French `\u202f:`)."""
    text = re.sub(r"<!--.*?-->|<[^>]*>", "", str(value), flags=re.S)
    return Markup(" ".join(re.split(r"[ \t\r\n\f]+", text)).strip()).unescape()




def _filled(message: Markup, values: Mapping[str, object], shown: Callable[[object], Markup] = escape) -> Markup:
    """`message` with each `{name}` it has a value for filled in as `shown` gives it (escaped), the others left."""
    if not values:
        return message
    return Markup(PLACEHOLDER.sub(lambda m: str(shown(values[m.group(1)])) if m.group(1) in values else m.group(0), message))


@dataclass(frozen=True)
class Localizer:
    """Words and formats for one locale, plus the plan's own wording (id -> Markdown already rendered)."""

    tag: str
    overrides: Mapping[str, Markup] = field(default_factory=dict)
    # Policy sentences (generator/plan/policy.py): printed only as the plan's own text, never by default.
    silent: frozenset[str] = frozenset()
    # The silent ids a template asked for and the plan does not state (what the guides leave out).
    unstated: set[str] = field(default_factory=set, compare=False)
    # Message ids said in other words for this plan (NO_LEAD_WORDS for a team without a lead), unless it words them itself.
    instead: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def pseudo(self) -> bool:
        return self.tag == PSEUDO

    @functools.cached_property
    def babel(self) -> Locale:
        return parse_tag("ja-JP" if self.pseudo else self.tag)

    @functools.cached_property
    def words(self) -> dict[str, str]:
        """Message id -> translation in this locale's catalog (its country's, else its language's)."""
        if self.pseudo:
            return {}
        return translations(str(self.babel)) or translations(self.babel.language)

    @property
    def language(self) -> str:
        """The language the words are in: the locale's, or English when no catalog has it."""
        return self.text_language if self.has_catalog else "en"

    @property
    def text_language(self) -> str:
        """The language of the plan's text, the page's language: the locale's, with a catalog or without."""
        if self.pseudo:
            return "en"
        return self.babel.language if not self.babel.script else f"{self.babel.language}-{self.babel.script}"

    @property
    def direction(self) -> str:
        """The locale's writing direction (CLDR's character order), with a catalog for its words or without."""
        if self.pseudo:
            return "ltr"
        return "rtl" if self.babel.character_order == "right-to-left" else "ltr"

    @property
    def has_catalog(self) -> bool:
        """Whether the tool's own words are in the locale's language (English is the source and needs none)."""
        return self.pseudo or self.babel.language == "en" or bool(self.words)

    @property
    def territory(self) -> str | None:
        return None if self.pseudo else self.babel.territory

    # --- words ----------------------------------------------------------------

    def t(self, ident: str, /, **values: object) -> Markup:
        """The message `ident` in this locale (or the plan's override), placeholders filled and escaped."""
        if ident not in self.overrides:
            ident = self.instead.get(ident, ident)
        if ident in self.overrides:
            text = self.overrides[ident]
        elif ident in self.silent:
            self.unstated.add(ident)
            return Markup("")
        elif not self.has_catalog:
            return self._marked_english(english(ident), values)
        else:
            text = escape(self.words.get(ident) or english(ident))
            if self.pseudo:
                text = Markup("\u27e6") + text + Markup("\u27e7")
        return _filled(Markup(text), values)

    def _marked_english(self, message: str, values: Mapping[str, object]) -> Markup:
        """An English message in a page in the plan's language (a locale with no catalog), marked
        `lang="en"` so that a screen reader voices it in English, and its values that hold letters
        (the plan's names and texts) marked with the plan's language.

        An English message filled in as a value is joined into its sentence ("Police: 100" is one
        run of text, which a right-to-left page isolates whole, colon and all); a message of
        punctuation alone with no English value in it (", ") stays unmarked."""
        def marked_english(value: object) -> re.Match[str] | None:
            return _MARKED_ENGLISH.fullmatch(value) if isinstance(value, Markup) else None

        if not (_LETTER.search(PLACEHOLDER.sub("", message)) or any(map(marked_english, values.values()))):
            return _filled(escape(message), values)

        def marked(value: object) -> Markup:
            if (inner := marked_english(value)) is not None:
                return Markup(inner.group(1))
            if isinstance(value, Markup) or not _LETTER.search(str(value)):
                return escape(value)
            return Markup('<span lang="{}">{}</span>').format(self.text_language, value)

        return Markup('<span lang="en">{}</span>').format(_filled(escape(message), values, marked))

    def text(self, ident: str, /, **values: object) -> str:
        """A message as plain text (calendars, the PDF's running header): tags stripped, entities read."""
        return plain_text(self.t(ident, **values))

    def all_texts(self) -> list[str]:
        """Every message in this locale, as plain text with its placeholders (the guide's vocabulary)."""
        return [self.text(ident) for ident in english_messages()]

    def series(self, items: Iterable[str | Markup]) -> Markup:
        """'a, b, c' without a final 'and' (names in a table cell), each item escaped, joined by the catalog's
        `punct.comma` as the templates join theirs (one way to join a series)."""
        return self.t("punct.comma").join(escape(item) for item in items)

    def language_name(self, code: str) -> str:
        """A language (`ja`, `pt-BR`) by its name in this locale (CLDR): 日本語, portugais (Brésil); the code if CLDR has none."""
        try:
            return Locale.parse(code.replace("-", "_")).get_display_name(self.babel) or code
        except (UnknownLocaleError, ValueError):
            return code

    def join(self, items: Iterable[str | Markup]) -> Markup:
        """'a, b and c' as this locale lists things (CLDR list patterns), each item escaped."""
        escaped = [str(escape(item)) for item in items]
        return Markup(lists.format_list(escaped, locale=self.babel)) if escaped else Markup("")

    # --- formats ----------------------------------------------------------------

    def long_date(self, day: dt.date) -> str:
        return dates.format_date(day, "full", locale=self.babel)

    def short_date(self, day: dt.date) -> str:
        return dates.format_skeleton("MMMEd", day, locale=self.babel)

    def date_range(self, first: dt.date | None, last: dt.date | None) -> str:
        if first is None:
            return ""
        if last is None or last == first:
            return self.long_date(first)
        # CLDR has few interval patterns with full month names; write the months out in full.
        if "yMMMMd" in self.babel.interval_formats:
            return dates.format_interval(first, last, "yMMMMd", locale=self.babel)
        text = dates.format_interval(first, last, "yMMMd", locale=self.babel)
        for month in {first.month, last.month}:
            short = self.babel.months["format"]["abbreviated"][month]
            text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", self.babel.months["format"]["wide"][month], text)
        return text

    def range(self, first: str | Markup, last: str | Markup) -> Markup:
        """From `first` to `last` as this locale writes a range (CLDR's interval pattern): 8:00–20:00, 8:00～20:00."""
        pattern = self.babel.interval_formats.get(None) or "{0}\u2013{1}"
        return Markup(escape(pattern)).format(first, last)

    def zone_name(self, value: dt.datetime | dt.tzinfo) -> str:
        """A time zone in this locale's words (CLDR): at a moment, its summer or winter name; a zone alone, its generic name."""
        return dates.get_timezone_name(value, "long", locale=self.babel)

    @functools.cached_property
    def twenty_four_hours(self) -> bool:
        return "H" in self.babel.time_formats["short"].pattern

    def time(self, moment: dt.time | dt.datetime, *, end_of_day: bool = False) -> str:
        """A wall-clock time (`21:00`, `9:00 PM`); midnight at a shift's end is 24:00 where clocks run to 24."""
        if end_of_day and self.twenty_four_hours:
            return "24:00"
        value = moment.time() if isinstance(moment, dt.datetime) else moment
        return dates.format_time(value, "short", locale=self.babel)


def plan_localizer(plan: Plan) -> Localizer:
    """The plan's locale with its `wording:` and `policy:` texts (inline Markdown, sanitized).

    A policy sentence the plan does not state prints nothing (generator/render/policy.py)."""
    texts = {**plan.wording, **plan.policy}
    overrides = {ident: markdown.to_inline_html(text, lambda src: src) for ident, text in texts.items()}
    instead = NO_LEAD_WORDS if plan.team.decides is not Decisions.lead else {}
    return Localizer(plan.locale, overrides, frozenset(POLICY), instead=instead)


# A team that decides together or by vote has no lead: the first name on a shift of its rota is the volunteers'
# first call, and the guides say so ("the responder on call", "On call") instead of naming a lead the team does not have.
NO_LEAD_WORDS = {
    "who.first-call-lead": message_id("who.on-call"),
    "who.lead-on-call": message_id("who.on-call"),
    "oncall.lead": message_id("oncall.first-call"),
    "oncall.leads-title": message_id("oncall.on-call-title"),
    "section.volunteer.leads": message_id("section.volunteer.on-call"),
    "rota.lead-mark": message_id("rota.first-call-mark"),
    "calendar.you-lead": message_id("calendar.you-first-call"),
    "calendar.lead": message_id("calendar.first-call"),
    "calendar.summary-lead": message_id("calendar.summary-first-call"),
    "drill.shift.lead": message_id("drill.shift.first-call"),
}
