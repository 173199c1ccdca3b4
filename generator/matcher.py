"""Finding many needles in a text in one pass, whatever their number and whatever the script.

The leak check (generator.render.leaks) and the private-paste rule (generator.plan.pastes)
search texts for the plan's secrets (generator.plan.secrets): phone numbers by their digits,
however they are written; names and handles as whole words; text anywhere. A needle in
another script is also found as a PDF's text layer gives it back: without combining marks
and joiners (Devanagari conjuncts), and in right-to-left and Brahmic scripts word by word,
each word's letters in any order, the words in any order.

The search is one pass over each text, whatever the number of needles (`Matcher`):
phone numbers are looked up by the digits that end each group of a run of digits,
words and handles by one of their words (the one fewest needles share), so a plan with
thousands of responders checks in time that grows with the plan.
"""

from __future__ import annotations

import bisect
import collections
import functools
import html
import itertools
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

_PHONE_TEXT = re.compile(r"\+?\(?\d[\d\s().\-/]{4,}\d")
_MARKDOWN_MARKS = re.compile(r"[*_`#>\[\]~]+")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # `Lindqvist\-Torres` reads Lindqvist-Torres
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]*\]")  # `[^1]`
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")  # `[maya@](https://…)example.org` reads maya@example.org
# characters that show nothing and are no format character (Unicode's other default-ignorable ones): a grapheme
# joiner, variation selectors, Hangul fillers, Mongolian selectors, Khmer inherent vowels
_IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0" + "".join(map(chr, range(0x180B, 0x1810)))
                       + "".join(map(chr, range(0xFE00, 0xFE10))) + "".join(map(chr, range(0xE0100, 0xE01F0))))
# dashes an editor puts for a hyphen (non-breaking, en dash, minus sign...): one hyphen to the search
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
# a line break or a block between the words of one text: a space, not nothing, when tags are dropped
_BREAKING_TAG = re.compile(r"</?(?:br|p|div|li|ul|ol|h[1-6]|blockquote|tr|td|th)\b", re.IGNORECASE)
HTML_MARKUP = r"<!--(?:(?!<!--).)*?-->|</?[A-Za-z][^<>]*>"  # an HTML comment or tag in plan text (also generator.plan.pastes)
_HTML_TAGS = re.compile(HTML_MARKUP, re.DOTALL)


class Needle(Protocol):
    """What is searched for: its `kind` ("phone": `needle` is digits; "name" and "handle": a whole word;
    "text": anywhere) and the `needle` itself, normalised as `normalise_text` does."""

    @property
    def kind(self) -> str: ...
    @property
    def needle(self) -> str: ...


Found = TypeVar("Found", bound=Needle)


def normalise_text(text: str) -> str:
    """Entities decoded, compatibility forms folded, casefolded, invisible format characters
    (soft hyphens, zero-width spaces) dropped, Markdown marks and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    if not text.isascii():  # no ASCII character is a format character
        text = "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in _IGNORABLE).translate(_DASHES)
    text = _MARKDOWN_MARKS.sub(" ", _FOOTNOTE_MARK.sub("", _MARKDOWN_ESCAPE.sub(r"\1", text)))
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


class _Text:
    """A text to search, in the forms the searches need (the costly ones made only when asked for)."""

    def __init__(self, text: str):
        self.raw = text
        self.plain = normalise_text(text)
        # also as a reader sees it: HTML comments and tags and Markdown marks inside a word dropped
        # ("amara@**example**.org", "amara@<!-- -->example.org"), %-escapes decoded
        untagged = _HTML_TAGS.sub(lambda tag: " " if _BREAKING_TAG.match(tag.group()) else "", text)
        joined = normalise_text(_MARKDOWN_MARKS.sub("", urllib.parse.unquote(html.unescape(
            _MARKDOWN_LINK.sub(r"\1", _FOOTNOTE_MARK.sub("", _MARKDOWN_ESCAPE.sub(r"\1", untagged)))))))
        # and a link's target read too, %-escapes decoded ("[ask](tel:+4420794602%30%34)", "mailto:priya%40…")
        decoded = normalise_text(urllib.parse.unquote(html.unescape(text))) if "%" in text else self.plain
        self.forms = tuple(dict.fromkeys((self.plain, joined, decoded)))
        self.runs = list(dict.fromkeys(_digit_run(run) for form in self.forms for run in _PHONE_TEXT.findall(form)))

    @functools.cached_property
    def skeleton(self) -> str:
        return skeleton(self.plain)

    @functools.cached_property
    def tokens(self) -> dict[str, list[int]]:
        """Each word's letters, sorted, -> the word's positions: survives letters a PDF reorders inside a word."""
        index: dict[str, list[int]] = {}
        for position, word in enumerate(_WORD.findall(self.skeleton)):
            index.setdefault(_letters(word), []).append(position)
        return index


_WORD_CHARACTER = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w+")


class _Needles:
    """Needles found in a text by one of their words: each is tried only where that word stands whole in the text.

    `whole`: a needle is found only as a whole word itself, as `(?<!\\w)needle(?!\\w)` finds it (names, handles);
    else anywhere, as `needle in text` finds it (text). A needle found in a text has each of its words that is
    bounded inside it (for a whole word, each of its words) as a whole word of the text too: one of those, the one
    fewest needles share, is where it is looked up.
    """

    def __init__(self, whole: bool) -> None:
        self.whole = whole
        self.needles: list[tuple[int, str]] = []
        self.anchors: dict[str, list[tuple[int, str, int]]] = {}  # word -> (key, needle, where the word starts in it)
        self.loose: list[tuple[int, str]] = []  # needles with no bounded word: tried one by one

    def add(self, key: int, needle: str) -> None:
        self.needles.append((key, needle))

    def build(self) -> None:
        words = [(key, needle, [(m.start(), m.group()) for m in _WORD_RUN.finditer(needle)
                                if self.whole or (m.start() > 0 and m.end() < len(needle))])
                 for key, needle in self.needles]
        shared = collections.Counter(word for _, _, found in words for word in {word for _, word in found})
        for key, needle, found in words:
            if not found:
                self.loose.append((key, needle))
                continue
            start, word = min(found, key=lambda item: (shared[item[1]], -len(item[1])))
            self.anchors.setdefault(word, []).append((key, needle, start))

    def find(self, text: str) -> set[int]:
        found: set[int] = set()
        if self.anchors and not self.anchors.keys().isdisjoint(_WORD_RUN.findall(text)):
            for match in _WORD_RUN.finditer(text):
                for key, needle, offset in self.anchors.get(match.group(), ()):
                    start = match.start() - offset
                    if key in found or start < 0 or not text.startswith(needle, start):
                        continue
                    if self.whole and (start and _WORD_CHARACTER.match(text, start - 1) or _WORD_CHARACTER.match(text, start + len(needle))):
                        continue
                    found.add(key)
        for key, needle in self.loose:
            if (_word_pattern(needle).search(text) is not None) if self.whole else needle in text:
                found.add(key)
        return found


class _Runs:
    """Needles found anywhere in a text by their first two characters (names in scripts written without spaces)."""

    def __init__(self) -> None:
        self.by_start: dict[str, list[tuple[int, str]]] = {}
        self.first: re.Pattern[str] | None = None

    def add(self, key: int, needle: str) -> None:
        self.by_start.setdefault(needle[:2], []).append((key, needle))

    def build(self) -> None:
        if self.by_start:
            self.first = re.compile("[" + "".join(re.escape(c) for c in sorted({start[0] for start in self.by_start})) + "]")

    def find(self, text: str) -> set[int]:
        found: set[int] = set()
        if self.first is None:
            return found
        for match in self.first.finditer(text):
            at = match.start()
            for start in {text[at:at + 2], text[at]}:
                found.update(key for key, needle in self.by_start.get(start, ()) if text.startswith(needle, at))
        return found


class Matcher(Generic[Found]):
    """A list of needles (the plan's secrets), searched for in a text in one pass over it, however many they are.

    Phone numbers are looked up by the digits that end each group of a run of digits
    ("020 7946 0204 - 24 hours" ends groups at 020, 0207946, 02079460204 and 0207946020424);
    names, handles and text by one of their words (`_Needles`); names and text in other
    scripts also in the text's skeleton, and right-to-left and Brahmic ones by their words' letters.
    """

    def __init__(self, secrets: Iterable[Found]) -> None:
        self.secrets = list(secrets)
        self._phones: dict[str, list[int]] = {}
        self._words, self._texts = _Needles(whole=True), _Needles(whole=False)
        self._bare_words, self._bare_runs = _Needles(whole=True), _Runs()
        self._near: dict[str, list[tuple[int, list[str]]]] = {}  # first word's letters -> (key, every word's letters)
        for key, secret in enumerate(self.secrets):
            if secret.kind == "phone":
                self._phones.setdefault(secret.needle, []).append(key)
                continue
            # names and handles as whole words: the handle "mattias_l" (Markdown marks collapsed) is not in "Mattias Lindqvist"
            (self._words if secret.kind in ("name", "handle") else self._texts).add(key, secret.needle)
            if secret.kind not in ("name", "text") or secret.needle.isascii():
                continue
            # Names and text in other scripts, as a PDF's text layer gives them back: marks and joiners
            # dropped or moved (Devanagari conjuncts, combining accents), letters of a right-to-left
            # ligature in visual order, and right-to-left words in reverse order.
            bare = skeleton(secret.needle)
            if not bare.strip():
                continue
            if any(_script(c) in _NO_SPACES for c in bare):
                self._bare_runs.add(key, bare)
            else:
                self._bare_words.add(key, bare)
            words = [_letters(word) for word in _WORD.findall(bare)]
            if words and any(_script(c) in _REORDERED for c in bare):
                self._near.setdefault(words[0], []).append((key, words))
        for needles in (self._words, self._texts, self._bare_words):
            needles.build()
        self._bare_runs.build()
        self._lengths = sorted({len(needle) for needle in self._phones})
        self._skeleton = bool(self._bare_words.needles or self._bare_runs.by_start or self._near)

    def find(self, raw: str) -> list[Found]:
        """The needles in `raw` (a guide's text, a value of the plan), in the order they were given."""
        text = _Text(raw)
        keys = self._phone_keys(text.runs)
        for form in text.forms:
            keys |= self._plain_keys(form)
        if self._skeleton:
            keys |= self._bare_words.find(text.skeleton) | self._bare_runs.find(text.skeleton)
            tokens = text.tokens
            for first in self._near.keys() & tokens.keys():
                keys.update(key for key, words in self._near[first] if _near(tokens, words))
        return [self.secrets[key] for key in sorted(keys)]

    def in_plain(self, text: str) -> list[Found]:
        """The names, handles and text found in `text` as it is (already normalised), without the other ways of finding them."""
        return [self.secrets[key] for key in sorted(self._plain_keys(text))]

    def _plain_keys(self, text: str) -> set[int]:
        return self._words.find(text) | self._texts.find(text)

    def _phone_keys(self, runs: list[tuple[str, tuple[int, ...]]]) -> set[int]:
        found: set[int] = set()
        if not self._phones:
            return found
        for number, ends in runs:
            for end in ends:
                for length in self._lengths:
                    if length > end:
                        break
                    found.update(self._phones.get(number[end - length:end], ()))
        return found


_WORD = re.compile(r"[^\W_]+")  # letters and digits (marks are gone from a skeleton)
# scripts written without spaces between words: a name is a run of letters, not a word
_NO_SPACES = {"THAI", "LAO", "KHMER", "MYANMAR", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "TIBETAN"}
# scripts whose letters a PDF text layer may give back in another order (right-to-left, Brahmic)
_REORDERED = {"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA",
              "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA"}


def skeleton(text: str) -> str:
    """`text` without combining marks, joiners and direction marks, compatibility forms folded (NFKC, casefold)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if unicodedata.category(c)[0] != "M" and unicodedata.category(c) != "Cf")


@functools.lru_cache(maxsize=4096)
def _script(character: str) -> str:
    name = unicodedata.name(character, "")
    return "CJK" if name.startswith(("CJK", "IDEOGRAPHIC")) else name.split(" ", 1)[0]


def _letters(word: str) -> str:
    return "".join(sorted(c for c in word if c.isalpha()))


def _near(tokens: dict[str, list[int]], words: list[str]) -> bool:
    """Whether every word (as sorted letters) occurs, in any order, within a few words of the first."""
    if not words or any(word not in tokens for word in words):
        return False
    reach = 2 * len(words)
    return any(all(_within(tokens[word], start - reach, start + reach) for word in words[1:]) for start in tokens[words[0]])


def _within(positions: list[int], low: int, high: int) -> bool:
    """Whether a position in the sorted list lies between low and high."""
    at = bisect.bisect_left(positions, low)
    return at < len(positions) and positions[at] <= high


@functools.lru_cache(maxsize=1024)
def _word_pattern(needle: str) -> re.Pattern[str]:
    """A name as a whole word: "Bo Li" matches "call Bo Li now" but "Sam" does not match "Sampling"."""
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")


def _digit_run(run: str) -> tuple[str, tuple[int, ...]]:
    """The digits of a run of digits and separators, and where each group of digits ends in them: a phone number
    followed by another ("020 7946 0204 / 020 7946 0300", two lines of a table) still ends one of the groups."""
    groups = [digits(group) for group in _DIGIT_GROUP.findall(run)]
    return "".join(groups), tuple(itertools.accumulate(len(group) for group in groups))


_DIGIT_GROUP = re.compile(r"\d+")


def digits(text: str) -> str:
    """The digits of `text` as ASCII, whatever script they are written in (٠٢٠ is 020)."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())
