"""The rota as one iCalendar (.ics) file per responder, to import into their own calendar.

Same plan, same bytes: UIDs come from the event name, the shift's start and the
responder id, and DTSTAMP from the plan's own dates (last_reviewed, else the
event's first day, else the first shift), never from the clock.

Times are written as local times with the event's TZID and a VTIMEZONE built here
from the time zone database, covering the calendar years of the shifts. (icalendar's
`add_missing_timezones()` writes the onset of summer time as the wall time after the
change, an hour off for readers that go by the VTIMEZONE; RFC 5545 wants the wall time
before it, as in the IANA-derived files of tzurl.org.) The one time a local time cannot
say, the second of a repeated hour, is written in UTC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vText

from ..errors import BuildError
from ..plan.model import Plan, Responder, Shift
from .locale import Localizer, plan_localizer

UTC = dt.UTC
PRODID = "-//incident-guide//on-call rota//EN"
# Characters no plan text may carry into a calendar line (the loader refuses them already; this is the second lock).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def text(value: str, *, lines: bool = False) -> vText:
    """Plan text as an iCalendar TEXT value: escaped by icalendar, never able to end a content line."""
    value = _CONTROL.sub(" ", value)
    return vText(value if lines else value.replace("\n", " "))


def checked(ical: bytes) -> bytes:
    """The calendar file, refused if any content line holds a line break of its own (works under python -O)."""
    body = ical[:-2] if ical.endswith(b"\r\n") else ical
    if any(b"\r" in line or b"\n" in line for line in body.split(b"\r\n")):
        raise BuildError("a calendar file would hold a line break inside a line; this is a bug, please report it")
    return ical


def rota_calendars(plan: Plan, loc: Localizer | None = None) -> dict[str, bytes]:
    """responder id -> an .ics file with one event per shift they are on (lead or responder).

    Responders with no shifts get no file (a calendar must hold at least one event).
    Summaries and descriptions are in the plan's locale (`loc`, else the plan's own).
    """
    loc = loc or plan_localizer(plan)
    if not plan.rota:
        return {}
    zone = plan.event.zone
    shifts = sorted(enumerate(plan.rota), key=lambda item: (plan.event.utc(item[1].start), item[0]))
    stamp = _stamp(plan)
    moments = [plan.event.utc(t) for s in plan.rota for t in (s.start, s.end)]
    years = range(min(moments).astimezone(zone).year, max(moments).astimezone(zone).year + 1)
    timezone = vtimezone(zone, dt.date(years.start, 1, 1), dt.date(years.stop, 1, 1))
    calendars = {}
    for responder in plan.responders:
        mine = [shift for _, shift in shifts if responder.id == shift.lead or responder.id in shift.responders]
        if not mine:
            continue
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", text(loc.text("calendar.name", event=plan.event.name)))
        calendar.add("x-wr-timezone", zone.key)
        calendar.add_component(timezone)
        uids: set[str] = set()
        for shift in mine:
            calendar.add_component(_event(plan, shift, responder, stamp, uids, loc))
        calendars[responder.id] = checked(calendar.to_ical())
    return calendars


def _event(plan: Plan, shift: Shift, responder: Responder, stamp: dt.datetime, uids: set[str], loc: Localizer) -> Event:
    start = plan.event.utc(shift.start)
    seed = f"{plan.event.name}\n{start:%Y-%m-%dT%H:%M:%SZ}\n{responder.id}"
    uid = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    number = 1
    while f"{uid}@incident-guide" in uids:  # two shifts starting together (an overlap the linter reports)
        number += 1
        uid = hashlib.sha256(f"{seed}\n{number}".encode()).hexdigest()[:32]
    uids.add(f"{uid}@incident-guide")
    leads = responder.id == shift.lead
    event = Event()
    event.add("uid", f"{uid}@incident-guide")
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(plan, shift.start))
    event.add("dtend", _local(plan, shift.end))
    if leads:
        event.add("summary", text(loc.text("calendar.summary-lead", event=plan.event.name)))
    else:
        event.add("summary", text(loc.text("calendar.summary", event=plan.event.name)))
    event.add("description", text(_description(plan, shift, responder, loc), lines=True))
    return event


def _description(plan: Plan, shift: Shift, responder: Responder, loc: Localizer) -> str:
    def name(responder_id: str) -> str:
        person = plan.responder(responder_id)
        return person.name if person else responder_id

    others = [name(r) for r in dict.fromkeys(shift.responders) if r not in (responder.id, shift.lead)]
    if responder.id == shift.lead:
        lines = [loc.text("calendar.you-lead"),
                 loc.text("calendar.with", names=loc.join(others)) if others
                 else loc.text("calendar.alone")]
    else:
        lines = [loc.text("calendar.lead", name=name(shift.lead))]
        lines += [loc.text("calendar.others", names=loc.join(others))] if others else []
    if shift.note:
        lines.append(shift.note)
    return "\n".join(lines)


def _local(plan: Plan, wall: dt.datetime) -> dt.datetime:
    """The time to write: local with the event's zone, or UTC for the second of a repeated hour."""
    moment = plan.event.utc(wall)
    local = moment.astimezone(plan.event.zone)  # a time that does not exist becomes the one it means
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment
    return local


def _stamp(plan: Plan) -> dt.datetime:
    day = plan.event.last_reviewed or plan.event.starts
    if day:
        return dt.datetime.combine(day, dt.time(), UTC)
    return min(plan.event.utc(shift.start) for shift in plan.rota)


# --- VTIMEZONE ---------------------------------------------------------------------

def vtimezone(zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date) -> Timezone:
    """The zone's rules from local midnight on `first` to `last` as a VTIMEZONE (RFC 5545 section 3.6.5).

    One observance for the state at the start, then one per change of offset or name,
    each starting at the local wall time before the change (in TZOFFSETFROM).
    """
    start = dt.datetime.combine(first, dt.time(), zone).astimezone(UTC)  # local midnights
    end = dt.datetime.combine(last, dt.time(), zone).astimezone(UTC)

    def state(moment: dt.datetime) -> _State:
        local = moment.astimezone(zone)
        offset = local.utcoffset()
        assert offset is not None  # an aware time always has one
        return offset, bool(local.dst()), local.tzname()

    timezone = Timezone()
    timezone.add("tzid", zone.key)
    current = state(start)
    timezone.add_component(_observance(current, current[0], dt.datetime.combine(first, dt.time())))
    step = dt.timedelta(hours=1)
    moment = start
    while moment < end:
        following = moment + step
        if state(following) != current:
            before, after = moment, following  # the change happens in (before, after]
            while after - before > dt.timedelta(seconds=1):
                middle = before + (after - before) / 2
                if state(middle) == current:
                    before = middle
                else:
                    after = middle
            new = state(after)
            onset = (after + current[0]).replace(tzinfo=None, microsecond=0)
            timezone.add_component(_observance(new, current[0], onset))
            current = new
        moment = following
    return timezone


_State = tuple[dt.timedelta, bool, str | None]  # a zone's offset, daylight saving or not, abbreviation


def _observance(state: _State, offset_from: dt.timedelta, onset: dt.datetime) -> TimezoneStandard | TimezoneDaylight:
    offset, daylight, name = state
    part = TimezoneDaylight() if daylight else TimezoneStandard()
    part.add("dtstart", onset)
    part.add("tzoffsetfrom", offset_from)
    part.add("tzoffsetto", offset)
    if name:
        part.add("tzname", name)
    return part
