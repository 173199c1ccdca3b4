"""The tool's own words as data: every message id with its English default, and the translations.

The source catalog, `templates/locale/messages.pot`, is the one place each English default is
written: `msgctxt` is the message id, `msgid` the English (British) text. Code and templates name a
message by its id alone (`t("toc.title")`, `t("cover.call", number=…)`); a new message is added to the
source catalog (its id as `msgctxt`, its English as `msgid`; a `t("id", "English")` call left in the code
is refused by the catalogs tool, which finds it with its place), and
`python -m generator.render.catalogs` refreshes where each is used, the translated catalogs and
docs/wording.md.

The translated catalogs, `templates/locale/<lang>/LC_MESSAGES/messages.po`, keep the English as
`msgid` so translators see what they translate. A translation counts only while its `msgid` is
still the source's English and it is not fuzzy: a changed English default prints in English (and
the catalogs tool flags the old translation fuzzy) until someone translates it again.

Low level on purpose: imports nothing from the plan or the renderer.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from babel.messages.pofile import read_po

from .paths import templates_dir

# `{name}` in a message: a value the guide fills in.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The languages with a catalog of the guide's words (English is the source and needs none).
CATALOG_LANGUAGES = ("en_US", "de", "es", "fr", "pt_BR", "ja", "ar")
SOURCE = "messages.pot"


class UnknownMessage(LookupError):
    """A message id that the source catalog does not hold: a bug in a template or the code."""


def locale_dir() -> Path:
    return templates_dir() / "locale"


def source_path() -> Path:
    return locale_dir() / SOURCE


def catalog_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / "messages.po"


@functools.cache
def english_messages() -> dict[str, str]:
    """Every message id the tool knows -> its English default, from the source catalog."""
    with source_path().open("rb") as handle:
        source = read_po(handle)
    return {str(m.context): str(m.id) for m in source if m.id and m.context}


def english(ident: str) -> str:
    """The English default of one message; UnknownMessage when the source catalog has no such id."""
    try:
        return english_messages()[ident]
    except KeyError:
        raise UnknownMessage(f"message id `{ident}` is not in templates/locale/{SOURCE}") from None


@functools.cache
def translations(language: str) -> dict[str, str]:
    """Message id -> translation for one catalog language (`de`, `pt_BR`); empty when there is no catalog."""
    path = catalog_path(language)
    return read_translations(path, language, english_messages()) if path.is_file() else {}


def read_translations(path: Path, language: str, source: dict[str, str]) -> dict[str, str]:
    """The translations in one .po file that count: not fuzzy, and translated from the source's current English."""
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language)
    return {str(m.context): str(m.string) for m in messages
            if m.id and m.string and not m.fuzzy and m.context and source.get(str(m.context)) == str(m.id)}


def message_id(ident: str, /) -> str:
    """Marks a message id named outside a `t()` call (the edition registry's titles): the catalogs tool
    (generator/render/catalogs.py) finds it there as it finds `t("id")`. Returns the id."""
    return ident
