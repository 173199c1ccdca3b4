"""The starters' own comments and sample texts in the place's language (issue 27, point 6).

One structure, the words apart. templates/starters/*.yaml are the English (British)
starters, each a valid plan that `check` and the tests read as it is. Their texts are the
message ids of gettext catalogs, one per shipped language, in templates/starters/locale/
(`LANG.po`, the guides' catalog names): `init --locale TAG` reads the starter line by line
and replaces each comment paragraph, trailing comment and sample text (a name, a duty, a
script, a policy sentence) by its translation. Only texts are touched, never a key, an id,
an enum value, a date, an address of the web or a number, so the structure a translated
starter has is the English one by construction, and a new line in a starter is one new
message for the translators instead of an edit in eight copies.

Why gettext catalogs keyed on the English text rather than message files keyed by name:
translators already know the format and its tools (Poedit, Weblate: fuzzy entries, a
translation memory), the catalogs of the guides themselves are .po files under
templates/locale/, and the English starter stays a plain YAML plan with no template syntax
in it (so it still is the reference the lint's starter-sample check reads).

`python -m generator.starter_catalogs` brings every catalog up to date with the starters
(new messages empty, gone ones dropped); tests/test_init.py fails while one misses a
translation or changes a `CHANGE ME`, a `{placeholder}` or a `code` span.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

from .paths import templates_dir

# The keys whose value is text written for people (translated); the lists whose items are.
TEXT_KEYS = frozenset({
    "name", "organiser", "reason", "label", "when", "where", "directions", "contact", "how_to_recognise", "notes",
    "hours", "recognise_responders", "appeals", "title", "details", "help", "description", "response", "term",
    "meaning", "applies_when", "secure_channel", "records", "retention", "note", "what", "within", "chat",
})
TEXT_LIST_KEYS = frozenset({"duties", "address", "ask", "do", "do_not", "steps", "say", "examples"})
# The catalog used for a language without one of its own region (pt-PT reads the Brazilian one);
# English without a region stays the British starter.
_LANGUAGE_FALLBACK = {"pt": "pt_BR"}
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[a-z_][a-z0-9_.-]*):(?:[ ](?P<rest>.*))?$")
_ITEM_LINE = re.compile(r"^(?P<lead>\s*- )(?P<rest>.*)$")
_FLOW_TEXT = re.compile(r"(?P<key>\b[a-z_]+): (?P<value>[^,{}\[\]]+?)(?=[,}])")

Lookup = Callable[[str], "str | None"]


def locale_dir() -> Path:
    return templates_dir() / "starters" / "locale"


def catalog_name(locale: str | None) -> str | None:
    """The catalog (`de`, `pt_BR`, `en_US`) whose texts a starter for `locale` takes, or None for the English starter."""
    if not locale:
        return None
    parts = re.split(r"[-_]", locale)
    language = parts[0].lower()
    region = next((part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()), None)
    for name in ([f"{language}_{region}"] if region else []) + [language, _LANGUAGE_FALLBACK.get(language, "")]:
        if name and (locale_dir() / f"{name}.po").is_file():
            return str(name)
    return None


@cache
def messages(name: str) -> dict[str, str]:
    """msgid -> msgstr of one starter catalog (untranslated entries left out)."""
    from babel.messages.pofile import read_po

    with (locale_dir() / f"{name}.po").open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str) and m.string}


def translate(text: str, locale: str | None) -> str:
    """`text` (a starter, or part of one) with its texts in the language of `locale`'s catalog; as it is without one."""
    name = catalog_name(locale)
    if name is None:
        return text
    found = messages(name)
    return rewrite(text, lambda english: found.get(english))


def rewrite(text: str, lookup: Lookup) -> str:
    """Each comment paragraph, trailing comment and text value of the YAML `text` replaced by `lookup(english)` when
    that gives one. Keys, ids, enum values, numbers, dates, links and addresses are never looked up."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    blocks: list[tuple[int, str]] = []  # (indent, key) of the keys whose value is the block that follows
    index = 0
    while index < len(lines):
        body = lines[index].rstrip("\n")
        stripped = body.strip()
        indent = len(body) - len(body.lstrip(" "))
        if stripped.startswith("#"):
            end, paragraph = _paragraph(lines, index, indent)
            if paragraph is None:
                out.append(lines[index])
                index += 1
                continue
            found = lookup("\n".join(paragraph))
            if found is None:
                out.extend(lines[index:end])
            else:
                out.extend(f"{' ' * indent}# {line}".rstrip() + "\n" for line in found.split("\n"))
            index = end
            continue
        index += 1
        if not stripped:
            out.append(lines[index - 1])
            continue
        while blocks and blocks[-1][0] >= indent:
            blocks.pop()
        value, comment = _split_comment(body)
        if comment is not None:
            translated = lookup(comment)
            comment = translated if translated is not None else comment
        key_line = _KEY_LINE.match(value)
        if key_line:
            key, rest = key_line.group("key"), (key_line.group("rest") or "").strip()
            if not rest:
                blocks.append((len(key_line.group("lead")), key))
            else:
                rest = _translate_value(key, rest, lookup)
            value = f"{key_line.group('lead')}{key}:" + (f" {rest}" if rest else "")
        else:
            item = _ITEM_LINE.match(value)
            if item and item.group("rest").startswith("{"):  # `- {what: ..., within: ...}`
                value = item.group("lead") + _translate_value("", item.group("rest"), lookup)
            elif item and blocks and blocks[-1][1] in TEXT_LIST_KEYS:
                value = item.group("lead") + _translate_scalar(item.group("rest"), lookup, "block")
        out.append(value + (f"  # {comment}" if comment is not None else "") + "\n")
    return "".join(out)


def _paragraph(lines: list[str], start: int, indent: int) -> tuple[int, list[str] | None]:
    """The comment paragraph from `start`: its end and its lines' texts (None for a `#` line or the schema line)."""
    first = lines[start].strip()
    if first == "#" or first.startswith("# yaml-language-server:"):
        return start + 1, None
    texts, end = [], start
    while end < len(lines):
        body = lines[end].rstrip("\n")
        stripped = body.strip()
        if not stripped.startswith("#") or stripped == "#" or len(body) - len(body.lstrip(" ")) != indent:
            break
        texts.append(stripped[2:] if stripped.startswith("# ") else stripped[1:])
        end += 1
    return end, texts


def _split_comment(body: str) -> tuple[str, str | None]:
    """A line's value part and its trailing comment (the text after `  # ` outside quotes)."""
    at = body.find("  # ")
    while at >= 0:
        before = body[:at]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return before.rstrip(), body[at + 4:]
        at = body.find("  # ", at + 1)
    return body, None


def _translate_value(key: str, raw: str, lookup: Lookup) -> str:
    if raw.startswith("{"):
        def one(match: re.Match[str]) -> str:
            if match.group("key") not in TEXT_KEYS:
                return match.group(0)
            return f"{match.group('key')}: {_translate_scalar(match.group('value'), lookup, 'flow')}"
        return _FLOW_TEXT.sub(one, raw)
    if raw.startswith("["):
        if key not in TEXT_LIST_KEYS:
            return raw
        items = yaml.safe_load(raw)
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return raw
        return "[" + ", ".join(_dump(lookup(item) or item, "flow", "") for item in items) + "]"
    if key in TEXT_KEYS or "." in key:  # `policy:` sentences are keyed by their ids (protocol.then)
        return _translate_scalar(raw, lookup, "block")
    return raw


def _translate_scalar(raw: str, lookup: Lookup, context: str) -> str:
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    if not isinstance(value, str):
        return raw
    found = lookup(value)
    return raw if found is None else _dump(found, context, raw[:1])


def _dump(text: str, context: str, quote: str) -> str:
    """`text` as a YAML scalar: in the English value's quotes, or plain when it reads back the same."""
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote != '"' and " #" not in text and not text.startswith(("'", '"', "`")):
        probe = f"{{k: {text}}}" if context == "flow" else f"k: {text}"
        try:
            if yaml.safe_load(probe) == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


@cache
def starter_marks() -> tuple[str, ...]:
    """How the first comment of a starter begins in each language (`# Starter plan:`, `# Vorlage:`): `check` takes a
    plan that has one for a starter `init` wrote, and reports the starters' sample values still in it."""
    marks = {"# Starter plan:"}
    for path in locale_dir().glob("*.po"):
        for english, translated in messages(path.stem).items():
            if english.startswith("Starter plan:"):
                head = re.match(r"[^:：]*[:：]", translated)
                if head:
                    marks.add(f"# {head.group(0)}")
    return tuple(sorted(marks))
