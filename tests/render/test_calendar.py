"""The rota as .ics files: one per responder, right local times across clock changes, same bytes every build."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from icalendar import Calendar, Timezone

from generator.plan.load import load_text
from generator.plan.validate import read_plan, validate
from generator.render.calendar import rota_calendars, vtimezone

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = ROOT / "plans" / "complete-conference.yaml"
MINIMAL = (ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_text(encoding="utf-8")
UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")

# Europe/London, both clock changes of 2027: 28 March (01:00 GMT -> 02:00 BST) and
# 31 October (02:00 BST -> 01:00 GMT); the second October shift starts at the second 01:30.
DST_ROTA = """rota:
  - {start: 2027-03-28 00:00, end: 2027-03-28 08:00, lead: ana, responders: [cai]}
  - {start: 2027-03-28 08:00, end: 2027-03-28 16:00, lead: ben, responders: [dev]}
  - {start: 2027-10-31 00:00, end: 2027-10-31 01:30, lead: ana, responders: [cai]}
  - {start: 2027-10-31 01:30+00:00, end: 2027-10-31 08:00, lead: ben, responders: [dev, cai], note: Second 01:30.}"""


def plan_from(text: str):
    return validate(load_text(text, "plan.yaml"))


def dst_plan():
    start = MINIMAL.index("rota:\n")
    end = MINIMAL.index("\n\nreporting:")
    return plan_from(MINIMAL[:start] + DST_ROTA + MINIMAL[end:])


def events(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_one_calendar_per_responder_with_one_event_per_shift():
    plan = read_plan(COMPLETE)
    calendars = rota_calendars(plan)
    assert sorted(calendars) == sorted(r.id for r in plan.responders)
    for responder in plan.responders:
        theirs = [s for s in plan.rota if responder.id == s.lead or responder.id in s.responders]
        found = events(calendars[responder.id])
        assert len(found) == len(theirs)
        for event, shift in zip(found, sorted(theirs, key=lambda s: s.start), strict=True):
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            assert start.tzinfo.key == "Europe/London" and end.tzinfo.key == "Europe/London"
            assert start.replace(tzinfo=None) == shift.start and end.replace(tzinfo=None) == shift.end
            lead = shift.lead == responder.id
            assert str(event["summary"]) == f"On call{' (lead)' if lead else ''}: Riverside Open Source Summit 2027"


def test_summary_and_description_say_who_else_is_on_call():
    calendars = rota_calendars(read_plan(COMPLETE))
    amara = events(calendars["amara"])[0]  # 9 June 08:00-16:00, with Jonah and Priya
    assert str(amara["summary"]) == "On call (lead): Riverside Open Source Summit 2027"
    assert str(amara["description"]) == "You lead this shift.\nWith: Jonah Whitcombe-Adeyemi and Priya Nandakumar"
    jonah = events(calendars["jonah"])[1]  # 10 June 00:00-08:00, lead Amara, overnight note
    assert str(jonah["summary"]) == "On call: Riverside Open Source Summit 2027"
    assert str(jonah["description"]) == "Lead: Amara Okonjo-Reyes\nOn call by phone overnight."


def test_the_calendar_has_the_events_time_zone():
    data = rota_calendars(read_plan(COMPLETE))["sam"]
    calendar = Calendar.from_ical(data)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:20270609T000000\r\n" in data
    assert str(calendar["x-wr-timezone"]) == "Europe/London"


@pytest.mark.slow  # runs Python in a subprocess
def test_same_plan_same_bytes():
    first = rota_calendars(read_plan(COMPLETE))
    assert rota_calendars(read_plan(COMPLETE)) == first
    # another process with another hash seed writes the very same bytes
    script = ("import sys; from generator.plan.validate import read_plan; from generator.render.calendar import rota_calendars; "
              "sys.stdout.buffer.write(rota_calendars(read_plan(sys.argv[1]))['amara'])")
    other = subprocess.run([sys.executable, "-c", script, str(COMPLETE)], cwd=ROOT, capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert other.stdout == first["amara"]


def test_uid_is_stable_and_unique_and_dtstamp_comes_from_the_plan():
    plan = read_plan(COMPLETE)
    calendars = rota_calendars(plan)
    uids = [str(e["uid"]) for data in calendars.values() for e in events(data)]
    assert len(uids) == len(set(uids)) == sum(1 + len(s.responders) for s in plan.rota)
    assert all(uid.endswith("@incident-guide") for uid in uids)
    stamps = {e.decoded("dtstamp") for data in calendars.values() for e in events(data)}
    assert stamps == {dt.datetime(2027, 4, 20, tzinfo=UTC)}  # event.last_reviewed
    # the UID does not depend on the shift's end or the order of the rota
    moved = COMPLETE.read_text(encoding="utf-8").replace("end: 2027-06-09 08:00, lead: dimitra", "end: 2027-06-09 07:00, lead: dimitra")
    assert str(events(rota_calendars(plan_from(moved))["sam"])[0]["uid"]) == str(events(calendars["sam"])[0]["uid"])


def test_local_times_and_utc_across_both_clock_changes():
    calendars = rota_calendars(dst_plan())
    ana = events(calendars["ana"])
    # 28 March 00:00 GMT to 08:00 BST is 7 hours
    start, end = ana[0].decoded("dtstart"), ana[0].decoded("dtend")
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (dt.datetime(2027, 3, 28, 0, 0), dt.datetime(2027, 3, 28, 8, 0))
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (dt.datetime(2027, 3, 28, 0, 0, tzinfo=UTC), dt.datetime(2027, 3, 28, 7, 0, tzinfo=UTC))
    # 31 October 00:00 BST to the first 01:30 (BST) is 90 minutes
    start, end = ana[1].decoded("dtstart"), ana[1].decoded("dtend")
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (dt.datetime(2027, 10, 30, 23, 0, tzinfo=UTC), dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC))
    # the second 01:30 (GMT) cannot be said in local time: it is written in UTC; 08:00 GMT is local
    ben = events(calendars["ben"])[1]
    assert b"DTSTART:20271031T013000Z\r\n" in calendars["ben"]
    assert b"DTEND;TZID=Europe/London:20271031T080000\r\n" in calendars["ben"]
    assert ben.decoded("dtstart") == dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert ben.decoded("dtend").astimezone(UTC) == dt.datetime(2027, 10, 31, 8, 0, tzinfo=UTC)
    assert str(ben["description"]) == "You lead this shift.\nWith: Dev Example and Cai Example\nSecond 01:30."


def test_a_time_that_does_not_exist_is_written_as_the_time_it_means():
    text = MINIMAL.replace("2027-06-10", "2027-03-29").replace("2027-06-09", "2027-03-28").replace("2027-03-28 08:00", "2027-03-28 01:30")
    data = rota_calendars(plan_from(text))["ana"]
    assert b"DTEND;TZID=Europe/London:20270328T023000\r\n" in data  # 01:30 does not exist; read as 02:30 BST
    assert events(data)[0].decoded("dtend").astimezone(UTC) == dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"])
def test_vtimezone_agrees_with_the_time_zone_database(name):
    """Read the VTIMEZONE the RFC 5545 way (dateutil, under a TZID no database knows) and compare every hour."""
    zone = zoneinfo.ZoneInfo(name)
    text = vtimezone(zone, dt.date(2027, 1, 1), dt.date(2028, 1, 1)).to_ical().replace(name.encode(), f"Test-{name}".encode())
    read = Timezone.from_ical(text).to_tz()
    wall = dt.datetime(2027, 1, 1, 0, 30)  # every hour at :30; these zones change clocks on the hour
    while wall < dt.datetime(2028, 1, 1):
        # local times as calendar files carry them (DTSTART;TZID=...); skip the ones a clock change makes unclear
        if wall.replace(tzinfo=zone).utcoffset() == wall.replace(tzinfo=zone, fold=1).utcoffset():
            assert wall.replace(tzinfo=read).utcoffset() == wall.replace(tzinfo=zone).utcoffset(), wall
        # and instants shown in local time; dateutil guesses in a repeated hour and before the first onset
        moment = wall.replace(tzinfo=UTC)
        local = moment.astimezone(zone)
        if local.replace(fold=0).utcoffset() == local.replace(fold=1).utcoffset() and (wall.day > 1 or wall.month > 1):
            assert moment.astimezone(read).utcoffset() == local.utcoffset(), moment
        wall += dt.timedelta(hours=1)


def test_vtimezone_onsets_are_wall_times_before_the_change():
    parts = vtimezone(LONDON, dt.date(2027, 1, 1), dt.date(2028, 1, 1)).subcomponents
    assert [(p.name, p["dtstart"].to_ical(), p["tzoffsetfrom"].to_ical(), p["tzoffsetto"].to_ical()) for p in parts] == [
        ("STANDARD", b"20270101T000000", "+0000", "+0000"),
        ("DAYLIGHT", b"20270328T010000", "+0000", "+0100"),
        ("STANDARD", b"20271031T020000", "+0100", "+0000"),
    ]


def test_no_calendar_for_a_responder_without_shifts_or_a_plan_without_rota():
    text = MINIMAL.replace("    email: dev@example.org\n", "    email: dev@example.org\n  - {id: eve, name: Eve Example}\n")
    assert "eve" not in rota_calendars(plan_from(text))
    start, end = MINIMAL.index("rota:\n"), MINIMAL.index("\n\nreporting:")
    assert rota_calendars(plan_from(MINIMAL[:start] + "rota: []" + MINIMAL[end:])) == {}
