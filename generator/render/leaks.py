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
  least MIN_NAME characters long;
- any other text (notes, scripts, steps) case-insensitively with whitespace and
  Markdown marks collapsed, when it has at least MIN_WORDS words.
What is not searched: ids, choices (`lead`, `high`), dates and numbers, which say
nothing on their own; a name shorter than MIN_NAME characters ("Jo" is part of too
many words to prove anything); short labels such as "Volunteers" or "Police, non-emergency", which
are also the guide's own vocabulary; a text the guide itself prints in the plan's locale (a
definition "Verstoß gegen den Verhaltenskodex" inside a German heading); and a secret that is also part of a value the
edition may show (a responder-only note repeating a visible sentence proves nothing).
"""

from __future__ import annotations

import enum
import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import phonenumbers

from generator.errors import BuildError, path_text
from generator.plan.model import Audience, Plan
from generator.render.edition import EDITIONS, leaf_audiences
from generator.render.locale import Localizer

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
    """Every searchable value of `plan` that readers of `audience` must not see."""
    visible_text: list[str] = []
    visible_digits: set[str] = set()
    candidates: list[tuple[tuple[Any, ...], object]] = []
    for path, value, needed in leaf_audiences(plan):
        if not audience.allows(needed):
            candidates.append((path, value))
            continue
        visible_text.append(normalise_text(str(value)))
        if _field(path) in _PHONE_FIELDS:
            visible_digits.add(_digits(str(value)))
    visible_text += [normalise_text(words) for words in Localizer(plan.locale).all_texts()]  # the guide's own words
    visible = "\n".join(visible_text)
    secrets: dict[tuple[str, str], Secret] = {}
    for path, value in candidates:
        for secret in _secrets(path, value, plan):
            if secret.kind == "phone":
                if any(d.endswith(secret.needle) for d in visible_digits):
                    continue
            elif secret.kind == "name":
                if _word_pattern(secret.needle).search(visible):
                    continue
            elif secret.needle in visible:
                continue
            secrets.setdefault((secret.kind, secret.needle), secret)
    return list(secrets.values())


def find_leaks(secrets: list[Secret], html_source: str | None = None, pdf_text: str | None = None) -> list[Leak]:
    haystacks = []
    if html_source is not None:
        haystacks.append(("HTML source", html.unescape(html_source)))
        haystacks.append(("HTML text", visible_text(html_source)))
    if pdf_text is not None:
        haystacks.append(("PDF text", pdf_text))
    leaks = []
    for where, text in haystacks:
        plain = normalise_text(text)
        numbers = {_digits(m) for m in _PHONE_TEXT.findall(text)}
        for secret in secrets:
            if secret.kind == "phone":
                hit = any(number.endswith(secret.needle) for number in numbers)
            elif secret.kind == "name":
                hit = _word_pattern(secret.needle).search(plain) is not None
            else:
                hit = secret.needle in plain
            if hit:
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
    parser = _TextParser()
    parser.feed(source)
    parser.close()
    return " ".join(parser.parts)


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
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


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _national_digits(value: str, region: str | None) -> str:
    """The digits every way of writing the number ends with (the national significant number)."""
    try:
        return str(phonenumbers.parse(value, region).national_number)
    except phonenumbers.NumberParseException:
        return _digits(value)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def edition_files() -> dict[str, Audience]:
    """Which audience each finished file is for, by its name inside output/NAME/; files for the
    responders are left out, as nothing in the plan is above them."""
    files: dict[str, Audience] = {spec.file(suffix).as_posix(): spec.audience for spec in EDITIONS.values()
             if spec.audience is not Audience.responder for suffix in spec.formats}
    files["drill-volunteer.pdf"] = Audience.volunteer  # `incident-guide drill --audience volunteer`
    return files


def check_file(path: str | Path, audience: Audience, secrets: list[Secret]) -> list[Leak]:
    """Search one finished guide (HTML or PDF) for the secrets of its audience."""
    path = Path(path)
    return _search(path.read_bytes(), "pdf" if path.suffix == ".pdf" else "html", secrets)


def check_output_dir(out_dir: str | Path, plan: Plan) -> dict[str, list[Leak]]:
    """Leaks per existing guide file in output/NAME/ (responder files have nothing above them)."""
    files = edition_files()
    secrets = {audience: secrets_above(plan, audience) for audience in set(files.values())}
    return {name: check_file(Path(out_dir) / name, audience, secrets[audience])
            for name, audience in files.items() if (Path(out_dir) / name).is_file()}


def check_leaks(plan: Plan, files: Sequence[Any]) -> None:
    """The build's last lock: raise BuildError naming every leak in the rendered files (nothing is written then)."""
    secrets = {audience: secrets_above(plan, audience) for audience in {item.audience for item in files}}
    found = []
    for item in files:
        if secrets[item.audience] and item.kind in ("html", "pdf"):
            found += [f"{item.path}: {leak}" for leak in _search(item.content, item.kind, secrets[item.audience])]
    if found:
        raise BuildError("the leak check stopped the build; nothing was written:\n  " + "\n  ".join(dict.fromkeys(found)))


def _search(content: bytes, kind: str, secrets: list[Secret]) -> list[Leak]:
    if kind == "pdf":
        return find_leaks(secrets, pdf_text=pdf_text(content))
    return find_leaks(secrets, html_source=content.decode("utf-8", errors="replace"))
