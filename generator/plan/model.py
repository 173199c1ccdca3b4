"""Step 2, validate: the typed plan, in the organizer's words.

This is the plan's shape; the types of single values (phone numbers, links, dates,
time zones...) and their checks are in fields.py. Every model forbids unknown keys, so a
typo is an error rather than a silently missing section. Prose fields take Markdown.
Every piece of data has an audience (`public` < `volunteer` < `responder`): a default
per field, and an `audience:` key on items where an organizer may want to raise or lower it.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import zoneinfo
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, PrivateAttr, field_validator, model_validator

from ..errors import quoted
from .fields import Audience as Audience  # the audience of a value, imported from here by most of the package
from .fields import (
    AudienceField,
    ClockTime,
    ContactNumber,
    Country,
    Day,
    DialNumber,
    EmergencyDial,
    EmergencyNumber,
    Handles,
    Id,
    Language,
    Link,
    LocaleTag,
    LocalTime,
    Phone,
    Phrases,
    Prose,
    Text,
    TimeZone,
    did_you_mean_hint,
    phone_region,
    text_as,
)
from .language import derived_tag

FORMAT_VERSION = 1


class Model(BaseModel):
    """Base of every plan model: unknown keys are errors; `999` is read as text where text is expected.

    Each field says what it is for in a docstring line under it (or `Field(description=...)`):
    the JSON Schema shows it to editors, and a test fails when one is missing.

    A validator message that starts with `@field: ` is reported at that field's position;
    a line `\nhint: ...` at its end becomes the problem's hint.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True,
                              validate_default=False, use_enum_values=False, use_attribute_docstrings=True)
    # field name -> who may see it; fields not listed inherit the item's audience
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {}
    # the audience of the whole item when the plan does not say
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.volunteer
    # fields holding parts that carry their own audience: the item is as wide as its widest part (Container)
    PARTS: ClassVar[tuple[str, ...]] = ()
    # the audience a container handed down (its own `audience:`), used when this item does not say
    _inherited: Audience | None = PrivateAttr(default=None)

    def own_audience(self) -> Audience:
        """The audience the plan gives this item itself: its `audience:`, else its container's, else the default."""
        own = getattr(self, "audience", None)
        return Audience(own) if own else self._inherited or self.DEFAULT_AUDIENCE

    def item_audience(self) -> Audience:
        return self.own_audience()

    def field_audience(self, name: str) -> Audience | None:
        """Who may see field `name`; None means the same readers as the item itself."""
        return self.FIELD_AUDIENCE.get(name)


class Container(Model):
    """An item with parts that carry their own audience (an assessment's questions, a group's responses).

    Parts without an `audience:` take the container's own; the container is shown wherever one of its
    parts may be (as wide as its widest part) with its LABELS (a group's name), while its other fields
    (a description, notes) keep its own audience.
    """

    @model_validator(mode="after")
    def _hand_down(self) -> Self:
        for part in self.parts():
            part._inherited = self.own_audience() if getattr(self, "audience", None) else None
        return self

    def parts(self) -> list[Model]:
        found: list[Model] = []
        for name in self.PARTS:
            value = getattr(self, name)
            found += value if isinstance(value, list) else [value] if value is not None else []
        return found

    def item_audience(self) -> Audience:
        return min([self.own_audience(), *(part.item_audience() for part in self.parts())], key=lambda a: a.rank)

    # fields that label the parts (a group's name): shown wherever the parts are
    LABELS: ClassVar[tuple[str, ...]] = ()

    def field_audience(self, name: str) -> Audience | None:
        if name in self.PARTS or name in self.LABELS:
            return None
        needed = self.FIELD_AUDIENCE.get(name)
        own = self.own_audience()
        return own if needed is None or own.rank >= needed.rank else needed


class Waiver(Model):
    """Switches one lint rule off, with the reason; the responder guide prints it.

    In the top-level `waivers:` it covers the whole plan; in the `waivers:` of a
    responder, shift, channel, scenario or venue it covers that item only.
    """

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    rule: Text = Field(description="The rule id from docs/rules.md, e.g. TEAM-SIZE")
    reason: Prose = Field(description="Why the rule does not apply here, in a sentence the team can read; shown in the responder guide")

    @field_validator("reason")
    @classmethod
    def _says_why(cls, value: str) -> str:
        if sum(c.isalnum() for c in value) < MIN_REASON_LETTERS:  # letters, not words: Japanese writes no spaces
            raise ValueError(f"{quoted(value.strip())} does not say why the rule does not apply here: the reason is "
                             "printed for the team, so write it as a sentence, e.g. 'Two leaders run this meetup; the board hears appeals.'")
        return value


# A waiver's reason: a few words at least ("Two leaders.", not "." or "n/a")
MIN_REASON_LETTERS = 8


def _waivers_field() -> Any:
    return Field(default_factory=list, description="Rules switched off for this item, each with a reason (see docs/rules.md)")


# --- the event ----------------------------------------------------------------

class EventKind(str, enum.Enum):
    """What kind of event or community a plan is for."""

    conference = "conference"
    meetup = "meetup"
    online_community = "online-community"
    project = "project"


class OnCallHours(Model):
    """When responders are on call on each event day; the rota must cover these hours (SHIFT-COVERAGE)."""

    start: ClockTime = Field(description="When cover starts each day, e.g. 08:00")
    end: ClockTime = Field(description="When cover ends each day, e.g. 22:00, or 24:00 for midnight")

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"@end: on-call hours end ({self.end}) before they start ({self.start})")
        return self

    def span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The on-call hours of `day` as wall-clock times."""
        return _at(day, self.start), _at(day, self.end)


def _at(day: dt.date, clock: str) -> dt.datetime:
    """A wall-clock time (HH:MM, 24:00 for midnight at the day's end) on `day`."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hours, minutes=minutes)


class Service(str, enum.Enum):
    """What an emergency number reaches; `all` is one number for every service (112 in most of Europe, 911 in the US)."""

    all = "all"
    police = "police"
    ambulance = "ambulance"
    fire = "fire"


SERVICES = (Service.police, Service.ambulance, Service.fire)


class EmergencyService(Model):
    """One emergency number and the services it reaches, with an optional note and web page."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    number: EmergencyDial = Field(description="The number to dial, e.g. 112, 110 or 10111; `check` refuses one that is "
                                              "not an emergency number in the venue's country")
    services: Annotated[list[Service], Field(min_length=1)] = Field(
        default_factory=lambda: [Service.all], description="What it reaches: police, ambulance, fire, or all (the default)")
    when: Prose | None = Field(None, description="A note printed with the number, e.g. 'When in doubt, call.'")
    link: Link | None = Field(None, description="A web page printed with the number, e.g. text relay for deaf callers")

    @field_validator("services")
    @classmethod
    def _services_once(cls, value: list[Service]) -> list[Service]:
        if Service.all in value and len(value) > 1:
            raise ValueError("`all` already means every service: write `[all]` or name the services")
        return list(dict.fromkeys(value))

    @property
    def reaches(self) -> frozenset[Service]:
        """The services it reaches, `all` spelled out."""
        return frozenset(SERVICES) if Service.all in self.services else frozenset(self.services)

    @property
    def for_everything(self) -> bool:
        return self.reaches == frozenset(SERVICES)


def _emergency_from_shorthand(owner: Any) -> list[EmergencyService]:
    """`emergency_services`, or the shorthand `emergency_number` (with `emergency_when` and `emergency_link`) as one number for all."""
    if owner.emergency_services:
        return list(owner.emergency_services)
    number = owner.emergency_number
    if not number or number == "none":
        return []
    return [EmergencyService.model_construct(number=number, services=[Service.all], when=getattr(owner, "emergency_when", None),
                                             link=getattr(owner, "emergency_link", None))]


def _shorthand_or_list(owner: Any) -> None:
    if owner.emergency_services and owner.emergency_number:
        raise ValueError("@emergency_number: write either `emergency_number` (one number for every service) or "
                         "`emergency_services`, not both\nhint: move the number into `emergency_services` with the services it reaches")
    for name in ("emergency_when", "emergency_link"):
        if getattr(owner, name, None) and owner.emergency_services:
            raise ValueError(f"@{name}: `{name}` goes with `emergency_number`; with `emergency_services` write "
                             f"`{name.removeprefix('emergency_')}:` on the number it is about")


class Event(Model):
    """The event or community the plan is for."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    name: Text
    """The event's or community's name, printed at the top of every guide"""
    kind: EventKind
    """What kind of event or community this is: conference, meetup, online-community or project"""
    organiser: Text | None = Field(None, description="The organisation that runs the event")
    starts: Day | None = Field(None, description="First day (events only)")
    ends: Day | None = Field(None, description="Last day (events only)")
    timezone: TimeZone = Field(description="IANA time zone, e.g. Europe/London")
    country: Country | None = Field(None, description=(
        "Two-letter country code for phone numbers when there is no venue; without it, the region of the first "
        "language (en-GB: GB) is used for phone numbers and paper"))
    emergency_number: EmergencyNumber | None = Field(None, description=(
        "Without a venue: shorthand for one emergency number for every service, or `none` for a community spread over "
        "many countries: the guides then say to contact local emergency services. Nothing is assumed: a meetup or "
        "conference without a venue states its numbers here or in `emergency_services`"))
    emergency_services: list[EmergencyService] = Field(default_factory=list, description=(
        "Without a venue: the emergency numbers of `country`, each with the services it reaches, e.g. "
        "[{number: '110', services: [police]}, {number: '119', services: [ambulance, fire]}]"))
    opens: ClockTime | None = Field(None, description=(
        "When the event opens on its first day, e.g. 12:00: the rota covers the first day from then (SHIFT-COVERAGE)"))
    closes: ClockTime | None = Field(None, description=(
        "When the event closes on its last day, e.g. 14:00: the rota covers the last day until then"))
    on_call_hours: OnCallHours | None = Field(None, description=(
        "When the team is on call each event day, e.g. {start: 08:00, end: 22:00}; without it the rota must cover 00:00-24:00"))
    languages: list[Language] = Field(default_factory=lambda: ["en"], min_length=1)
    """Languages attendees and the team speak, first the main one, e.g. [en, de]"""
    locale: LocaleTag | None = Field(
        None, description="BCP 47 locale of the guide's own words and of dates, times, numbers and paper, e.g. en-US, en-GB, "
                          "de-DE, es-ES, fr-FR, pt-BR, ja-JP, ar-EG. Default: the first of `languages` in the venue's country "
                          "(or `country`), e.g. languages [de] at a venue in DE gives de-DE")
    international: bool | None = Field(
        None, description="Attendees come from abroad: the public sheet prints phone numbers in international format "
                          "(+44 20 7946 0123). Default: true for a conference, false otherwise")
    hybrid: bool = Field(False, description=(
        "Also held online: the public sheet tells people who join from elsewhere to call their own local emergency "
        "services, as the venue's numbers are no use to them"))
    website: Link | None = None
    """The event's web site, printed on the public sheet"""
    logo: Text | None = Field(None, description=(
        "A picture printed with the event's name on the public sheet and the poster: a PNG, JPEG, GIF or WebP file "
        "in the plan's folder, named relative to the plan, e.g. logo.png"))
    code_of_conduct: Link
    """Web address of the code of conduct, printed as a link and a QR code"""
    reporting_guidelines: Link | None = None
    """Web address of the published guidelines for reporting, if there is one"""
    last_reviewed: Day | None = Field(None, description="When the team last read the plan through")

    @model_validator(mode="after")
    def _one_way_to_say_emergency(self) -> Event:
        _shorthand_or_list(self)
        return self

    @property
    def emergency(self) -> list[EmergencyService]:
        """The emergency numbers the event states (none for `emergency_number: none` or none written)."""
        return _emergency_from_shorthand(self)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Event:
        if self.kind in (EventKind.conference, EventKind.meetup) and self.starts is None:
            raise ValueError(f"@kind: a {self.kind.value} needs `starts` (its first day)")
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError(f"@ends: the event ends ({self.ends}) before it starts ({self.starts})")
        if self.opens == "24:00":
            raise ValueError("@opens: an event cannot open at 24:00, the end of its first day: write the time it opens, e.g. 12:00")
        if self.closes == "00:00":
            raise ValueError("@closes: an event cannot close at 00:00, the start of its last day: write 24:00 for midnight "
                             "at its end, or the time it closes")
        if (self.opens or self.closes) and self.starts is None:
            raise ValueError(f"@{'opens' if self.opens else 'closes'}: opening and closing times need the event's `starts` (its first day)")
        if self.opens and self.closes and (self.ends or self.starts) == self.starts and self.closes <= self.opens:
            raise ValueError(f"@closes: the one-day event closes ({self.closes}) before it opens ({self.opens})")
        return self

    def open_span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The part of an event day the event is open, as wall-clock times: from `opens` on the first day, until
        `closes` on the last, the whole day otherwise."""
        start, end = dt.datetime.combine(day, dt.time()), dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        days = self.days
        if self.opens and days and day == days[0]:
            start = _at(day, self.opens)
        if self.closes and days and day == days[-1]:
            end = _at(day, self.closes)
        return start, end

    @property
    def prints_international(self) -> bool:
        return self.kind is EventKind.conference if self.international is None else self.international

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def utc(self, wall: dt.datetime) -> dt.datetime:
        """A wall-clock time of the event (a shift's start or end) in UTC.

        Read as RFC 5545 reads local times: a repeated time is the first one unless
        `fold` is 1; a time that does not exist uses the offset from before the change.
        """
        if wall.tzinfo is not None:
            return wall.astimezone(dt.UTC)
        return wall.replace(tzinfo=self.zone).astimezone(dt.UTC)

    @property
    def days(self) -> list[dt.date]:
        if not self.starts:
            return []
        last = self.ends or self.starts
        return [self.starts + dt.timedelta(days=n) for n in range((last - self.starts).days + 1)]


# --- venues -----------------------------------------------------------------

class Number(Model):
    """A number to call, with when to use it and, optionally, its web page."""

    label: Text
    """What the number is, e.g. Police (non-emergency)"""
    number: DialNumber
    """The number to dial: a full phone number or a short service number of the venue's country, e.g. 101"""
    when: Prose | None = Field(None, description="When to call it, e.g. theft or trespassing; dial the emergency number for violence")
    link: Link | None = Field(None, description="The service's web page, printed after the note, e.g. a crisis line's chat")
    audience: AudienceField = None


class Contact(Model):
    """On-site security, building staff, first aid."""

    name: Text
    """Who or what it is, e.g. Venue security"""
    phone: ContactNumber | None = None
    """The number to call: a full phone number or a short service number, never an emergency number (DECT 110 goes in `name`)"""
    where: Text | None = None
    """Where to find them at the venue, e.g. Ground floor, by the main entrance"""
    when: Prose | None = None
    """When to call them"""
    link: Link | None = Field(None, description="A web page, printed after the note")
    audience: AudienceField = None


class RoomKind(str, enum.Enum):
    """What a room is for."""

    safety = "safety"
    staff = "staff"
    first_aid = "first-aid"
    other = "other"


class Room(Model):
    """A safety/quiet room or staff room; `days` when it moves during the event.

    Safety rooms and first aid are on the public sheet unless the plan says otherwise.
    """

    kind: RoomKind
    """What the room is for: safety, staff, first-aid or other"""
    name: Text
    """The room's name as signs at the venue show it"""
    where: Prose = Field(description="How to find it")
    days: list[Day] = Field(default_factory=list, description="Days it is used; every day when empty")
    audience: AudienceField = None

    def item_audience(self) -> Audience:
        if self.audience:
            return Audience(self.audience)
        return Audience.public if self.kind in (RoomKind.safety, RoomKind.first_aid) else Audience.volunteer


class Venue(Model):
    """A place where the event happens, with its street address for emergency services."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}
    id: Id
    """A short id for this venue (lower case, digits, hyphens), e.g. main-venue"""
    name: Text
    """The venue's name"""
    address: Annotated[list[Text], Field(min_length=1, description="Street address, one line per item, as emergency services need it")]
    country: Country = Field(description="Two-letter country code, e.g. GB")
    emergency_number: EmergencyDial | None = Field(None, description=(
        "Shorthand for one emergency number for every service (112, 911, 999); where police and ambulance have "
        "different numbers, list them in `emergency_services`. No number is assumed: a venue states its own"))
    emergency_when: Prose | None = Field(None, description="With `emergency_number`: a note printed with it, e.g. 'When in doubt, call.'")
    emergency_link: Link | None = Field(None, description="With `emergency_number`: a web page printed with it, e.g. text relay for deaf callers")
    emergency_services: list[EmergencyService] = Field(default_factory=list, description=(
        "The emergency numbers here, each with the services it reaches, e.g. [{number: '110', services: [police]}, "
        "{number: '119', services: [ambulance, fire]}]"))
    directions: Prose | None = None
    """How to get there or find the entrance, for emergency services and late arrivals"""
    numbers: list[Number] = Field(default_factory=list)
    """Local numbers to call, each with when to use it: police non-emergency, crisis lines, social services"""
    contacts: list[Contact] = Field(default_factory=list)
    """People at the venue to call: security, building staff, first aid"""
    rooms: list[Room] = Field(default_factory=list)
    """Safety and quiet rooms, staff rooms and first aid"""
    days: list[Day] = Field(default_factory=list, description="Days the venue is used; every day when empty")
    waivers: list[Waiver] = _waivers_field()

    @model_validator(mode="after")
    def _one_way_to_say_emergency(self) -> Venue:
        _shorthand_or_list(self)
        return self

    @property
    def emergency(self) -> list[EmergencyService]:
        """The emergency numbers the venue states: `emergency_services`, or the shorthand as one number for all."""
        return _emergency_from_shorthand(self)


# --- people and roles -------------------------------------------------------

class RoleKind(str, enum.Enum):
    """The part a role plays in the response."""

    attendees = "attendees"
    volunteers = "volunteers"
    staff = "staff"
    response_team = "response-team"
    lead = "lead"
    board = "board"
    partner = "partner"


class Role(Model):
    """A group with a part in the response: attendees, volunteers, staff, the team, its lead, a board or partner.

    Volunteers see it, with its duties and protocol, unless it says `audience:` (public: the published procedure lists it)."""

    id: Id
    """A short id for this role, used in `chain`, `escalate_to` and `spokespeople`, e.g. volunteers"""
    name: Text
    """The role's name as the guides print it, e.g. Volunteers"""
    kind: RoleKind
    """Which part the role plays: attendees, volunteers, staff, response-team, lead, board or partner"""
    duties: list[Prose] = Field(default_factory=list, description="Standing duties, printed under roles and governance")
    on_report: list[Prose] = Field(default_factory=list, description=(
        "What this role does when a report comes in (the response protocol by role); "
        "printed in the protocol instead of `duties`"))
    contact: Prose | None = Field(None, description="How to reach this group (boards and partners)")
    audience: AudienceField = None

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not self.duties and not self.on_report:
            raise ValueError("@duties: a role needs `duties` (what it does all along) or `on_report` (what it does when a report comes in)")
        return self


class ResponderRole(str, enum.Enum):
    """A responder's part in the team."""

    lead = "lead"
    responder = "responder"
    fallback = "fallback"


class RelationKind(str, enum.Enum):
    """The kind of a relationship between two responders."""

    partner = "partner"
    family = "family"
    conflict = "conflict"
    other = "other"


class Relationship(Model):
    """A declared relationship or conflict of interest with another responder."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    with_: Id = Field(alias="with", description="The other responder's id")
    kind: RelationKind
    """The kind of relationship: partner, family, conflict or other"""
    note: Prose | None = None
    """Anything the team should know about it"""


class Decisions(str, enum.Enum):
    """How the response team decides."""

    lead = "lead"
    together = "together"
    vote = "vote"


class Team(Model):
    """The shape of the response team; every key is optional and the defaults are a team with a lead."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    decides: Decisions = Decisions.lead
    """How the team decides: `lead` (a lead decides and is the first call), `together` (nobody leads) or `vote` (the members vote)"""
    published: bool = False
    """The team publishes its members: their names, pronouns, roles, e-mails and chat handles are public (the public sheet lists them) unless `visibility` raises one; phones stay with volunteers"""
    organizers_respond: bool = False
    """The organizers are the responders: there are no volunteers between attendees and the team, so no volunteer guide is made"""


class Responder(Model):
    """A person on the response team. Volunteers see the name, pronouns, role and phone; the rest is for responders."""

    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {
        "email": Audience.responder,
        "chat": Audience.responder,
        "languages": Audience.responder,
        "relationships": Audience.responder,
        "notes": Audience.responder,
        "fallback": Audience.responder,
        "waivers": Audience.responder,
    }
    id: Id
    """A short id for this responder, used in the rota, channels and relationships, e.g. priya"""
    name: Text
    """The name the team and volunteers know them by"""
    pronouns: Text | None = None
    """Their pronouns, e.g. she/her"""
    role: ResponderRole = ResponderRole.responder
    """Their part in the team: lead, responder or fallback"""
    phone: Phone | None = None
    """Their phone number; volunteers see it unless `visibility` raises it"""
    email: EmailStr | None = None
    """Their e-mail address; only responders see it"""
    chat: Handles = Field(default_factory=list, description=(
        "Secure-chat handle, e.g. Signal username; a list when they have several, e.g. [\"Signal: priya.42\", \"Matrix: @priya:example.org\"]"))
    languages: list[Language] = Field(default_factory=list, description="Language codes, e.g. en, de, pt-BR")
    how_to_recognise: Text | None = Field(None, description="What they wear or carry at the event")
    relationships: list[Relationship] = Field(default_factory=list)
    """Relationships or conflicts of interest with other responders, so they are not on a shift or a case together"""
    fallback: Id | None = Field(None, description="Who takes over when this responder has a conflict")
    notes: Prose | None = None
    """Notes for the team; only responders see them"""
    visibility: dict[str, Audience] = Field(default_factory=dict, description="Raise or lower who sees a field, e.g. {phone: responder}")
    waivers: list[Waiver] = _waivers_field()

    @field_validator("visibility")
    @classmethod
    def _known_fields(cls, value: dict[str, Audience]) -> dict[str, Audience]:
        fields = set(cls.model_fields) - {"id", "visibility", "waivers"}
        for name in value:
            if name not in fields:
                hint = did_you_mean_hint(name, fields) or f"\nhint: use one of {', '.join(sorted(fields))}"
                raise ValueError(f"{quoted(name)} is not a responder field{hint}")
        return value

    # set by Plan when `team.published` is true: the team's members are public
    _published: bool = PrivateAttr(default=False)

    def item_audience(self) -> Audience:
        return Audience.public if self._published else self.DEFAULT_AUDIENCE

    def field_audience(self, name: str) -> Audience | None:
        if name in self.visibility:
            return self.visibility[name]
        if self._published and name in PUBLISHED_FIELDS:
            return PUBLISHED_FIELDS[name]
        return self.FIELD_AUDIENCE.get(name)


# A published team's members: who sees each field when `visibility` does not say (the rest stays as for any team)
PUBLISHED_FIELDS: dict[str, Audience] = {
    "name": Audience.public, "pronouns": Audience.public, "role": Audience.public, "email": Audience.public,
    "chat": Audience.public, "how_to_recognise": Audience.public, "phone": Audience.volunteer,
}


class Shift(Model):
    """A stretch of time on call, in the event's time zone.

    Times without an offset are wall-clock times in the event's time zone; write an
    offset (`2027-10-31 01:30+00:00`) only to pick the second of a repeated hour.
    After validation both are wall-clock times in the event's zone (no tzinfo);
    `fold=1` marks the second of a repeated time. Use `event.utc()` to compare.
    """

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    start: LocalTime
    end: LocalTime
    lead: Id
    """The id of the responder who leads this shift"""
    responders: list[Id] = Field(default_factory=list)
    """The ids of the other responders on call during this shift"""
    note: Prose | None = None
    """A note printed with the shift in the responder guide"""
    waivers: list[Waiver] = _waivers_field()
    # "start"/"end" when the plan wrote that time with an offset (set by Plan, used by lint)
    _offset_written: set[str] = PrivateAttr(default_factory=set)

    @model_validator(mode="after")
    def _in_order(self) -> Shift:
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            return self  # one with an offset: compared in UTC once the event's zone is known (validate.py)
        if self.end <= self.start:
            raise ValueError(f"@end: the shift ends ({self.end:%Y-%m-%d %H:%M}) before it starts ({self.start:%Y-%m-%d %H:%M})")
        return self


# --- reporting --------------------------------------------------------------

class ChannelKind(str, enum.Enum):
    """How a channel takes reports."""

    phone = "phone"
    sms = "sms"
    email = "email"
    in_person = "in-person"
    form = "form"
    chat = "chat"
    any_member = "any-member"


class Channel(Model):
    """A way to report. Only channels marked `audience: public` reach the public sheet."""

    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}

    kind: ChannelKind
    """How people report here: phone, sms, email, in-person, form, chat, or any-member (write to or call any member of the team: the guides list them)"""
    label: Text
    """The channel's name as the guides print it, e.g. Incident hotline"""
    phone: Phone | None = None
    """The number to call or text (phone and sms channels)"""
    email: EmailStr | None = None
    """The address to write to (email channels)"""
    link: Link | None = None
    """The web address of the form or chat (form channels; a chat channel may have none, e.g. message a member on our chat)"""
    where: Prose | None = None
    """Where to go (in-person channels), e.g. the info desk in the main hall"""
    hours: Text | None = Field(None, description="When it is answered, e.g. 'during the event, 08:00-22:00'")
    note: Prose | None = None
    """A note printed with the channel, e.g. also if you cannot find the right contact, or answered within 72 hours; a phone channel without a number says here how to ask for a call"""
    staffed_by: list[Id] = Field(default_factory=list, description=(
        "Responder ids, or empty for whoever is on call; for an any-member channel the members it lists (empty: the whole team)"))
    audience: AudienceField = None
    waivers: list[Waiver] = _waivers_field()

    @model_validator(mode="after")
    def _has_address(self) -> Channel:
        needed = {"phone": "phone", "sms": "phone", "email": "email", "form": "link", "in-person": "where"}.get(self.kind.value)
        if self.kind is ChannelKind.phone and self.note:
            needed = None  # a call on request: the note says how to ask for one
        if needed and getattr(self, needed) is None:
            article = "an" if self.kind.value[0] in "aeiou" else "a"
            also = " (or, for a call on request, a `note` saying how to ask for one)" if self.kind is ChannelKind.phone else ""
            raise ValueError(f"@kind: {article} `{self.kind.value}` channel needs `{needed}`{also}")
        return self


class Appeals(Model):
    """How a decision is appealed and who hears it; separate from the escalation chain."""

    how: Prose = Field(description="How to appeal, by when, and who steps aside")
    to: list[Id] = Field(default_factory=list, description="Role ids that hear appeals, e.g. [board]; they need not be in `chain`")
    audience: AudienceField = None


AppealsItem = Annotated[Appeals, BeforeValidator(text_as("how"), json_schema_input_type=Prose | Appeals)]


class Reporting(Model):
    """How people report, how they recognise a responder, and how a report is escalated and appealed."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"chain": Audience.volunteer}
    channels: list[Channel] = Field(min_length=1)
    """The ways to report, in the order the guides list them"""
    recognise_responders: Prose | None = Field(None, description="How attendees can recognise a responder, e.g. orange lanyards")
    chain: list[Id] = Field(min_length=2, description="Role ids from participant up to the board, in order")
    appeals: AppealsItem | None = Field(None, description=(
        "How a decision can be appealed, and to whom: text, or a mapping with `how`, `to` (role ids) and `audience`"))


# --- procedure --------------------------------------------------------------

class Step(Model):
    """One step of the team's procedure; responder-only unless it says `audience:`."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    title: Text
    """The step in a few words, e.g. Assess impact and risk"""
    details: Prose | None = None
    """What the step involves"""
    audience: AudienceField = None


class TakingReports(Model):
    """How to take a report: questions to ask, what to do and what not to do."""

    ask: list[Prose] = Field(default_factory=list, description="Questions to ask the person reporting")
    do: list[Prose] = Field(default_factory=list)
    """What to do while taking a report, e.g. find a private place"""
    do_not: list[Prose] = Field(default_factory=list)
    """What never to do while taking a report, e.g. promise an outcome"""


class InformationToGather(Model):
    """The checklist of what to find out about an incident (what, when, where, who, witnesses, is it ongoing).

    Printed in "taking a report" and with the report form; with `audience: public` the
    public sheet lists it as what to include in a report.
    """

    items: list[Prose] = Field(min_length=1, description="One thing to find out per item, e.g. 'Is it still going on?'")
    audience: AudienceField = None


class FormField(Model):
    """A field of the printed report form."""

    label: Text
    """The question or heading on the form, e.g. When did it happen?"""
    help: Text | None = None
    """A line of help printed under the label"""
    lines: int = Field(1, ge=1, le=12, description="Writing lines on the printed form")
    choices: list[Text] = Field(default_factory=list, description="Answers to tick on the printed form, e.g. [yes, no, not sure]")


class Level(Model):
    """One level of impact or risk; it takes the assessment's audience unless it says its own."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    id: Id
    """A short id for the level, used by the matrix and scenarios, e.g. low"""
    name: Text
    """The level's name as the guides print it, e.g. Low"""
    description: Prose | None = None
    """What this level means"""
    audience: AudienceField = None


class Cell(Model):
    """One cell of the impact and risk matrix; it takes the assessment's audience unless it says its own."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    impact: Id
    """The impact level id of this cell"""
    risk: Id
    """The risk level id of this cell"""
    examples: list[Prose] = Field(default_factory=list)
    """Example incidents that fall in this cell"""
    response: Prose
    """How the team responds to incidents in this cell"""
    audience: AudienceField = None


# The impact and risk levels scenarios may use when the plan has no `assessment`.
DEFAULT_LEVELS = ("low", "high")


class Question(Model):
    """A question the team weighs when it assesses a report, e.g. Is anyone still at risk?; it takes the assessment's audience unless it says its own."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    question: Prose
    """The question"""
    topic: Text | None = None
    """What it is about, e.g. Nature, Impact or Risk; consecutive questions on one topic print under it"""
    details: Prose | None = None
    """What to consider when answering it"""
    audience: AudienceField = None


QuestionItem = Annotated[Question, BeforeValidator(text_as("question"), json_schema_input_type=Prose | Question)]


class Assessment(Container):
    """How the team assesses a report: impact and risk levels with the response for each combination, questions to weigh, or both.

    Responder-only unless it or one of its levels, cells or questions says otherwise."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    PARTS: ClassVar[tuple[str, ...]] = ("impact_levels", "risk_levels", "questions", "matrix")
    impact_levels: list[Level] = Field(default_factory=list)
    """The impact levels, lowest first (none, or at least two)"""
    risk_levels: list[Level] = Field(default_factory=list)
    """The risk levels, lowest first (none, or at least two)"""
    questions: list[QuestionItem] = Field(default_factory=list)
    """Questions the team weighs, with or without levels: text, or a mapping with `question`, `topic` and `details`"""
    matrix: list[Cell] = Field(default_factory=list)
    """One cell per pair of impact and risk levels, with examples and the response"""
    notes: Prose | None = None
    """Notes printed with the assessment"""
    audience: AudienceField = None

    @model_validator(mode="after")
    def _levels_or_questions(self) -> Self:
        for name in ("impact_levels", "risk_levels"):
            if len(getattr(self, name)) == 1:
                raise ValueError(f"@{name}: an assessment needs at least two {name.replace('_', ' ')}, or none")
        if not self.impact_levels and not self.risk_levels and not self.questions:
            raise ValueError("@impact_levels: an assessment needs impact and risk levels, or `questions` to weigh")
        if bool(self.impact_levels) != bool(self.risk_levels):
            missing = "risk_levels" if self.impact_levels else "impact_levels"
            raise ValueError(f"@{missing}: an assessment with {'impact' if self.impact_levels else 'risk'} levels needs {missing.replace('_', ' ')} too")
        if self.matrix and not self.impact_levels:
            raise ValueError("@matrix: a matrix needs impact and risk levels")
        return self


class ResourceKind(str, enum.Enum):
    """The kind of help a resource offers."""

    people = "people"
    venue = "venue"
    security = "security"
    police = "police"
    medical = "medical"
    crisis_line = "crisis-line"
    online_safety = "online-safety"
    records = "records"
    other = "other"


class Resource(Model):
    """Help the team can call on; responder-only unless it says `audience:`."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    name: Text
    """Who or what it is, e.g. Local rape crisis centre"""
    kind: ResourceKind = ResourceKind.other
    """The kind of resource: people, venue, security, police, medical, crisis-line, online-safety, records or other"""
    phone: DialNumber | None = None
    """The number to call: a full phone number or a short service number"""
    email: EmailStr | None = None
    """The address to write to"""
    link: Link | None = None
    """Its web page"""
    notes: Prose | None = None
    """When and how to use it"""
    audience: AudienceField = None


class Action(Model):
    """A rung of the ladder of possible responses, mildest first.

    A response menu gives each rung a `description`; an enforcement ladder (Contributor
    Covenant, Mozilla, Django) gives the behaviour it answers (`community_impact`), the
    `consequence`, what is `expected` of the person and for how long (`duration`).
    A rung whose name says it all ("Final warning") needs neither. Responder-only unless it
    (or its response group) says `audience:`; public ones reach the public sheet and procedure.pdf.
    """

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    name: Text
    """The response's name, e.g. Verbal warning"""
    description: Prose | None = Field(None, description="What the response is")
    community_impact: Prose | None = Field(None, description="The behaviour this rung answers, e.g. a single rude remark")
    consequence: Prose | None = Field(None, description="What the team does, e.g. a private written warning")
    expected: Prose | None = Field(None, description="What is expected of the person, e.g. no contact with those involved")
    duration: Text | None = Field(None, description="For how long, e.g. three months")
    audience: AudienceField = None


class ResponseGroup(Container):
    """A named group of responses, e.g. Action plans or Private responses, printed under its name after `responses`."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    PARTS: ClassVar[tuple[str, ...]] = ("responses",)
    LABELS: ClassVar[tuple[str, ...]] = ("name",)
    name: Text
    """The group's name, e.g. Private responses"""
    description: Prose | None = None
    """What the group's responses have in common, printed under its name"""
    responses: list[Action] = Field(min_length=1)
    """The group's responses, in the plan's order; each may carry its own `audience`"""
    audience: AudienceField = None


class Definition(Model):
    """A term the plan uses, with its meaning; volunteers see it unless it says `audience:`."""

    term: Text
    """The word being defined, e.g. Critical incident"""
    meaning: Prose
    """What the plan means by it"""
    audience: AudienceField = None


class Handling(str, enum.Enum):
    """How a scenario is handled: by its script, or by a team decision."""

    scripted = "scripted"
    team_decision = "team-decision"


class DrillRoles(Model):
    """What each person in a drill exercise knows and wants, for their role card (all optional)."""

    reporter: Prose | None = Field(None, description="The person who reports: what they know and want")
    reported: Prose | None = Field(None, description="The person the report is about")
    witness: Prose | None = Field(None, description="Someone who saw part of it")
    volunteer: Prose | None = Field(None, description="The volunteer or staff member who hears it first")


class Drill(Model):
    """Optional additions to a scenario's tabletop drill exercise; without them the kit uses generic ones."""

    complications: list[Prose] = Field(default_factory=list, description="Twists the facilitator can add during the exercise")
    roles: DrillRoles | None = Field(None, description="Notes for the role cards")
    debrief: list[Prose] = Field(default_factory=list, description="Questions for the debrief after the exercise")
    audience: AudienceField = None




class ScenarioStep(Model):
    """One step of a scenario card, with the phrase said at this step and what not to do here.

    A step written as plain text is the same as a mapping with only `do`.
    """

    do: Prose = Field(description="What to do at this step")
    say: Phrases = Field(default_factory=list, description="The exact words to say at this step (one phrase or a list)")
    do_not: list[Prose] = Field(default_factory=list, description="What not to do at this step")
    steps: list[Prose] = Field(default_factory=list, description="Sub-steps, printed as a lettered list under this step")


def _step_from_text(value: object) -> object:
    return {"do": value} if isinstance(value, str) else value


StepItem = Annotated[ScenarioStep, BeforeValidator(_step_from_text, json_schema_input_type=Prose | ScenarioStep)]


class Scenario(Model):
    """A titled card of steps and exact phrases for a common situation.

    `impact` and `risk` are optional: a scripted card written from a published guide
    may not assess its situation.
    """

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}
    id: Id
    """A short id for the scenario, e.g. banned-person; `drill --scenario` takes it"""
    title: Text
    """The card's title, e.g. A banned person tries to enter"""
    applies_when: Prose
    """When this card applies"""
    impact: Id | None = Field(None, description="Impact level id from the assessment (or low/high without one)")
    risk: Id | None = Field(None, description="Risk level id from the assessment (or low/high without one)")
    handling: Handling = Handling.scripted
    """scripted (follow the card) or team-decision (the team decides together, the card is how to start)"""
    steps: list[StepItem] = Field(min_length=1, description=(
        "The steps in order: text, or a mapping with `do` and optionally `say`, `do_not` and sub-`steps`"))
    say: list[Prose] = Field(default_factory=list, description="Exact phrases to use, printed after the steps; put a phrase said at one step in that step's `say`")
    do_not: list[Prose] = Field(default_factory=list)
    """What never to do in this situation"""
    escalate_to: list[Id] = Field(default_factory=list, description="Role or responder ids")
    audience: AudienceField = None
    waivers: list[Waiver] = _waivers_field()
    drill: Drill | None = Field(None, description="Complications, role notes and debrief questions for the drill kit")


# --- communication and governance -------------------------------------------

class Timeline(Model):
    """When something happens: a deadline (`within`) or the plan's own words (`when`); responder-only unless it says `audience:`."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    what: Text
    """What happens, e.g. Acknowledge the report"""
    within: Text | None = Field(None, description="A deadline the team promises, printed as 'within ...', e.g. 24 hours, one week")
    when: Text | None = None
    """When it happens, in the plan's words and printed as written, e.g. every week, when the incident is resolved, may take two to three months"""
    audience: AudienceField = None

    @model_validator(mode="after")
    def _when_or_within(self) -> Self:
        if self.within and self.when:
            raise ValueError("@when: a timeline has `within` (a deadline) or `when` (free text), not both")
        if not self.within and not self.when:
            raise ValueError("@within: a timeline needs `within` (a deadline, e.g. 24 hours) or `when` (free text, e.g. every week)")
        return self


class Confidentiality(Model):
    """How reports are kept confidential; with `audience: public` the public sheet prints it."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    text: Prose
    """The confidentiality statement"""
    audience: AudienceField = None


ConfidentialityItem = Annotated[Confidentiality, BeforeValidator(text_as("text"), json_schema_input_type=Prose | Confidentiality)]


class Statement(Model):
    """A part of the communication policy (records, retention, transparency report, public statements), responder-only
    unless it says otherwise; with `audience: public` the public document prints it."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    text: Prose
    """What the plan says"""
    audience: AudienceField = None


StatementItem = Annotated[Statement, BeforeValidator(text_as("text"), json_schema_input_type=Prose | Statement)]


class Communication(Model):
    """How the team communicates. Responder-only, except timelines and the confidentiality
    statement, which carry their own `audience` (responder unless they say otherwise)."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"secure_channel": Audience.responder, "spokespeople": Audience.responder}
    secure_channel: Prose | None = Field(None, description="Where responders talk, e.g. a Signal group; nothing sensitive in e-mail")
    spokespeople: list[Id] = Field(default_factory=list, description="Role or responder ids who may speak publicly")
    public_statements: StatementItem | None = None
    """When and how the team makes a public statement: text, or a mapping with `text` and `audience`"""
    timelines: list[Timeline] = Field(default_factory=list)
    """Deadlines the team keeps, e.g. acknowledge a report within 24 hours"""
    records: StatementItem | None = Field(None, description="What is recorded, where, who can read it: text, or a mapping with `text` and `audience`")
    retention: StatementItem | None = None
    """How long records are kept, and how they are deleted: text, or a mapping with `text` and `audience`"""
    transparency_report: StatementItem | None = None
    """What is published after the event, e.g. anonymised numbers of reports: text, or a mapping with `text` and `audience`"""
    confidentiality: ConfidentialityItem | None = Field(None, description=(
        "How reports are kept confidential: text, or a mapping with `text` and `audience` (public: on the public sheet)"))

    def item_audience(self) -> Audience:
        """The widest audience of the parts that carry one; responder when none is lowered."""
        statements = (self.confidentiality, self.public_statements, self.records, self.retention, self.transparency_report)
        parts = [*self.timelines, *(part for part in statements if part)]
        return min((part.item_audience() for part in parts), key=lambda a: a.rank, default=Audience.responder)


class ResponsesOrder(str, enum.Enum):
    """How the plan's responses are ordered."""

    mildest_first = "mildest-first"
    strictest_first = "strictest-first"


def _format_number(value: Any) -> Any:
    """The format version as written: the number 1, not `true` or `1.0` (which a later format could not tell apart)."""
    if isinstance(value, (bool, float)):  # a quoted "1" gets the type's own message, with its hint
        raise ValueError(f"`{json.dumps(value, default=str)}` is not a format version; write `format: 1`")
    return value


class Plan(Model):
    """A code-of-conduct incident response plan."""

    model_config = ConfigDict(title="incident-guide plan")
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {
        "responders": Audience.volunteer,
        "rota": Audience.responder,
        "taking_reports": Audience.volunteer,
        "report_form": Audience.responder,
        "waivers": Audience.responder,
    }

    format: Annotated[Literal[1], BeforeValidator(_format_number)] = Field(
        description="Plan format version; lets a later version migrate this plan")
    event: Event
    """The event or community the plan is for"""
    venues: list[Venue] = Field(default_factory=list, description="Where the event happens; none for an online community")
    roles: list[Role] = Field(min_length=1)
    """Everyone with a part in the response, from attendees up to the board; `chain` and `escalate_to` name them by id"""
    responders: list[Responder] = Field(min_length=1)
    """The people on the response team"""
    team: Team = Field(default_factory=Team)
    """The team's shape: how it decides (`decides`), whether it publishes its members (`published`), whether the organizers are the responders (`organizers_respond`)"""
    rota: list[Shift] = Field(default_factory=list)
    """Who is on call when; leave it out for a small team or an online community"""
    reporting: Reporting
    """How people report, how to recognise a responder, the escalation chain and appeals"""
    procedure: list[Step] = Field(default_factory=list)
    """The team's procedure, step by step, from receiving a report to following up"""
    taking_reports: TakingReports = Field(default_factory=TakingReports)
    """How to take a report: what to ask, what to do and what never to do (each list optional)"""
    information_to_gather: InformationToGather | None = Field(None, description="The checklist of what to find out when someone reports")
    report_form: list[FormField] = Field(default_factory=list)
    """The fields of the printed report form"""
    report_form_audience: Literal["volunteer", "responder"] = Field(
        "responder", description="Who may take reports on the form: `volunteer` puts report-form.pdf beside the volunteer guide")
    assessment: Assessment | None = None
    """The impact and risk levels and the matrix of responses"""
    resources: list[Resource] = Field(default_factory=list)
    """Help the team can call on: other responders, security, police, medical, crisis lines, records"""
    responses: list[Action] = Field(default_factory=list, description="The possible responses, in the plan's order")
    response_groups: list[ResponseGroup] = Field(default_factory=list)
    """Responses in named groups, e.g. action plans and private responses; printed after `responses`"""
    responses_order: ResponsesOrder | None = Field(
        None, description="How `responses` are ordered, said above them in the guide: mildest-first or strictest-first; unset says nothing")
    definitions: list[Definition] = Field(default_factory=list)
    """Terms the plan uses, with what they mean"""
    scenarios: list[Scenario] = Field(default_factory=list)
    """Scripted responses for common situations, one card each"""
    communication: Communication | None = None
    """How the team communicates: secure channel, spokespeople, timelines, records, confidentiality"""
    waivers: list[Waiver] = Field(default_factory=list, description="Rules switched off for the whole plan, each with a reason (see docs/rules.md)")
    wording: dict[str, Prose] = Field(
        default_factory=dict, description="The plan's own text for sentences the guide prints by itself: message id -> Markdown, "
                                          "in the plan's locale. The ids and their English defaults are in docs/wording.md")
    policy: dict[str, Prose] = Field(
        default_factory=dict, description="What the team promises and asks, in the plan's own words: message id -> Markdown. "
                                          "A sentence the plan does not state is not printed. The ids are marked `policy` in docs/wording.md")

    @property
    def has_report_form(self) -> bool:
        """Whether the report form is printed: from its own fields, or built from the information to gather alone."""
        return bool(self.report_form or self.information_to_gather)

    def field_audience(self, name: str) -> Audience | None:
        if name == "report_form":
            return Audience(self.report_form_audience)
        if name == "responders" and self.team.published:
            return None  # each member says who sees what (PUBLISHED_FIELDS)
        return self.FIELD_AUDIENCE.get(name)

    @model_validator(mode="after")
    def _published_team(self) -> Plan:
        """Tell each responder whether the team publishes its members (their fields' audiences follow)."""
        for responder in self.responders:
            responder._published = self.team.published
        return self

    @model_validator(mode="after")
    def _rota_in_wall_clock_time(self) -> Plan:
        """Shift times written with an offset become wall-clock times of the event (fold=1 for a second 01:30)."""
        zone = self.event.zone
        for shift in self.rota:
            for name in ("start", "end"):
                value = getattr(shift, name)
                if value.tzinfo is not None:
                    setattr(shift, name, value.astimezone(zone).replace(tzinfo=None))
                    shift._offset_written.add(name)
        return self

    def responder(self, responder_id: str) -> Responder | None:
        return next((r for r in self.responders if r.id == responder_id), None)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    @property
    def region(self) -> str | None:
        """The country phone numbers are read in and paper follows: the first venue's, the event's, or the language's."""
        country = self.venues[0].country if self.venues else self.event.country
        return phone_region(country, self.event.languages[0], venues=bool(self.venues))

    @property
    def emergency_services(self) -> list[EmergencyService]:
        """The emergency numbers to print, each once: the venues', else the event's; a number for everything first.

        Only what the plan states: none for `emergency_number: none`, and none (the guides then say to contact
        local emergency services) where nothing is written; `check` refuses that where a place needs numbers.
        """
        found = [service for venue in self.venues for service in venue.emergency] if self.venues else self.event.emergency
        unique: dict[tuple[str, frozenset[Service]], EmergencyService] = {}
        for service in found:
            unique.setdefault((service.number, service.reaches), service)
        return sorted(unique.values(), key=lambda service: not service.for_everything)

    @property
    def emergency_numbers(self) -> list[str]:
        """The numbers of `emergency_services`, each once."""
        return list(dict.fromkeys(service.number for service in self.emergency_services))

    @property
    def locale(self) -> str:
        """The BCP 47 locale of the guides: `event.locale`, else the first language in the venue's country."""
        if self.event.locale:
            return self.event.locale
        return derived_tag(self.event.languages[0], self.region)

    def all_waivers(self) -> list[WaiverSite]:
        """Every waiver with the item it is written on, in plan order: the plan's own, then each kind of item's."""
        found = [WaiverSite(waiver, None, None, (), k) for k, waiver in enumerate(self.waivers)]
        for kind, where in ITEM_KINDS.items():
            items: Any = self
            for name in where:  # ("reporting", "channels") is self.reporting.channels
                items = getattr(items, name)
            for index, item in enumerate(items):
                found += [WaiverSite(waiver, kind, item, where + (index,), k) for k, waiver in enumerate(item.waivers)]
        return found


WaiverItem = Venue | Responder | Shift | Channel | Scenario

# Kinds of item that carry their own `waivers:`, and where they sit in the plan.
ITEM_KINDS: dict[str, tuple[str, ...]] = {
    "venues": ("venues",),
    "responders": ("responders",),
    "rota": ("rota",),
    "channels": ("reporting", "channels"),
    "scenarios": ("scenarios",),
}


@dataclass(frozen=True)
class WaiverSite:
    """One waiver and where it is written; `item` is None for the plan's own `waivers:` (the whole plan)."""

    waiver: Waiver
    kind: str | None  # a key of ITEM_KINDS, None for the whole plan
    item: WaiverItem | None
    scope: tuple[str | int, ...]  # the item's path in the plan, e.g. ("reporting", "channels", 1); () for the whole plan
    index: int  # the waiver's place in that `waivers:` list

    @property
    def path(self) -> tuple[str | int, ...]:
        return self.scope + ("waivers", self.index)
