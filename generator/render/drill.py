"""The tabletop drill kit: exercises, timing and the checklist, worked out from an edition's plan.

The kit is made from what the (cut) plan holds: each scenario becomes an exercise,
with the plan's own drill notes (`drill:` on a scenario) where it has them and
generic role cards, complications and debrief questions where it has not. Only
the edition's plan is read, so the volunteer-level kit cannot show what the
volunteer edition may not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup

from ..plan.model import Handling, Plan, Responder, ResponderRole, RoleKind, Scenario, ScenarioStep
from .edition import LeadTime
from .locale import Localizer, plain_text


class GuideView(Protocol):
    """What the kit reads of its edition's guide (generator.render.guide.Guide, whose `drill` makes the kit)."""

    @property
    def plan(self) -> Plan: ...
    @property
    def t(self) -> Localizer: ...
    @property
    def leads_by_day(self) -> list[tuple[dt.date, list[LeadTime]]]: ...
    def who(self, ident: str) -> str | Markup: ...
    def role_word(self, responder: Responder) -> Markup: ...
    def clock(self, text: str) -> str: ...


SESSION_MINUTES = 60
WELCOME_MINUTES = 5
CLOSING_MINUTES = 10
EXERCISE_MINUTES = (7, 15)  # shortest and longest exercise



def role_cards(loc: Localizer, online: bool = False) -> list[tuple[str, str, str, str]]:
    """Role cards for when the plan says nothing: (key in the plan's drill.roles, card title, what they know, what they want).

    `online` (a plan without a venue): nobody stands a few metres away or calls a number from a cover.
    """
    if online:
        reported_wants = loc.text("drill.role.reported.wants-online")
        witness_knows = loc.text("drill.role.witness.knows-online")
        volunteer_knows = loc.text("drill.role.volunteer.knows-online")
    else:
        reported_wants = loc.text("drill.role.reported.wants")
        witness_knows = loc.text("drill.role.witness.knows")
        volunteer_knows = loc.text("drill.role.volunteer.knows")
    return [
        ("reporter", loc.text("drill.role.reporter"),
         loc.text("drill.role.reporter.knows"),
         loc.text("drill.role.reporter.wants")),
        ("reported", loc.text("drill.role.reported"),
         loc.text("drill.role.reported.knows"),
         reported_wants),
        ("witness", loc.text("drill.role.witness"), witness_knows,
         loc.text("drill.role.witness.wants")),
        ("volunteer", loc.text("drill.role.volunteer"), volunteer_knows,
         loc.text("drill.role.volunteer.wants")),
    ]


@dataclass(frozen=True)
class RoleCard:
    title: str
    note: str | None  # the plan's words (Markdown); when None the card shows `knows` and `wants`
    knows: str
    wants: str


@dataclass(frozen=True)
class Slot:
    start: str  # "0:05"
    end: str
    what: str


@dataclass(frozen=True)
class Exercise:
    number: int
    scenario: Scenario
    minutes: int
    roles: list[RoleCard]
    complications: list[str]  # Markdown when from the plan
    complications_from_plan: bool
    debrief: list[str]
    steps: list[ScenarioStep]  # each with its own phrase, "do not" and sub-steps

    @property
    def team_decision(self) -> bool:
        return self.scenario.handling is Handling.team_decision


@dataclass(frozen=True)
class ChecklistRow:
    responder: Responder
    role: str
    shifts: list[str]
    leads: list[str]  # titles of the scenarios escalated to them as lead


@dataclass(frozen=True)
class DrillKit:
    exercises: list[Exercise]
    schedule: list[Slot]
    total_minutes: int
    checklist: list[ChecklistRow]


def drill_kit(guide: GuideView) -> DrillKit:
    scenarios = guide.plan.scenarios
    minutes = _exercise_minutes(len(scenarios))
    exercises = [_exercise(guide, number, scenario, minutes) for number, scenario in enumerate(scenarios, 1)]
    loc = guide.t
    schedule = [Slot("", "", loc.text("drill.slot.welcome"))]
    durations = [WELCOME_MINUTES]
    for exercise in exercises:
        schedule.append(Slot("", "", loc.text("drill.exercise.title", number=exercise.number, title=exercise.scenario.title)))
        durations.append(exercise.minutes)
    schedule.append(Slot("", "", loc.text("drill.slot.debrief")))
    durations.append(CLOSING_MINUTES)
    timed, elapsed = [], 0
    for slot, length in zip(schedule, durations, strict=True):
        timed.append(Slot(_clock(elapsed), _clock(elapsed + length), slot.what))
        elapsed += length
    return DrillKit(exercises, timed, elapsed, _checklist(guide))


def _exercise_minutes(count: int) -> int:
    if count == 0:
        return 0
    shortest, longest = EXERCISE_MINUTES
    return max(shortest, min(longest, (SESSION_MINUTES - WELCOME_MINUTES - CLOSING_MINUTES) // count))


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _exercise(guide: GuideView, number: int, scenario: Scenario, minutes: int) -> Exercise:
    notes = scenario.drill
    role_notes = notes.roles if notes and notes.roles else None
    roles = [RoleCard(title, getattr(role_notes, key) if role_notes else None, knows, wants)
             for key, title, knows, wants in role_cards(guide.t, online=not guide.plan.venues)]
    planned = list(notes.complications) if notes else []
    complications = planned or _generic_complications(guide, scenario)
    debrief = (list(notes.debrief) if notes else []) + _generic_debrief(guide.t, scenario)
    return Exercise(number, scenario, minutes, roles, complications, bool(planned), debrief,
                    list(scenario.steps))


def _generic_complications(guide: GuideView, scenario: Scenario) -> list[str]:
    loc = guide.t
    who = guide.who(scenario.escalate_to[0]) if scenario.escalate_to else loc.t("who.lead-on-call")
    first = who.striptags() if isinstance(who, Markup) else who
    items = [
        loc.text("drill.complication.no-answer", who=first),
        loc.text("drill.complication.promise"),
    ]
    if scenario.handling is Handling.team_decision:
        items.append(loc.text("drill.complication.disagree"))
    else:
        items.append(loc.text("drill.complication.ongoing"))
    return items


def _generic_debrief(loc: Localizer, scenario: Scenario) -> list[str]:
    questions = [
        loc.text("drill.question.first-step"),
        loc.text("drill.question.exact-words") if scenario.say
        else loc.text("drill.question.words"),
    ]
    if scenario.do_not:
        questions.append(loc.text("drill.question.do-not"))
    if scenario.handling is Handling.team_decision:
        questions.append(loc.text("drill.question.decision"))
    return questions


def _checklist(guide: GuideView) -> list[ChecklistRow]:
    plan = guide.plan
    lead_roles = {role.id for role in plan.roles if role.kind is RoleKind.lead}
    rows = []
    for responder in plan.responders:
        leads = [scenario.title for scenario in plan.scenarios
                 if responder.id in scenario.escalate_to
                 or (responder.role is ResponderRole.lead and lead_roles & set(scenario.escalate_to))]
        if len(plan.scenarios) > 1 and len(leads) == len(plan.scenarios):  # a lead by role: not every title again
            leads = [guide.t.text("drill.checklist.all-scenarios")]
        rows.append(ChecklistRow(responder, guide.role_word(responder), _shifts(guide, responder), leads))
    return rows


def _shifts(guide: GuideView, responder: Responder) -> list[str]:
    """Their shifts from the rota when the edition has it, else the days they lead (volunteer level)."""
    loc = guide.t
    if guide.plan.rota:
        lines = []
        for shift in sorted(guide.plan.rota, key=lambda s: guide.plan.event.utc(s.start)):
            if responder.id == shift.lead or responder.id in shift.responders:
                start, end = _wall(shift.start), _wall(shift.end)
                if end.date() == start.date():
                    until = loc.time(end)
                elif end.time() == dt.time(0, 0) and (end.date() - start.date()).days == 1:
                    until = loc.time(end, end_of_day=True)
                else:
                    until = f"{loc.short_date(end.date())} {loc.time(end)}"
                spell = f"{loc.short_date(start.date())} {plain_text(loc.range(loc.time(start), until))}"
                lines.append(_as_lead(loc, spell) if responder.id == shift.lead else spell)
        return lines
    return [_as_lead(loc, f"{loc.short_date(day)} {plain_text(loc.range(guide.clock(spell.start), guide.clock(spell.end)))}")
            for day, spells in guide.leads_by_day for spell in spells if spell.name == responder.name]


def _as_lead(loc: Localizer, spell: str) -> str:
    return loc.text("drill.shift.lead", shift=spell)


def _wall(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None, fold=0)
