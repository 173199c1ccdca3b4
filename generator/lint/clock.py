"""Time for the rota rules: clock changes, lengths in words, and the gaps a set of spans leaves.

A shift time without an offset is wall-clock time in `event.timezone`. On the day clocks go
back, a repeated time means its first occurrence; on the day clocks go forward, a time that
does not exist is read with the offset from before the change (02:30 becomes 03:30). This is
RFC 5545's reading, so the rules and the .ics files agree (see `Event.utc`). A time written
with an offset picks one of a repeated hour. Coverage, overlaps and stretches are computed in UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

UTC = dt.UTC

Gap = tuple[dt.datetime, dt.datetime, int | None, int | None]


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


def duration(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "0 minutes"


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
