"""The guides' own words: the plan's localizer (its `wording:` overrides applied) and the labels
of the plan's kinds (edition titles, roles, relations, rooms, channels, resources)."""

from __future__ import annotations

from markupsafe import Markup, escape

from generator.plan.model import ChannelKind, Plan, RelationKind, ResourceKind, ResponderRole, RoomKind
from generator.render import markdown
from generator.render.edition import EditionSpec
from generator.render.locale import Localizer


def plan_localizer(plan: Plan) -> Localizer:
    """The plan's locale with its `wording:` overrides (inline Markdown, sanitized)."""
    overrides = {ident: markdown.to_inline_html(text, lambda src: src) for ident, text in plan.wording.items()}
    return Localizer(plan.locale, overrides)


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
