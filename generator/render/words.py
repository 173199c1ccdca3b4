"""The guides' own words: the plan's localizer (its `wording:` overrides applied) and the labels
of the plan's kinds (edition titles, roles, relations, rooms, channels, resources)."""

from __future__ import annotations

from markupsafe import Markup, escape

from generator.plan.model import ChannelKind, Plan, RelationKind, ResourceKind, ResponderRole, RoomKind
from generator.render import markdown
from generator.render.edition import EditionSpec
from generator.render.locale import Localizer
from generator.render.policy import POLICY


def plan_localizer(plan: Plan) -> Localizer:
    """The plan's locale with its `wording:` and `policy:` texts (inline Markdown, sanitized).

    A policy sentence the plan does not state prints nothing (generator/render/policy.py)."""
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


def unstated_policy(plan: Plan) -> list[str]:
    """The policy sentences the plan's guides have a place for and the plan does not state, in message-id order.

    Every edition is rendered (screen and print), so the answer is what the templates actually ask for."""
    from generator.plan.model import Audience
    from generator.render.edition import EDITIONS, drill_spec, make_edition  # the printing side, only when asked
    from generator.render.html import render_html

    unstated: set[str] = set()
    for spec in (*EDITIONS.values(), drill_spec(Audience.volunteer)):
        if not spec.exists_for(plan):
            continue
        spec = spec.for_plan(plan)
        edition = make_edition(plan, spec.audience, spec.name)
        loc = plan_localizer(edition.plan)  # the edition's own sentences, as a build prints them
        for medium in ("screen", "print"):
            render_html(edition, medium=medium, template=spec.template, loc=loc)
        unstated |= loc.unstated
    return sorted(unstated)
