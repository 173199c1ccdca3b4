"""Step 4, edition: cut the plan down to what one audience may see.

Templates receive only the cut copy, so a template cannot show what it was never
given. Whatever is above the audience becomes None (single values) or is left out
(items of lists); the leak check later proves nothing slipped through another way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from generator.plan.model import Audience, Model, Plan


class LeadTime(NamedTuple):
    """Who leads from when to when on one day, in the event's wall-clock time ("24:00" ends the day)."""

    start: str
    end: str
    name: str
    phone: str | None = None  # the lead's phone as the edition may show it (None: hidden or none)
    backup: str | None = None  # the shift's first other responder, the next call when the lead does not answer
    backup_phone: str | None = None


@dataclass(frozen=True)
class Edition:
    """One audience's plan plus the few facts derived from data it may not see in full."""

    audience: Audience
    plan: Plan
    # day -> the leads on call through that day: volunteer-level, though the rota itself is not
    leads_by_day: dict[dt.date, list[LeadTime]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.audience.value


def make_edition(plan: Plan, audience: Audience) -> Edition:
    cut_plan = cut(plan, audience)
    leads = lead_times(plan, cut_plan) if audience.allows(Audience.volunteer) else {}
    return Edition(audience, cut_plan, leads)


def lead_times(plan: Plan, cut_plan: Plan) -> dict[dt.date, list[LeadTime]]:
    """Each event day's leads with their hours, from the full rota but with names as `cut_plan` shows them."""
    days: dict[dt.date, list[LeadTime]] = {}
    for shift in sorted(plan.rota, key=lambda s: plan.event.utc(s.start)):
        lead = cut_plan.responder(shift.lead)
        name = lead.name if lead and lead.name else "the lead on call"
        phone = lead.phone if lead else None
        second = next((cut_plan.responder(r) for r in shift.responders if r != shift.lead and cut_plan.responder(r)), None)
        backup = second.name if second and second.name else None
        backup_phone = second.phone if second else None
        start, end = _wall(shift.start), _wall(shift.end)
        day = start.date()
        while day <= (end - dt.timedelta(microseconds=1)).date():
            midnight = dt.datetime.combine(day, dt.time())
            since, until = max(start, midnight), min(end, midnight + dt.timedelta(days=1))
            spells = days.setdefault(day, [])
            begin = f"{since:%H:%M}"
            finish = "24:00" if until == midnight + dt.timedelta(days=1) else f"{until:%H:%M}"
            last = spells[-1] if spells else None
            if last and (last.name, last.backup) == (name, backup) and last.end == begin:
                spells[-1] = last._replace(end=finish)  # back-to-back shifts of one lead and backup
            else:
                spells.append(LeadTime(begin, finish, name, phone, backup, backup_phone))
            day += dt.timedelta(days=1)
    return days


def _wall(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None, fold=0)


def cut(item: Model, audience: Audience) -> Model:
    """A copy of `item` holding only what `audience` may see."""
    update = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        needed = item.field_audience(name)
        if needed is not None and not audience.allows(needed):
            update[name] = _empty(value)
        else:
            update[name] = _cut_value(value, audience)
    return item.model_copy(update=update)


def _cut_value(value, audience: Audience):
    if isinstance(value, list):
        return [_cut_value(v, audience) for v in value if not _hidden(v, audience)]
    if isinstance(value, Model):
        return None if _hidden(value, audience) else cut(value, audience)
    return value


def _hidden(value, audience: Audience) -> bool:
    return isinstance(value, Model) and not audience.allows(value.item_audience())


def _empty(value):
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return None


def leaf_audiences(item: Model, path: tuple = (), inherited: Audience = Audience.public):
    """(path, value, audience) for every leaf of the plan: the strictest audience on its way down."""
    here = _stricter(inherited, item.item_audience())
    for name in type(item).model_fields:
        value = getattr(item, name)
        needed = item.field_audience(name)
        level = _stricter(here, needed) if needed else here
        yield from _leaves(value, path + (name,), level)


def _leaves(value, path: tuple, level: Audience):
    if isinstance(value, Model):
        yield from leaf_audiences(value, path, level)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,), level)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,), level)
    elif value is not None:
        yield path, value, level


def _stricter(a: Audience, b: Audience | None) -> Audience:
    return a if b is None or a.rank >= b.rank else b
