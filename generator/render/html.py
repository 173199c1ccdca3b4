"""Step 5, render: one edition to HTML through the Jinja templates in templates/.

The same templates serve two media:
- "screen": the self-contained HTML guide (CSS inline, a system font stack, QR codes
  as inline SVG, pictures as data: URIs, a Content-Security-Policy that forbids any
  request);
- "print": the input for WeasyPrint (generator.render.pdf), which adds the print
  stylesheets, the bundled fonts and the page layout.

Safety: autoescape is on and undefined names are errors; plan text reaches the
templates only as data (never as template source), and prose goes through
generator.render.markdown (Markdown, then the nh3 allowlist).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import phonenumbers
import segno
from markupsafe import Markup

import generator
from generator.plan.model import (
    Audience,
    ChannelKind,
    Plan,
    RelationKind,
    ResponderRole,
    RoleKind,
    RoomKind,
    Shift,
    Venue,
    usual_emergency_number,
)
from generator.render import markdown
from generator.render.assets import AssetPolicy
from generator.render.edition import Edition

# Where US Letter is the usual paper (CLDR's paper-size data); A4 everywhere else.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "PR", "SV", "VE"})
PAPER_SIZES = ("a4", "letter")

EDITION_TITLES = {
    Audience.public: "How to report",
    Audience.volunteer: "Volunteer guide",
    Audience.responder: "Responder guide",
}
ROLE_WORDS = {ResponderRole.lead: "Lead", ResponderRole.responder: "Responder", ResponderRole.fallback: "Fallback"}
RELATION_WORDS = {RelationKind.partner: "Partner of", RelationKind.family: "Family of",
                  RelationKind.conflict: "Conflict of interest with", RelationKind.other: "Relationship with"}
ROOM_WORDS = {RoomKind.safety: "Safety room", RoomKind.staff: "Staff room", RoomKind.first_aid: "First aid", RoomKind.other: "Room"}
CHANNEL_WORDS = {ChannelKind.phone: "Call or text", ChannelKind.sms: "Text", ChannelKind.email: "E-mail",
                 ChannelKind.in_person: "In person", ChannelKind.form: "Online form", ChannelKind.chat: "Chat"}


def templates_dir() -> Path:
    """The templates: packaged as generator/templates by `pip install .`, else the checkout's templates/."""
    packaged = Path(generator.__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(generator.__file__).resolve().parent.parent / "templates"


def default_paper(plan: Plan) -> str:
    """Letter where it is the usual paper (US, Canada, Mexico, the Philippines...), A4 elsewhere."""
    return "letter" if plan.region in LETTER_COUNTRIES else "a4"


# --- formatting helpers (also the Jinja filters) --------------------------------

def phone_display(number: str | None, region: str | None) -> str:
    """A stored number the way people there write it: national format at home, international abroad."""
    if not number:
        return ""
    if not number.startswith("+"):
        return number  # a short service number: 999, 101, 116 123
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if region and phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_href(number: str) -> str:
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def date_range(first: dt.date | None, last: dt.date | None) -> str:
    if first is None:
        return ""
    if last is None or last == first:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} \u2013 {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} \u2013 {last.day} {last:%B %Y}"


def days_text(days: Iterable[dt.date], all_days: list[dt.date]) -> str:
    """'Every day', 'Wed 9 Jun', 'Wed 9 Jun and Thu 10 Jun'."""
    days = sorted(days)
    if not days or (all_days and days == sorted(all_days)):
        return "Every day"
    names = [short_date(d) for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def bare_url(url: str) -> Markup:
    """A link as people read it aloud (no https://, no trailing slash), with line-break chances after slashes."""
    text = re.sub(r"^https?://", "", url).rstrip("/") or url
    return Markup("/<wbr>").join(text.split("/"))


def qr_svg(url: str, label: str) -> Markup:
    """A QR code for `url` as inline SVG, with `label` as its accessible name (PDF alt text)."""
    code = segno.make(url, error="l")  # the smallest code (biggest modules); segno raises the level when it fits
    svg = code.svg_inline(scale=4, border=2, title=label, svgclass="qr", lineclass=None, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


# --- the view the templates read ----------------------------------------------

@dataclass
class ShiftRow:
    start: str
    end: str
    lead: str
    others: list[str]
    note: str | None
    start_utc: str = ""  # ISO 8601 in UTC, for the page's "on now" marker
    end_utc: str = ""


# The HTML guides' one script: marks the rota row that is on now by the device's clock and closes
# the jump menu after a jump. The page's Content-Security-Policy allows exactly this script by its
# hash; without it the page is the same, unmarked, with the menu left open.
NOW_SCRIPT = (
    "document.addEventListener('DOMContentLoaded',function(){var now=Date.now();"
    "document.querySelectorAll('.jump a').forEach(function(link){link.addEventListener('click',"
    "function(){link.closest('details').open=false;});});"
    "document.querySelectorAll('tr[data-start]').forEach(function(row){"
    "if(Date.parse(row.dataset.start)<=now&&now<Date.parse(row.dataset.end)){"
    "row.classList.add('now');var mark=document.createElement('strong');mark.className='now-mark';"
    "mark.textContent=' On now';row.cells[0].appendChild(mark);}});});"
)
NOW_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(NOW_SCRIPT.encode("utf-8")).digest()).decode("ascii")


@dataclass
class Guide:
    """What the templates need from an edition, with the derived facts worked out in Python."""

    edition: Edition
    medium: str
    paper: str
    policy: AssetPolicy | None = None
    source_date: dt.datetime | None = None
    plan: Plan = field(init=False)

    def __post_init__(self):
        self.plan = self.edition.plan

    # identity
    @property
    def audience(self) -> Audience:
        return self.edition.audience

    @property
    def edition_title(self) -> str:
        return EDITION_TITLES[self.audience]

    @property
    def title(self) -> str:
        return f"{self.plan.event.name} \u2013 {self.edition_title}"

    @property
    def lang(self) -> str:
        return self.plan.event.languages[0]

    @property
    def author(self) -> str:
        return self.plan.event.organiser or self.plan.event.name

    @property
    def region(self) -> str | None:
        return self.plan.region

    @property
    def is_private(self) -> bool:
        return self.audience is Audience.responder

    # emergency and places
    @property
    def venues(self) -> list[Venue]:
        return self.plan.venues

    @property
    def emergency_numbers(self) -> list[str]:
        numbers = [venue.emergency for venue in self.plan.venues]
        if not numbers and self.plan.event.country:
            numbers = [usual_emergency_number(self.plan.event.country)]
        return list(dict.fromkeys(numbers))

    @property
    def emergency_line(self) -> str:
        numbers = self.emergency_numbers
        return "Emergency: " + " / ".join(numbers) if numbers else "Emergency: your local emergency number"

    @property
    def other_numbers(self) -> list[tuple[str, str | None, str | None, str | None]]:
        """(who, number, when to call, where) for the cover: the venues' numbers, then their contacts."""
        rows = []
        for venue in self.plan.venues:
            rows += [(n.label, n.number, n.when, None) for n in venue.numbers]
            rows += [(c.name, c.phone, c.when, c.where) for c in venue.contacts if c.phone or c.where]
        return rows

    def venue_days(self, venue: Venue) -> str:
        return days_text(venue.days, self.plan.event.days) if venue.days else ""

    def rooms(self, *kinds: RoomKind) -> list[tuple[Venue, object, str]]:
        """(venue, room, days) for rooms of the given kinds, in plan order."""
        found = []
        for venue in self.plan.venues:
            for room in venue.rooms:
                if not kinds or room.kind in kinds:
                    found.append((venue, room, days_text(room.days, self.plan.event.days)))
        return found

    def days_text(self, days: list[dt.date]) -> str:
        return days_text(days, self.plan.event.days)

    def room_word(self, room) -> str:
        return ROOM_WORDS[room.kind]

    # people
    @property
    def team(self):
        return self.plan.responders

    def team_has(self, name: str) -> bool:
        """Whether any responder in this edition's cut plan still holds `name` (a column to show)."""
        return any(getattr(responder, name) for responder in self.plan.responders)

    def team_links(self, responder) -> list[Markup]:
        """Fallback and declared relationships of one responder, one line each (responder edition)."""
        lines = []
        if responder.fallback:
            lines.append(Markup("Fallback: {}").format(self.who(responder.fallback)))
        for relation in responder.relationships:
            line = Markup("{} {}").format(RELATION_WORDS[relation.kind], self.who(relation.with_))
            if relation.note:
                line += Markup(": ") + self.mdi(relation.note)
            lines.append(line)
        return lines

    def role_word(self, responder) -> str:
        return ROLE_WORDS[responder.role]

    def who(self, ident: str) -> str:
        """A role's or responder's name as this edition may show it; never a bare id."""
        role = self.plan.role(ident)
        if role:
            return role.name
        responder = self.plan.responder(ident)
        if responder and responder.name:
            return responder.name
        return "the lead on call" if responder and responder.role.value == "lead" else "the response team"

    def roles_of(self, *kinds: RoleKind):
        return [role for role in self.plan.roles if role.kind in kinds]

    @property
    def chain(self):
        return [role for role in (self.plan.role(ident) for ident in self.plan.reporting.chain) if role]

    def channel_word(self, channel) -> str:
        return CHANNEL_WORDS[channel.kind]

    @property
    def leads_by_day(self) -> list[tuple[dt.date, list]]:
        return sorted(self.edition.leads_by_day.items())

    @staticmethod
    def lead_times_text(spells) -> Markup:
        """'Amara Okonjo-Reyes' for a whole day, else '00:00-08:00 Dimitra, 08:00-16:00 Amara'.

        Each name is escaped and isolated in <bdi>, so right-to-left names keep their order.
        """
        if len(spells) == 1 and (spells[0].start, spells[0].end) == ("00:00", "24:00"):
            return Markup("<bdi>{}</bdi>").format(spells[0].name)
        return Markup(", ").join(Markup("{}\u2013{} <bdi>{}</bdi>").format(s.start, s.end, s.name) for s in spells)

    @property
    def has_backups(self) -> bool:
        return any(spell.backup for _, spells in self.leads_by_day for spell in spells)

    @property
    def direct_lines(self) -> list:
        """Phone channels not open to the public (the lead's direct line for volunteers): printed with the emergency number."""
        return [c for c in self.plan.reporting.channels
                if c.phone and c.kind in (ChannelKind.phone, ChannelKind.sms) and c.item_audience() is not Audience.public]

    @property
    def desk_days(self) -> list[tuple[dt.date | None, list, list[Venue], list]]:
        """The desk sheet's pages: (day, its leads, the venues used that day, that day's safety rooms).

        A plan without dates (an online community) gets one undated page."""
        leads = self.edition.leads_by_day
        pages = []
        for day in self.plan.event.days or [None]:
            def on(days: list[dt.date]) -> bool:
                return day is None or not days or day in days
            venues = [venue for venue in self.plan.venues if on(venue.days)]
            rooms = [(venue, room) for venue in venues for room in venue.rooms if room.kind is RoomKind.safety and on(room.days)]
            pages.append((day, leads.get(day, []) if day else [], venues, rooms))
        return pages

    @property
    def leads_summary(self) -> list[tuple[str, Markup]]:
        """Days with the same leads at the same hours grouped, for the cover: [("Every day", "Amara ..."), ...]."""
        groups: list[tuple[list[dt.date], list]] = []
        for day, spells in self.leads_by_day:
            if groups and groups[-1][1] == spells:
                groups[-1][0].append(day)
            else:
                groups.append(([day], spells))
        return [(self.days_text(days), self.lead_times_text(spells)) for days, spells in groups]

    # rota, in the event's time zone
    @property
    def zone_note(self) -> str:
        names = sorted({self._local(shift.start).tzname() for shift in self.plan.rota} - {None})
        return f"{self.plan.event.timezone}" + (f" ({', '.join(names)})" if names else "")

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
        if end.date() == start.date():
            end_text = f"{end:%H:%M}"
        elif end.time() == dt.time(0, 0) and (end.date() - start.date()).days == 1:
            end_text = "24:00"
        else:
            end_text = f"{end:%H:%M} ({short_date(end.date())})"
        others = [self.who(r) for r in shift.responders if r != shift.lead]
        utc = self.plan.event.utc
        return ShiftRow(f"{start:%H:%M}", end_text, self.who(shift.lead), others, shift.note,
                        f"{utc(shift.start):%Y-%m-%dT%H:%M:%SZ}", f"{utc(shift.end):%Y-%m-%dT%H:%M:%SZ}")

    @property
    def venue_contacts(self) -> list[tuple[Venue, object]]:
        """The venues' contacts not already listed as resources under the same name."""
        listed = {resource.name.casefold() for resource in self.plan.resources}
        return [(venue, contact) for venue in self.plan.venues for contact in venue.contacts
                if contact.name.casefold() not in listed]

    # assessment
    def cell(self, impact: str, risk: str):
        if not self.plan.assessment:
            return None
        return next((c for c in self.plan.assessment.matrix if c.impact == impact and c.risk == risk), None)

    def level_name(self, kind: str, ident: str) -> str:
        if self.plan.assessment:
            levels = self.plan.assessment.impact_levels if kind == "impact" else self.plan.assessment.risk_levels
            level = next((lv for lv in levels if lv.id == ident), None)
            if level:
                return level.name
        return f"{ident.capitalize()} {kind}"

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
        return date_range(self.plan.event.starts, self.plan.event.ends)

    @property
    def created(self) -> str | None:
        """W3C date of the build when SOURCE_DATE_EPOCH fixes it; otherwise the PDF carries no date."""
        if self.source_date is None:
            return None
        return self.source_date.strftime("%Y-%m-%dT%H:%M:%SZ")

    def css(self, name: str) -> Markup:
        """A stylesheet from templates/css, for inlining into the HTML guide.

        Stylesheets are our own files, never plan text; `</` cannot occur in them.
        """
        text = (templates_dir() / "css" / name).read_text(encoding="utf-8")
        if "</" in text:
            raise ValueError(f"templates/css/{name} must not contain `</`")
        return Markup(text)


def source_date_epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)


@jinja2.pass_context
def _phone_filter(context, number: str | None) -> str:
    return phone_display(number, context["guide"].region)


@jinja2.pass_context
def _md_filter(context, text: str | None) -> Markup:
    return context["guide"].md(text)


@jinja2.pass_context
def _mdi_filter(context, text: str | None) -> Markup:
    return context["guide"].mdi(text)


@functools.cache
def environment(directory: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory or templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        tel=tel_href,
        bare_url=bare_url,
        phone=_phone_filter,
        md=_md_filter,
        mdi=_mdi_filter,
    )
    env.globals.update(qr=qr_svg, RoomKind=RoomKind, RoleKind=RoleKind, Audience=Audience,
                       NOW_SCRIPT=Markup(NOW_SCRIPT), NOW_SCRIPT_HASH=NOW_SCRIPT_HASH)
    return env


def render_html(
    edition: Edition,
    *,
    medium: str = "screen",
    paper: str | None = None,
    policy: AssetPolicy | None = None,
    template: str | None = None,
    source_date: dt.datetime | None = None,
) -> str:
    """One edition as HTML: medium "screen" for the HTML guide, "print" as WeasyPrint's input."""
    if medium not in ("screen", "print"):
        raise ValueError(f"unknown medium {medium!r}")
    guide = Guide(edition, medium, paper or default_paper(edition.plan), policy, source_date)
    page = environment().get_template(template or f"{edition.name}.html.j2")
    return page.render(guide=guide, plan=guide.plan, medium=medium)
