"""The guides' own words: the plan's localizer (its `wording:` overrides applied) and the labels
of the plan's kinds (edition titles, roles, relations, rooms, channels, resources)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from ..plan.model import (
    SERVICES,
    ChannelKind,
    EmergencyService,
    Plan,
    RelationKind,
    ResourceKind,
    ResponderRole,
    RoomKind,
    Service,
)
from ..plan.policy import POLICY
from . import markdown
from .edition import EditionSpec
from .formatting import tel_href
from .locale import Localizer


def plan_localizer(plan: Plan) -> Localizer:
    """The plan's locale with its `wording:` and `policy:` texts (inline Markdown, sanitized).

    A policy sentence the plan does not state prints nothing (generator/plan/policy.py)."""
    texts = {**plan.wording, **plan.policy}
    overrides = {ident: markdown.to_inline_html(text, lambda src: src) for ident, text in texts.items()}
    return Localizer(plan.locale, overrides, frozenset(POLICY))


def edition_title(loc: Localizer, spec: EditionSpec) -> Markup:
    """An edition's title in the guide's language (the registry's English title for an edition without its own message)."""
    words = {
        "public": loc.t("edition.public", "How to report"),
        "volunteer": loc.t("edition.volunteer", "Volunteer guide"),
        "responder": loc.t("edition.responder", "Responder guide"),
    }
    return words.get(spec.name) or escape(spec.title)


def role_word(loc: Localizer, role: ResponderRole) -> Markup:
    return {
        ResponderRole.lead: loc.t("role.lead", "Lead"),
        ResponderRole.responder: loc.t("role.responder", "Responder"),
        ResponderRole.fallback: loc.t("role.fallback", "Fallback"),
    }[role]


def relation_word(loc: Localizer, kind: RelationKind) -> Markup:
    return {
        RelationKind.partner: loc.t("relation.partner", "Partner of {name}"),
        RelationKind.family: loc.t("relation.family", "Family of {name}"),
        RelationKind.conflict: loc.t("relation.conflict", "Conflict of interest with {name}"),
        RelationKind.other: loc.t("relation.other", "Relationship with {name}"),
    }[kind]


def room_word(loc: Localizer, kind: RoomKind) -> Markup:
    return {
        RoomKind.safety: loc.t("room.safety", "Safety room"),
        RoomKind.staff: loc.t("room.staff", "Staff room"),
        RoomKind.first_aid: loc.t("room.first-aid", "First aid"),
        RoomKind.other: loc.t("room.other", "Room"),
    }[kind]


def channel_word(loc: Localizer, kind: ChannelKind) -> Markup:
    return {
        ChannelKind.phone: loc.t("channel.phone", "Call or text"),
        ChannelKind.sms: loc.t("channel.sms", "Text"),
        ChannelKind.email: loc.t("channel.email", "E-mail"),
        ChannelKind.in_person: loc.t("channel.in-person", "In person"),
        ChannelKind.form: loc.t("channel.form", "Online form"),
        ChannelKind.chat: loc.t("channel.chat", "Chat"),
        ChannelKind.any_member: loc.t("channel.any-member", "Any member of the team"),
    }[kind]


def resource_word(loc: Localizer, kind: ResourceKind) -> Markup:
    return {
        ResourceKind.people: loc.t("resource.people", "people"),
        ResourceKind.venue: loc.t("resource.venue", "venue"),
        ResourceKind.security: loc.t("resource.security", "security"),
        ResourceKind.police: loc.t("resource.police", "police"),
        ResourceKind.medical: loc.t("resource.medical", "medical"),
        ResourceKind.crisis_line: loc.t("resource.crisis-line", "crisis line"),
        ResourceKind.online_safety: loc.t("resource.online-safety", "online safety"),
        ResourceKind.records: loc.t("resource.records", "records"),
        ResourceKind.other: loc.t("resource.other", "other"),
    }[kind]


# --- emergency services ---------------------------------------------------------

NumberShown = Callable[[str], Markup]


def plain_number(number: str) -> Markup:
    return escape(number)


def linked_number(number: str) -> Markup:
    """An emergency number as a link to dial, kept left to right."""
    return Markup('<a class="emergency-number" dir="ltr" href="{}">{}</a>').format(tel_href(number), number)


def service_label(loc: Localizer, reaches: frozenset[Service]) -> Markup:
    """What a number reaches, as a label before it ("Ambulance and fire"); "Emergency" for every service."""
    if reaches >= set(SERVICES):
        return loc.t("emergency.label.all", "Emergency")
    return {
        frozenset({Service.police}): loc.t("emergency.label.police", "Police"),
        frozenset({Service.ambulance}): loc.t("emergency.label.ambulance", "Ambulance"),
        frozenset({Service.fire}): loc.t("emergency.label.fire", "Fire"),
        frozenset({Service.police, Service.ambulance}): loc.t("emergency.label.police-ambulance", "Police and ambulance"),
        frozenset({Service.police, Service.fire}): loc.t("emergency.label.police-fire", "Police and fire"),
        frozenset({Service.ambulance, Service.fire}): loc.t("emergency.label.ambulance-fire", "Ambulance and fire"),
    }[reaches]


def service_words(loc: Localizer, reaches: frozenset[Service]) -> Markup:
    """What a number reaches, inside a sentence ("ambulance and fire")."""
    return {
        frozenset({Service.police}): loc.t("emergency.words.police", "police"),
        frozenset({Service.ambulance}): loc.t("emergency.words.ambulance", "ambulance"),
        frozenset({Service.fire}): loc.t("emergency.words.fire", "fire"),
        frozenset({Service.police, Service.ambulance}): loc.t("emergency.words.police-ambulance", "police and ambulance"),
        frozenset({Service.police, Service.fire}): loc.t("emergency.words.police-fire", "police and fire"),
        frozenset({Service.ambulance, Service.fire}): loc.t("emergency.words.ambulance-fire", "ambulance and fire"),
    }[reaches]


def emergency_calls(loc: Localizer, services: Sequence[EmergencyService], shown: NumberShown = plain_number) -> list[Markup]:
    """One line per number to print large: "Emergency: 112" (every number for everything on one line), then "Police: 117"."""
    everything = [service.number for service in services if service.for_everything]
    lines = []
    if everything:
        lines.append(loc.t("emergency.line", "Emergency: {numbers}", numbers=Markup(" / ").join(shown(n) for n in everything)))
    for service in services:
        if not service.for_everything:
            lines.append(loc.t("emergency.service-number", "{service}: {number}", service=service_label(loc, service.reaches),
                               number=shown(service.number)))
    return lines


def emergency_line(loc: Localizer, services: Sequence[EmergencyService]) -> Markup:
    """Every emergency number on one line (footers, the screen's header, the drill kit)."""
    if not services:
        return loc.t("emergency.line-unknown", "Emergency: your local emergency number")
    return Markup(" · ").join(emergency_calls(loc, services))


def emergency_route(loc: Localizer, services: Sequence[EmergencyService], shown: NumberShown = plain_number) -> Markup:
    """The number(s) a sentence sends people to: "112", "police 110; ambulance and fire 119" where none reaches everything,
    or "112 (police 117; ambulance 144; fire 118)" where both are given."""
    everything = [service.number for service in services if service.for_everything]
    own = Markup("; ").join(loc.t("emergency.route", "{service} {number}", service=service_words(loc, service.reaches),
                                  number=shown(service.number)) for service in services if not service.for_everything)
    if not everything:
        return own
    numbers = Markup(" / ").join(shown(number) for number in everything)
    return loc.t("emergency.route-with", "{numbers} ({services})", numbers=numbers, services=own) if own else numbers


def emergency_advice(loc: Localizer, services: Sequence[EmergencyService], shown: NumberShown = plain_number) -> list[Markup]:
    """Which number for what, where no number reaches everything: "A medical emergency: 119." (nothing otherwise)."""
    if any(service.for_everything for service in services):
        return []
    lines = []
    for service in services:
        number = shown(service.number)
        lines.append({
            frozenset({Service.police}): loc.t("emergency.when.police", "Violence, a threat, anyone in danger: police {number}.", number=number),
            frozenset({Service.ambulance}): loc.t("emergency.when.ambulance", "A medical emergency: {number}.", number=number),
            frozenset({Service.fire}): loc.t("emergency.when.fire", "A fire: {number}.", number=number),
            frozenset({Service.police, Service.ambulance}): loc.t(
                "emergency.when.police-ambulance", "Violence, anyone in danger or a medical emergency: {number}.", number=number),
            frozenset({Service.police, Service.fire}): loc.t(
                "emergency.when.police-fire", "Violence, anyone in danger or a fire: {number}.", number=number),
            frozenset({Service.ambulance, Service.fire}): loc.t(
                "emergency.when.ambulance-fire", "A medical emergency or a fire: {number}.", number=number),
        }[service.reaches])
    return lines
