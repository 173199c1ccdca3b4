"""Step 3, lint: policy rules on a valid plan, the way a linter catches bugs.

A plan can be valid and still fail people at 11 pm on the second night: a shift
with no second responder, a couple covering each other's reports, a hotline nobody
answers. Every rule has a stable id (`TEAM-SIZE`), one severity, a message that
says what to change, and the position of the node to change. docs/rules.md
documents each rule with a bad and a good example.

Waivers switch a rule off: the top-level `waivers:` for the whole plan, or the
`waivers:` of one responder, shift, channel, scenario or venue for that item only.
Each needs a reason (the responder guide prints it). A waiver naming an unknown rule
is an error; a waiver that no longer matches anything is a warning.

Times: a shift time without an offset is wall-clock time in `event.timezone`. On
the day clocks go back, a repeated time means its first occurrence; on the day
clocks go forward, a time that does not exist is read with the offset from before
the change (02:30 becomes 03:30). This is RFC 5545's reading, so the rules and the
.ics files agree (see `Event.utc`). A time written with an offset picks one of a
repeated hour. Coverage, overlaps and stretches are computed in UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..errors import Problem, did_you_mean
from ..render.glyphs import describe, missing_glyphs
from ..render.leaks import find_pastes, paste_hint, paste_message, paste_pattern
from ..render.policy import POLICY
from .emergency import numbers_for, usual_text
from .load import SourceMap
from .model import (
    DEFAULT_LEVELS,
    ITEM_KINDS,
    Handling,
    Plan,
    RelationKind,
    ResponderRole,
    RoleKind,
    Shift,
)

UTC = dt.UTC
LONG_STRETCH = dt.timedelta(hours=12)  # longer on call without a real break is a warning
MIN_REST = dt.timedelta(hours=1)  # a break shorter than this does not end a stretch
GOOD_TEAM = range(3, 6)  # the seed's guidance: ideally three to five responders
CONFLICTING = {RelationKind.partner, RelationKind.family, RelationKind.conflict}
PLACEHOLDER_TEXT = re.compile(r"^(TODO|CHANGE ME)\b")

ITEM_WORDS = {"venues": "a venue", "responders": "a responder", "rota": "a shift", "channels": "a channel", "scenarios": "a scenario"}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # "error" or "warning"
    summary: str
    items: tuple[str, ...] = ()  # item kinds whose own `waivers:` may switch it off (the plan always may)
    waivable: bool = True


RULES: dict[str, Rule] = {rule.id: rule for rule in [
    Rule("TEAM-MINIMUM", "error", "The team has fewer than two responders."),
    Rule("TEAM-SIZE", "warning", "The team has two responders, or more than five on a rota (three to five is the guidance)."),
    Rule("TEAM-CONFLICT", "error", "Responders with a declared partner, family or conflict relationship share a shift, or nobody independent is left.", ("responders", "rota")),
    Rule("LEAD-FALLBACK", "warning", "A lead has no `fallback`, or the fallback is conflicted with them.", ("responders",)),
    Rule("SHIFT-STAFFING", "error", "A shift has no responder besides its lead, or lists someone twice.", ("rota",)),
    Rule("SHIFT-COVERAGE", "error", "Nobody is on call for part of an event day (00:00 on the first day to 24:00 on the last).", ("rota",)),
    Rule("SHIFT-OVERLAP", "error", "Someone is on two shifts at the same time.", ("rota", "responders")),
    Rule("SHIFT-LONG", "warning", "Someone is on call for more than 12 hours without a break of an hour.", ("rota", "responders")),
    Rule("SHIFT-CLOCK-CHANGE", "warning", "A shift starts or ends at a time that does not exist or happens twice because clocks change.", ("rota",)),
    Rule("CHANNEL-STAFFED", "error", "A reporting channel's `staffed_by` people are never on call during the event.", ("channels",)),
    Rule("CHANNEL-GAP", "warning", "A reporting channel's `staffed_by` people are not on call for part of the event.", ("channels",)),
    Rule("CHANNEL-PRIVATE-PHONE", "warning", "A phone or SMS channel is one responder's own phone.", ("channels",)),
    Rule("CHAIN-END", "warning", "The reporting chain does not end outside the response team (a board or partner role)."),
    Rule("SCENARIO-ESCALATION", "warning", "A scenario has no `escalate_to`.", ("scenarios",)),
    Rule("SCENARIO-DECISION", "warning", "A high-impact or high-risk scenario is only scripted, not a team decision.", ("scenarios",)),
    Rule("VENUE-ADDRESS", "error", "A venue's address is not a full street address (two lines or more, one with a number).", ("venues",)),
    Rule("EMERGENCY-NUMBER", "warning", "A venue's emergency number is not one the bundled list gives for its country and services.", ("venues",)),
    Rule("SHARED-CONTACT", "error", "Two responders have the same phone number or e-mail address.", ("responders",)),
    Rule("TEAM-LANGUAGES", "warning", "No responder speaks one of the event's languages."),
    Rule("LOCALE-CATALOG", "warning", "The guides' locale has no catalog of the tool's own words: they print in English."),
    Rule("REVIEW-DATE", "warning", "The plan has no `last_reviewed` date, or it is more than a year old."),
    Rule("PLACEHOLDER", "warning", "A value still starts with TODO or CHANGE ME, a line still says CHANGE ME, or a starter "
         "plan still holds one of the starter's sample values (its numbers, example.org addresses and links, its dates).",
         tuple(ITEM_KINDS)),
    Rule("GLYPH-MISSING", "warning", "A value holds a character that none of the bundled fonts can draw (it would print as an "
         "empty box).", tuple(ITEM_KINDS)),
    Rule("PRIVATE-PASTE", "error", "A secret its readers may not see (a phone, e-mail, chat handle, hidden name, note or private "
         "link) is written into a field they read; names of roles, places and organizations, and public web addresses, are labels.",
         waivable=False),
    Rule("SHARED-LANGUAGE", "warning", "Texts from a shared plan (`extends`) are in another language than the event's locale "
         "(a stop-word and script heuristic)."),
    Rule("POLICY-UNSTATED", "warning", "The plan has no `policy:`, so sentences the guides printed by default before (promises, "
         "what volunteers do, advice) are no longer printed; the warning names them."),
    Rule("WAIVER-RULE", "error", "A waiver names an unknown rule, or a rule that cannot apply where the waiver is.", waivable=False),
    Rule("WAIVER-UNUSED", "warning", "A waiver switches off a rule that nothing breaks there.", waivable=False),
]}


@dataclass
class Finding:
    rule: str
    path: tuple[Any, ...]
    message: str
    hint: str | None = None
    at_key: bool = False
    subjects: tuple[tuple[Any, ...], ...] = ()  # item paths whose waivers may also switch this finding off
    at: tuple[int, int] | None = None  # a position with no value behind it (a comment)


@dataclass
class _Waiver:
    rule: str
    scope: tuple[Any, ...] | None  # item path, or None for the whole plan
    kind: str | None  # item kind, or None for the whole plan
    path: tuple[Any, ...]  # where the waiver is written
    used: bool = False


@dataclass
class _OnCall:
    """One person on one shift, in UTC."""

    who: str
    start: dt.datetime
    end: dt.datetime
    shift: int
    path: tuple[Any, ...]  # ("rota", 3, "lead") or ("rota", 3, "responders", 1)


def lint(plan: Plan, source: SourceMap, *, today: dt.date | None = None) -> list[Problem]:
    """Every rule's findings on `plan`, minus the waived ones, sorted by position.

    `today` only matters for a plan without event dates (REVIEW-DATE); it defaults
    to the current date.
    """
    findings, waivers, problems = _Linter(plan, source, today or _today()).run()
    return sorted(problems + _apply_waivers(findings, waivers, source), key=lambda p: (p.line, p.column, p.rule or ""))


def _today() -> dt.date:
    """Today's date, for REVIEW-DATE on a plan without event dates (tests pin it)."""
    return dt.date.today()


def _apply_waivers(findings: list[Finding], waivers: list[_Waiver], source: SourceMap) -> list[Problem]:
    problems = []
    for finding in findings:
        waived = False
        for waiver in waivers:
            if waiver.rule != finding.rule:
                continue
            if waiver.scope is None or finding.path[: len(waiver.scope)] == waiver.scope or waiver.scope in finding.subjects:
                waiver.used = waived = True
        if not waived:
            problems.append(_problem(source, finding))
    for waiver in waivers:
        if not waiver.used:
            where = f"on this {_kind_word(waiver.kind)}" if waiver.kind else "in this plan"
            problems.append(_problem(source, Finding(
                "WAIVER-UNUSED", waiver.path + ("rule",),
                f"nothing {where} breaks {waiver.rule}; remove this waiver")))
    return problems


def _problem(source: SourceMap, finding: Finding) -> Problem:
    if finding.at:
        return source.located(finding.path, *finding.at, finding.message, hint=finding.hint,
                              severity=RULES[finding.rule].severity, rule=finding.rule)
    return source.problem(finding.path, finding.message, at_key=finding.at_key, hint=finding.hint,
                          severity=RULES[finding.rule].severity, rule=finding.rule)


def _kind_word(kind: str) -> str:
    return ITEM_WORDS[kind].split(" ", 1)[1]


# --- time ------------------------------------------------------------------------

def clock_change(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str | None:
    """How a wall-clock time on a clock-change day is read, and how to say it plainly; None if it is plain."""
    if value.tzinfo is not None or value.fold:
        return None
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    read = first.astimezone(UTC).astimezone(zone)
    if read.replace(tzinfo=None) != value:
        return (f"{value:%Y-%m-%d %H:%M}, a time that does not exist in {zone.key} (the clocks go forward); "
                f"it is read as {read:%H:%M} {read.tzname()}: write {read:%H:%M} if that is meant")
    offset = second.strftime("%z")
    return (f"{value:%Y-%m-%d %H:%M}, a time that happens twice in {zone.key} (the clocks go back); "
            f"it is read as the first, {first:%H:%M} {first.tzname()}: to mean the second ({second.tzname()}), "
            f"write `{value:%Y-%m-%d %H:%M}{offset[:3]}:{offset[3:]}`")


def _duration(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "0 minutes"


Gap = tuple[dt.datetime, dt.datetime, int | None, int | None]


def gaps(spans: list[tuple[dt.datetime, dt.datetime, int]], start: dt.datetime, end: dt.datetime) -> list[Gap]:
    """The stretches of [start, end) that no span covers, as (gap_start, gap_end, before, after).

    `spans` are (start, end, index); `before` is the index of the span that ended at
    the gap (None at the start), `after` the one that ends it (None at the end).
    """
    found: list[Gap] = []
    cursor, before = start, None
    for span_start, span_end, index in sorted(spans):
        if span_start >= end:
            break
        if span_end <= cursor:
            continue
        if span_start > cursor:
            found.append((cursor, span_start, before, index))
        cursor, before = span_end, index
    if cursor < end:
        found.append((cursor, end, before, None))
    return found


# --- the rules ---------------------------------------------------------------------

class _Linter:
    def __init__(self, plan: Plan, source: SourceMap, today: dt.date):
        self.plan = plan
        self.source = source
        self.today = today
        self.zone = plan.event.zone
        self.to_utc = plan.event.utc
        self.findings: list[Finding] = []
        self.on_call: list[_OnCall] = []
        for index, shift in enumerate(plan.rota):
            start, end = self.to_utc(shift.start), self.to_utc(shift.end)
            seen = set()
            for who, path in self._people(shift, index):
                if who not in seen:
                    seen.add(who)
                    self.on_call.append(_OnCall(who, start, end, index, path))
        days = plan.event.days
        self.window = None
        # the stretches someone must be on call, in UTC: the whole event, or each day's `on_call_hours`
        self.windows: list[tuple[dt.datetime, dt.datetime]] = []
        if days:
            self.window = (self.to_utc(dt.datetime.combine(days[0], dt.time())),
                           self.to_utc(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time())))
            hours = plan.event.on_call_hours
            if hours:
                self.windows = [tuple(self.to_utc(t) for t in hours.span(day)) for day in days]  # type: ignore[misc]
            else:
                self.windows = [self.window]

    def run(self) -> tuple[list[Finding], list[_Waiver], list[Problem]]:
        waivers, problems = self.waivers()
        problems += self.private_pastes()
        for check in (self.team_size, self.team_conflict, self.lead_fallback, self.shift_staffing,
                      self.shift_coverage, self.shift_overlap, self.shift_long, self.shift_clock_change,
                      self.channels, self.chain_end, self.scenarios, self.venues, self.shared_contact,
                      self.languages, self.locale_catalog, self.review_date, self.placeholders, self.glyphs, self.shared_language,
                      self.policy_sentences):
            check()
        return self.findings, waivers, problems

    def add(self, rule: str, path: tuple[Any, ...], message: str, **extra: Any) -> None:
        assert rule in RULES, rule
        self.findings.append(Finding(rule, tuple(path), message, **extra))

    def line(self, path: tuple[Any, ...]) -> int:
        return self.source.value(path)[0]

    @staticmethod
    def _people(shift: Shift, index: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
        yield shift.lead, ("rota", index, "lead")
        for r_index, who in enumerate(shift.responders):
            yield who, ("rota", index, "responders", r_index)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def span_text(self, start: dt.datetime, end: dt.datetime) -> str:
        """'2027-06-09 08:00 to 09:00 BST' in the event's time zone."""
        a, b = self.local(start), self.local(end)
        if b.tzname() != a.tzname():
            right = f"{b:%H:%M} {b.tzname()}" if a.date() == b.date() else f"{b:%Y-%m-%d %H:%M} {b.tzname()}"
            return f"{a:%Y-%m-%d %H:%M} {a.tzname()} to {right}"
        right = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%Y-%m-%d %H:%M}"
        return f"{a:%Y-%m-%d %H:%M} to {right} {b.tzname()}"

    def shift_text(self, index: int) -> str:
        shift = self.plan.rota[index]
        return self.span_text(self.to_utc(shift.start), self.to_utc(shift.end))

    # team --------------------------------------------------------------------

    def team_size(self) -> None:
        count = len(self.plan.responders)
        if count < 2:
            self.add("TEAM-MINIMUM", ("responders",), f"the team has {count} responder; add at least one more so nobody handles a report alone "
                     "and a report about a responder has someone to go to", at_key=True)
        elif count < GOOD_TEAM.start or count >= GOOD_TEAM.stop and self.plan.rota:  # a large team is a problem only on a rota
            advice = ("add a third so the team can rotate and step aside when conflicted" if count < GOOD_TEAM.start
                      else "a team this large is hard to keep in step; keep three to five and make the others volunteers or fallbacks")
            self.add("TEAM-SIZE", ("responders",), f"the team has {count} responders; {advice}", at_key=True)

    def conflicts(self) -> dict[frozenset[str], tuple[RelationKind, tuple[Any, ...]]]:
        """Pairs of responders who declared a partner, family or conflict relationship, with where."""
        pairs: dict[frozenset[str], tuple[RelationKind, tuple[Any, ...]]] = {}
        for index, responder in enumerate(self.plan.responders):
            for r_index, relation in enumerate(responder.relationships):
                if relation.kind in CONFLICTING:
                    pairs.setdefault(frozenset((responder.id, relation.with_)),
                                     (relation.kind, ("responders", index, "relationships", r_index)))
        return pairs

    @staticmethod
    def relation_words(kind: RelationKind) -> str:
        return {"partner": "are partners", "family": "are family", "conflict": "declared a conflict of interest"}[kind.value]

    def team_conflict(self) -> None:
        pairs = self.conflicts()
        if not pairs:
            return
        for index, shift in enumerate(self.plan.rota):
            people: list[tuple[str, tuple[Any, ...]]] = []
            for who, path in self._people(shift, index):
                for other, _ in people:
                    pair = frozenset((who, other))
                    if pair in pairs and who != other:
                        kind, where = pairs[pair]
                        leads = f", which `{other}` leads" if other == shift.lead else ""
                        self.add("TEAM-CONFLICT", path,
                                 f"`{who}` and `{other}` {self.relation_words(kind)} (line {self.line(where)}) and are on the same "
                                 f"shift{leads}; move one of them to another shift",
                                 subjects=(("responders", self._index(who)), ("responders", self._index(other))))
                people.append((who, path))
        ids = [r.id for r in self.plan.responders]
        reported: set[frozenset[str]] = set()
        for index, responder in enumerate(self.plan.responders):
            others = [o for o in ids if o != responder.id]
            if not others or not all(frozenset((responder.id, o)) in pairs for o in others):
                continue
            group = frozenset(ids) if len(ids) == 2 else frozenset((responder.id,))
            if group in reported:
                continue
            reported.add(group)
            if len(ids) == 2:
                kind, _ = pairs[frozenset(ids)]
                message = (f"`{ids[0]}` and `{ids[1]}` {self.relation_words(kind)} and make up the whole team: "
                           "nobody independent can take a report about either of them; add an independent responder")
            else:
                message = (f"every other responder has declared a partner, family or conflict relationship with `{responder.id}`: "
                           "nobody independent can take a report about them; add an independent responder")
            self.add("TEAM-CONFLICT", ("responders", index), message)

    def _index(self, responder_id: str) -> int:
        return next(i for i, r in enumerate(self.plan.responders) if r.id == responder_id)

    def lead_fallback(self) -> None:
        shift_leads = {shift.lead for shift in self.plan.rota}
        pairs = self.conflicts()
        for index, responder in enumerate(self.plan.responders):
            is_lead = responder.role == ResponderRole.lead
            if not (is_lead or responder.id in shift_leads):
                continue
            if responder.fallback is None:
                where = ("responders", index, "role") if is_lead else ("responders", index, "id")
                what = "is a lead" if is_lead else "leads shifts"
                self.add("LEAD-FALLBACK", where,
                         f"`{responder.id}` {what} but has no `fallback`; name the responder who takes over "
                         "when a report involves them (`fallback: ID`)")
            elif frozenset((responder.id, responder.fallback)) in pairs:
                kind, where = pairs[frozenset((responder.id, responder.fallback))]
                self.add("LEAD-FALLBACK", ("responders", index, "fallback"),
                         f"`{responder.id}`'s fallback `{responder.fallback}` is not independent: they {self.relation_words(kind)} "
                         f"(line {self.line(where)}); choose another fallback")

    # rota --------------------------------------------------------------------

    def shift_staffing(self) -> None:
        for index, shift in enumerate(self.plan.rota):
            seen = {shift.lead}
            others = 0
            for r_index, who in enumerate(shift.responders):
                if who in seen:
                    what = "this shift's lead" if who == shift.lead else "listed earlier on this shift"
                    self.add("SHIFT-STAFFING", ("rota", index, "responders", r_index),
                             f"`{who}` is {what}; each person appears once on a shift")
                    continue
                seen.add(who)
                others += 1
            if not others:
                path = ("rota", index, "responders") if ("rota", index, "responders") in self.source.values else ("rota", index, "lead")
                self.add("SHIFT-STAFFING", path,
                         f"the shift {self.shift_text(index)} has only its lead `{shift.lead}`; add at least one more responder "
                         "to `responders` so nobody takes a report alone")

    def shift_coverage(self) -> None:
        if self.window is None:
            return
        days = self.plan.event.days
        hours = self.plan.event.on_call_hours
        if not self.plan.rota:
            if ("rota",) not in self.source.values:
                return  # no rota at all: the team is reached through the channels, and the cover says so
            when = f"{days[0]} to {days[-1]}" if len(days) > 1 else f"{days[0]}"
            cover = f"from {hours.start} to {hours.end} each day" if hours else "from 00:00 on the first day to 24:00 on the last"
            self.add("SHIFT-COVERAGE", ("rota",),
                     f"nobody is on call during the event ({when}): the rota has no shifts; "
                     f"add shifts {cover}, or remove `rota:` if the team has no rota", at_key=True)
            return
        first, after_last = dt.datetime.combine(days[0], dt.time()), dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time())
        span = f"from {days[0]} to {days[-1]}" if len(days) > 1 else f"on {days[0]} only"
        for index, shift in enumerate(self.plan.rota):
            if not first <= shift.start < after_last:
                self.add("SHIFT-COVERAGE", ("rota", index, "start"), f"the shift starts on {shift.start:%Y-%m-%d}, outside the "
                         f"event's dates (it is {span}); check the date, or the event's `starts` and `ends`")
            elif shift.end > after_last:
                self.add("SHIFT-COVERAGE", ("rota", index, "end"), f"the shift ends on {shift.end:%Y-%m-%d %H:%M}, after the "
                         f"event's last day ends (it is {span}); end it at {days[-1] + dt.timedelta(days=1)} 00:00 at the latest")
        spans = [(self.to_utc(s.start), self.to_utc(s.end), i) for i, s in enumerate(self.plan.rota)]
        day_starts = f"the on-call hours start at {hours.start}" if hours else "the event day starts at 00:00"
        day_ends = f"the on-call hours end at {hours.end}" if hours else "the last event day ends at 24:00"
        for gap_start, gap_end, before, after in (gap for window in self.windows for gap in gaps(spans, *window)):
            text = f"nobody is on call from {self.span_text(gap_start, gap_end)} ({_duration(gap_end - gap_start)})"
            if before is None and after is None:
                self.add("SHIFT-COVERAGE", ("rota",), text + f"; {day_starts}: add shifts for that day", at_key=True)
                continue
            if before is None:
                path = ("rota", after, "start")
                advice = f"; {day_starts}: start this shift earlier or add one before it"
            elif after is None:
                path = ("rota", before, "end")
                advice = f"; {day_ends}: end this shift later or add one after it"
            else:
                path = ("rota", before, "end")
                advice = f"; end this shift later or add one before the shift on line {self.line(('rota', after))}"
            subjects = tuple(("rota", i) for i in (before, after) if i is not None)
            self.add("SHIFT-COVERAGE", path, text + advice, subjects=subjects)

    def by_person(self) -> dict[str, list[_OnCall]]:
        people: dict[str, list[_OnCall]] = {}
        for entry in self.on_call:
            people.setdefault(entry.who, []).append(entry)
        for entries in people.values():
            entries.sort(key=lambda e: (e.start, e.end, e.shift))
        return people

    def shift_overlap(self) -> None:
        for who, entries in self.by_person().items():
            latest = None
            for entry in entries:
                if latest is not None and entry.start < latest.end:
                    self.add("SHIFT-OVERLAP", entry.path,
                             f"`{who}` is on two shifts at once: this one ({self.shift_text(entry.shift)}) overlaps the one on "
                             f"line {self.line(('rota', latest.shift))} ({self.shift_text(latest.shift)}); take them off one of them",
                             subjects=(("rota", latest.shift), ("responders", self._index(who))))
                if latest is None or entry.end > latest.end:
                    latest = entry

    def shift_long(self) -> None:
        for who, entries in self.by_person().items():
            stretches: list[list[_OnCall]] = []
            for entry in entries:
                if stretches and entry.start - max(e.end for e in stretches[-1]) < MIN_REST:
                    stretches[-1].append(entry)
                else:
                    stretches.append([entry])
            for stretch in stretches:
                first = stretch[0].start
                last = max(e.end for e in stretch)
                if last - first <= LONG_STRETCH:
                    continue
                over = next(e for e in stretch if e.end - first > LONG_STRETCH)
                self.add("SHIFT-LONG", over.path,
                         f"`{who}` is on call for {_duration(last - first)} without a break of an hour "
                         f"({self.span_text(first, last)}); give them a break or split the stretch, at most "
                         f"{_duration(LONG_STRETCH)} in a row",
                         subjects=tuple(("rota", e.shift) for e in stretch) + (("responders", self._index(who)),))

    def shift_clock_change(self) -> None:
        for index, shift in enumerate(self.plan.rota):
            for name in ("start", "end"):
                why = None if name in shift._offset_written else clock_change(getattr(shift, name), self.zone)
                if why:
                    self.add("SHIFT-CLOCK-CHANGE", ("rota", index, name), f"the shift {name}s at {why}")

    # reporting -----------------------------------------------------------------

    def channels(self) -> None:
        phones = {r.phone: r.id for r in self.plan.responders if r.phone}
        for index, channel in enumerate(self.plan.reporting.channels):
            path = ("reporting", "channels", index)
            if channel.kind.value in ("phone", "sms") and channel.phone in phones:
                self.add("CHANNEL-PRIVATE-PHONE", path + ("phone",),
                         f"this {channel.kind.value} line is `{phones[channel.phone]}`'s own phone: reports go unanswered when they "
                         "are off shift and their number becomes public; use a shared number that is passed to whoever is on call")
            if not channel.staffed_by or not self.windows or not self.plan.rota:
                continue  # "whoever is on call": SHIFT-COVERAGE speaks for the rota
            staff = set(channel.staffed_by)
            spans = [(e.start, e.end, e.shift) for e in self.on_call if e.who in staff]
            holes = [gap for window in self.windows for gap in gaps(spans, *window)]
            names = ", ".join(f"`{who}`" for who in channel.staffed_by)
            if [hole[:2] for hole in holes] == self.windows:
                self.add("CHANNEL-STAFFED", path + ("staffed_by",),
                         f"nobody answers `{channel.label}`: {names} {'is' if len(staff) == 1 else 'are'} never on call during the event; "
                         "put them on the rota, or empty `staffed_by` so whoever is on call answers it")
            elif holes:
                gap_start, gap_end = holes[0][:2]
                more = f" and {len(holes) - 1} more gap{'s' if len(holes) > 2 else ''}" if len(holes) > 1 else ""
                self.add("CHANNEL-GAP", path + ("staffed_by",),
                         f"nobody answers `{channel.label}` from {self.span_text(gap_start, gap_end)}{more}: {names} "
                         f"{'is' if len(staff) == 1 else 'are'} not on call then; add someone on call then to `staffed_by`, "
                         "or empty it so whoever is on call answers")

    def chain_end(self) -> None:
        chain = self.plan.reporting.chain
        last = self.plan.role(chain[-1])
        outside = (RoleKind.board, RoleKind.partner)
        appeals = self.plan.reporting.appeals
        hears_appeals = [role for role in (self.plan.role(i) for i in (appeals.to if appeals else [])) if role]
        if any(role.kind in outside for role in hears_appeals):
            return  # escalation may stop inside the team: the board or partner that hears appeals is outside it
        if last is not None and last.kind not in outside:
            self.add("CHAIN-END", ("reporting", "chain", len(chain) - 1),
                     f"the reporting chain ends at `{last.id}` (kind `{last.kind.value}`) and no role outside the response team "
                     "hears appeals: reports about a responder and appeals need somewhere to go; end the chain with a role of kind "
                     "`board` or `partner`, or name one in `reporting.appeals.to`")

    # scenarios -------------------------------------------------------------------

    def scenarios(self) -> None:
        assessment = self.plan.assessment
        high_impact = assessment.impact_levels[-1].id if assessment and assessment.impact_levels else DEFAULT_LEVELS[-1]
        high_risk = assessment.risk_levels[-1].id if assessment and assessment.risk_levels else DEFAULT_LEVELS[-1]
        for index, scenario in enumerate(self.plan.scenarios):
            path = ("scenarios", index)
            if not scenario.escalate_to:
                self.add("SCENARIO-ESCALATION", path + ("id",),
                         f"scenario `{scenario.id}` has no `escalate_to`; name who to call when it happens "
                         "(a role such as `lead`, or a responder)")
            high = [what for what, level, top in (("impact", scenario.impact, high_impact), ("risk", scenario.risk, high_risk))
                    if level == top]
            if high and scenario.handling == Handling.scripted:
                where = path + ("handling",) if path + ("handling",) in self.source.values else path + ("id",)
                self.add("SCENARIO-DECISION", where,
                         f"scenario `{scenario.id}` is high {' and high '.join(high)} but only scripted; set "
                         "`handling: team-decision` so the team decides together, or waive with the reason a script is enough")

    # venues ----------------------------------------------------------------------

    def venues(self) -> None:
        for index, venue in enumerate(self.plan.venues):
            path = ("venues", index)
            lines = venue.address
            if len(lines) < 2 or not any(any(c.isdigit() for c in line) for line in lines):
                self.add("VENUE-ADDRESS", path + ("address",),
                         f"the address of `{venue.id}` is not a street address emergency services can find: write the building "
                         "number and street, the town and the postcode, one line each")
            usual = usual_text(venue.country)
            for s_index, service in enumerate(venue.emergency):
                known = {number for kind in service.reaches for number in numbers_for(venue.country, kind)}
                if usual and service.number not in known:
                    where = path + (("emergency_number",) if venue.emergency_number else ("emergency_services", s_index, "number"))
                    self.add("EMERGENCY-NUMBER", where,
                             f"`{service.number}` is not one of the usual emergency numbers in {venue.country} ({usual}); "
                             "print the numbers people there know")

    # responders ------------------------------------------------------------------

    def shared_contact(self) -> None:
        for name, what, norm in (("phone", "phone number", str), ("email", "e-mail address", str.lower)):
            first: dict[str, int] = {}
            for index, responder in enumerate(self.plan.responders):
                value = getattr(responder, name)
                if not value:
                    continue
                key = norm(value)
                if key in first:
                    other = self.plan.responders[first[key]]
                    self.add("SHARED-CONTACT", ("responders", index, name),
                             f"`{responder.id}` has the same {what} as `{other.id}` (line {self.line(('responders', first[key], name))}); "
                             f"each responder needs their own so a call or message reaches the right person",
                             subjects=(("responders", first[key]),))
                else:
                    first[key] = index

    def languages(self) -> None:
        wanted = self.plan.event.languages
        spoken = set()
        for responder in self.plan.responders:
            # a responder who lists no languages is taken to speak the event's main (first) language
            for tag in responder.languages or wanted[:1]:
                spoken.add(tag.split("-")[0].lower())
        for index, tag in enumerate(wanted):
            if tag.split("-")[0].lower() not in spoken:
                self.add("TEAM-LANGUAGES", ("event", "languages", index),
                         f"no responder speaks `{tag}`, one of the event's languages; add `{tag}` to the `languages` of a "
                         "responder who speaks it, or find one")

    def locale_catalog(self) -> None:
        from ..render.locale import SHIPPED, Localizer

        loc = Localizer(self.plan.locale)
        if loc.has_catalog:
            return
        name = loc.babel.get_display_name("en") or self.plan.locale
        path = ("event", "locale") if self.plan.event.locale else ("event", "languages", 0)
        direction = " (laid out right to left)" if loc.direction == "rtl" else ""
        self.add("LOCALE-CATALOG", path,
                 f"incident-guide has no catalog for {name} (`{self.plan.locale}`): the guides' own headings, labels and "
                 f"instructions will be in English; the plan's text prints as you wrote it{direction}",
                 hint=f"locales with every word translated: {', '.join(SHIPPED)}; or write the words in `wording:` "
                      "(docs/wording.md)")

    def review_date(self) -> None:
        event = self.plan.event
        if event.last_reviewed is None:
            self.add("REVIEW-DATE", ("event",),
                     "the plan has no `last_reviewed` date; read it through with the team and write the date in "
                     "`event.last_reviewed`", at_key=True)
            return
        reference = event.starts or self.today
        try:
            year_before = reference.replace(year=reference.year - 1)
        except ValueError:  # 29 February
            year_before = reference.replace(year=reference.year - 1, day=28)
        if event.last_reviewed < year_before:
            when = f"the event starts ({event.starts})" if event.starts else f"today ({self.today})"
            self.add("REVIEW-DATE", ("event", "last_reviewed"),
                     f"the plan was last reviewed on {event.last_reviewed}, more than a year before {when}; "
                     "read it through with the team and update `last_reviewed`")

    # policy sentences ------------------------------------------------------------

    def policy_sentences(self) -> None:
        """A plan without `policy:` (written before the guides stopped printing default policy) hears what it lost."""
        if "policy" in self.plan.model_fields_set:
            return
        from ..render.words import unstated_policy  # renders the guides: only for plans without `policy:`

        unstated = unstated_policy(self.plan)
        if not unstated:
            return
        names = "; ".join(f"`{ident}` ({POLICY[ident]})" for ident in unstated)
        self.add("POLICY-UNSTATED", ("format",),
                 f"the guides no longer print the tool's own policy sentences, and this plan states none: {names}",
                 hint="write the ones your team stands by under `policy:`, in your own words (docs/wording.md has "
                      "the earlier English text; `incident-guide init` writes them into a new plan); `policy: {}` says none",
                 at_key=True)

    # placeholders ----------------------------------------------------------------

    def placeholders(self) -> None:
        for path, value in _strings(self.plan, ()):
            if PLACEHOLDER_TEXT.match(value):
                shown = value if len(value) <= 40 else value[:37] + "..."
                self.add("PLACEHOLDER", path, f"`{shown}` is a placeholder; replace it with the real value")
        from ..starter_texts import starter_marks  # the mark in each language a starter is written in

        mark = next((m for line in self.source.lines for m in starter_marks() if line.startswith(m)), None)
        if mark is not None:
            self.starter_values(mark)
        # every other line that still says CHANGE ME, in a comment or inside a text (as many as `init` counted)
        flagged = {self.line(f.path) for f in self.findings if f.rule == "PLACEHOLDER"}
        for number, text in enumerate(self.source.lines, start=1):
            column = text.find(PLACEHOLDER_MARK)
            if column >= 0 and number not in flagged:
                where = "a comment" if "#" in text[:column] else "this line"
                self.add("PLACEHOLDER", (), f"{where} still says {PLACEHOLDER_MARK}: replace the value it marks, then remove "
                         "the mark", at=(number, column + 1))

    def starter_values(self, mark: str) -> None:
        """In a plan written by `init`: every value still equal to one of the starters' samples."""
        samples = starter_samples()
        for path, value in _leaves(self.plan, ()):
            kind = _sample_kind(path, value)
            if kind is None:
                continue
            text = value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else str(value)
            if kind in ("e-mail address", "link") and _example_domain(text):
                why = "uses example.org, a domain for examples"
            elif (kind, text) in samples:
                why = "is the starter's sample"
            else:
                continue
            self.add("PLACEHOLDER", path, f"`{text}` {why} ({kind}); replace it with the real value, then remove the "
                     f"`{mark}` line at the top")

    # a network of events ----------------------------------------------------------

    def shared_language(self) -> None:
        """Shared texts (from a plan this one extends) still in another language than the event's locale, listed once."""
        if not self.source.files:
            return
        from .language import other_language

        locale = self.plan.locale
        items: dict[str, list[str]] = {}
        for path, value in _strings(self.plan, ()):
            if self.source.file_of(path) == self.source.file:
                continue
            found = other_language(value, locale)
            if found:
                items.setdefault(found, [])
                name = _item_name(self.plan, path)
                if name not in items[found]:
                    items[found].append(name)
        for language, names in items.items():
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            where = ("event", "locale") if ("event", "locale") in self.source.values else ("event",)
            self.add("SHARED-LANGUAGE", where, f"shared texts look {language}, not {locale.split('-')[0]} like this event: {shown}",
                     hint="translate each in this plan: an item with the same `id` replaces the shared one, a section replaces "
                          "its texts key by key (`incident-guide show` prints the merged plan)")

    # fonts -----------------------------------------------------------------------

    def glyphs(self) -> None:
        """Every character no bundled font has, at the character (once per value)."""
        for path, value in _strings(self.plan, ()):
            for char in missing_glyphs(value):
                at = self.source.inside(path, re.compile(re.escape(char)))
                self.add("GLYPH-MISSING", path, f"no bundled font can draw {describe(char)}; the printed guide would "
                         "show an empty box in its place", at=at,
                         hint="write it another way, or add a font for its script (templates/fonts/README)")

    # audiences -------------------------------------------------------------------

    def private_pastes(self) -> list[Problem]:
        """A value above a field's audience, inside that field's text: located at the paste itself."""
        problems = []
        for paste in find_pastes(self.plan):
            (line, column), end = self.source.span(paste.path, paste_pattern(paste.secret))
            problems.append(self.source.located(paste.path, line, column, paste_message(self.plan, paste),
                                                severity=RULES["PRIVATE-PASTE"].severity, hint=paste_hint(self.plan, paste),
                                                rule="PRIVATE-PASTE", end_line=end and end[0], end_column=end and end[1]))
        return problems

    # waivers ---------------------------------------------------------------------

    def waivers(self) -> tuple[list[_Waiver], list[Problem]]:
        waivers, problems = [], []
        waivable = sorted(r.id for r in RULES.values() if r.waivable)
        for site in self.plan.all_waivers():
            kind, path, rule_id = site.kind, site.path, site.waiver.rule
            rule = RULES.get(rule_id)
            message = hint = None
            if rule is None or not rule.waivable:
                message = f"`{rule_id}` is not a rule that can be waived; use a rule id from docs/rules.md"
                hint = did_you_mean(rule_id.upper(), waivable)  # `team-size` gets TEAM-SIZE
            elif kind is not None and kind not in rule.items:
                places = [ITEM_WORDS[k] for k in rule.items]
                message = (f"{rule_id} cannot apply to {ITEM_WORDS[kind]}; "
                           + (f"waive it on {' or '.join(places)}, or " if places else "")
                           + "move this waiver to the top-level `waivers:` to switch it off for the whole plan")
            if message:
                problems.append(self.source.problem(path + ("rule",), message, hint=hint, severity=RULES["WAIVER-RULE"].severity,
                                                    rule="WAIVER-RULE"))
            else:
                waivers.append(_Waiver(rule_id, site.scope if site.item is not None else None, kind, path))
        return waivers, problems


PLACEHOLDER_MARK = "CHANGE ME"
STARTER_MARK = "# Starter plan:"  # the first comment of every starter in templates/starters/
_SAMPLE_FIELDS = {"phone": "phone number", "number": "phone number", "email": "e-mail address", "link": "link",
                  "website": "link", "code_of_conduct": "link", "reporting_guidelines": "link", "starts": "date",
                  "ends": "date", "last_reviewed": "date", "start": "date", "end": "date", "days": "date"}


def _sample_kind(path: tuple[object, ...], value: object) -> str | None:
    names = [part for part in path if isinstance(part, str)]
    kind = _SAMPLE_FIELDS.get(names[-1]) if names else None
    if kind == "date" and not isinstance(value, dt.date):
        return None  # `start` and `end` of on-call hours are clock times, not sample dates
    if kind == "phone number" and not str(value).startswith("+"):
        return None  # a short service number (101, 988) is the country's real one
    return kind


def _example_domain(text: str) -> bool:
    host = text.rpartition("@")[2] if "@" in text and "://" not in text else re.sub(r"^https?://", "", text).split("/")[0]
    return host.lower() == "example.org" or host.lower().endswith(".example.org")


@functools.cache
def starter_samples() -> frozenset[tuple[str, str]]:
    """(kind, value) of every phone number, e-mail address, link and date in the bundled starters."""
    from ..init import TEAMS, starter_path  # the starters live with the templates
    from .validate import read_plan

    found = set()
    for team in TEAMS:
        for path, value in _leaves(read_plan(starter_path(team)), ()):
            kind = _sample_kind(path, value)
            if kind:
                found.add((kind, value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else str(value)))
    return frozenset(found)


def _leaves(value: object, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str | dt.date]]:
    """(path, value) for every text, date and time in the plan, with the YAML's own keys in the path."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _leaves(getattr(value, name), path + (info.alias or name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, (str, dt.date)) and not isinstance(value, Enum):
        yield path, value


def _item_name(plan: Plan, path: tuple[Any, ...]) -> str:
    """`scenarios[unsure-reporter]` for a text inside a list item with an id, else the section: `reporting`."""
    if len(path) >= 2 and isinstance(path[1], int):
        item = getattr(plan, str(path[0]), None)
        ident = getattr(item[path[1]], "id", None) if isinstance(item, list) and path[1] < len(item) else None
        return f"{path[0]}[{ident if ident is not None else path[1]}]"
    return str(path[0]) if path else "the plan"


def _strings(value: object, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) for every text value in the plan, with the YAML's own keys in the path."""
    return ((where, leaf) for where, leaf in _leaves(value, path) if isinstance(leaf, str))
