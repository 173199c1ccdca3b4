"""The leak check: prove that a finished guide holds nothing above its audience.

Editions are already cut from a redacted plan; this is the second lock. For an
edition it collects every secret of the plan above the edition's audience and
searches the finished HTML source, its visible text and the PDF's extracted text for
each of them.

A secret is what identifies or reaches a person, or what the plan keeps private:
- phone numbers (of responders, channels, contacts, resources, numbers);
- e-mail addresses and chat handles;
- people's names: a responder's name, where the plan hides it (a responder is never on
  the public sheet; `visibility: {name: responder}` hides a name from volunteers too);
- private links: a reporting channel's link (a form or an invite to where reports are
  taken), a `records` resource's link, a web address written in `communication.secure_channel`;
- notes and other text (a responder's notes, a responder-only scenario's steps), when
  at least MIN_WORDS words long.
Labels are never secrets, whatever their length: names of roles, teams, resources,
contacts, places, rooms, channels, scenarios and organizations (`name`, `label`, `title`,
`term`, `organiser`, `address`), and public web addresses (the `link` of a resource,
number or contact, a venue's `emergency_link`, the event's addresses).

What is searched, and how:
- phone numbers by their digits, however they are written (E.164, national, with
  spaces, dots, dashes or brackets);
- e-mail addresses, chat handles and links case-insensitively as whole words (a handle
  written "Signal: priya.23" also without its "Signal:");
- names of people case-insensitively as whole words, when at least MIN_NAME characters
  long; a name (or text) in another script also without combining marks and joiners (a
  PDF splits Devanagari conjuncts), and in right-to-left and Brahmic scripts word by
  word, each word's letters in any order, the words in any order (the PDF text layer
  gives RTL ligatures and words back in visual order);
- text case-insensitively with whitespace and Markdown marks collapsed.
What is not searched: ids, choices (`lead`, `high`), dates and numbers, which say
nothing on their own; a name shorter than MIN_NAME characters ("Jo" is part of too
many words to prove anything); a text the guide itself prints in the plan's locale (a
definition "Verstoß gegen den Verhaltenskodex" inside a German heading); and a secret that the edition may show anyway as
a value of its own (a responder's address that is also a public channel's).

The search is one pass over each text, whatever the number of secrets (`Matcher`):
phone numbers are looked up by the digits that end each group of a run of digits,
words and handles by one of their words (the one fewest secrets share), so a plan with
thousands of responders checks in time that grows with the plan.

A secret written inside a visible value's text is a paste: `find_pastes` finds them
for `check` (rule PRIVATE-PASTE, located at the paste), and the build's leak check
words what it finds the same way.
"""

from __future__ import annotations

import bisect
import collections
import enum
import functools
import html
import itertools
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import phonenumbers

from ..errors import BuildError, PlanError, Problem, path_text
from ..files import read_regular
from ..plan.load import SourceMap
from ..plan.model import Audience, Communication, Model, Plan, ResourceKind, Responder
from .edition import EDITIONS, drill_spec, leaf_audiences
from .locale import Localizer

PlanPath = tuple[Any, ...]  # ("responders", 0, "email")

MIN_NAME = 3
MIN_WORDS = 4
MIN_HANDLE = 4
_PHONE_FIELDS = {"phone", "number", "emergency_number"}
_HANDLE_FIELDS = {"email", "chat"}
# labels: what names an item, a place or an organization; never a secret
_LABEL_FIELDS = {"name", "label", "title", "term", "organiser", "address"}
# web addresses: public (a label) unless in one of the places below
_LINK_FIELDS = {"link", "website", "code_of_conduct", "reporting_guidelines", "emergency_link", "logo"}
_WEB_ADDRESS = re.compile(r"\bhttps?://[^\s<>()\[\]\"'*`]+[^\s<>()\[\]\"'*`.,;:!?]", re.IGNORECASE)
_SKIP_FIELDS = {"id", "with", "lead", "responders", "fallback", "staffed_by", "escalate_to", "chain",
                "spokespeople", "impact", "risk", "kind", "role", "handling", "audience", "languages",
                "format", "country", "timezone", "lines", "days", "visibility"}
_PHONE_TEXT = re.compile(r"\+?\(?\d[\d\s().\-/]{4,}\d")
_MARKDOWN_MARKS = re.compile(r"[*_`#>\[\]]+")


@dataclass(frozen=True)
class Secret:
    path: tuple[Any, ...]
    value: str
    kind: str  # "phone", "handle", "name" or "text"
    needle: str

    @property
    def field(self) -> str:
        return path_text(self.path)


@dataclass(frozen=True)
class Leak:
    secret: Secret
    where: str  # "HTML source", "HTML text" or "PDF text"

    def __str__(self) -> str:
        return f"{self.secret.field} ({self.secret.kind}) appears in the {self.where}"


def secrets_above(plan: Plan, audience: Audience) -> list[Secret]:
    """Every searchable value of `plan` that readers of `audience` must not see.

    A value the edition shows anyway as a value of its own (a responder's e-mail that
    is also a public channel's address) is not a secret; one that only appears inside
    visible text is: that is a paste (see `find_pastes`), not permission.
    """
    visible_values: set[str] = set()
    visible_ends: set[str] = set()  # every ending of a visible phone number's digits
    candidates: list[tuple[tuple[Any, ...], object]] = []
    for path, value, needed in leaf_audiences(plan):
        if not audience.allows(needed):
            candidates.append((path, value))
            continue
        if _field(path) in _SKIP_FIELDS:
            continue  # an id or a choice is never printed: a hidden name that equals one stays a secret
        visible_values.add(normalise_text(str(value)))
        if _field(path) in _PHONE_FIELDS:
            digits = _digits(str(value))
            visible_ends.update(digits[start:] for start in range(len(digits)))
    found = [secret for path, value in candidates for secret in _secrets(path, value, plan)]
    shown = [secret for secret in found if secret.needle in visible_ends] if visible_ends else []
    # the guide's own words in the plan's locale: a secret found inside them proves nothing (they are not plan data)
    guide_words = "\n".join(normalise_text(words) for words in Localizer(plan.locale).all_texts())
    words = [secret for secret in found if secret.kind != "phone" and secret.needle not in visible_values]
    in_guide_words = Matcher(words).in_plain(guide_words)
    secrets: dict[tuple[str, str], Secret] = {}
    dropped = {id(secret) for secret in shown} | {id(secret) for secret in in_guide_words}
    for secret in found:
        if secret.kind == "phone":
            if id(secret) in dropped:
                continue
        elif secret.needle in visible_values or id(secret) in dropped:
            continue
        secrets.setdefault((secret.kind, secret.needle), secret)
    return list(secrets.values())


@dataclass(frozen=True)
class Paste:
    """A value above a field's audience, written inside that field's text."""

    secret: Secret
    path: PlanPath  # the field whose text holds it
    audience: Audience  # who reads that field


def find_pastes(plan: Plan) -> list[Paste]:
    """Every value written into the text of a field whose readers may not see it, in plan order."""
    matchers = {audience: Matcher(secrets_above(plan, audience)) for audience in (Audience.public, Audience.volunteer)}
    found: dict[tuple[PlanPath, PlanPath], Paste] = {}
    for path, value, level in leaf_audiences(plan):
        if level is Audience.responder or not isinstance(value, str) or isinstance(value, enum.Enum) or _field(path) in _SKIP_FIELDS:
            continue
        for secret in matchers[level].find(_Text(value)):
            seen = found.get((path, secret.path))  # a handle's two spellings are one paste, at the longer one
            if seen is None or len(seen.secret.needle) < len(secret.needle):
                found[(path, secret.path)] = Paste(secret, path, level)
    return list(found.values())


_MARKUP = r"(?:[*_`~]|&#?\w+;)"  # what may sit inside a pasted value in plan source: Markdown marks, HTML entities


def paste_pattern(secret: Secret) -> re.Pattern[str]:
    """The secret as it may be written in plan source: digits with any separators, or its words with any spaces,
    with Markdown marks or HTML entities in between (and an entity for any character)."""
    if secret.kind == "phone":
        separators = rf"(?:[\s().\-/]|{_MARKUP})*"
        return re.compile(r"(?:\+\d{1,3}|\(?0)?" + separators + separators.join(secret.needle))
    words = [f"{_MARKUP}*".join(rf"(?:{re.escape(c)}|&#?\w+;)" for c in word) for word in secret.needle.split()]
    return re.compile(r"(?<!\w)" + rf"(?:\s|{_MARKUP})+".join(words), re.IGNORECASE)


READERS = {Audience.public: "everyone", Audience.volunteer: "volunteers"}
READ_BY = {Audience.public: "which is on the public sheet", Audience.volunteer: "which volunteers read"}
AUDIENCE_WORDS = {Audience.volunteer: "volunteers and responders only", Audience.responder: "responder only"}
FIELD_WORDS = {"email": "e-mail", "chat": "chat handle", "phone": "phone number", "number": "number",
               "how_to_recognise": "description", "recognise_responders": "text on recognising responders",
               "duties": "duties", "where": "directions", "do": "things to do", "do_not": "things not to do",
               "ask": "questions to ask", "when": "when to call", "emergency_number": "emergency number"}
ITEM_WORDS = {"responders": ("responder", "name"), "roles": ("role", "name"), "venues": ("venue", "name"),
              "contacts": ("contact", "name"), "rooms": ("room", "name"), "numbers": ("number", "label"),
              "channels": ("reporting channel", "label"), "scenarios": ("scenario", "title"),
              "definitions": ("definition", "term"), "procedure": ("step", "title"), "resources": ("resource", "name"),
              "responses": ("response", "name"), "steps": ("step", "title"), "report_form": ("form field", "label")}


def secret_words(plan: Plan, secret: Secret) -> str:
    """'Amara Okonjo-Reyes's e-mail (responder only)': whose value it is and who may see it, in words."""
    audience = _audience_of(plan, secret.path)
    whose = _owner(plan, secret.path)
    field = FIELD_WORDS.get(_field(secret.path), _field(secret.path).replace("_", " "))
    text = f"{whose}'s {field}" if whose else f"`{secret.field}`"
    return f"{text} ({AUDIENCE_WORDS[audience]})" if audience in AUDIENCE_WORDS else text


def place_words(plan: Plan, path: PlanPath) -> str:
    """'a duty of the role “Volunteers”': where in the plan a text is, in words."""
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    name = FIELD_WORDS.get(field, field.replace("_", " "))
    what = f"the {name}"
    if isinstance(path[-1], int):
        what = {"duties": "a duty", "steps": "a step", "address": "the address"}.get(field, f"one of the {name}")
    item = _item(plan, path)
    if item is None:
        return f"{what} (`{Secret(path, '', 'text', '').field}`)"
    noun, label = item
    return f"{what} of the {noun} “{label}”" if label else f"{what} of a {noun}"


def paste_message(plan: Plan, paste: Paste) -> str:
    """'Amara Okonjo-Reyes's e-mail (responder only) appears in a duty of the role “Volunteers”, which volunteers read'."""
    return f"{secret_words(plan, paste.secret)} appears in {place_words(plan, paste.path)}, {READ_BY[paste.audience]}"


def paste_hint(plan: Plan, paste: Paste) -> str:
    """What to do, naming only keys the plan has for that value: `visibility:` on a responder, `audience:` on an item
    that takes one, `report_form_audience:`; none when the value cannot be shown to those readers at all."""
    if paste.audience is Audience.public and paste.secret.path[:1] == ("responders",) and not plan.team.published:
        return "remove it from this text: responders are never listed on the public sheet (a public channel can give a number or address)"
    keys = _how_to_lower(plan, paste.secret.path, paste.audience)
    if keys is None:
        return f"remove it from this text: nothing in a plan shows `{paste.secret.field}` to {READERS[paste.audience]}"
    return f"remove it from this text, or, if {READERS[paste.audience]} may see it, lower its audience ({' and '.join(keys)})"


def _how_to_lower(plan: Plan, path: PlanPath, audience: Audience) -> list[str] | None:
    """The keys that would show the value at `path` to `audience`, or None when no key can."""
    keys = []
    for here, item, field, level in _audience_places(plan, path):
        if not level.rank > audience.rank or (field is None and isinstance(item, Communication)):
            continue  # the communication section is as private as its parts (timelines, confidentiality)
        if isinstance(item, Responder) and field is not None and field not in ("id", "visibility", "waivers"):
            keys.append(f"`visibility: {{{field}: {audience.value}}}` on `{item.id}`")
        elif field is None and "audience" in type(item).model_fields:
            keys.append(f"`audience: {audience.value}` on {_item_words(plan, here)}")
        elif isinstance(item, Plan) and field == "report_form" and audience is Audience.volunteer:
            keys.append("`report_form_audience: volunteer`")
        else:
            return None
    return keys or None


def _audience_places(plan: Plan, path: PlanPath) -> list[tuple[PlanPath, Model, str | None, Audience]]:
    """Where the audience of the value at `path` comes from, as `leaf_audiences` reads it: each item on the way down
    (its own audience: field None) and each field whose audience its item sets (a responder's `email`)."""
    places: list[tuple[PlanPath, Model, str | None, Audience]] = []
    node: object = plan
    here: PlanPath = ()
    for part in path:
        if isinstance(node, Model) and isinstance(part, str):
            places.append((here, node, None, node.item_audience()))
            needed = node.field_audience(part)
            if needed is not None:
                places.append((here, node, part, needed))
            node = getattr(node, part, None)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            break
        here += (part,)
    return places


def _item_words(plan: Plan, path: PlanPath) -> str:
    """'the resource “County crisis line”', or the item's place in the plan (`reporting.appeals`)."""
    if len(path) >= 2 and isinstance(path[-1], int) and path[-2] in ITEM_WORDS:
        noun, attribute = ITEM_WORDS[str(path[-2])]
        found = _walk(plan, path)
        label = str(getattr(found[-1][1], attribute, "") or "") if found else ""
        if label:
            return f"the {noun} “{label}”"
    return f"`{path_text(path)}`"


def _walk(plan: Plan, path: PlanPath) -> list[tuple[str, object]]:
    """(list name, item) for each list item on the way down `path`."""
    found: list[tuple[str, object]] = []
    node: object = plan
    parent = ""
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            found.append((parent, node))
        else:
            node = getattr(node, part, None) if not isinstance(node, dict) else node.get(part)
            parent = part
        if node is None:
            break
    return found


def _item(plan: Plan, path: PlanPath) -> tuple[str, str] | None:
    """The innermost named item on `path`: (noun, its name or label)."""
    for parent, item in reversed(_walk(plan, path)):
        if parent in ITEM_WORDS and item is not None:
            noun, attribute = ITEM_WORDS[parent]
            return noun, str(getattr(item, attribute, "") or "")
    return None


def _owner(plan: Plan, path: PlanPath) -> str:
    item = _item(plan, path)
    if item is None:
        return ""
    noun, label = item
    return label if noun == "responder" else f"the {noun} “{label}”"


def _audience_of(plan: Plan, path: PlanPath) -> Audience | None:
    places = _audience_places(plan, path)
    return max((level for *_, level in places), key=lambda level: level.rank) if places else None


class _Text:
    """A text to search, in the forms the searches need (the costly ones made only when asked for)."""

    def __init__(self, text: str):
        self.raw = text
        self.plain = normalise_text(text)
        # also as a reader sees it: Markdown marks inside a word dropped ("amara@**example**.org"), %-escapes decoded
        joined = normalise_text(_MARKDOWN_MARKS.sub("", urllib.parse.unquote(html.unescape(text))))
        self.forms = (self.plain,) if joined == self.plain else (self.plain, joined)
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


class Matcher:
    """A list of secrets, searched for in a text in one pass over it, however many they are.

    Phone numbers are looked up by the digits that end each group of a run of digits
    ("020 7946 0204 - 24 hours" ends groups at 020, 0207946, 02079460204 and 0207946020424);
    names, handles and text by one of their words (`_Needles`); names and text in other
    scripts also in the text's skeleton, and right-to-left and Brahmic ones by their words' letters.
    """

    def __init__(self, secrets: Iterable[Secret]) -> None:
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

    def find(self, text: _Text) -> list[Secret]:
        """The secrets in `text`, in the order they were given."""
        keys = self._phone_keys(text.runs)
        for form in text.forms:
            keys |= self._plain_keys(form)
        if self._skeleton:
            keys |= self._bare_words.find(text.skeleton) | self._bare_runs.find(text.skeleton)
            tokens = text.tokens
            for first in self._near.keys() & tokens.keys():
                keys.update(key for key, words in self._near[first] if _near(tokens, words))
        return [self.secrets[key] for key in sorted(keys)]

    def in_plain(self, text: str) -> list[Secret]:
        """The names, handles and text found in `text` as it is (already normalised), without the other ways of finding them."""
        return [self.secrets[key] for key in sorted(self._plain_keys(text))]

    def _plain_keys(self, text: str) -> set[int]:
        return self._words.find(text) | self._texts.find(text)

    def _phone_keys(self, runs: list[tuple[str, tuple[int, ...]]]) -> set[int]:
        found: set[int] = set()
        if not self._phones:
            return found
        for digits, ends in runs:
            for end in ends:
                for length in self._lengths:
                    if length > end:
                        break
                    found.update(self._phones.get(digits[end - length:end], ()))
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


def find_leaks(secrets: list[Secret] | Matcher, html_source: str | None = None, pdf_text: str | None = None) -> list[Leak]:
    matcher = secrets if isinstance(secrets, Matcher) else Matcher(secrets)
    haystacks = []
    if html_source is not None:
        haystacks.append(("HTML source", html.unescape(html_source)))
        haystacks.append(("HTML text", visible_text(html_source)))
    if pdf_text is not None:
        haystacks.append(("PDF text", pdf_text))
    return [Leak(secret, where) for where, text in haystacks for secret in matcher.find(_Text(text))]


def pdf_text(pdf: bytes) -> str:
    """Every page's text as PDFium reads it (what a reader could copy out of the file).

    PDFium reads a hyphen where a line breaks as U+FFFE; it is a hyphen again here, so a
    name such as "Whitcombe-Adeyemi" wrapped after its hyphen is still found.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(document[index].get_textpage().get_text_range().replace("\ufffe", "-")
                         for index in range(len(document)))
    finally:
        document.close()


def visible_text(source: str) -> str:
    """The text a browser shows: words of separate blocks and cells apart, inline markup (`a<b>b</b>`) joined."""
    parser = _TextParser()
    parser.feed(source)
    parser.close()
    return "".join(parser.parts)


def normalise_text(text: str) -> str:
    """Entities decoded, compatibility forms folded, casefolded, invisible format characters
    (soft hyphens, zero-width spaces) dropped, Markdown marks and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    if not text.isascii():  # no ASCII character is a format character
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = _MARKDOWN_MARKS.sub(" ", text)
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def _secrets(path: tuple[Any, ...], value: Any, plan: Plan) -> list[Secret]:
    field = _field(path)
    if field in _SKIP_FIELDS or isinstance(value, (bool, int, float, enum.Enum)) or not isinstance(value, str):
        return []
    if field in _PHONE_FIELDS:
        digits = _national_digits(value, plan.region)
        return [Secret(path, value, "phone", digits)] if len(digits) >= 5 else []
    needle = normalise_text(value)
    if field in _HANDLE_FIELDS:
        # "Signal: priya.23" may also be written "priya.23" alone
        variants = {needle, needle.partition(":")[2].strip()} if field == "chat" else {needle}
        return [Secret(path, value, "handle", v) for v in sorted(variants) if len(v) >= MIN_HANDLE]
    if field in _LINK_FIELDS:  # a public web address is a label; a private link is a way in
        return [Secret(path, value, "handle", needle)] if _private_link(plan, path) and len(needle) >= MIN_HANDLE else []
    if field == "name" and path[:1] == ("responders",):
        return [Secret(path, value, "name", needle)] if len(needle) >= MIN_NAME else []
    if field in _LABEL_FIELDS:
        return []
    found = []
    if path == ("communication", "secure_channel"):  # where the team talks: an invite link in it is private
        found += [Secret(path, value, "handle", link) for link in dict.fromkeys(map(normalise_text, _WEB_ADDRESS.findall(value)))
                  if len(link) >= MIN_HANDLE]
    if len(needle.split()) >= MIN_WORDS:
        found.append(Secret(path, value, "text", needle))
    return found


def _private_link(plan: Plan, path: PlanPath) -> bool:
    """A reporting channel's link (a form, an invite to a chat) or a records resource's (where reports are kept)."""
    if path[:2] == ("reporting", "channels"):
        return True
    if path[:1] == ("resources",) and isinstance(path[1], int) and path[1] < len(plan.resources):
        return plan.resources[path[1]].kind is ResourceKind.records
    return False


@functools.lru_cache(maxsize=1024)
def _word_pattern(needle: str) -> re.Pattern[str]:
    """A name as a whole word: "Bo Li" matches "call Bo Li now" but "Sam" does not match "Sampling"."""
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")


def _field(path: tuple[Any, ...]) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


def _digit_run(run: str) -> tuple[str, tuple[int, ...]]:
    """The digits of a run of digits and separators, and where each group of digits ends in them: a phone number
    followed by another ("020 7946 0204 / 020 7946 0300", two lines of a table) still ends one of the groups."""
    groups = [_digits(group) for group in _DIGIT_GROUP.findall(run)]
    return "".join(groups), tuple(itertools.accumulate(len(group) for group in groups))


_DIGIT_GROUP = re.compile(r"\d+")


def _digits(text: str) -> str:
    """The digits of `text` as ASCII, whatever script they are written in (٠٢٠ is 020)."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


def _national_digits(value: str, region: str | None) -> str:
    """The digits every way of writing the number ends with (the national significant number)."""
    try:
        return str(phonenumbers.parse(value, region).national_number)
    except phonenumbers.NumberParseException:
        return _digits(value)


# elements that run on inside a line of text: no word break at their tags
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
           "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def edition_files() -> dict[str, Audience]:
    """Which audience each finished file is for, by its name inside output/NAME/; files for the
    responders are left out, as nothing in the plan is above them."""
    files: dict[str, Audience] = {spec.file(suffix).as_posix(): spec.audience for spec in EDITIONS.values()
             if spec.audience is not Audience.responder for suffix in spec.formats}
    for spec in EDITIONS.values():  # an edition whose level the plan may lower (the report form) is volunteer-level outside private/
        if spec.level_from:
            files.update({replace(spec, audience=Audience.volunteer).file(suffix).as_posix(): Audience.volunteer for suffix in spec.formats})
    drill = drill_spec(Audience.volunteer)  # `incident-guide drill --audience volunteer`
    files.update({drill.file(suffix).as_posix(): drill.audience for suffix in drill.formats})
    return files


def check_file(path: str | Path, audience: Audience, secrets: list[Secret] | Matcher) -> list[Leak]:
    """Search one finished guide (HTML or PDF) for the secrets of its audience."""
    path = Path(path)
    try:
        content = read_regular(path)  # a guide swapped for a FIFO is refused, never waited on
    except OSError as exc:
        raise BuildError([Problem(str(path), 0, 0, f"cannot read this guide: {exc.strerror or exc}")]) from None
    return _search(content, "pdf" if path.suffix == ".pdf" else "html", secrets)


def check_output_dir(out_dir: str | Path, plan: Plan) -> dict[str, list[Leak]]:
    """Leaks per existing guide file in output/NAME/ (responder files have nothing above them)."""
    files = edition_files()
    secrets = {audience: Matcher(secrets_above(plan, audience)) for audience in set(files.values())}
    return {name: check_file(Path(out_dir) / name, audience, secrets[audience])
            for name, audience in files.items() if (Path(out_dir) / name).is_file()}


class LeakSearch:
    """The leak check's search, one finished file at a time (the build searches each as it is made).

    check_leaks(..., search=) then searches every file not searched yet with the same
    content, and reports.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._secrets: dict[Audience, Matcher] = {}
        self._found: dict[str, tuple[bytes, list[Leak]]] = {}  # path -> (the content searched, its leaks)

    def search(self, item: Any) -> None:
        """Search one RenderedFile (build.py imports this module) for the secrets of its audience."""
        if item.audience not in self._secrets:
            self._secrets[item.audience] = Matcher(secrets_above(self.plan, item.audience))
        secrets = self._secrets[item.audience]
        leaks = _search(item.content, item.kind, secrets) if secrets.secrets and item.kind in ("html", "pdf") else []
        self._found[item.path.as_posix()] = (item.content, leaks)

    def leaks(self, item: Any) -> list[Leak]:
        """The leaks in `item`, searched now unless this very content was searched already."""
        searched = self._found.get(item.path.as_posix())
        if searched is None or searched[0] is not item.content:
            self.search(item)
        return self._found[item.path.as_posix()][1]


def check_leaks(plan: Plan, files: Iterable[Any], source: SourceMap | None = None, search: LeakSearch | None = None) -> None:
    """The build's last lock: raise on every leak in the rendered files (nothing is written then).

    With the plan's source positions, each leak is a Problem worded like `check`'s
    PRIVATE-PASTE and located at the paste when the value is pasted into a field the
    file's readers see, else where the value itself is written (a template printed it);
    without them, a BuildError naming the fields. `search`: the files searched so far.
    """
    search = search or LeakSearch(plan)
    found: list[tuple[Any, Leak]] = [(item, leak) for item in files for leak in search.leaks(item)]  # (RenderedFile, leak)
    if not found:
        return
    if source is None:
        lines = [f"{item.path}: {leak}" for item, leak in found]
        raise BuildError("the leak check stopped the build; nothing was written:\n  " + "\n  ".join(dict.fromkeys(lines)))
    pastes = find_pastes(plan)
    places: dict[tuple[int, int, str, str, PlanPath, PlanPath], list[str]] = {}
    for item, leak in found:
        paste = next((p for p in pastes if p.secret.path == leak.secret.path and not p.audience.rank > item.audience.rank), None)
        if paste is not None:
            line, column = source.inside(paste.path, paste_pattern(paste.secret))
            message, hint = paste_message(plan, paste), paste_hint(plan, paste)
            at = paste.path
        else:
            at = leak.secret.path
            line, column = source.value(leak.secret.path)
            message = f"{secret_words(plan, leak.secret)} is printed in a guide its readers may not see"
            hint = "a template or the cut printed it: report this as a bug; nothing was written"
        places.setdefault((line, column, message, hint, leak.secret.path, at), []).append(f"{item.path} ({leak.where})")
    problems = [source.located(at, line, column, f"{message}; the leak check found it in {', '.join(dict.fromkeys(where))}",
                               hint=hint, rule="PRIVATE-PASTE", path=path)
                for (line, column, message, hint, path, at), where in places.items()]
    raise PlanError(problems)


def _search(content: bytes, kind: str, secrets: list[Secret] | Matcher) -> list[Leak]:
    if kind == "pdf":
        return find_leaks(secrets, pdf_text=pdf_text(content))
    return find_leaks(secrets, html_source=content.decode("utf-8", errors="replace"))
