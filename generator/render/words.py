"""The guides' own words: the labels of the plan's kinds (roles, relations, rooms, channels, resources)
and the emergency numbers' lines; the policy sentences a plan leaves unstated."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from ..plan.model import (
    SERVICES,
    ChannelKind,
    EmergencyService,
    RelationKind,
    ResourceKind,
    ResponderRole,
    RoomKind,
    Service,
)
from .formatting import tel_href
from .locale import Localizer


def role_word(loc: Localizer, role: ResponderRole) -> Markup:
    return {
        ResponderRole.lead: loc.t("role.lead"),
        ResponderRole.responder: loc.t("role.responder"),
        ResponderRole.fallback: loc.t("role.fallback"),
    }[role]


def relation_word(loc: Localizer, kind: RelationKind) -> Markup:
    return {
        RelationKind.partner: loc.t("relation.partner"),
        RelationKind.family: loc.t("relation.family"),
        RelationKind.conflict: loc.t("relation.conflict"),
        RelationKind.other: loc.t("relation.other"),
    }[kind]


def room_word(loc: Localizer, kind: RoomKind) -> Markup:
    return {
        RoomKind.safety: loc.t("room.safety"),
        RoomKind.staff: loc.t("room.staff"),
        RoomKind.first_aid: loc.t("room.first-aid"),
        RoomKind.other: loc.t("room.other"),
    }[kind]


def channel_word(loc: Localizer, kind: ChannelKind) -> Markup:
    return {
        ChannelKind.phone: loc.t("channel.phone"),
        ChannelKind.sms: loc.t("channel.sms"),
        ChannelKind.email: loc.t("channel.email"),
        ChannelKind.in_person: loc.t("channel.in-person"),
        ChannelKind.form: loc.t("channel.form"),
        ChannelKind.chat: loc.t("channel.chat"),
        ChannelKind.any_member: loc.t("channel.any-member"),
    }[kind]


def resource_word(loc: Localizer, kind: ResourceKind) -> Markup:
    return {
        ResourceKind.people: loc.t("resource.people"),
        ResourceKind.venue: loc.t("resource.venue"),
        ResourceKind.security: loc.t("resource.security"),
        ResourceKind.police: loc.t("resource.police"),
        ResourceKind.medical: loc.t("resource.medical"),
        ResourceKind.crisis_line: loc.t("resource.crisis-line"),
        ResourceKind.online_safety: loc.t("resource.online-safety"),
        ResourceKind.records: loc.t("resource.records"),
        ResourceKind.other: loc.t("resource.other"),
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
        return loc.t("emergency.label.all")
    return {
        frozenset({Service.police}): loc.t("emergency.label.police"),
        frozenset({Service.ambulance}): loc.t("emergency.label.ambulance"),
        frozenset({Service.fire}): loc.t("emergency.label.fire"),
        frozenset({Service.police, Service.ambulance}): loc.t("emergency.label.police-ambulance"),
        frozenset({Service.police, Service.fire}): loc.t("emergency.label.police-fire"),
        frozenset({Service.ambulance, Service.fire}): loc.t("emergency.label.ambulance-fire"),
    }[reaches]


def service_words(loc: Localizer, reaches: frozenset[Service]) -> Markup:
    """What a number reaches, inside a sentence ("ambulance and fire")."""
    return {
        frozenset({Service.police}): loc.t("emergency.words.police"),
        frozenset({Service.ambulance}): loc.t("emergency.words.ambulance"),
        frozenset({Service.fire}): loc.t("emergency.words.fire"),
        frozenset({Service.police, Service.ambulance}): loc.t("emergency.words.police-ambulance"),
        frozenset({Service.police, Service.fire}): loc.t("emergency.words.police-fire"),
        frozenset({Service.ambulance, Service.fire}): loc.t("emergency.words.ambulance-fire"),
    }[reaches]


def emergency_groups(services: Sequence[EmergencyService]) -> list[list[EmergencyService]]:
    """The numbers of each line an emergency box prints: those for everything together, then each other number alone."""
    everything = [service for service in services if service.for_everything]
    return ([everything] if everything else []) + [[service] for service in services if not service.for_everything]


def emergency_calls(loc: Localizer, services: Sequence[EmergencyService], shown: NumberShown = plain_number) -> list[Markup]:
    """One line per number to print large: "Emergency: 112" (every number for everything on one line), then "Police: 117"."""
    lines = []
    for group in emergency_groups(services):
        if group[0].for_everything:
            lines.append(loc.t("emergency.line", numbers=Markup(" / ").join(shown(service.number) for service in group)))
        else:
            lines.append(loc.t("emergency.service-number", service=service_label(loc, group[0].reaches),
                               number=shown(group[0].number)))
    return lines


def emergency_line(loc: Localizer, services: Sequence[EmergencyService]) -> Markup:
    """Every emergency number on one line (footers, the screen's header, the drill kit)."""
    if not services:
        return loc.t("emergency.line-unknown")
    return loc.t("punct.separator").join(emergency_calls(loc, services))


def emergency_route(loc: Localizer, services: Sequence[EmergencyService], shown: NumberShown = plain_number) -> Markup:
    """The number(s) a sentence sends people to: "112", "police 110; ambulance and fire 119" where none reaches everything,
    or "112 (police 117; ambulance 144; fire 118)" where both are given."""
    everything = [service.number for service in services if service.for_everything]
    own = loc.t("punct.semicolon").join(loc.t("emergency.route", service=service_words(loc, service.reaches),
                                  number=shown(service.number)) for service in services if not service.for_everything)
    if not everything:
        return own
    numbers = Markup(" / ").join(shown(number) for number in everything)
    return loc.t("emergency.route-with", numbers=numbers, services=own) if own else numbers


def emergency_advice(loc: Localizer, services: Sequence[EmergencyService]) -> list[Markup]:
    """Which number for what, where no number reaches everything: "A medical emergency: 119." (nothing otherwise)."""
    if any(service.for_everything for service in services):
        return []
    lines = []
    for service in services:
        number = service.number
        lines.append({
            frozenset({Service.police}): loc.t("emergency.when.police", number=number),
            frozenset({Service.ambulance}): loc.t("emergency.when.ambulance", number=number),
            frozenset({Service.fire}): loc.t("emergency.when.fire", number=number),
            frozenset({Service.police, Service.ambulance}): loc.t("emergency.when.police-ambulance", number=number),
            frozenset({Service.police, Service.fire}): loc.t("emergency.when.police-fire", number=number),
            frozenset({Service.ambulance, Service.fire}): loc.t("emergency.when.ambulance-fire", number=number),
        }[service.reaches])
    return lines
