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
from typing import TYPE_CHECKING

from generator.plan.model import Handling, Responder, ResponderRole, RoleKind, Scenario

if TYPE_CHECKING:
    from generator.render.html import Guide

SESSION_MINUTES = 60
WELCOME_MINUTES = 5
CLOSING_MINUTES = 10
EXERCISE_MINUTES = (7, 15)  # shortest and longest exercise

# Role cards: (key in the plan's drill.roles, card title, what they know, what they want) when the plan says nothing.
ROLE_CARDS = (
    ("reporter", "The person reporting",
     "What happened to you, as the situation card tells it. Decide before you start what you say at first and what you keep back.",
     "To be listened to and believed, to stay in control of what happens next, and not to be named without agreeing to it."),
    ("reported", "The person it is about",
     "What you did, seen your way. You may not think it was a problem, or you may be embarrassed.",
     "To explain yourself, to find out who complained, and to carry on with the event."),
    ("witness", "A witness",
     "Part of what happened, from a few metres away, but not how it started.",
     "To help without being pulled into an argument, and to know whether you will be asked about it later."),
    ("volunteer", "The volunteer who hears it first",
     "Only what you are told, your volunteer guide and the phone numbers on its cover.",
     "To do the right thing quickly and hand over to a responder."),
)


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
    steps: list[str]  # the scenario's steps as text, whatever shape the plan gives them

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


def drill_kit(guide: Guide) -> DrillKit:
    scenarios = guide.plan.scenarios
    minutes = _exercise_minutes(len(scenarios))
    exercises = [_exercise(guide, number, scenario, minutes) for number, scenario in enumerate(scenarios, 1)]
    schedule = [Slot("", "", "Welcome: why we practise, the ground rules, who plays whom")]
    durations = [WELCOME_MINUTES]
    for exercise in exercises:
        schedule.append(Slot("", "", f"Exercise {exercise.number}: {exercise.scenario.title}"))
        durations.append(exercise.minutes)
    schedule.append(Slot("", "", "Session debrief: what we change in the plan, and who writes it in"))
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


def _exercise(guide: Guide, number: int, scenario: Scenario, minutes: int) -> Exercise:
    notes = scenario.drill
    role_notes = notes.roles if notes and notes.roles else None
    roles = [RoleCard(title, getattr(role_notes, key) if role_notes else None, knows, wants)
             for key, title, knows, wants in ROLE_CARDS]
    planned = list(notes.complications) if notes else []
    complications = planned or _generic_complications(guide, scenario)
    debrief = (list(notes.debrief) if notes else []) + _generic_debrief(scenario)
    return Exercise(number, scenario, minutes, roles, complications, bool(planned), debrief,
                    [_step_text(step) for step in scenario.steps])


def _step_text(step: object) -> str:
    """A step's text: plain text today; a step written as a mapping is read by its `text`."""
    if isinstance(step, str):
        return step
    text = getattr(step, "text", None)
    return text if isinstance(text, str) else str(step)


def _generic_complications(guide: Guide, scenario: Scenario) -> list[str]:
    first = guide.who(scenario.escalate_to[0]) if scenario.escalate_to else "the lead on call"
    items = [
        f"You call {first} and nobody answers for ten minutes. Who do you call next, and what do you do meanwhile?",
        "The person reporting asks you to promise what will happen to the other person.",
    ]
    if scenario.handling is Handling.team_decision:
        items.append("Two people on the team disagree about what to do, and a decision is needed within the hour.")
    else:
        items.append("It is still going on: the person concerned is in the next room right now.")
    return items


def _generic_debrief(scenario: Scenario) -> list[str]:
    questions = [
        "Which step did people reach for first, and was it the plan's first step?",
        "Did anyone use the plan's exact words? Which phrase was hard to say?" if scenario.say
        else "What did people say? Should the plan give them the words?",
    ]
    if scenario.do_not:
        questions.append("Was anything on the \u201cdo not\u201d list done, or nearly done?")
    if scenario.handling is Handling.team_decision:
        questions.append("How did the team reach its decision, and who had the last word?")
    return questions


def _checklist(guide: Guide) -> list[ChecklistRow]:
    plan = guide.plan
    lead_roles = {role.id for role in plan.roles if role.kind is RoleKind.lead}
    rows = []
    for responder in plan.responders:
        leads = [scenario.title for scenario in plan.scenarios
                 if responder.id in scenario.escalate_to
                 or (responder.role is ResponderRole.lead and lead_roles & set(scenario.escalate_to))]
        rows.append(ChecklistRow(responder, guide.role_word(responder), _shifts(guide, responder), leads))
    return rows


def _shifts(guide: Guide, responder: Responder) -> list[str]:
    """Their shifts from the rota when the edition has it, else the days they lead (volunteer level)."""
    if guide.plan.rota:
        lines = []
        for shift in sorted(guide.plan.rota, key=lambda s: guide.plan.event.utc(s.start)):
            if responder.id == shift.lead or responder.id in shift.responders:
                start, end = _wall(shift.start), _wall(shift.end)
                if end.date() == start.date():
                    until = f"{end:%H:%M}"
                elif end.time() == dt.time(0, 0) and (end.date() - start.date()).days == 1:
                    until = "24:00"
                else:
                    until = f"{end:%a} {end:%H:%M}"
                lead = " (lead)" if responder.id == shift.lead else ""
                lines.append(f"{start:%a} {start.day} {start:%b} {start:%H:%M}\u2013{until}{lead}")
        return lines
    return [f"{day:%a} {day.day} {day:%b} {spell.start}\u2013{spell.end} (lead)"
            for day, spells in guide.leads_by_day for spell in spells if spell.name == responder.name]


def _wall(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None, fold=0)
