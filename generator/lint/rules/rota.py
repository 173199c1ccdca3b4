"""The rota: every shift staffed, the event covered, nobody on two shifts at once or on call too long, clear times.

Times are read as clock.py says; coverage, overlaps and stretches are computed in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..clock import clock_change, duration, gaps
from ..context import Context, OnCall
from ..registry import Finding, rule

LONG_STRETCH = dt.timedelta(hours=12)  # longer on call without a real break is a warning
MIN_REST = dt.timedelta(hours=1)  # a break shorter than this does not end a stretch
DAILY_REST = dt.timedelta(hours=6)  # less time off in a row in any 24 hours is a warning


@rule("SHIFT-STAFFING", "error", "A shift has no responder besides its lead, or lists someone twice.", items=("rota",),
      bad="""
          rota:
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben}
            - {start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana, responders: [ana]}
          """,
      good="""
          rota:
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
            - {start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]}
          """)
def shift_staffing(context: Context) -> Iterator[Finding]:
    """Every shift has a lead and at least one other responder, so nobody takes a report
    alone. The lead is not listed again in `responders`, and nobody is listed twice.
    """
    for index, shift in enumerate(context.plan.rota):
        seen = {shift.lead}
        others = 0
        for r_index, who in enumerate(shift.responders):
            if who in seen:
                what = "this shift's lead" if who == shift.lead else "listed earlier on this shift"
                yield Finding(("rota", index, "responders", r_index), f"`{who}` is {what}; each person appears once on a shift")
                continue
            seen.add(who)
            others += 1
        if not others:
            path = ("rota", index, "responders") if ("rota", index, "responders") in context.source.values else ("rota", index, "lead")
            yield Finding(path, f"the shift {context.shift_text(index)} has only its lead `{shift.lead}`; add at least one more responder "
                          "to `responders` so nobody takes a report alone")


@rule("SHIFT-COVERAGE", "error", "Nobody is on call for part of an event day (00:00 on the first day to 24:00 on the last).",
      items=("rota",),
      bad="""
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 09:00, end: 2027-06-10 00:00, lead: ben, responders: [dev]}
          """,
      good="""
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 08:00, end: 2027-06-10 00:00, lead: ben, responders: [dev]}
          """)
def shift_coverage(context: Context) -> Iterator[Finding]:
    """Someone is on call at every moment of every event day, from 00:00 on `starts` to
    24:00 on `ends`, in the event's time zone, or, when the plan sets
    `event.on_call_hours: {start: "08:00", end: "22:00"}`, during those hours of each event
    day. An event that opens later on its first day or closes earlier on its last says
    when (`event.opens: "12:00"`, `event.closes: "14:00"`): cover starts and ends then. Each gap is reported with its local times and its real length, at the shift where
    cover stops (or the first shift, for a gap at the start of the event). Events without
    dates (online communities) have no days to cover, and a plan without a `rota:` key has
    no rota to check (its guides send people to the reporting channels instead); a
    `rota:` that is written but empty is reported. A shift that starts outside the
    event's dates, or ends after its last day, is reported too: it covers nothing of the
    event, and the date is usually a typo. A waiver on a shift covers the gaps next to it,
    of a day at most; only a waiver for the whole plan covers a longer one.
    """
    plan = context.plan
    if context.window is None:
        return
    days = plan.event.days
    hours = plan.event.on_call_hours
    if not plan.rota:
        if ("rota",) not in context.source.values:
            return  # no rota at all: the team is reached through the channels, and the cover says so
        when = f"{days[0]} to {days[-1]}" if len(days) > 1 else f"{days[0]}"
        cover = f"from {hours.start} to {hours.end} each day" if hours else "from 00:00 on the first day to 24:00 on the last"
        yield Finding(("rota",), f"nobody is on call during the event ({when}): the rota has no shifts; "
                      f"add shifts {cover}, or remove `rota:` if the team has no rota", at_key=True)
        return
    first, after_last = dt.datetime.combine(days[0], dt.time()), dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time())
    span = f"from {days[0]} to {days[-1]}" if len(days) > 1 else f"on {days[0]} only"
    for index, shift in enumerate(plan.rota):
        if not first <= shift.start < after_last:
            yield Finding(("rota", index, "start"), f"the shift starts on {shift.start:%Y-%m-%d}, outside the "
                          f"event's dates (it is {span}); check the date, or the event's `starts` and `ends`")
        elif shift.end > after_last:
            yield Finding(("rota", index, "end"), f"the shift ends on {shift.end:%Y-%m-%d %H:%M}, after the "
                          f"event's last day ends (it is {span}); end it at {days[-1] + dt.timedelta(days=1)} 00:00 at the latest")
    spans = [(context.to_utc(s.start), context.to_utc(s.end), i) for i, s in enumerate(plan.rota)]
    event = plan.event
    day_starts = (f"the on-call hours start at {hours.start}" if hours else f"the event opens at {event.opens}" if event.opens
                  else "the event day starts at 00:00")
    day_ends = (f"the on-call hours end at {hours.end}" if hours else f"the event closes at {event.closes}" if event.closes
                else "the last event day ends at 24:00")
    # a team on call for part of each day (evenings, or not at night) says so once instead of filling the nights
    hours_hint = None if hours else 'if the team is on call only some hours of each day, say which: `event.on_call_hours: {start: "08:00", end: "23:00"}`'
    # an event that opens at noon on its first day, or closes after lunch on its last, says so once
    if not context.windows and hours:  # on-call hours that end before a one-day event opens, or start after it closes
        yield Finding(("event", "on_call_hours"), f"the on-call hours ({hours.start} to {hours.end}) are all outside the hours "
                      f"the event is open (from {event.opens or '00:00'} to {event.closes or '24:00'}); make them overlap", at_key=True)
        return
    opening, closing = context.windows[0][0], context.windows[-1][1]
    opens_hint = None if event.opens or hours else 'if the event opens later on its first day, say when: `event.opens: "12:00"`'
    closes_hint = None if event.closes or hours else 'if the event closes earlier on its last day, say when: `event.closes: "14:00"`'
    for gap_start, gap_end, before, after in (gap for window in context.windows for gap in gaps(spans, *window)):
        text = f"nobody is on call from {context.span_text(gap_start, gap_end)} ({duration(gap_end - gap_start)})"
        edge = opens_hint if gap_start == opening else closes_hint if gap_end == closing else None
        hint = "; ".join(h for h in (edge, hours_hint) if h) or None
        if before is None and after is None:
            yield Finding(("rota",), text + f"; {day_starts}: add shifts for that day", hint=hint, at_key=True)
            continue
        if before is None:
            path = ("rota", after, "start")
            advice = f"; {day_starts}: start this shift earlier or add one before it"
        elif after is None:
            path = ("rota", before, "end")
            advice = f"; {day_ends}: end this shift later or add one after it"
        else:
            path = ("rota", before, "end")
            advice = f"; end this shift later or add one before the shift on line {context.line(('rota', after))}"
        subjects = tuple(("rota", i) for i in (before, after) if i is not None)
        # a gap of more than a day is no shift's exception: a shift's waiver covers a quiet hour, not the days after it
        yield Finding(path, text + advice, hint=hint, subjects=subjects, plan_wide=gap_end - gap_start > dt.timedelta(days=1))


@rule("SHIFT-OVERLAP", "error", "Someone is on two shifts at the same time.", items=("rota", "responders"),
      bad="""
          rota:
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
            - {start: 2027-06-09 15:00, end: 2027-06-10 00:00, lead: ben, responders: [cai]}
          """,
      good="""
          rota:
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
            - {start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]}
          """)
def shift_overlap(context: Context) -> Iterator[Finding]:
    """Nobody is on two shifts at the same time, as lead or responder. Back-to-back shifts
    (one ends when the next starts) do not overlap.
    """
    for who, entries in context.by_person().items():
        latest: OnCall | None = None
        for entry in entries:
            if latest is not None and entry.start < latest.end:
                yield Finding(entry.path,
                              f"`{who}` is on two shifts at once: this one ({context.shift_text(entry.shift)}) overlaps the one on "
                              f"line {context.line(('rota', latest.shift))} ({context.shift_text(latest.shift)}); take them off one of them",
                              subjects=(("rota", latest.shift), ("responders", context.responder_index(who))))
            if latest is None or entry.end > latest.end:
                latest = entry


@rule("SHIFT-LONG", "warning", "Someone is on call for more than 12 hours without a break of an hour.", items=("rota", "responders"),
      bad="""
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [cai]}
          """,
      good="""
          rota:
            - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
            - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
          """)
def shift_long(context: Context) -> Iterator[Finding]:
    """Nobody is on call for more than 12 hours in a row. Back-to-back and overlapping shifts
    count as one stretch, and so do shifts with a break of less than an hour between them.
    Nor without 6 hours off in a row in any 24: an hour off between two 11-hour shifts
    is no rest. Hours are real hours: 00:00 to 12:00 is 13 hours on the day the clocks go back.
    """
    for who, entries in context.by_person().items():
        stretches: list[list[OnCall]] = []
        for entry in entries:
            if stretches and entry.start - max(e.end for e in stretches[-1]) < MIN_REST:
                stretches[-1].append(entry)
            else:
                stretches.append([entry])
        long_stretch = False
        for stretch in stretches:
            first = stretch[0].start
            last = max(e.end for e in stretch)
            if last - first <= LONG_STRETCH:
                continue
            over = next(e for e in stretch if e.end - first > LONG_STRETCH)
            yield Finding(over.path,
                          f"`{who}` is on call for {duration(last - first)} without a break of an hour "
                          f"({context.span_text(first, last)}); give them a break or split the stretch, at most "
                          f"{duration(LONG_STRETCH)} in a row",
                          subjects=tuple(("rota", e.shift) for e in stretch) + (("responders", context.responder_index(who)),))
            long_stretch = True
        if not long_stretch:
            yield from _no_rest(context, who, entries)


def _no_rest(context: Context, who: str, entries: list[OnCall]) -> Iterator[Finding]:
    """Short breaks do not make rest: a day (any 24 hours from the start of a shift) without DAILY_REST off in a row
    (11 hours on, one off, day after day) is reported once, at the shift that starts that day."""
    for entry in entries:
        day_end = entry.start + dt.timedelta(days=1)
        inside = [e for e in entries if e.end > entry.start and e.start < day_end]  # by start, as by_person gives them
        longest_rest, free_from = dt.timedelta(), entry.start
        for e in inside:  # overlapping shifts count once
            longest_rest = max(longest_rest, e.start - free_from)
            free_from = max(free_from, min(e.end, day_end))
        longest_rest = max(longest_rest, day_end - free_from)
        if longest_rest < DAILY_REST:
            yield Finding(entry.path, f"`{who}` has no {duration(DAILY_REST)} off in a row in the 24 hours from "
                          f"{context.span_text(entry.start, day_end)} (the longest break is {duration(longest_rest)}); "
                          "short breaks are no rest: give them a longer one",
                          subjects=tuple(("rota", e.shift) for e in inside) + (("responders", context.responder_index(who)),))
            return


@rule("SHIFT-CLOCK-CHANGE", "warning", "A shift starts or ends at a time that does not exist or happens twice because clocks change.",
      items=("rota",),
      bad="""
          event: {timezone: Europe/London}
          rota:
            - {start: 2027-03-28 00:00, end: 2027-03-28 01:30, lead: ana, responders: [cai]}
            - {start: 2027-10-31 00:00, end: 2027-10-31 01:30, lead: ana, responders: [cai]}
          """,
      good="""
          event: {timezone: Europe/London}
          rota:
            - {start: 2027-03-28 00:00, end: 2027-03-28 02:30, lead: ana, responders: [cai]}
            - {start: 2027-10-31 00:00, end: "2027-10-31 01:30+00:00", lead: ana, responders: [cai]}
          """)
def shift_clock_change(context: Context) -> Iterator[Finding]:
    """A shift starts or ends at a time that does not exist or happens twice because the
    clocks change that night. The message says how the time is read (see
    [Times and clock changes](#times-and-clock-changes)); write the time that is meant,
    or an offset to pick one of a repeated hour.
    """
    for index, shift in enumerate(context.plan.rota):
        for name in ("start", "end"):
            why = None if name in shift._offset_written else clock_change(getattr(shift, name), context.zone)
            if why:
                yield Finding(("rota", index, name), f"the shift {name}s at {why}")
