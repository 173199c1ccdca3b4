"""Reporting: every channel answered while the event runs, by a shared line, and a chain that ends outside the team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from ...plan.model import Channel, RoleKind
from ..clock import Gap, gaps
from ..context import Context
from ..registry import Finding, rule


@rule("CHANNEL-STAFFED", "error", "A reporting channel's `staffed_by` people are never on call during the event.", items=("channels",),
      bad="""
          reporting:
            channels:
              - {kind: phone, label: Hotline, phone: 020 7946 0100, staffed_by: [eve]}  # eve has no shifts
          """,
      good="""
          reporting:
            channels:
              - {kind: phone, label: Hotline, phone: 020 7946 0100}  # whoever is on call
          """)
def channel_staffed(context: Context) -> Iterator[Finding]:
    """A reporting channel with `staffed_by` is answered only by those people, so at least
    one of them must be on the rota during the event. A channel with an empty `staffed_by`
    is answered by whoever is on call, which [SHIFT-COVERAGE](#shift-coverage) checks.
    """
    for path, channel, holes in _unanswered(context):
        staff = set(channel.staffed_by)
        if [hole[:2] for hole in holes] == context.windows:
            yield Finding(path + ("staffed_by",),
                          f"nobody answers `{channel.label}`: {_names(channel)} {'is' if len(staff) == 1 else 'are'} never on call "
                          "during the event; put them on the rota, or empty `staffed_by` so whoever is on call answers it")


@rule("CHANNEL-GAP", "warning", "A reporting channel's `staffed_by` people are not on call for part of the event.", items=("channels",),
      bad="""
          reporting:
            channels:
              - {kind: email, label: Report by e-mail, email: conduct@example.org, staffed_by: [ana]}
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 12:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 12:00, end: 2027-06-10 00:00, lead: ben, responders: [dev]}
          """,
      good="""
          reporting:
            channels:
              - {kind: email, label: Report by e-mail, email: conduct@example.org, staffed_by: [ana, ben]}
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 12:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 12:00, end: 2027-06-10 00:00, lead: ben, responders: [dev]}
          """)
def channel_gap(context: Context) -> Iterator[Finding]:
    """The people in a channel's `staffed_by` are on call, but not for the whole event: the
    channel is unanswered in between. The first gap is shown, with how many more there
    are. If the channel is meant to be answered only at some hours, say so in `hours` and
    waive the rule.
    """
    for path, channel, holes in _unanswered(context):
        staff = set(channel.staffed_by)
        if holes and [hole[:2] for hole in holes] != context.windows:
            gap_start, gap_end = holes[0][:2]
            more = f" and {len(holes) - 1} more gap{'s' if len(holes) > 2 else ''}" if len(holes) > 1 else ""
            yield Finding(path + ("staffed_by",),
                          f"nobody answers `{channel.label}` from {context.span_text(gap_start, gap_end)}{more}: {_names(channel)} "
                          f"{'is' if len(staff) == 1 else 'are'} not on call then; add someone on call then to `staffed_by`, "
                          "or empty it so whoever is on call answers")


def _unanswered(context: Context) -> Iterator[tuple[tuple[Any, ...], Channel, list[Gap]]]:
    """Each channel with `staffed_by`, and the stretches of the event when none of those people is on call."""
    if not context.windows or not context.plan.rota:
        return  # "whoever is on call": SHIFT-COVERAGE speaks for the rota
    for index, channel in enumerate(context.plan.reporting.channels):
        if not channel.staffed_by:
            continue
        staff = set(channel.staffed_by)
        spans: list[tuple[dt.datetime, dt.datetime, int]] = [(e.start, e.end, e.shift) for e in context.on_call if e.who in staff]
        yield ("reporting", "channels", index), channel, [gap for window in context.windows for gap in gaps(spans, *window)]


def _names(channel: Channel) -> str:
    return ", ".join(f"`{who}`" for who in channel.staffed_by)


@rule("CHANNEL-PRIVATE-PHONE", "warning", "A phone or SMS channel is one responder's own phone, or an e-mail channel their own address.",
      items=("channels",),
      bad="""
          responders:
            - {id: ana, name: Ana Example, phone: 020 7946 0001}
          reporting:
            channels:
              - {kind: phone, label: Hotline, phone: 020 7946 0001}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, phone: 020 7946 0001}
          reporting:
            channels:
              - {kind: phone, label: Hotline, phone: 020 7946 0100}
          """)
def channel_private_phone(context: Context) -> Iterator[Finding]:
    """A phone or SMS channel is the personal phone of one responder: reports go unanswered
    while they are off shift, and their own number ends up on posters. Use a shared
    number that is passed on to whoever is on call. The same holds for an e-mail channel
    that is one responder's own address (in a team of more than one).
    """
    phones = {r.phone: r.id for r in context.plan.responders if r.phone}
    addresses = {r.email.casefold(): r.id for r in context.plan.responders if r.email}
    for index, channel in enumerate(context.plan.reporting.channels):
        if channel.kind.value in ("phone", "sms") and channel.phone in phones:
            yield Finding(("reporting", "channels", index, "phone"),
                          f"this {channel.kind.value} line is `{phones[channel.phone]}`'s own phone: reports go unanswered when they "
                          "are off shift and their number becomes public; use a shared number that is passed to whoever is on call")
        elif channel.email and channel.email.casefold() in addresses and len(context.plan.responders) > 1:
            yield Finding(("reporting", "channels", index, "email"),
                          f"this address is `{addresses[channel.email.casefold()]}`'s own: reports about them reach them, reports "
                          "wait while they are away, and their address becomes public; use a shared address the team reads")


@rule("CHANNEL-ANY-MEMBER", "warning", "A public `any-member` channel whose members the public may not see: the public sheet "
      "and poster print it with nobody to contact.", items=("channels",),
      bad="""
          reporting:
            channels:
              - {kind: any-member, label: Write to any of us, audience: public}
          """,
      good="""
          team: {published: true}
          reporting:
            channels:
              - {kind: any-member, label: Write to any of us, audience: public}
          """)
def channel_any_member(context: Context) -> Iterator[Finding]:
    """An `any-member` channel lists the members to write to or call. The public sheet and
    the poster list responders only when the team is published (`team: {published: true}`);
    otherwise a public `any-member` channel prints its label and nobody to contact. Publish
    the team, or keep the channel for volunteers (`audience: volunteer`) and give the public
    a shared address or number.
    """
    from ...plan.model import Audience, ChannelKind

    if context.plan.team.published:
        return
    for index, channel in enumerate(context.plan.reporting.channels):
        if channel.kind == ChannelKind.any_member and channel.item_audience() is Audience.public:
            yield Finding(("reporting", "channels", index, "kind"),
                          "this channel is public, but the team is not: the public sheet and poster print it with nobody to "
                          "contact; publish the team (`team: {published: true}`), or make the channel `audience: volunteer` "
                          "and give the public a shared address or number")


@rule("CHAIN-END", "warning", "The reporting chain does not end outside the response team (a board or partner role).",
      bad="""
          roles:
            - {id: response-team, name: Response team, kind: response-team, duties: [Respond.]}
            - {id: lead, name: Lead on shift, kind: lead, duties: [Coordinates.]}
          reporting:
            chain: [response-team, lead]
          """,
      good="""
          roles:
            - {id: response-team, name: Response team, kind: response-team, duties: [Respond.]}
            - {id: board, name: Board, kind: board, duties: [Hears appeals.]}
          reporting:
            chain: [response-team, board]
          """,
      also={"Also good (the team is the top of escalation; the board hears appeals only)": """
          reporting:
            chain: [response-team, lead]
            appeals:
              to: [board]
              how: Write to the board within 14 days.
          """})
def chain_end(context: Context) -> Iterator[Finding]:
    """The reporting `chain` ends outside the response team, with a role of kind `board` or
    `partner`, or `reporting.appeals.to` names such a role: reports about a responder, and
    appeals, need somewhere to go. Escalation and appeals are separate: a board that only
    hears appeals goes in `appeals.to`, not at the top of the `chain`.
    """
    plan = context.plan
    chain = plan.reporting.chain
    last = plan.role(chain[-1])
    outside = (RoleKind.board, RoleKind.partner)
    appeals = plan.reporting.appeals
    hears_appeals = [role for role in (plan.role(i) for i in (appeals.to if appeals else [])) if role]
    if any(role.kind in outside for role in hears_appeals):
        return  # escalation may stop inside the team: the board or partner that hears appeals is outside it
    if last is not None and last.kind not in outside:
        yield Finding(("reporting", "chain", len(chain) - 1),
                      f"the reporting chain ends at `{last.id}` (kind `{last.kind.value}`) and no role outside the response team "
                      "hears appeals: reports about a responder and appeals need somewhere to go; end the chain with a role of kind "
                      "`board` or `partner`, or name one in `reporting.appeals.to`")


@rule("CHAIN-ORDER", "warning", "The reporting chain never reaches the response team, names a role twice, or the team hears "
      "appeals of its own decisions.",
      bad="""
          reporting:
            chain: [attendees, volunteers, board]
            appeals:
              to: [response-team]
          """,
      good="""
          reporting:
            chain: [attendees, volunteers, response-team, board]
            appeals:
              to: [board]
          """)
def chain_order(context: Context) -> Iterator[Finding]:
    """A report passes up the `chain` one step at a time, so the chain names each role once
    and reaches the response team (its role of kind `response-team` or `lead`, where the plan
    has one) on its way.
    Appeals go to someone who did not make the decision: a role outside the team, never the
    team itself (`reporting.appeals.to`).
    """
    plan = context.plan
    chain = plan.reporting.chain
    team = (RoleKind.response_team, RoleKind.lead)
    seen: set[str] = set()
    for index, ident in enumerate(chain):
        if ident in seen:
            yield Finding(("reporting", "chain", index), f"`{ident}` is in the chain twice; a report passes up the chain once, "
                          "each role one step: name it once")
        seen.add(ident)
    kinds = [role.kind for role in (plan.role(ident) for ident in chain) if role]
    team_roles = [role for role in plan.roles if role.kind in team]  # without one, the responders are the team itself
    if chain and team_roles and not any(kind in team for kind in kinds):
        yield Finding(("reporting", "chain"), "the chain never reaches the response team: no role in it is of kind "
                      "`response-team` or `lead`, so reports pass it by; add the team's role to the chain", at_key=True)
    appeals = plan.reporting.appeals
    for index, ident in enumerate(appeals.to if appeals else []):
        role = plan.role(ident)
        if role is not None and role.kind in team:
            yield Finding(("reporting", "appeals", "to", index), f"`{ident}` (kind `{role.kind.value}`) would hear appeals "
                          "against its own decisions; appeals go to a role outside the team, e.g. of kind `board` or `partner`")


@rule("CHANNEL-INDEPENDENT", "warning", "Every way to report reaches only one responder, or only them and people with a "
      "declared conflict: a report about them has nowhere else to go.", items=("channels",),
      bad="""
          reporting:
            channels:
              - {kind: email, label: Write to us, email: conduct@example.org, staffed_by: [ana]}
          """,
      good="""
          reporting:
            channels:
              - {kind: email, label: Write to us, email: conduct@example.org, staffed_by: [ana, ben]}
          """)
def channel_independent(context: Context) -> Iterator[Finding]:
    """Someone who wants to report a responder needs a way to report that the responder
    does not answer. A channel answered by whoever is on call (no `staffed_by`) or listing
    any member is such a way, and so is one answered by someone who is neither the
    responder nor their partner, family or declared conflict. The rule fires when, for some
    responder, every channel is staffed by them or by people conflicted with them.
    """
    plan = context.plan
    channels = plan.reporting.channels
    if not channels or len(plan.responders) < 2:
        return  # no channel, or a team of one: other rules say so
    pairs = context.conflicts
    for responder in plan.responders:
        if not any(_answered_without(channel, responder.id, pairs) for channel in channels):
            others = sorted({who for channel in channels for who in channel.staffed_by} - {responder.id})
            also = f" and {', '.join(f'`{who}`' for who in others)} (a declared conflict)" if others else ""
            yield Finding(("reporting", "channels"), f"a report about `{responder.id}` can only reach `{responder.id}`{also}: every "
                          "channel is staffed by them; add someone independent to a channel's `staffed_by`, or a channel the "
                          "whole team or the board answers", at_key=True)


def _answered_without(channel: Any, ident: str, pairs: Mapping[frozenset[str], Any]) -> bool:
    """Whether someone other than `ident` and the people conflicted with them answers the channel."""
    return (not channel.staffed_by or channel.kind.value == "any-member"
            or any(who != ident and frozenset((who, ident)) not in pairs for who in channel.staffed_by))
