"""The team: large enough to rotate and small enough to stay in step, independent of each other, each lead with a fallback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...plan.model import Decisions, ResponderRole
from ..context import Context, people, relation_words
from ..registry import Finding, rule

GOOD_TEAM = range(3, 6)  # the seed's guidance: ideally three to five responders


@rule("TEAM-MINIMUM", "error", "The team has fewer than two responders.",
      bad="""
          responders:
            - {id: ana, name: Ana Example, role: lead}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
            - {id: ben, name: Ben Example, role: lead, fallback: ana}
            - {id: cai, name: Cai Example}
          """, waivable=False)
def team_minimum(context: Context) -> Iterator[Finding]:
    """The team needs at least two responders: nobody should take a report alone, and a
    report about the only responder would have nobody to go to. No waiver switches this
    off: a community with one organizer names a second person (a board member, an
    organizer of a sister event) who takes reports about them.
    """
    count = len(context.plan.responders)
    if count < 2:
        yield Finding(("responders",), f"the team has {count} responder; add at least one more so nobody handles a report alone "
                      "and a report about a responder has someone to go to", at_key=True)


@rule("TEAM-SIZE", "warning", "The team has two responders, or more than five on a rota (three to five is the guidance).",
      bad="""
          responders:
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
            - {id: ben, name: Ben Example, role: lead, fallback: ana}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
            - {id: ben, name: Ben Example, role: lead, fallback: ana}
            - {id: cai, name: Cai Example}
          """)
def team_size(context: Context) -> Iterator[Finding]:
    """Three to five responders is the guidance: enough to rotate, to step aside when
    conflicted, and to decide together; few enough to stay in step. Two is the least that
    works (example: two user-group leaders, with a waiver saying so); more than five on a
    rota is better split into responders and volunteers. A team without a rota
    (a committee that reads every report and decides together, however many members it
    has) is warned only when it has two.
    """
    count = len(context.plan.responders)
    if count < 2:
        return  # TEAM-MINIMUM's
    if count < GOOD_TEAM.start or count >= GOOD_TEAM.stop and context.plan.rota:  # a large team is a problem only on a rota
        advice = ("add a third so the team can rotate and step aside when conflicted" if count < GOOD_TEAM.start
                  else "a team this large is hard to keep in step; keep three to five responders and make the others "
                       "volunteers (a role in `roles:`, not responders), or waive this rule saying why the team needs them all")
        yield Finding(("responders",), f"the team has {count} responders; {advice}", at_key=True)


@rule("TEAM-CONFLICT", "error", "Responders with a declared partner, family or conflict relationship share a shift, "
      "or nobody independent is left.", items=("responders", "rota"),
      bad="""
          responders:
            - id: ana
              name: Ana Example
              relationships: [{with: cai, kind: partner}]
            # ...
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
          """,
      good="""
          responders:
            - id: ana
              name: Ana Example
              relationships: [{with: cai, kind: partner}]
            # ...
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [dev]}
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [cai]}
          """)
def team_conflict(context: Context) -> Iterator[Finding]:
    """Responders who declared a `partner`, `family` or `conflict` relationship must not be
    on the same shift, and cannot be the whole team: a report about one of them needs an
    independent responder. It also fires when every other responder is related to one
    person. A relationship of kind `other` is recorded but is not a conflict.
    """
    plan, pairs = context.plan, context.conflicts
    if not pairs:
        return
    for index, shift in enumerate(plan.rota):
        on_shift: list[tuple[str, tuple[Any, ...]]] = []
        for who, path in people(shift, index):
            for other, _ in on_shift:
                pair = frozenset((who, other))
                if pair in pairs and who != other:
                    kind, where = pairs[pair]
                    leads = f", which `{other}` leads" if other == shift.lead else ""
                    yield Finding(path, f"`{who}` and `{other}` {relation_words(kind)} (line {context.line(where)}) and are on the same "
                                  f"shift{leads}; move one of them to another shift",
                                  subjects=(("responders", context.responder_index(who)), ("responders", context.responder_index(other))))
            on_shift.append((who, path))
    ids = [r.id for r in plan.responders]
    reported: set[frozenset[str]] = set()
    for index, responder in enumerate(plan.responders):
        others = [o for o in ids if o != responder.id]
        if not others or not all(frozenset((responder.id, o)) in pairs for o in others):
            continue
        group = frozenset(ids) if len(ids) == 2 else frozenset((responder.id,))
        if group in reported:
            continue
        reported.add(group)
        if len(ids) == 2:
            kind, _ = pairs[frozenset(ids)]
            message = (f"`{ids[0]}` and `{ids[1]}` {relation_words(kind)} and make up the whole team: "
                       "nobody independent can take a report about either of them; add an independent responder")
        else:
            message = (f"every other responder has declared a partner, family or conflict relationship with `{responder.id}`: "
                       "nobody independent can take a report about them; add an independent responder")
        yield Finding(("responders", index), message)


@rule("LEAD-FALLBACK", "warning", "A lead has no `fallback`, or the fallback is conflicted with them.", items=("responders",),
      bad="""
          responders:
            - {id: ana, name: Ana Example, role: lead}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
          """)
def lead_fallback(context: Context) -> Iterator[Finding]:
    """Every lead (`role: lead`, or anyone who leads a shift) names a `fallback`: the
    responder who takes over when a report involves the lead. The fallback must not be
    the lead's partner, family or declared conflict. In a team without a lead (`team.decides:
    together` or `vote`) the first call on a shift needs none: the others decide without them.
    """
    shift_leads = {shift.lead for shift in context.plan.rota} if context.plan.team.decides is Decisions.lead else set()
    pairs = context.conflicts
    for index, responder in enumerate(context.plan.responders):
        is_lead = responder.role == ResponderRole.lead
        if not (is_lead or responder.id in shift_leads):
            continue
        if responder.fallback is None:
            where = ("responders", index, "role") if is_lead else ("responders", index, "id")
            what = "is a lead" if is_lead else "leads shifts"
            yield Finding(where, f"`{responder.id}` {what} but has no `fallback`; name the responder who takes over "
                          "when a report involves them (`fallback: ID`)")
        elif frozenset((responder.id, responder.fallback)) in pairs:
            kind, conflict = pairs[frozenset((responder.id, responder.fallback))]
            yield Finding(("responders", index, "fallback"),
                          f"`{responder.id}`'s fallback `{responder.fallback}` is not independent: they {relation_words(kind)} "
                          f"(line {context.line(conflict)}); choose another fallback")


@rule("TEAM-REACH", "warning", "Volunteers can reach no responder: none has a phone, e-mail or chat handle they may see "
      "(nor, at a venue, a description to find them by).",
      bad="""
          roles:
            - {id: helpers, name: Helpers, kind: volunteers, duties: [Welcome people.]}
          responders:  # e-mail and chat are for responders only unless said otherwise; no phones
            - {id: ana, name: Ana Example, role: lead, email: ana@example.org, chat: "Matrix: @ana:example.org"}
            - {id: ben, name: Ben Example, role: lead, email: ben@example.org}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, role: lead, email: ana@example.org, chat: "Matrix: @ana:example.org",
               visibility: {chat: volunteer}}
            - {id: ben, name: Ben Example, role: lead, email: ben@example.org, visibility: {email: volunteer}}
          """)
def team_reach(context: Context) -> Iterator[Finding]:
    """The volunteer guide tells volunteers whom to call when someone reports, and lists the
    team with the ways to reach them that volunteers may see. A phone is shown to volunteers
    unless hidden; an e-mail address or chat handle only with `visibility: {email: volunteer}`
    (or `chat`); at a venue, a volunteer can also walk up to someone described by
    `how_to_recognise` or `reporting.recognise_responders`. When no responder has any of
    these, the guide lists names nobody can reach (an online community's, typically). A plan with
    no role of kind `volunteers` or `staff` has nobody to read it, and is not warned. Give the
    lead a phone, let volunteers see an address or handle, or, if nobody but the responders
    takes reports, say `team: {organizers_respond: true}` (no volunteer guide is made). With a
    rota, each responder who leads a shift needs a phone, address or handle volunteers may
    see: the on-call table is whom they call at night.
    """
    plan = context.plan
    volunteers = any(role.kind.value in ("volunteers", "staff") for role in plan.roles)
    if plan.team.organizers_respond or not plan.responders or not volunteers:
        return  # nobody but the responders takes reports: the volunteer guide has no readers to send to anyone
    from ...plan.model import Audience
    from ...plan.secrets import audience_of

    def reachable(index: int, fields: tuple[str, ...]) -> bool:
        responder = plan.responders[index]
        for field in fields:
            level = audience_of(plan, ("responders", index, field)) if getattr(responder, field, None) else None
            if level is not None and Audience.volunteer.allows(level):
                return True
        return False

    # with a rota, the volunteers' first call is the lead on shift, by phone, e-mail or chat at any hour
    leads = {shift.lead for shift in plan.rota}
    unreachable_leads = [Finding(("responders", index, "id"), f"`{responder.id}` leads shifts, but volunteers may see no "
                                 "phone, e-mail or chat handle of theirs: the on-call table gives their name only",
                                 hint="give them a phone volunteers may see, or let volunteers see an address or handle "
                                      "(`visibility: {chat: volunteer}`)")
                         for index, responder in enumerate(plan.responders)
                         if responder.id in leads and not reachable(index, ("phone", "email", "chat"))]
    # at a venue, a volunteer can also walk up to a responder they can recognise
    fields = ("phone", "email", "chat", "how_to_recognise") if plan.venues else ("phone", "email", "chat")
    if (plan.venues and plan.reporting.recognise_responders) or any(reachable(i, fields) for i in range(len(plan.responders))):
        yield from unreachable_leads  # some can be reached; these leads cannot
        return
    yield Finding(("responders",), "volunteers can reach no responder: none has a phone, e-mail or chat handle volunteers may "
                  "see, so the volunteer guide lists names only",
                  hint="give the leads a phone, or let volunteers see an address or handle (`visibility: {chat: volunteer}` on "
                       "each responder), or set `team: {organizers_respond: true}` if only the responders take reports",
                  at_key=True)
