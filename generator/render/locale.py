"""The guide's own words and local formats: gettext catalogs for words, Babel (CLDR) for formats.

Every message the tool prints has a stable id and an English (British) default text:
`t("public.lede", "If something ...")` in Python and in the templates. The id is the
message's gettext context (msgctxt), the English text its msgid, so translators see the
English and organizers override by id (`wording:` in the plan, see docs/wording.md).

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, lists
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

from ..plan.language import SHIPPED as SHIPPED  # the locales whose words ship: one list, read here and by the plan
from ..plan.language import parse_tag

CATALOG_LANGUAGES = ("en_US", "de", "es", "fr", "pt_BR", "ja", "ar")
PSEUDO = "en-XA"
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def plain_text(value: str | Markup) -> str:
    """Markup as plain text: tags dropped, entities read, runs of ASCII white space made one space.

    Unlike Markup.striptags, it keeps the no-break spaces typography puts in (French `\u202f:`)."""
    text = re.sub(r"<!--.*?-->|<[^>]*>", "", str(value), flags=re.S)
    return Markup(" ".join(re.split(r"[ \t\r\n\f]+", text)).strip()).unescape()


def locale_dir() -> Path:
    # One home for where the templates are (checkout or installed package).
    from ..paths import templates_dir

    return templates_dir() / "locale"


@functools.cache
def catalog(language: str) -> dict[tuple[str, str], str]:
    """(id, English) -> translation for one catalog language (e.g. `de`, `pt_BR`); empty when none."""
    path = locale_dir() / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language)
    return {(str(m.context), str(m.id)): str(m.string) for m in messages
            if m.id and m.string and not m.fuzzy and m.context}


@functools.cache
def english_messages() -> dict[str, str]:
    """Every message id the tool knows -> its English default, from the source catalog template."""
    path = locale_dir() / "messages.pot"
    with path.open("rb") as handle:
        template = read_po(handle)
    return {str(m.context): str(m.id) for m in template if m.id and m.context}


@dataclass(frozen=True)
class Localizer:
    """Words and formats for one locale, plus the plan's own wording (id -> Markdown already rendered)."""

    tag: str
    overrides: Mapping[str, Markup] = field(default_factory=dict)
    # Policy sentences (generator/plan/policy.py): printed only as the plan's own text, never by default.
    silent: frozenset[str] = frozenset()
    # The silent ids a template asked for and the plan does not state (what the guides leave out).
    unstated: set[str] = field(default_factory=set, compare=False)

    @functools.cached_property
    def pseudo(self) -> bool:
        return self.tag == PSEUDO

    @functools.cached_property
    def babel(self) -> Locale:
        return parse_tag("ja-JP" if self.pseudo else self.tag)

    @functools.cached_property
    def words(self) -> dict[tuple[str, str], str]:
        if self.pseudo:
            return {}
        code = str(self.babel)
        return catalog(code) or catalog(self.babel.language)

    @property
    def language(self) -> str:
        """The language the words are in: the locale's, or English when no catalog has it."""
        if self.pseudo:
            return "en"
        if self.babel.language == "en" or self.words:
            return self.babel.language if not self.babel.script else f"{self.babel.language}-{self.babel.script}"
        return "en"

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

    def t(self, ident: str, english: str, **values: object) -> Markup:
        """The message `ident` in this locale (or the plan's override), placeholders filled and escaped."""
        if ident in self.overrides:
            text = self.overrides[ident]
        elif ident in self.silent:
            self.unstated.add(ident)
            return Markup("")
        else:
            text = escape(self.words.get((ident, english), english))
            if self.pseudo:
                text = Markup("\u27e6") + text + Markup("\u27e7")
        if not values:
            return Markup(text)
        return Markup(PLACEHOLDER.sub(lambda m: str(escape(values[m.group(1)])) if m.group(1) in values else m.group(0), str(text)))

    def text(self, ident: str, english: str, **values: object) -> str:
        """A message as plain text (calendars, the PDF's running header): tags stripped, entities read."""
        return plain_text(self.t(ident, english, **values))

    def all_texts(self) -> list[str]:
        """Every message in this locale, as plain text with its placeholders (the guide's vocabulary)."""
        return [self.text(ident, english) for ident, english in english_messages().items()]

    def series(self, items: Iterable[str | Markup]) -> Markup:
        """'a, b, c' without a final 'and' (names in a table cell): CLDR's list pattern for the middle of a list."""
        escaped = [str(escape(item)) for item in items]
        if not escaped:
            return Markup("")
        middle = self.babel.list_patterns["standard"]["middle"]
        text = escaped[0]
        for item in escaped[1:]:
            text = middle.format(text, item)
        return Markup(text)

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
