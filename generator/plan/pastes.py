"""Pastes: a value above a field's audience, written inside the text of that field (a responder's number in a volunteer duty).

`check` reports each one (rule PRIVATE-PASTE), located at the paste in the plan's source
(`paste_pattern`), in words that say whose value it is, who may see it and who reads the
text it is in, with a hint naming only the keys the plan has to lower the value's audience.
The build's leak check (generator.render.leaks) words what it finds the same way.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import path_text
from ..matcher import HTML_MARKUP, Matcher
from .model import Audience, Communication, Plan, Responder
from .secrets import SKIP_FIELDS, PlanPath, Secret, audience_of, audience_places, field_name, leaf_audiences, secrets_above


@dataclass(frozen=True)
class Paste:
    """A value above a field's audience, written inside that field's text."""

    secret: Secret
    path: PlanPath  # the field whose text holds it
    audience: Audience  # who reads that field


def find_pastes(plan: Plan, guide_words: Sequence[str]) -> list[Paste]:
    """Every value written into the text of a field whose readers may not see it, in plan order.

    `guide_words`: the texts the guide prints by itself in the plan's locale (generator.render.leaks.guide_words)."""
    matchers = {audience: Matcher(secrets_above(plan, audience, guide_words)) for audience in (Audience.public, Audience.volunteer)}
    found: dict[tuple[PlanPath, PlanPath], Paste] = {}
    for path, value, level in leaf_audiences(plan):
        if level is Audience.responder or not isinstance(value, str) or isinstance(value, enum.Enum) or field_name(path) in SKIP_FIELDS:
            continue
        for secret in matchers[level].find(value):
            seen = found.get((path, secret.path))  # a handle's two spellings are one paste, at the longer one
            if seen is None or len(seen.secret.needle) < len(secret.needle):
                found[(path, secret.path)] = Paste(secret, path, level)
    return list(found.values())


# What may sit inside a pasted value in plan source: Markdown marks, HTML entities, comments and tags.
_MARKUP = rf"(?:[*_`~]|&#?\w+;|{HTML_MARKUP})"
# ... between two letters of a word: the same, but of entities only the invisible ones (an entity there is a letter)
_IN_WORD = rf"(?:[*_`~]|&(?:shy|#173|#xad|#8203|#x200b|ZeroWidthSpace|zwj|zwnj|#820[45]|#x200[cd]);|{HTML_MARKUP})"


def paste_pattern(secret: Secret) -> re.Pattern[str]:
    """The secret as it may be written in plan source: digits with any separators, or its words with any spaces,
    with Markdown marks or HTML entities in between (and an entity for any character)."""
    # Possessive (*+, ++): what a run of marks takes is never tried again as the characters it might also be; else
    # a text of many entities ("&a;&a;…") is tried every way it can be split, for minutes. Finding where a paste is
    # needs no more: the paste was found on the text as read, and a miss here only places it at its value's start.
    if secret.kind == "phone":
        separators = rf"(?:[\s().\-/]|{_MARKUP})*+"
        return re.compile(r"(?:\+\d{1,3}|\(?0)?" + separators + separators.join(secret.needle))
    words = [f"{_IN_WORD}*+".join(rf"(?:{re.escape(c)}|&#?\w+;)" for c in word) for word in secret.needle.split()]
    return re.compile(r"(?<!\w)" + rf"(?:\s|{_MARKUP})++".join(words), re.IGNORECASE)


READERS = {Audience.public: "everyone", Audience.volunteer: "volunteers"}
READ_BY = {Audience.public: "which is on the public sheet", Audience.volunteer: "which volunteers read"}
AUDIENCE_WORDS = {Audience.volunteer: "volunteers and responders only", Audience.responder: "responder only"}
FIELD_WORDS = {"email": "e-mail", "chat": "chat handle", "phone": "phone number", "number": "number",
               "how_to_recognise": "description", "recognise_responders": "text on recognising responders",
               "duties": "duties", "where": "location", "do": "things to do", "do_not": "things not to do",
               "ask": "questions to ask", "when": "when to call", "emergency_number": "emergency number"}
ITEM_WORDS = {"responders": ("responder", "name"), "roles": ("role", "name"), "venues": ("venue", "name"),
              "contacts": ("contact", "name"), "rooms": ("room", "name"), "numbers": ("number", "label"),
              "channels": ("reporting channel", "label"), "scenarios": ("scenario", "title"),
              "definitions": ("definition", "term"), "procedure": ("step", "title"), "resources": ("resource", "name"),
              "responses": ("response", "name"), "steps": ("step", "title"), "report_form": ("form field", "label")}


def secret_words(plan: Plan, secret: Secret) -> str:
    """'Amara Okonjo-Reyes's e-mail (responder only)': whose value it is and who may see it, in words."""
    audience = audience_of(plan, secret.path)
    whose = _owner(plan, secret.path)
    field = FIELD_WORDS.get(field_name(secret.path), field_name(secret.path).replace("_", " "))
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
        return f"{what} (`{path_text(path)}`)"
    noun, label = item
    return f"{what} of the {noun} “{label}”" if label else f"{what} of a {noun}"


def paste_message(plan: Plan, paste: Paste) -> str:
    """'Amara Okonjo-Reyes's e-mail (responder only) appears in a duty of the role “Volunteers”, which volunteers read'."""
    return f"{secret_words(plan, paste.secret)} appears in {place_words(plan, paste.path)}, {READ_BY[paste.audience]}"


def paste_hint(plan: Plan, paste: Paste) -> str:
    """What to do, naming only keys the plan has for that value: `visibility:` on a responder, `audience:` on an item
    that takes one, `report_form_audience:`; none when the value cannot be shown to those readers at all."""
    if field_name(paste.secret.path) == "how_to_recognise":  # often what every responder wears, written twice
        return ("if it is what every responder wears, say it only here and keep each responder's `how_to_recognise` "
                "for what is theirs alone (\"green scarf\"), or leave it out there; otherwise remove it from this text")
    if paste.audience is Audience.public and paste.secret.path[:1] == ("responders",) and not plan.team.published:
        return "remove it from this text: responders are never listed on the public sheet (a public channel can give a number or address)"
    keys = _how_to_lower(plan, paste.secret.path, paste.audience)
    if keys is None:
        return f"remove it from this text: nothing in a plan shows `{paste.secret.field}` to {READERS[paste.audience]}"
    return f"remove it from this text, or, if {READERS[paste.audience]} may see it, lower its audience ({' and '.join(keys)})"


def _how_to_lower(plan: Plan, path: PlanPath, audience: Audience) -> list[str] | None:
    """The keys that would show the value at `path` to `audience`, or None when no key can."""
    keys = []
    for here, item, field, level in audience_places(plan, path):
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


def _item_words(plan: Plan, path: PlanPath) -> str:
    """'the resource “County crisis line”' for the path of a named item, else the item's place in the plan (`reporting.appeals`)."""
    item = _item(plan, path) if len(path) >= 2 and isinstance(path[-1], int) and path[-2] in ITEM_WORDS else None
    return f"the {item[0]} “{item[1]}”" if item and item[1] else f"`{path_text(path)}`"


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
    if not label:  # a step written as plain text has no title
        return f"a {noun}"
    return label if noun == "responder" else f"the {noun} “{label}”"
