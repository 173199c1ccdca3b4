"""Step 4, edition: the editions there are, and the plan cut down to what one audience may see.

EDITIONS is the one list of editions: the command line's --edition choices, the
titles, the build's files and the leak check's file map all come from it. A new
edition is one row here plus its template in templates/ and its title's
message in templates/locale/messages.pot (translated in every catalog).

Templates receive only the cut copy, so a template cannot show what it was never
given. Whatever is above the audience becomes None (single values) or is left out
(items of lists); the leak check later proves nothing slipped through another way.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, NamedTuple, TypeVar

from ..messages import english, message_id
from ..paths import PRIVATE_DIR
from ..plan.model import Audience, Model, Plan, Responder
from ..plan.policy import audience as policy_audience
from .locale import plan_localizer

# The message an edition prints in place of a required value its readers may not see (never None, never blank)
HIDDEN_WORDS: dict[tuple[type, str], str] = {(Responder, "name"): message_id("who.hidden-responder")}
# A message id -> its text in the plan's language and wording, as plain text (a name in the cut plan)
Words = Callable[[str], str]

Item = TypeVar("Item", bound=Model)


@dataclass(frozen=True)
class EditionSpec:
    """One row of the editions table: who reads it, its title, template and files (under private/ when its readers are responders)."""

    name: str
    audience: Audience
    title: str  # its title's message id ("edition.volunteer": "Volunteer guide"): the cover, the running header, the page title
    template: str  # in templates/
    stem: str  # its files are STEM.pdf and STEM.html
    sealable: bool = False  # `build --seal` encrypts its HTML
    formats: tuple[str, ...] = ("pdf", "html")  # a printed-only output (a desk sheet, cards) says ("pdf",)
    level_from: str | None = None  # a plan field whose audience sets this edition's (the report form's)
    print_css: tuple[str, ...] = ()  # its own print stylesheets in templates/css, after base.css and print.css
    fit_css: tuple[str, ...] = ()  # added, and printed again, when the edition runs past one page (public sheet, poster)
    short_fallback: bool = False  # still past one page: printed once more in short (render_html(short=True)), the rest in procedure.pdf
    needs: str | None = None  # a plan field or property that must hold something for this edition to exist (the desk sheet's venues)
    unless: str | None = None  # a `team` flag that makes this edition needless (no volunteer guide when the organizers respond)

    @property
    def private(self) -> bool:
        """Written under private/ (mode 0600): an edition for responders."""
        return self.audience.private

    def exists_for(self, plan: Plan) -> bool:
        """Whether the plan has what this edition prints: a report form for the form, a venue for the desk sheet."""
        if self.unless and getattr(plan.team, self.unless):
            return False
        needed = self.needs or self.level_from
        if needed == "has_public_document":  # worked out from the plan's public cut (below), not a field of the plan
            return has_public_document(plan)
        return bool(getattr(plan, needed)) if needed else True

    def for_plan(self, plan: Plan) -> EditionSpec:
        """This row with its audience (and privacy) taken from the plan when `level_from` says so."""
        level = plan.field_audience(self.level_from) if self.level_from else None
        if level is None:
            return self
        return replace(self, audience=level)

    def file(self, suffix: str) -> PurePosixPath:
        folder = PurePosixPath(PRIVATE_DIR) if self.private else PurePosixPath()
        return folder / f"{self.stem}.{suffix}"

    def every_file(self) -> set[str]:
        """Its files in both places (a report form moves under private/ when its audience rises): what a build of it
        replaces, so that none written by an earlier build is left beside the new ones."""
        return {f"{folder}{self.stem}.{suffix}" for suffix in self.formats for folder in ("", f"{PRIVATE_DIR}/")}


# The editions `build` writes, in order.
EDITIONS: dict[str, EditionSpec] = {
    spec.name: spec
    for spec in (
        EditionSpec("public", Audience.public, message_id("edition.public"), "public.html.j2", "public",
                    print_css=("print-public.css",), fit_css=("print-public-fit.css",), short_fallback=True),
        EditionSpec("procedure", Audience.public, message_id("edition.procedure"), "procedure.html.j2", "procedure",
                    formats=("pdf",), print_css=("print-guide.css",), needs="has_public_document"),
        EditionSpec("volunteer", Audience.volunteer, message_id("edition.volunteer"), "volunteer.html.j2", "volunteer",
                    print_css=("print-guide.css",), unless="organizers_respond"),
        EditionSpec("responder", Audience.responder, message_id("edition.responder"), "responder.html.j2", "responder",
                    sealable=True, print_css=("print-guide.css",)),
        EditionSpec("desk", Audience.volunteer, message_id("edition.desk"), "desk.html.j2", "desk", formats=("pdf",),
                    print_css=("print-desk.css",), needs="venues"),
        EditionSpec("cards", Audience.public, message_id("edition.cards"), "cards.html.j2", "cards", formats=("pdf",),
                    print_css=("print-cards.css",)),
        EditionSpec("poster", Audience.public, message_id("edition.poster"), "poster.html.j2", "poster", formats=("pdf",),
                    print_css=("print-poster.css",), fit_css=("print-poster-fit.css",)),
        EditionSpec("report-form", Audience.responder, message_id("edition.report-form"), "report_form.html.j2", "report-form",
                    formats=("pdf",), level_from="report_form", print_css=("print-report-form.css",), needs="has_report_form"),
        EditionSpec("resolution-record", Audience.responder, message_id("edition.resolution-record"), "resolution_record.html.j2", "resolution-record",
                    formats=("pdf",), print_css=("print-report-form.css",)),
        EditionSpec("drill", Audience.responder, message_id("edition.drill"), "drill.html.j2", "drill", formats=("pdf",),
                    print_css=("print-drill.css",)),
    )
}


# Each responder's shifts, to import into their own calendar: written with the responder edition, private (the rota is
# responder-only), rota-ID.ics.
ROTA_PREFIX, ROTA_SUFFIX = "rota-", ".ics"


def rota_file(responder_id: str) -> PurePosixPath:
    """The calendar file of one responder's shifts, relative to the set's folder."""
    return PurePosixPath(PRIVATE_DIR) / f"{ROTA_PREFIX}{responder_id}{ROTA_SUFFIX}"


def is_rota_file(name: str) -> bool:
    """Whether `name` (relative to the set's folder) is a responder's calendar file, which each responder build replaces."""
    path = PurePosixPath(name)
    return path.parent == PurePosixPath(PRIVATE_DIR) and path.name.startswith(ROTA_PREFIX) and path.name.endswith(ROTA_SUFFIX)


def has_public_document(plan: Plan) -> bool:
    """Whether the plan makes public more than the one-page sheet shows in short: a procedure, an assessment,
    definitions, roles, resources, responses, appeals, timelines, the communication texts, or its members."""
    public = cut(plan, Audience.public)
    c = public.communication
    return bool(public.procedure or public.assessment or public.definitions or public.roles or public.resources
                or public.responses or public.response_groups or public.reporting.appeals or public.responders
                or (c and (c.timelines or c.confidentiality or c.public_statements or c.records or c.retention
                           or c.transparency_report)))


def is_guide_file(name: str) -> bool:
    """Whether `name` (relative to the set's folder) is a file the tool writes: an edition's, in either place, a
    volunteer drill kit or a calendar file (not one the user put there)."""
    return is_rota_file(name) or any(name in spec.every_file() for spec in (*EDITIONS.values(), drill_spec(Audience.volunteer)))


def drill_spec(audience: Audience) -> EditionSpec:
    """The drill kit's row, or its volunteer-level variant (not private: it holds nothing the volunteer guide may not)."""
    spec = EDITIONS["drill"]
    if audience is Audience.responder:
        return spec
    if audience is not Audience.volunteer:
        raise ValueError("a drill kit is for responders or volunteers")
    return replace(spec, audience=Audience.volunteer, stem="drill-volunteer")


class LeadTime(NamedTuple):
    """Who leads from when to when on one day, in the event's wall-clock time ("24:00" ends the day)."""

    start: str
    end: str
    name: str
    phone: str | None = None  # the lead's phone as the edition may show it (None: hidden or none)
    backup: str | None = None  # the shift's first other responder, the next call when the lead does not answer
    backup_phone: str | None = None
    contact: str | None = None  # without a phone: the lead's chat handle or e-mail address as the edition may show it
    backup_contact: str | None = None


@dataclass(frozen=True)
class Edition:
    """One audience's plan plus the few facts derived from data it may not see in full."""

    audience: Audience
    plan: Plan
    # day -> the leads on call through that day: volunteer-level, though the rota itself is not
    leads_by_day: dict[dt.date, list[LeadTime]] = field(default_factory=dict)
    spec_name: str | None = None  # its row in EDITIONS; by default the edition named after the audience

    @property
    def spec(self) -> EditionSpec:
        return EDITIONS[self.spec_name or self.audience.value]

    @property
    def name(self) -> str:
        return self.spec.name


def make_edition(plan: Plan, audience: Audience, name: str | None = None) -> Edition:
    """The plan as `audience` may see it; `name` picks the row of EDITIONS when several share an audience."""
    words = plan_words(plan)
    cut_plan = cut(plan, audience, words)
    leads = lead_times(plan, cut_plan, audience, words) if audience.allows(Audience.volunteer) else {}
    return Edition(audience, cut_plan, leads, name)


def plan_words(plan: Plan) -> Words:
    """Messages as plain text in the plan's language and wording, for the values an edition hides (its localizer
    built only when something is hidden)."""
    loc = functools.cache(lambda: plan_localizer(plan))
    return lambda ident: loc().text(ident)


def lead_times(plan: Plan, cut_plan: Plan, audience: Audience, words: Words = english) -> dict[dt.date, list[LeadTime]]:
    """Each event day's leads with their hours, from the full rota but with names as `cut_plan` shows them."""
    days: dict[dt.date, list[LeadTime]] = {}
    for shift in sorted(plan.rota, key=lambda s: plan.event.utc(s.start)):
        lead = cut_plan.responder(shift.lead)
        name = lead.name if lead and name_shown(lead, audience) else words(message_id("who.lead-on-call"))
        phone = lead.phone if lead else None
        second = next((cut_plan.responder(r) for r in shift.responders if r != shift.lead and cut_plan.responder(r)), None)
        backup = second.name if second and second.name else None
        backup_phone = second.phone if second else None
        contact, backup_contact = _reach(lead), _reach(second)
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
                spells.append(LeadTime(begin, finish, name, phone, backup, backup_phone, contact, backup_contact))
            day += dt.timedelta(days=1)
    return days


def _reach(responder: Responder | None) -> str | None:
    """How to reach someone with no phone the edition shows: their first chat handle, else their e-mail (as cut)."""
    if responder is None or responder.phone:
        return None
    return next(iter(responder.chat), None) or responder.email or None


def name_shown(responder: Responder, audience: Audience) -> bool:
    """True when readers of `audience` may see this responder's name (else it reads HIDDEN_WORDS)."""
    return audience.allows(responder.field_audience("name") or responder.item_audience())


def _wall(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None, fold=0)


def cut(item: Item, audience: Audience, words: Words = english) -> Item:
    """A copy of `item` holding only what `audience` may see; a hidden required value reads `words` of its message."""
    update: dict[str, Any] = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        needed = item.field_audience(name)
        if needed is not None and not audience.allows(needed):
            hidden = HIDDEN_WORDS.get((type(item), name))
            update[name] = words(hidden) if hidden else _empty(value)
        elif name == "policy" and isinstance(item, Plan):  # the sentences this edition's readers may read
            update[name] = {ident: text for ident, text in value.items() if audience.allows(Audience(policy_audience(ident)))}
        else:
            update[name] = _cut_value(value, audience, words)
    return item.model_copy(update=update)


def _cut_value(value: Any, audience: Audience, words: Words) -> Any:
    if isinstance(value, list):
        return [_cut_value(v, audience, words) for v in value if not _hidden(v, audience)]
    if isinstance(value, Model):
        return None if _hidden(value, audience) else cut(value, audience, words)
    return value


def _hidden(value: Any, audience: Audience) -> bool:
    return isinstance(value, Model) and not audience.allows(value.item_audience())


def _empty(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return None
