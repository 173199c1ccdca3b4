"""What every check reads: the plan, where its values are written, and facts several rules share (who is on call when)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..plan.load import SourceMap
from ..plan.model import Plan, RelationKind, Shift
from .waivers import Waiver, valid_waivers

CONFLICTING = {RelationKind.partner, RelationKind.family, RelationKind.conflict}


@dataclass
class OnCall:
    """One person on one shift, in UTC."""

    who: str
    start: dt.datetime
    end: dt.datetime
    shift: int
    path: tuple[Any, ...]  # ("rota", 3, "lead") or ("rota", 3, "responders", 1)


class Context:
    """The plan a check reads, with its positions, today's date, and the rota in UTC."""

    def __init__(self, plan: Plan, source: SourceMap, today: dt.date):
        self.plan = plan
        self.source = source
        self.today = today
        self.zone = plan.event.zone
        self.to_utc = plan.event.utc
        self.on_call: list[OnCall] = []
        for index, shift in enumerate(plan.rota):
            start, end = self.to_utc(shift.start), self.to_utc(shift.end)
            seen = set()
            for who, path in people(shift, index):
                if who not in seen:
                    seen.add(who)
                    self.on_call.append(OnCall(who, start, end, index, path))
        days = plan.event.days
        self.window = None
        # the stretches someone must be on call, in UTC: the whole event, or each day's `on_call_hours`
        self.windows: list[tuple[dt.datetime, dt.datetime]] = []
        if days:
            self.window = (self.to_utc(dt.datetime.combine(days[0], dt.time())),
                           self.to_utc(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time())))
            hours, event = plan.event.on_call_hours, plan.event
            if hours:
                spans = [_within(hours.span(day), event.open_span(day)) for day in days]
            else:  # one stretch: from the opening on the first day to the closing on the last
                spans = [(event.open_span(days[0])[0], event.open_span(days[-1])[1])]
            self.windows = [(self.to_utc(start), self.to_utc(end)) for start, end in spans if start < end]

    @functools.cached_property
    def waivers(self) -> list[Waiver]:
        """The plan's waivers that name a rule that may be waived where they are written."""
        return valid_waivers(self.plan)

    def line(self, path: tuple[Any, ...]) -> int:
        return self.source.value(path)[0]

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

    def responder_index(self, responder_id: str) -> int:
        return next(i for i, r in enumerate(self.plan.responders) if r.id == responder_id)

    @functools.cached_property
    def conflicts(self) -> dict[frozenset[str], tuple[RelationKind, tuple[Any, ...]]]:
        """Pairs of responders who declared a partner, family or conflict relationship, with where."""
        pairs: dict[frozenset[str], tuple[RelationKind, tuple[Any, ...]]] = {}
        for index, responder in enumerate(self.plan.responders):
            for r_index, relation in enumerate(responder.relationships):
                if relation.kind in CONFLICTING:
                    pairs.setdefault(frozenset((responder.id, relation.with_)),
                                     (relation.kind, ("responders", index, "relationships", r_index)))
        return pairs

    def by_person(self) -> dict[str, list[OnCall]]:
        found: dict[str, list[OnCall]] = {}
        for entry in self.on_call:
            found.setdefault(entry.who, []).append(entry)
        for entries in found.values():
            entries.sort(key=lambda e: (e.start, e.end, e.shift))
        return found


def people(shift: Shift, index: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Everyone on the shift with where they are written: the lead, then the responders."""
    yield shift.lead, ("rota", index, "lead")
    for r_index, who in enumerate(shift.responders):
        yield who, ("rota", index, "responders", r_index)


def relation_words(kind: RelationKind) -> str:
    return {"partner": "are partners", "family": "are family", "conflict": "declared a conflict of interest"}[kind.value]


# --- the plan's values -------------------------------------------------------------

def leaves(value: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str | dt.date]]:
    """(path, value) for every text, date and time in the plan, with the YAML's own keys in the path."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from leaves(getattr(value, name), path + (info.alias or name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, (str, dt.date)) and not isinstance(value, Enum):
        yield path, value


def strings(value: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) for every text value in the plan, with the YAML's own keys in the path."""
    return ((where, leaf) for where, leaf in leaves(value, path) if isinstance(leaf, str))


def item_name(plan: Plan, path: tuple[Any, ...]) -> str:
    """`scenarios[unsure-reporter]` for a text inside a list item with an id, else the section: `reporting`."""
    if len(path) >= 2 and isinstance(path[1], int):
        item = getattr(plan, str(path[0]), None)
        ident = getattr(item[path[1]], "id", None) if isinstance(item, list) and path[1] < len(item) else None
        return f"{path[0]}[{ident if ident is not None else path[1]}]"
    return str(path[0]) if path else "the plan"


def _within(span: tuple[dt.datetime, dt.datetime], limits: tuple[dt.datetime, dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    """`span` cut to `limits` (a day's on-call hours to the hours the event is open that day)."""
    return max(span[0], limits[0]), min(span[1], limits[1])
