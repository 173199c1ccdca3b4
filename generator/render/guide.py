"""The view the templates read: one edition with the derived facts worked out in Python."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..assets import AssetPolicy
from ..plan.model import (
    Audience,
    Cell,
    Channel,
    ChannelKind,
    Decisions,
    EmergencyService,
    Plan,
    Question,
    Resource,
    Responder,
    ResponderRole,
    Role,
    RoleKind,
    Room,
    RoomKind,
    Shift,
    Timeline,
    Venue,
    Waiver,
    WaiverItem,
)
from . import markdown
from .drill import DrillKit, drill_kit
from .edition import Edition, LeadTime, has_public_document, name_shown
from .formatting import days_text, phone_display
from .locale import Localizer, plain_text, plan_localizer
from .styles import card_body_style, card_line_style, cards_css, font_css, page_css, poster_css, poster_number_style, stylesheet
from .words import (
    channel_word,
    emergency_advice,
    emergency_calls,
    emergency_groups,
    emergency_line,
    emergency_route,
    linked_number,
    plain_number,
    relation_word,
    resource_word,
    role_word,
    room_word,
)


@dataclass(frozen=True)
class Punctuation:
    """Marks the templates put between plan values, from the catalogs: French `\u202f:`, Japanese `：` and `。`."""

    colon: Markup  # after a label that ends a line: "Backup:"
    label: Markup  # between a label and its value: "Say: …"
    between: Markup  # between two sentences or a name and its details: "Room A. 5th floor"
    stop: Markup  # at the end of a title or sentence
    comma: Markup  # between items of a plain list
    open: Markup  # before an aside in parentheses, with the space before it: " ("
    close: Markup  # after it
    semicolon: Markup  # between two clauses: "the main hall; police 110"
    quote_open: Markup  # around words to say as they are: “…” in English, « … » in French, 「…」 in Japanese
    quote_close: Markup
    separator: Markup  # between items of a line that are not a sentence: "Police: 110 · Ambulance: 119"; Japanese "　"

    @property
    def space(self) -> str:
        """The space between two parts the templates join (a name and its mark), none where the language writes
        none between sentences (Japanese: its `between` is 。 alone)."""
        return " " if self.between.endswith(" ") else ""

    def ended(self, value: object) -> Markup:
        """The value and the stop after it, unless it ends with one already (an abbreviated date: "Fri 22 Oct.")."""
        return Markup("{}{}").format(value, "" if _ends_with(value, self.stop) else self.stop)

    def then(self, value: object) -> Markup:
        """The value and the mark before the next sentence, its stop left out where the value ends with one."""
        stop = self.stop.strip()
        mark = self.between[len(stop):] if stop and self.between.startswith(stop) and _ends_with(value, stop) else self.between
        return Markup("{}{}").format(value, mark)

    def quoted(self, value: object) -> Markup:
        """The value in the locale's quotation marks, unless the plan wrote it in quotation marks of its own."""
        written = plain_text(escape(value))
        if written[:1] in _OPENING_QUOTES and written[-1:] in _CLOSING_QUOTES and len(written) > 1:
            return escape(value)
        return Markup("{}{}{}").format(self.quote_open, value, self.quote_close)

    def aside(self, value: object, tight: bool = False) -> Markup:
        """The value in parentheses after what it qualifies; `tight`: with no space before them."""
        opening = Markup(self.open.strip()) if tight else self.open
        return Markup("{}{}{}").format(opening, value, self.close)


def punctuation(loc: Localizer) -> Punctuation:
    return Punctuation(
        colon=loc.t("punct.colon"),
        label=loc.t("punct.label"),
        between=loc.t("punct.between"),
        stop=loc.t("punct.stop"),
        comma=loc.t("punct.comma"),
        open=loc.t("punct.open"),
        close=loc.t("punct.close"),
        semicolon=loc.t("punct.semicolon"),
        quote_open=loc.t("punct.quote-open"),
        quote_close=loc.t("punct.quote-close"),
        separator=loc.t("punct.separator"),
    )


def _notes(services: Iterable[EmergencyService]) -> list[tuple[str | None, str | None]]:
    """The (note, link) the plan gives on these emergency numbers, each once."""
    return list(dict.fromkeys((service.when, service.link) for service in services if service.when or service.link))


# Quotation marks a plan may open and close its own words with, in the languages it is written in
_OPENING_QUOTES = frozenset("\"'“‘«»„‚「『‹›”")
_CLOSING_QUOTES = frozenset("\"'”’»«“」』›‹")


def _ends_with(value: object, mark: str) -> bool:
    mark = mark.strip()
    return bool(mark) and plain_text(escape(value)).rstrip().endswith(mark)


@dataclass
class ShiftRow:
    start: str
    end: str
    lead: str
    others: list[str]
    note: str | None
    start_utc: str = ""  # ISO 8601 in UTC, for the page's "on now" marker
    end_utc: str = ""
    end_day: str = ""  # the day it ends on, when that is a later day than the next midnight: "Fri 22 Oct"


@dataclass
class Guide:
    """What the templates need from an edition, with the derived facts worked out in Python."""

    edition: Edition
    medium: str
    paper: str
    policy: AssetPolicy | None = None
    source_date: dt.datetime | None = None
    loc: Localizer | None = None
    draft: bool = False  # the plan still holds placeholders or a starter's samples: DRAFT on every page
    plan: Plan = field(init=False)

    def __post_init__(self) -> None:
        self.plan = self.edition.plan
        if self.loc is None:
            self.loc = plan_localizer(self.plan)

    @property
    def t(self) -> Localizer:
        assert self.loc is not None
        return self.loc

    # identity
    @property
    def audience(self) -> Audience:
        return self.edition.audience

    @property
    def edition_title(self) -> Markup:
        return self.t.t(self.edition.spec.title)

    @property
    def title(self) -> Markup:
        return Markup("{} \u2013 {}").format(self.plan.event.name, self.edition_title)

    @property
    def lang(self) -> str:
        """The page's language: the plan's (its text in other languages is marked with its own, and
        the tool's words, where the locale has no catalog, with English)."""
        return self.t.text_language

    @property
    def dir(self) -> str:
        return self.t.direction

    @property
    def international(self) -> bool:
        """Phone numbers in international format: on the public sheet of an event with visitors from abroad."""
        return self.audience is Audience.public and self.plan.event.prints_international

    def phone(self, number: str | None) -> str:
        return phone_display(number, self.region, international=self.international)

    @property
    def author(self) -> str:
        return self.plan.event.organiser or self.plan.event.name

    @property
    def region(self) -> str | None:
        return self.plan.region

    @property
    def is_private(self) -> bool:
        return self.audience.private

    @property
    def logo(self) -> str | None:
        """The plan's logo as an image source: inlined in the HTML, read through the fetcher when printed."""
        return self._image_source(self.plan.event.logo) if self.plan.event.logo else None

    # reporting, for attendees
    @property
    def hotline(self) -> Channel | None:
        """The number attendees call: the first channel (this edition may see) with a phone."""
        return next((channel for channel in self.plan.reporting.channels if channel.phone), None)

    @property
    def report_link(self) -> Channel | None:
        """Where to report online: the first form with a link, else the first channel with a link."""
        linked = [channel for channel in self.plan.reporting.channels if channel.link]
        return next((channel for channel in linked if channel.kind is ChannelKind.form), linked[0] if linked else None)

    # emergency and places
    @property
    def venues(self) -> list[Venue]:
        return self.plan.venues

    @property
    def emergency_numbers(self) -> list[str]:
        return self.plan.emergency_numbers

    @property
    def emergency_services(self) -> list[EmergencyService]:
        return self.plan.emergency_services

    @property
    def emergency_line(self) -> Markup:
        """Every emergency number with its service on one line: "Police: 110 · Ambulance and fire: 119"."""
        return emergency_line(self.t, self.emergency_services)

    @property
    def emergency_footer(self) -> str:
        """The footer's emergency line as plain text, each service kept with its number: the line breaks only between them."""
        return str(self.punct.separator).join(plain_text(call).replace(" ", "\u00a0")
                                                      for call in emergency_calls(self.t, self.emergency_services))

    def emergency_calls(self) -> list[tuple[Markup, list[tuple[str | None, str | None]]]]:
        """The large lines of an emergency box, numbers linked to dial, each with the plan's (note, link) on its numbers."""
        services = self.emergency_services
        calls = emergency_calls(self.t, services, linked_number)
        return [(call, _notes(group)) for call, group in zip(calls, emergency_groups(services), strict=True)]

    def emergency_route(self, linked: bool = False) -> Markup:
        """The number(s) a sentence sends people to: "112", or "police 110; ambulance and fire 119"."""
        return emergency_route(self.t, self.emergency_services, linked_number if linked else plain_number)

    @property
    def emergency_advice(self) -> list[Markup]:
        """Which number for what, where no number reaches every service."""
        return emergency_advice(self.t, self.emergency_services)

    def venue_calls(self, venue: Venue) -> Markup:
        """A venue's own numbers in a sentence, where venues differ."""
        return emergency_route(self.t, venue.emergency)

    @property
    def has_rota(self) -> bool:
        """Whether the plan has a rota, also in editions that may not see it (volunteers see who leads each day)."""
        return bool(self.plan.rota or self.edition.leads_by_day)

    @property
    def first_call(self) -> Markup:
        """Whom a volunteer tells next: the lead on call when there is a rota, else the team."""
        if self.has_rota:
            return self.t.t("who.first-call-lead")
        return self.t.t("who.response-team")

    @property
    def has_lead(self) -> bool:
        """Whether the team has a lead: it decides by its lead (`team.decides`), and someone is one or a rota names leads."""
        return self.plan.team.decides is Decisions.lead and (
            self.has_rota or any(r.role is ResponderRole.lead for r in self.plan.responders))

    @property
    def team_roles(self) -> bool:
        """Whether the team table needs a Role column: a team with a lead, or one where some members are fallbacks."""
        return self.plan.team.decides is Decisions.lead or any(r.role is not ResponderRole.responder for r in self.plan.responders)

    @property
    def decides_line(self) -> Markup | None:
        """How a team without a lead decides, said under the team table."""
        match self.plan.team.decides:
            case Decisions.together:
                return self.t.t("team.decides-together")
            case Decisions.vote:
                return self.t.t("team.decides-vote")
        return None

    def through_lead(self, responder: Responder) -> bool:
        """Whether a responder without a phone is reached through a lead: only a non-lead, and only if a lead has a phone."""
        return responder.role is not ResponderRole.lead and any(
            other.phone for other in self.plan.responders if other.role is ResponderRole.lead)

    @property
    def other_numbers(self) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
        """(who, number, when to call, where, link) for the cover: the venues' numbers, then their contacts."""
        rows: list[tuple[str, str | None, str | None, str | None, str | None]] = []
        for venue in self.plan.venues:
            rows += [(n.label, n.number, n.when, None, n.link) for n in venue.numbers]
            rows += [(c.name, c.phone, c.when, c.where, c.link) for c in venue.contacts if c.phone or c.where]
        return rows

    @property
    def emergency_notes(self) -> list[tuple[str, str | None, str | None]]:
        """(number, note, link) the plan gives with its emergency numbers, each note once, after the first number it is on."""
        seen: set[tuple[str | None, str | None]] = set()
        notes = []
        for service in self.emergency_services:
            for note in _notes([service]):
                if note not in seen:
                    seen.add(note)
                    notes.append((service.number, *note))
        return notes

    @property
    def venues_differ(self) -> bool:
        """Whether the venues have different emergency numbers (each venue then says its own)."""
        return len({tuple((s.number, s.reaches) for s in venue.emergency) for venue in self.plan.venues}) > 1

    def venue_days(self, venue: Venue) -> Markup:
        return days_text(self.t, venue.days, self.plan.event.days) if venue.days else Markup("")

    def rooms(self, *kinds: RoomKind) -> list[tuple[Venue, Room, Markup]]:
        """(venue, room, days) for rooms of the given kinds, in plan order."""
        found = []
        for venue in self.plan.venues:
            for room in venue.rooms:
                if not kinds or room.kind in kinds:
                    found.append((venue, room, self.room_days(venue, room)))
        return found

    def room_days(self, venue: Venue, room: Room) -> Markup:
        """The days a room is open: its own, else its venue's (a room at a one-day venue is not open 'every day')."""
        return days_text(self.t, room.days or venue.days, self.plan.event.days)

    def days_text(self, days: list[dt.date]) -> Markup:
        return days_text(self.t, days, self.plan.event.days)

    def room_word(self, room: Room) -> Markup:
        return room_word(self.t, room.kind)

    def resource_word(self, resource: Resource) -> Markup:
        return resource_word(self.t, resource.kind)

    # people
    @property
    def team(self) -> list[Responder]:
        return self.plan.responders

    def team_has(self, name: str) -> bool:
        """Whether any responder in this edition's cut plan still holds `name` (a column to show)."""
        return any(getattr(responder, name) for responder in self.plan.responders)

    def team_links(self, responder: Responder) -> list[Markup]:
        """Fallback and declared relationships of one responder, one line each (responder edition)."""
        lines = []
        if responder.fallback:
            lines.append(self.t.t("team.fallback", name=self.who(responder.fallback)))
        for relation in responder.relationships:
            line = relation_word(self.t, relation.kind).replace("{name}", escape(self.who(relation.with_)))
            if relation.note:
                line += self.punct.label + self.mdi(relation.note)
            lines.append(line)
        return lines

    def role_word(self, responder: Responder) -> Markup:
        return role_word(self.t, responder.role)

    def who(self, ident: str) -> str | Markup:
        """A role's or responder's name as this edition may show it; never a bare id."""
        role = self.plan.role(ident)
        if role:
            return role.name
        responder = self.plan.responder(ident)
        if responder and name_shown(responder, self.edition.audience):
            return responder.name
        if responder and responder.role.value == "lead":
            return self.t.t("who.lead-on-call")
        return self.t.t("who.response-team")

    def who_list(self, idents: Iterable[str]) -> Markup:
        """Several roles or responders as this locale lists them: 'A, B and C'."""
        return self.t.join(self.who(ident) for ident in idents)

    @property
    def waivers(self) -> list[tuple[Markup, Waiver]]:
        """Every waiver with what it covers, in this locale's words ("shift 9 Jun 00:00-08:00")."""
        return [(self._waiver_place(site.item), site.waiver) for site in self.plan.all_waivers()]

    def _waiver_place(self, item: WaiverItem | None) -> Markup:
        t = self.t.t
        match item:
            case None:
                return t("waiver.plan")
            case Venue():
                return t("waiver.venue", name=item.name)
            case Responder():
                return t("waiver.responder", name=item.name)
            case Shift():
                start, end = self._local(item.start), self._local(item.end)
                when = f"{self.t.short_date(start.date())} {plain_text(self.t.range(self.t.time(start), self.t.time(end)))}"
                return t("waiver.shift", when=when)
            case Channel():
                return t("waiver.channel", name=item.label)
            case _:
                return t("waiver.scenario", name=item.title)

    def roles_of(self, *kinds: RoleKind) -> list[Role]:
        return [role for role in self.plan.roles if role.kind in kinds]

    @property
    def chain(self) -> list[Role]:
        return [role for role in (self.plan.role(ident) for ident in self.plan.reporting.chain) if role]

    def channel_members(self, channel: Channel) -> list[Responder]:
        """The members an any-member channel lists, as this edition may show them (none where the team is hidden)."""
        if channel.kind is not ChannelKind.any_member:
            return []
        return [r for r in self.plan.responders if not channel.staffed_by or r.id in channel.staffed_by]

    # the channels the public sheet keeps when it must be printed in short (the rest are in procedure.pdf)
    SHORT_CHANNELS = 5

    @property
    def members_listed(self) -> bool:
        """Whether an any-member channel already lists the whole team (the public sheet then lists it once)."""
        return any(c.kind is ChannelKind.any_member and not c.staffed_by for c in self.plan.reporting.channels)

    def channel_word(self, channel: Channel) -> Markup:
        return channel_word(self.t, channel.kind)

    @property
    def leads_by_day(self) -> list[tuple[dt.date, list[LeadTime]]]:
        return sorted(self.edition.leads_by_day.items())

    def clock_range(self, start: str, end: str) -> Markup:
        """Two `HH:MM` times as the locale writes a range, a line break allowed after the mark between them."""
        nowrap = Markup('<span class="nowrap">{}</span>')
        return self.t.range(nowrap.format(self.clock(start)), Markup("<wbr>") + nowrap.format(self.clock(end)))

    def clock(self, text: str) -> str:
        """An `HH:MM` wall-clock time (24:00 for the end of a day) in the locale's clock."""
        hours, minutes = (int(part) for part in text.split(":"))
        return self.t.time(dt.time(hours % 24, minutes), end_of_day=hours == 24)

    @property
    def has_backups(self) -> bool:
        return any(spell.backup for _, spells in self.leads_by_day for spell in spells)

    @property
    def direct_lines(self) -> list[Channel]:
        """Phone channels not open to the public (the lead's direct line for volunteers): printed with the emergency number."""
        return [c for c in self.plan.reporting.channels
                if c.phone and c.kind in (ChannelKind.phone, ChannelKind.sms) and c.item_audience() is not Audience.public]

    @property
    def desk_days(self) -> list[tuple[dt.date | None, list[LeadTime], list[Venue], list[tuple[Venue, Room]]]]:
        """The desk sheet's pages: (day, its leads, the venues used that day, that day's safety rooms).

        A plan without dates (an online community) gets one undated page."""
        leads = self.edition.leads_by_day
        pages: list[tuple[dt.date | None, list[LeadTime], list[Venue], list[tuple[Venue, Room]]]] = []
        days: list[dt.date | None] = list(self.plan.event.days) or [None]
        for day in days:
            venues = [venue for venue in self.plan.venues if _on_day(day, venue.days)]
            rooms = [(venue, room) for venue in venues for room in venue.rooms
                     if room.kind is RoomKind.safety and _on_day(day, room.days)]
            pages.append((day, leads.get(day, []) if day else [], venues, rooms))
        return pages

    # rota, in the event's time zone
    @property
    def zone_note(self) -> str:
        """The time zone of the rota's times in the locale's words (CLDR): `British Summer Time`, `heure d’été britannique`.

        Named as it is on the shifts' days (summer or winter time); without shifts, the zone's generic name."""
        moments = [self._local(shift.start) for shift in self.plan.rota] or [  # volunteers see only who leads each day
            dt.datetime.combine(day, dt.time(12), self.plan.event.zone) for day in self.edition.leads_by_day]
        names = sorted({self.t.zone_name(moment) for moment in moments})
        return str(self.t.join(names)) if names else self.t.zone_name(self.plan.event.zone)

    def _local(self, moment: dt.datetime) -> dt.datetime:
        zone = self.plan.event.zone
        return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)

    @property
    def rota_days(self) -> list[tuple[dt.date, list[ShiftRow]]]:
        days: dict[dt.date, list[ShiftRow]] = {}
        for shift in sorted(self.plan.rota, key=lambda s: self._local(s.start)):
            start, end = self._local(shift.start), self._local(shift.end)
            days.setdefault(start.date(), []).append(self._row(shift, start, end))
        return sorted(days.items())

    def _row(self, shift: Shift, start: dt.datetime, end: dt.datetime) -> ShiftRow:
        end_day = ""
        if end.time() == dt.time(0, 0) and (end.date() - start.date()).days == 1:
            end_text = self.t.time(end, end_of_day=True)
        else:
            end_text = self.t.time(end)
            if end.date() != start.date():
                end_day = self.t.short_date(end.date())
        others = [self.who(r) for r in shift.responders if r != shift.lead]
        utc = self.plan.event.utc
        return ShiftRow(self.t.time(start), end_text, self.who(shift.lead), others, shift.note,
                        f"{utc(shift.start):%Y-%m-%dT%H:%M:%SZ}", f"{utc(shift.end):%Y-%m-%dT%H:%M:%SZ}", end_day)

    @property
    def venue_contacts(self) -> list[tuple[Venue, object]]:
        """The venues' contacts not already listed as resources under the same name."""
        listed = {resource.name.casefold() for resource in self.plan.resources}
        return [(venue, contact) for venue in self.plan.venues for contact in venue.contacts
                if contact.name.casefold() not in listed]

    # assessment
    def cell(self, impact: str, risk: str) -> Cell | None:
        if not self.plan.assessment:
            return None
        return next((c for c in self.plan.assessment.matrix if c.impact == impact and c.risk == risk), None)

    @property
    def question_groups(self) -> list[tuple[str | None, list[Question]]]:
        """The assessment's questions, consecutive ones on the same topic together: [(topic, questions), ...]."""
        groups: list[tuple[str | None, list[Question]]] = []
        for question in self.plan.assessment.questions if self.plan.assessment else []:
            if groups and groups[-1][0] == question.topic:
                groups[-1][1].append(question)
            else:
                groups.append((question.topic, [question]))
        return groups

    @property
    def public_numbers(self) -> list[tuple[str, str, str | None, str | None]]:
        """(label, number, when, link) of the venues' numbers this edition may show (the public ones on the public sheet)."""
        return [(n.label, n.number, n.when, n.link) for venue in self.plan.venues for n in venue.numbers]

    @property
    def has_public_document(self) -> bool:
        """Whether the plan makes public more than the sheet holds: then procedure.pdf and the public HTML carry it all."""
        return has_public_document(self.plan)

    @property
    def has_taking_reports(self) -> bool:
        """Whether the plan says anything about taking a report: its lists, or the information to gather."""
        taking = self.plan.taking_reports
        return bool(self.plan.information_to_gather or (taking and (taking.ask or taking.do or taking.do_not)))

    @property
    def form_rows(self) -> list[FormRow]:
        """The report form's fields: the plan's own, or, when it has none, one per item of the information to gather."""
        if self.plan.report_form:
            return [FormRow(Markup.escape(f.label), f.help, f.lines, f.choices) for f in self.plan.report_form]
        gather = self.plan.information_to_gather
        return [FormRow(self.mdi(item), None, 3, []) for item in gather.items] if gather else []

    @property
    def resolution_rows(self) -> list[FormRow]:
        """The resolution record's fields: what was decided, by whom, the response given, who told whom, appeal."""
        t = self.t.t
        return [
            FormRow(t("record.report"), None, 1, []),
            FormRow(t("record.decided"), None, 5, []),
            FormRow(t("record.by-whom"), None, 2, []),
            FormRow(t("record.response"), None, 3, []),
            FormRow(t("record.told"), None, 3, []),
            FormRow(t("record.appeal"), None, 3,
                    [t("record.appeal-none"), t("record.appeal-received"), t("record.appeal-decided")]),
            FormRow(t("record.closed"), None, 1, []),
        ]

    def timeline_when(self, item: Timeline) -> Markup:
        """A timeline's time: 'within 24 hours' for a deadline, the plan's own words otherwise ('every week')."""
        if item.within:
            return self.t.t("timeline.within", within=item.within)
        return Markup.escape(item.when or "")

    def level_name(self, kind: str, ident: str) -> str | Markup:
        if self.plan.assessment:
            levels = self.plan.assessment.impact_levels if kind == "impact" else self.plan.assessment.risk_levels
            level = next((lv for lv in levels if lv.id == ident), None)
            if level:
                return level.name
        # without an assessment the levels are DEFAULT_LEVELS, named in the guide's language
        name = {"low": self.t.t("level.low"), "high": self.t.t("level.high")}.get(ident, ident)
        if kind == "impact":
            return self.t.t("level.impact", level=name)
        return self.t.t("level.risk", level=name)

    def language_list(self, codes: Iterable[str]) -> Markup:
        """Languages by their names in the guide's language (CLDR): `ja, en` is 日本語、英語 in Japanese."""
        return self.t.series(self.t.language_name(code) for code in codes)

    @functools.cached_property
    def punct(self) -> Punctuation:
        """The locale's own marks between the guide's parts (a label and its value, two sentences)."""
        return punctuation(self.t)

    # the tabletop drill kit (drill.html.j2)
    @functools.cached_property
    def drill(self) -> DrillKit:
        return drill_kit(self)

    # prose
    def md(self, text: str | None) -> Markup:
        return markdown.to_html(text, self._image_source) if text else Markup("")

    def mdi(self, text: str | None) -> Markup:
        return markdown.to_inline_html(text, self._image_source) if text else Markup("")

    def _image_source(self, src: str) -> str:
        if self.policy is None:
            return src
        if self.medium == "screen":
            return self.policy.inline_image(src)
        return src  # WeasyPrint reads it through the restricted fetcher

    # dates
    @property
    def dates(self) -> str:
        return self.t.date_range(self.plan.event.starts, self.plan.event.ends)

    @property
    def created(self) -> str | None:
        """W3C date of the build when SOURCE_DATE_EPOCH fixes it; otherwise the PDF carries no date."""
        if self.source_date is None:
            return None
        return self.source_date.strftime("%Y-%m-%dT%H:%M:%SZ")

    def css(self, name: str) -> Markup:
        return stylesheet(name)

    @property
    def page_css(self) -> Markup:
        return page_css(self.t)

    @property
    def font_css(self) -> Markup:
        return font_css(self.plan.locale, self.medium)

    @property
    def cards_css(self) -> Markup:
        return cards_css(self.t)

    @property
    def poster_css(self) -> Markup:
        return poster_css(self.paper)

    def poster_number_style(self, text: str, largest: float, smallest: float) -> Markup:
        return poster_number_style(text, self.paper, largest, smallest)

    def card_line_style(self, text: str, largest: float, smallest: float) -> Markup:
        return card_line_style(text, largest, smallest)

    def card_body_style(self, emergency: str) -> Markup:
        return card_body_style(emergency)


@dataclass(frozen=True)
class FormRow:
    """One field of a printed form: its label (Markup), a line of help, writing lines, answers to tick."""

    label: Markup
    help: str | None
    lines: int
    choices: list[str] | list[Markup]


def _on_day(day: dt.date | None, days: list[dt.date]) -> bool:
    """Whether something kept on `days` (none: every day) is there on `day` (None: a plan without dates)."""
    return day is None or not days or day in days
