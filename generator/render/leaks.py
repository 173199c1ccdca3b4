"""The leak check: prove that a finished guide holds nothing above its audience.

Editions are already cut from a redacted plan; this is the second lock. For an
edition it collects every plan value whose audience is above the edition's (the
"secrets") and searches the finished HTML source, its visible text and the PDF's
extracted text for each of them.

What is searched, and how:
- phone numbers by their digits, however they are written (E.164, national, with
  spaces, dots, dashes or brackets);
- e-mail addresses and chat handles case-insensitively (a handle written
  "Signal: priya.23" also without its "Signal:");
- names of people (responders, contacts) case-insensitively as whole words, when at
  least MIN_NAME characters long; a name (or text) in another script also without
  combining marks and joiners (a PDF splits Devanagari conjuncts), and in right-to-left
  and Brahmic scripts word by word, each word's letters in any order, the words in any
  order (the PDF text layer gives RTL ligatures and words back in visual order);
- any other text (notes, scripts, steps) case-insensitively with whitespace and
  Markdown marks collapsed, when it has at least MIN_WORDS words.
What is not searched: ids, choices (`lead`, `high`), dates and numbers, which say
nothing on their own; a name shorter than MIN_NAME characters ("Jo" is part of too
many words to prove anything); short labels such as "Volunteers" or "Police, non-emergency", which
are also the guide's own vocabulary; a text the guide itself prints in the plan's locale (a
definition "Verstoß gegen den Verhaltenskodex" inside a German heading); and a secret that the edition may show anyway as
a value of its own (a responder's address that is also a public channel's).

A secret written inside a visible value's text is a paste: `find_pastes` finds them
for `check` (rule PRIVATE-PASTE, located at the paste), and the build's leak check
words what it finds the same way.
"""

from __future__ import annotations

import enum
import functools
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import phonenumbers

from generator.errors import BuildError, PlanError, Problem, path_text
from generator.files import read_regular
from generator.plan.load import SourceMap
from generator.plan.model import Audience, Plan
from generator.render.edition import EDITIONS, drill_spec, leaf_audiences
from generator.render.locale import Localizer

PlanPath = tuple[Any, ...]  # ("responders", 0, "email")

MIN_NAME = 3
MIN_WORDS = 4
MIN_HANDLE = 4
_NAME_FIELDS = {"name"}
_PERSON_LISTS = {"responders", "contacts"}
_PHONE_FIELDS = {"phone", "number", "emergency_number"}
_HANDLE_FIELDS = {"email", "chat", "link"}
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
    visible_digits: set[str] = set()
    candidates: list[tuple[tuple[Any, ...], object]] = []
    for path, value, needed in leaf_audiences(plan):
        if not audience.allows(needed):
            candidates.append((path, value))
            continue
        if _field(path) in _SKIP_FIELDS:
            continue  # an id or a choice is never printed: a hidden name that equals one stays a secret
        visible_values.add(normalise_text(str(value)))
        if _field(path) in _PHONE_FIELDS:
            visible_digits.add(_digits(str(value)))
    # the guide's own words in the plan's locale: a secret found inside them proves nothing (they are not plan data)
    guide_words = "\n".join(normalise_text(words) for words in Localizer(plan.locale).all_texts())
    secrets: dict[tuple[str, str], Secret] = {}
    for path, value in candidates:
        for secret in _secrets(path, value, plan):
            if secret.kind == "phone":
                if any(d.endswith(secret.needle) for d in visible_digits):
                    continue
            elif secret.needle in visible_values or _in_guide_words(secret, guide_words):
                continue
            secrets.setdefault((secret.kind, secret.needle), secret)
    return list(secrets.values())


def _in_guide_words(secret: Secret, guide_words: str) -> bool:
    """Whether the guide's own words hold the secret: a name or handle as a whole word ("Sam" is not in "same")."""
    if secret.kind in ("name", "handle"):
        return _word_pattern(secret.needle).search(guide_words) is not None
    return secret.needle in guide_words


@dataclass(frozen=True)
class Paste:
    """A value above a field's audience, written inside that field's text."""

    secret: Secret
    path: PlanPath  # the field whose text holds it
    audience: Audience  # who reads that field


def find_pastes(plan: Plan) -> list[Paste]:
    """Every value written into the text of a field whose readers may not see it, in plan order."""
    secrets = {audience: secrets_above(plan, audience) for audience in (Audience.public, Audience.volunteer)}
    found: dict[tuple[PlanPath, PlanPath], Paste] = {}
    for path, value, level in leaf_audiences(plan):
        if level is Audience.responder or not isinstance(value, str) or isinstance(value, enum.Enum) or _field(path) in _SKIP_FIELDS:
            continue
        text = _Text(value)
        for secret in secrets[level]:
            seen = found.get((path, secret.path))  # a handle's two spellings are one paste, at the longer one
            if _hit(secret, text) and (seen is None or len(seen.secret.needle) < len(secret.needle)):
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
    if paste.audience is Audience.public and paste.secret.path[:1] == ("responders",) and not plan.team.published:
        return "remove it from this text: responders are never listed on the public sheet (a public channel can give a number or address)"
    lower = _how_to_lower(plan, paste.secret.path, paste.audience)
    return (f"remove it from this text, or, if {READERS[paste.audience]} may see it, "
            + (f"lower its audience ({lower})" if lower else "lower its audience"))


def _how_to_lower(plan: Plan, path: PlanPath, audience: Audience) -> str:
    if len(path) >= 3 and path[0] == "responders" and isinstance(path[1], int):
        who = plan.responders[path[1]]
        return f"`visibility: {{{path[2]}: {audience.value}}}` on `{who.id}`"
    if _item(plan, path) is not None:
        return f"`audience: {audience.value}` on that item"
    return ""


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
    return next((level for leaf, _, level in leaf_audiences(plan) if leaf == path), None)


class _Text:
    """A text to search, in the forms the searches need (the costly ones made only when asked for)."""

    def __init__(self, text: str):
        self.raw = text
        self.plain = normalise_text(text)
        # also as a reader sees it: Markdown marks inside a word dropped ("amara@**example**.org"), %-escapes decoded
        joined = normalise_text(_MARKDOWN_MARKS.sub("", urllib.parse.unquote(html.unescape(text))))
        self.forms = (self.plain,) if joined == self.plain else (self.plain, joined)
        self.numbers = {number for form in self.forms for run in _PHONE_TEXT.findall(form) for number in _numbers(run)}

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


def _hit(secret: Secret, text: _Text) -> bool:
    """Whether `secret` is in `text`."""
    if secret.kind == "phone":
        return any(number.endswith(secret.needle) for number in text.numbers)
    # names and handles as whole words: the handle "mattias_l" (Markdown marks collapsed) is not in "Mattias Lindqvist"
    found = any(_word_pattern(secret.needle).search(form) is not None if secret.kind in ("name", "handle")
                else secret.needle in form for form in text.forms)
    if found or secret.kind not in ("name", "text") or secret.needle.isascii():
        return found
    # Names and text in other scripts, as a PDF's text layer gives them back: marks and joiners
    # dropped or moved (Devanagari conjuncts, combining accents), letters of a right-to-left
    # ligature in visual order, and right-to-left words in reverse order.
    bare = skeleton(secret.needle)
    if not bare.strip():
        return False
    spaceless = any(_script(c) in _NO_SPACES for c in bare)
    if (bare in text.skeleton) if spaceless else _word_pattern(bare).search(text.skeleton):
        return True
    if not any(_script(c) in _REORDERED for c in bare):
        return False
    return _near(text.tokens, [_letters(word) for word in _WORD.findall(bare)])


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
    return any(all(any(abs(other - start) <= reach for other in tokens[word]) for word in words[1:])
               for start in tokens[words[0]])


def find_leaks(secrets: list[Secret], html_source: str | None = None, pdf_text: str | None = None) -> list[Leak]:
    haystacks = []
    if html_source is not None:
        haystacks.append(("HTML source", html.unescape(html_source)))
        haystacks.append(("HTML text", visible_text(html_source)))
    if pdf_text is not None:
        haystacks.append(("PDF text", pdf_text))
    leaks = []
    for where, text in haystacks:
        haystack = _Text(text)
        for secret in secrets:
            if _hit(secret, haystack):
                leaks.append(Leak(secret, where))
    return leaks


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
    if field in _NAME_FIELDS and any(part in _PERSON_LISTS for part in path if isinstance(part, str)):
        return [Secret(path, value, "name", needle)] if len(needle) >= MIN_NAME else []
    return [Secret(path, value, "text", needle)] if len(needle.split()) >= MIN_WORDS else []


@functools.lru_cache(maxsize=1024)
def _word_pattern(needle: str) -> re.Pattern[str]:
    """A name as a whole word: "Bo Li" matches "call Bo Li now" but "Sam" does not match "Sampling"."""
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")


def _field(path: tuple[Any, ...]) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


def _numbers(run: str) -> list[str]:
    """The digits of a run of digits and separators up to the end of each group: a phone number followed by
    another ("020 7946 0204 / 020 7946 0300", two lines of a table) still ends one of them."""
    digits = ""
    numbers = []
    for group in re.findall(r"\d+", run):
        digits += _digits(group)
        numbers.append(digits)
    return numbers


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
            files.update({replace(spec, private=False).file(suffix).as_posix(): Audience.volunteer for suffix in spec.formats})
    drill = drill_spec(Audience.volunteer)  # `incident-guide drill --audience volunteer`
    files.update({drill.file(suffix).as_posix(): drill.audience for suffix in drill.formats})
    return files


def check_file(path: str | Path, audience: Audience, secrets: list[Secret]) -> list[Leak]:
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
    secrets = {audience: secrets_above(plan, audience) for audience in set(files.values())}
    return {name: check_file(Path(out_dir) / name, audience, secrets[audience])
            for name, audience in files.items() if (Path(out_dir) / name).is_file()}


class LeakSearch:
    """The leak check's search, one finished file at a time (the build searches each as it is made).

    check_leaks(..., search=) then searches every file not searched yet with the same
    content, and reports.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._secrets: dict[Audience, list[Secret]] = {}
        self._found: dict[str, tuple[bytes, list[Leak]]] = {}  # path -> (the content searched, its leaks)

    def search(self, item: Any) -> None:
        """Search one RenderedFile (build.py imports this module) for the secrets of its audience."""
        if item.audience not in self._secrets:
            self._secrets[item.audience] = secrets_above(self.plan, item.audience)
        secrets = self._secrets[item.audience]
        leaks = _search(item.content, item.kind, secrets) if secrets and item.kind in ("html", "pdf") else []
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
    places: dict[tuple[int, int, str, str, PlanPath], list[str]] = {}
    for item, leak in found:
        paste = next((p for p in pastes if p.secret.path == leak.secret.path and not p.audience.rank > item.audience.rank), None)
        if paste is not None:
            line, column = source.inside(paste.path, paste_pattern(paste.secret))
            message, hint = paste_message(plan, paste), paste_hint(plan, paste)
        else:
            line, column = source.value(leak.secret.path)
            message = f"{secret_words(plan, leak.secret)} is printed in a guide its readers may not see"
            hint = "a template or the cut printed it: report this as a bug; nothing was written"
        places.setdefault((line, column, message, hint, leak.secret.path), []).append(f"{item.path} ({leak.where})")
    problems = [Problem(source.file, line, column, f"{message}; the leak check found it in {', '.join(dict.fromkeys(where))}",
                        hint=hint, rule="PRIVATE-PASTE", path=path)
                for (line, column, message, hint, path), where in places.items()]
    raise PlanError(problems)


def _search(content: bytes, kind: str, secrets: list[Secret]) -> list[Leak]:
    if kind == "pdf":
        return find_leaks(secrets, pdf_text=pdf_text(content))
    return find_leaks(secrets, html_source=content.decode("utf-8", errors="replace"))
