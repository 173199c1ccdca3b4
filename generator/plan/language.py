"""Languages and locales: the tags a plan may name, the locales whose words ship, and which language a text is in.

Tags: a BCP 47 tag (`pt-BR`, `ja-JP`) is read with Babel's CLDR data, imported only when
a tag is read. The plan's validation and the guides' words (generator/render/locale.py)
both read the tags and the shipped locales from here.

Which language a text is written in, roughly, is enough to tell an event that a shared text
is still in English. A small heuristic, no model and no data download: a text in Arabic or
Japanese script is Arabic or Japanese; a text in Latin script is the language whose most
common short words ("the", "und", "les", "para"...) it uses most, when it uses at least three
of them and clearly more than any other language's. A short label or a name says nothing (None).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import phonenumbers

from ..errors import quoted

if TYPE_CHECKING:
    from babel import Locale

# The locales with a complete catalog of the guide's words (templates/locale/; en-GB is the source text),
# offered by editors (the plan's JSON Schema lists them in this order); any other tag CLDR knows
# (`it-IT`) is allowed too: its formats, English words.
SHIPPED = ("en-US", "en-GB", "de-DE", "es-ES", "fr-FR", "pt-BR", "ja-JP", "ar-EG")
_TAG_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def parse_tag(tag: str) -> Locale:
    """A BCP 47 tag (`pt-BR`, `ja-JP`) as a Babel locale; raises ValueError if CLDR does not know it."""
    from babel import Locale, UnknownLocaleError  # CLDR's data, loaded only when a tag is read

    problem = ValueError(f"{quoted(tag)} is not a locale\nhint: use a language and country, e.g. en-GB, en-US, de-DE, pt-BR or ja-JP")
    # Babel reads leniently (`en_US@euro`, `en-US"><b>` as en): only a BCP 47 shape, its language first, is a tag
    if not _TAG_SHAPE.match(tag) or tag[:3].lower().rstrip("-_") in ("und", "root"):
        raise problem
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise problem from None
    if locale.language != re.split("[-_]", tag)[0].lower():
        raise problem
    return locale


def derived_tag(language: str, region: str | None) -> str:
    """The locale a plan gets without `event.locale`: its first language, in the venue's country."""
    if "-" in language or not region:
        return language
    candidate = f"{language}-{region}"
    try:
        parse_tag(candidate)
    except ValueError:
        return language
    return candidate


def language_region(tag: object) -> str | None:
    """The country of a language tag (`en-GB` -> GB, `pt-BR` -> BR), if it names one."""
    if not isinstance(tag, str):
        return None
    for part in tag.split("-")[1:]:
        if len(part) == 2 and part.upper() in phonenumbers.SUPPORTED_REGIONS:
            return part.upper()
    return None


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to is are be or in on for with who what when if you your we our they their this that it not "
                    "can will do has have by at from a an as was".split()),
    "de": frozenset("der die das und ist sind ein eine einen nicht mit für von zu den dem des wir ihr sie wer was wenn auf "
                    "auch oder bei nach im wird werden kann uns unsere".split()),
    "fr": frozenset("le la les et est sont un une des du de pour avec qui que quand si vous votre nous notre ils ne pas "
                    "dans sur au aux par ou peut cette ce".split()),
    "es": frozenset("el la los las y es son un una de del para con quien que cuando si usted su nosotros no en por o "
                    "puede esta este al se".split()),
    "pt": frozenset("o a os as e é são um uma de do da dos das para com quem que quando se você sua nós não em no na "
                    "por ou pode esta este ao".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
MIN_WORDS = 3


def guess(text: str) -> str | None:
    """The language code `text` is most likely in, or None when it is too short or unclear to say."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    if sum(bool(_ARABIC.match(c)) for c in letters) > len(letters) / 2:
        return "ar"
    if sum(bool(_JAPANESE.match(c)) for c in letters) > len(letters) / 2:
        return "ja"
    words = [word.lower() for word in _WORD.findall(text)]
    scores = sorted(((sum(word in stop for word in words), code) for code, stop in STOP_WORDS.items()), reverse=True)
    (best, code), (second, _other) = scores[0], scores[1]
    if best < MIN_WORDS or best < 2 * second:
        return None
    return code


def other_language(text: str, locale: str) -> str | None:
    """The language `text` is in when that is clearly not the language of `locale` (`de-AT` -> `de`); else None."""
    found = guess(text)
    wanted = locale.replace("_", "-").split("-")[0].lower()
    return found if found is not None and found != wanted else None
