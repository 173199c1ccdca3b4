"""What is secret for an audience: every value of the plan its readers must not see, as the text to search for.

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

How each is searched for (generator.matcher): phone numbers by their digits, however they
are written; e-mail addresses, chat handles and links case-insensitively as whole words (a
handle written "Signal: priya.23" also without its "Signal:"); names of people as whole
words, when at least MIN_NAME characters long; text with whitespace and Markdown marks
collapsed. Not searched: ids, choices (`lead`, `high`), dates and numbers, which say
nothing on their own; a name shorter than MIN_NAME characters ("Jo" is part of too many
words to prove anything); a text the guide itself prints in the plan's locale (a
definition "Verstoß gegen den Verhaltenskodex" inside a German heading); and a secret that
the edition may show anyway as a value of its own (a responder's address that is also a
public channel's).

Who may see each value (`leaf_audiences`) is read from the plan model's audiences and the
policy sentences' readers, the same way the editions are cut (generator.render.edition).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers

from ..errors import path_text
from ..matcher import Matcher, digits, normalise_text
from .model import Audience, Model, Plan, ResourceKind
from .policy import audience as policy_audience

PlanPath = tuple[Any, ...]  # ("responders", 0, "email")

MIN_NAME = 3
MIN_WORDS = 4
MIN_LOOSE_WORDS = 6  # words a text needs to be searched without its closing mark
MIN_PROCEDURE_WORDS = 8  # words the procedure's own private text needs to be searched ("Call 911 if anyone is in danger." is common)
MIN_HANDLE = 4
PHONE_FIELDS = {"phone", "number", "emergency_number"}
_HANDLE_FIELDS = {"email", "chat"}
# labels: what names an item, a place or an organization; never a secret
_LABEL_FIELDS = {"name", "label", "title", "term", "organiser", "address"}
# web addresses: public (a label) unless in one of the places below
_LINK_FIELDS = {"link", "website", "code_of_conduct", "reporting_guidelines", "emergency_link", "logo"}
_CHAT_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/@?([\w. ]+)/?", re.IGNORECASE)  # a Telegram user's link
# (a normalised one: its underscores read as spaces, as Markdown may take them)
_WEB_ADDRESS = re.compile(r"\bhttps?://[^\s<>()\[\]\"'*`]+[^\s<>()\[\]\"'*`.,;:!?]", re.IGNORECASE)
# fields that print their value as a value of its own (an address, a name, a link): a hidden value equal to one
# of them is shown anyway (a responder's e-mail that is also a public channel's address)
_SHOWN_AS_ITSELF = _HANDLE_FIELDS | _LABEL_FIELDS | _LINK_FIELDS | {"contact"}
# ids and choices: never printed as they are, never a secret
SKIP_FIELDS = {"id", "with", "lead", "responders", "fallback", "staffed_by", "escalate_to", "chain",
               "spokespeople", "impact", "risk", "kind", "role", "handling", "audience", "languages",
               "format", "country", "timezone", "lines", "days", "visibility"}


@dataclass(frozen=True)
class Secret:
    path: PlanPath
    value: str
    kind: str  # "phone", "handle", "name" or "text"
    needle: str

    @property
    def field(self) -> str:
        return path_text(self.path)


def secrets_above(plan: Plan, audience: Audience, guide_words: Iterable[str] = ()) -> list[Secret]:
    """Every searchable value of `plan` that readers of `audience` must not see.

    A value the edition shows anyway as a value of its own (a responder's e-mail that
    is also a public channel's address) is not a secret; one that only appears inside
    visible text, or is the whole of a free text (a note pasted as a room's `where`), is:
    that is a paste (see generator.plan.pastes), not permission.
    `guide_words`: the texts the guide prints by itself in the plan's locale
    (generator.render.leaks.guide_words); a secret found inside them proves nothing.
    Without them every such secret stays one (the stricter answer).
    """
    hidden: list[Secret] = []
    shown_values: set[str] = set()
    shown_texts: set[str] = set()  # free texts as shown: the procedure's own sentence written twice is no secret
    shown_digits: set[str] = set()  # every ending of a shown phone number's digits
    for path, value, needed in leaf_audiences(plan):
        if not audience.allows(needed):
            hidden += _secrets(path, value, plan)
        elif field_name(path) not in SKIP_FIELDS:  # an id or a choice is never printed: a hidden name that equals one stays a secret
            if field_name(path) in _SHOWN_AS_ITSELF:  # not free text: a note pasted whole into `where` is still a paste
                shown_values.add(normalise_text(str(value)))
            elif isinstance(value, str):
                shown_texts.add(normalise_text(value))
            if field_name(path) in PHONE_FIELDS:
                number = digits(str(value))
                shown_digits.update(number[start:] for start in range(len(number)))
    shown_words = {word for shown in shown_values for word in shown.split()}
    kept = [secret for secret in hidden
            if secret.needle not in shown_digits and (secret.kind == "phone" or secret.needle not in shown_values)
            and not (secret.kind == "text" and not _personal(secret.path) and secret.needle in shown_texts)
            # a handle that is the words of a name shown anyway ("maya_lindqvist" beside Maya Lindqvist-Torres)
            and not (secret.kind == "handle" and " " in secret.needle and any(secret.needle in shown for shown in shown_values))
            # nor one that is a word of a shown name ("@priya" beside Priya Raman, found as "priya")
            and not (secret.kind == "handle" and secret.needle in shown_words)]
    text = "\n".join(normalise_text(words) for words in guide_words)
    in_guide_words = {id(secret) for secret in Matcher([s for s in kept if s.kind != "phone"]).in_plain(text)} if text else set()
    secrets: dict[tuple[str, str], Secret] = {}
    for secret in kept:
        if id(secret) not in in_guide_words:
            secrets.setdefault((secret.kind, secret.needle), secret)
    return list(secrets.values())


def _secrets(path: PlanPath, value: Any, plan: Plan) -> list[Secret]:
    field = field_name(path)
    if field in SKIP_FIELDS or isinstance(value, (bool, int, float, enum.Enum)) or not isinstance(value, str):
        return []
    if field in PHONE_FIELDS:
        number = _national_digits(value, plan.region)
        return [Secret(path, value, "phone", number)] if len(number) >= 5 else []
    needle = normalise_text(value)
    if field in _HANDLE_FIELDS:
        variants = _handle_variants(needle) if field == "chat" else {needle}
        return [Secret(path, value, "handle", v) for v in sorted(variants) if len(v) >= MIN_HANDLE]
    if field in _LINK_FIELDS:  # a public web address is a label; a private link is a way in
        return [Secret(path, value, "handle", needle)] if _private_link(plan, path) and len(needle) >= MIN_HANDLE else []
    if field == "name" and path[:1] == ("responders",):
        # "Amara Okonjo-Reyes" is also written "Amara Okonjo Reyes"
        spellings = dict.fromkeys((needle, needle.replace("-", " ")))
        return [Secret(path, value, "name", spelling) for spelling in spellings] if len(needle) >= MIN_NAME else []
    if field in _LABEL_FIELDS:
        return []
    found = []
    if path == ("communication", "secure_channel"):  # where the team talks: an invite link in it is private
        found += [Secret(path, value, "handle", link) for link in dict.fromkeys(map(normalise_text, _WEB_ADDRESS.findall(value)))
                  if len(link) >= MIN_HANDLE]
    if _personal(path) and len(needle.split()) >= MIN_LOOSE_WORDS:  # pasted into a sentence, a note loses its full stop
        needle = needle.strip(" .!?…;:,")  # (not a short phrase, nor the procedure's own: it is said in many sentences)
    if len(needle.split()) >= (MIN_WORDS if _personal(path) else MIN_PROCEDURE_WORDS):
        found.append(Secret(path, value, "text", needle))
    return found


def _handle_variants(handle: str) -> set[str]:
    """A chat handle as it may be written elsewhere: "Signal: priya.23" also as "priya.23", "Telegram: @priya_k" also as
    "priya_k" (in a t.me/ link), "t.me/priya_k" also as "@priya_k"; not "@maya:matrix.org" without its server."""
    service, colon, rest = handle.partition(":")
    labelled = colon and not rest.startswith("//") and re.fullmatch(r"[^\W\d_][\w ]*", service)
    bare = rest.strip() if labelled else handle
    variants = {handle, bare}
    if link := _CHAT_LINK.fullmatch(bare):
        variants.add("@" + link.group(1))
    elif bare.startswith("@") and ":" not in bare:
        variants.add(bare[1:])
    return variants


def _personal(path: PlanPath) -> bool:
    """A value about a person (a responder's notes, description, anything of theirs; a resource's notes), not the plan's
    procedure (a scenario's step, a form's help), which the organizer may well say again in a shared text."""
    return path[:1] == ("responders",) or field_name(path) == "notes"


def _private_link(plan: Plan, path: PlanPath) -> bool:
    """A reporting channel's link (a form, an invite to a chat) or a records resource's (where reports are kept)."""
    if path[:2] == ("reporting", "channels"):
        return True
    if path[:1] == ("resources",) and isinstance(path[1], int) and path[1] < len(plan.resources):
        return plan.resources[path[1]].kind is ResourceKind.records
    return False


def field_name(path: PlanPath) -> str:
    """The field a path ends in (`email` for responders[0].email, `duties` for roles[1].duties[0])."""
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


def _national_digits(value: str, region: str | None) -> str:
    """The digits every way of writing the number ends with (the national significant number)."""
    try:
        return str(phonenumbers.parse(value, region).national_number)
    except phonenumbers.NumberParseException:
        return digits(value)


# --- who may see what ---------------------------------------------------------

def leaf_audiences(item: Model, path: PlanPath = (), inherited: Audience = Audience.public) -> Iterator[tuple[PlanPath, Any, Audience]]:
    """(path, value, audience) for every leaf of the plan: the strictest audience on its way down."""
    here = _stricter(inherited, item.item_audience())
    for name in type(item).model_fields:
        value = getattr(item, name)
        needed = item.field_audience(name)
        level = _stricter(here, needed) if needed else here
        if name == "policy" and isinstance(item, Plan):  # each sentence is read where it prints
            for ident, text in value.items():
                yield path + (name, ident), text, _stricter(level, Audience(policy_audience(ident)))
            continue
        yield from _leaves(value, path + (name,), level)


def _leaves(value: Any, path: PlanPath, level: Audience) -> Iterator[tuple[PlanPath, Any, Audience]]:
    if isinstance(value, Model):
        yield from leaf_audiences(value, path, level)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,), level)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,), level)
    elif value is not None:
        yield path, value, level


def _stricter(a: Audience, b: Audience | None) -> Audience:
    return a if b is None or a.rank >= b.rank else b


def audience_places(plan: Plan, path: PlanPath) -> list[tuple[PlanPath, Model, str | None, Audience]]:
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


def audience_of(plan: Plan, path: PlanPath) -> Audience | None:
    places = audience_places(plan, path)
    return max((level for *_, level in places), key=lambda level: level.rank) if places else None
