"""Step 2, validate: the typed plan, in the organizer's words.

Every model forbids unknown keys, so a typo is an error rather than a silently
missing section. Prose fields take Markdown. Every piece of data has an audience
(`public` < `volunteer` < `responder`): a default per field, and an `audience:`
key on items where an organizer may want to raise or lower it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import re
import zoneinfo
from typing import Annotated, ClassVar, Literal
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import shortnumberinfo
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

FORMAT_VERSION = 1


class Audience(str, enum.Enum):
    """Who may see a value. Ordered: public < volunteer < responder."""

    public = "public"
    volunteer = "volunteer"
    responder = "responder"

    @property
    def rank(self) -> int:
        return ["public", "volunteer", "responder"].index(self.value)

    def allows(self, other: "Audience") -> bool:
        """True when a reader of this audience may see data meant for `other`."""
        return other.rank <= self.rank


# --- small value types --------------------------------------------------------

Prose = Annotated[str, Field(min_length=1, json_schema_extra={"format": "markdown"})]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=300)]

# The usual emergency number where phonenumbers' short-number data is not decisive.
EMERGENCY_NUMBERS = {"GB": "999", "US": "911", "CA": "911", "AU": "000", "NZ": "111", "IE": "112", "IN": "112", "JP": "110"}


def usual_emergency_number(country: str) -> str:
    if country in EMERGENCY_NUMBERS:
        return EMERGENCY_NUMBERS[country]
    for candidate in ("112", "911", "999", "000", "110", "119"):
        if shortnumberinfo.is_emergency_number(candidate, country):
            return candidate
    return "112"


def _shown(value: str, limit: int = 60) -> str:
    """A value as quoted in a message: one line, and cut short when long."""
    text = " ".join(str(value).split())
    return f"`{text[:limit]}{'...' if len(text) > limit else ''}`"


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _region(info: ValidationInfo) -> str | None:
    region = (info.context or {}).get("region")
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def _check_country(value: str) -> str:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        if value == "UK":
            raise ValueError("`UK` is not a country code\nhint: the code for the United Kingdom is GB")
        raise ValueError(f"{_shown(value)} is not a two-letter country code\nhint: use the ISO code in capitals, e.g. GB, US, AU or DE")
    return value


def _did_you_mean(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"\nhint: did you mean `{close[0]}`?" if close else ""


def _check_phone(value: str, info: ValidationInfo) -> str:
    """A full phone number, stored in E.164 (+441234567890)."""
    region = _region(info)
    if region is None and (info.context or {}).get("region_unknown"):
        return value  # the country itself is wrong and reported; one error is enough
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        if region is None and not value.lstrip().startswith("+"):
            raise ValueError(f"{_shown(value)} is not a phone number that can be read without a country"
                             "\nhint: write it in international form, e.g. +44 20 7946 0123, or set the venue's or event's `country`") from None
        raise ValueError(f"{_shown(value)} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        country = phonenumbers.region_code_for_number(number) or region
        where = f" in {country}" if country else ""
        raise ValueError(f"{_shown(value)} is not a valid phone number{where}\nhint: check the number of digits and the area code")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_dial(value: str, info: ValidationInfo) -> str:
    """A number to dial: a full phone number, or a short service number of the venue's country (101, 116 123)."""
    compact = re.sub(r"[\s\-]", "", value)
    region = _region(info)
    if region and compact.isascii() and compact.isdigit() and len(compact) <= 6:
        try:
            short = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            short = None
        if short is not None and shortnumberinfo.is_valid_short_number_for_region(short, region) or shortnumberinfo.is_emergency_number(compact, region):
            return compact
        raise ValueError(f"{_shown(value)} is not a short service number in {region}\nhint: check the digits, or write the full phone number")
    return _check_phone(value, info)


def _check_link(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{_shown(value)} is not a web link; links must start with https:// (or http://)")
    return value


Phone = Annotated[str, AfterValidator(_check_phone), Field(json_schema_extra={"format": "phone"})]
DialNumber = Annotated[str, AfterValidator(_check_dial), Field(json_schema_extra={"format": "phone"})]
Link = Annotated[str, AfterValidator(_check_link), Field(json_schema_extra={"format": "uri"})]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_check_country)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]
# In the schema a local date and time, not JSON Schema's `date-time` (which needs an offset
# and would make editors flag every `2027-06-09 08:00`). An offset is allowed: it picks
# the second of a repeated hour (`2027-10-31 01:30+00:00`); Plan turns it into wall time.
LocalTime = Annotated[dt.datetime, WithJsonSchema({
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?(Z|[+-][0-9]{2}(:?[0-9]{2})?))?)?$",
    "description": "Local date and time in the event's time zone, e.g. 2027-06-09 08:00; "
                   "add an offset only to pick the second of a repeated hour, e.g. 2027-10-31 01:30+00:00",
})]


class Model(BaseModel):
    """Base of every plan model: unknown keys are errors; `999` is read as text where text is expected.

    A validator message that starts with `@field: ` is reported at that field's position;
    a line `\nhint: ...` at its end becomes the problem's hint.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True,
                              validate_default=False, use_enum_values=False)
    # field name -> who may see it; fields not listed inherit the item's audience
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {}
    # the audience of the whole item when the plan does not say
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.volunteer

    def item_audience(self) -> Audience:
        own = getattr(self, "audience", None)
        return Audience(own) if own else self.DEFAULT_AUDIENCE

    def field_audience(self, name: str) -> Audience | None:
        """Who may see field `name`; None means the same readers as the item itself."""
        return self.FIELD_AUDIENCE.get(name)


AudienceField = Annotated[Audience | None, Field(description="Who may see this item: public, volunteer or responder")]


class Waiver(Model):
    """Switches one lint rule off, with the reason; the responder guide prints it.

    In the top-level `waivers:` it covers the whole plan; in the `waivers:` of a
    responder, shift, channel, scenario or venue it covers that item only.
    """

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    rule: Text = Field(description="The rule id from docs/rules.md, e.g. TEAM-SIZE")
    reason: Prose = Field(description="Why the rule does not apply here; shown in the responder guide")


def _waivers_field():
    return Field(default_factory=list, description="Rules switched off for this item, each with a reason (see docs/rules.md)")


# --- the event ----------------------------------------------------------------

class EventKind(str, enum.Enum):
    conference = "conference"
    meetup = "meetup"
    online_community = "online-community"
    project = "project"


class Event(Model):
    """The event or community the plan is for."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    name: Text
    kind: EventKind
    organiser: Text | None = Field(None, description="The organisation that runs the event")
    starts: dt.date | None = Field(None, description="First day (events only)")
    ends: dt.date | None = Field(None, description="Last day (events only)")
    timezone: str = Field(description="IANA time zone, e.g. Europe/London")
    country: Country | None = Field(None, description="Two-letter country code for phone numbers when there is no venue")
    languages: list[Language] = Field(default_factory=lambda: ["en"], min_length=1)
    website: Link | None = None
    code_of_conduct: Link
    reporting_guidelines: Link | None = None
    last_reviewed: dt.date | None = Field(None, description="When the team last read the plan through")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            if value not in _time_zones():  # never hand an arbitrary string to the file system
                raise zoneinfo.ZoneInfoNotFoundError(value)
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            places = [name for name in _time_zones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))]
            if re.match(r"^(UTC|GMT)?\s*[+-]\d", value, re.IGNORECASE):
                hint = "\nhint: use the name of a place, e.g. Europe/Berlin: it knows when summer time starts and ends"
            else:
                hint = _did_you_mean(value, places) or "\nhint: use a name like Europe/London or America/Chicago"
            raise ValueError(f"{_shown(value)} is not a time zone{hint}") from None
        return value

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.kind in (EventKind.conference, EventKind.meetup) and self.starts is None:
            raise ValueError(f"@kind: a {self.kind.value} needs `starts` (its first day)")
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError(f"@ends: the event ends ({self.ends}) before it starts ({self.starts})")
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def utc(self, wall: dt.datetime) -> dt.datetime:
        """A wall-clock time of the event (a shift's start or end) in UTC.

        Read as RFC 5545 reads local times: a repeated time is the first one unless
        `fold` is 1; a time that does not exist uses the offset from before the change.
        """
        if wall.tzinfo is not None:
            return wall.astimezone(dt.timezone.utc)
        return wall.replace(tzinfo=self.zone).astimezone(dt.timezone.utc)

    @property
    def days(self) -> list[dt.date]:
        if not self.starts:
            return []
        last = self.ends or self.starts
        return [self.starts + dt.timedelta(days=n) for n in range((last - self.starts).days + 1)]


# --- venues -----------------------------------------------------------------

class Number(Model):
    """A number to call, with when to use it."""

    label: Text
    number: DialNumber
    when: Prose = Field(description="When to call it, e.g. theft or trespassing; dial the emergency number for violence")
    audience: AudienceField = None


class Contact(Model):
    """On-site security, building staff, first aid."""

    name: Text
    phone: DialNumber | None = None
    where: Text | None = None
    when: Prose | None = None
    audience: AudienceField = None


class RoomKind(str, enum.Enum):
    safety = "safety"
    staff = "staff"
    first_aid = "first-aid"
    other = "other"


class Room(Model):
    """A safety/quiet room or staff room; `days` when it moves during the event.

    Safety rooms and first aid are on the public sheet unless the plan says otherwise.
    """

    kind: RoomKind
    name: Text
    where: Prose = Field(description="How to find it")
    days: list[dt.date] = Field(default_factory=list, description="Days it is used; every day when empty")
    audience: AudienceField = None

    def item_audience(self) -> Audience:
        if self.audience:
            return Audience(self.audience)
        return Audience.public if self.kind in (RoomKind.safety, RoomKind.first_aid) else Audience.volunteer


class Venue(Model):
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}
    id: Id
    name: Text
    address: Annotated[list[Text], Field(min_length=1, description="Street address, one line per item, as emergency services need it")]
    country: Country = Field(description="Two-letter country code, e.g. GB")
    emergency_number: DialNumber | None = Field(None, description="Defaults to the country's usual number")
    directions: Prose | None = None
    numbers: list[Number] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    rooms: list[Room] = Field(default_factory=list)
    days: list[dt.date] = Field(default_factory=list, description="Days the venue is used; every day when empty")
    waivers: list[Waiver] = _waivers_field()

    @property
    def emergency(self) -> str:
        return self.emergency_number or usual_emergency_number(self.country)


# --- people and roles -------------------------------------------------------

class RoleKind(str, enum.Enum):
    attendees = "attendees"
    volunteers = "volunteers"
    staff = "staff"
    response_team = "response-team"
    lead = "lead"
    board = "board"
    partner = "partner"


class Role(Model):
    id: Id
    name: Text
    kind: RoleKind
    duties: list[Prose] = Field(min_length=1)
    contact: Prose | None = Field(None, description="How to reach this group (boards and partners)")


class ResponderRole(str, enum.Enum):
    lead = "lead"
    responder = "responder"
    fallback = "fallback"


class RelationKind(str, enum.Enum):
    partner = "partner"
    family = "family"
    conflict = "conflict"
    other = "other"


class Relationship(Model):
    """A declared relationship or conflict of interest with another responder."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    with_: Id = Field(alias="with", description="The other responder's id")
    kind: RelationKind
    note: Prose | None = None


class Responder(Model):
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
    name: Text
    pronouns: Text | None = None
    role: ResponderRole = ResponderRole.responder
    phone: Phone | None = None
    email: EmailStr | None = None
    chat: Text | None = Field(None, description="Secure-chat handle, e.g. Signal username")
    languages: list[Language] = Field(default_factory=list, description="Language codes, e.g. en, de, pt-BR")
    how_to_recognise: Text | None = Field(None, description="What they wear or carry at the event")
    relationships: list[Relationship] = Field(default_factory=list)
    fallback: Id | None = Field(None, description="Who takes over when this responder has a conflict")
    notes: Prose | None = None
    visibility: dict[str, Audience] = Field(default_factory=dict, description="Raise or lower who sees a field, e.g. {phone: responder}")
    waivers: list[Waiver] = _waivers_field()

    @field_validator("visibility")
    @classmethod
    def _known_fields(cls, value: dict) -> dict:
        fields = set(cls.model_fields) - {"id", "visibility", "waivers"}
        for name in value:
            if name not in fields:
                hint = _did_you_mean(name, fields) or f"\nhint: use one of {', '.join(sorted(fields))}"
                raise ValueError(f"{_shown(name)} is not a responder field{hint}")
        return value

    def field_audience(self, name: str) -> Audience | None:
        if name in self.visibility:
            return self.visibility[name]
        return self.FIELD_AUDIENCE.get(name)


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
    responders: list[Id] = Field(default_factory=list)
    note: Prose | None = None
    waivers: list[Waiver] = _waivers_field()
    # "start"/"end" when the plan wrote that time with an offset (set by Plan, used by lint)
    _offset_written: set[str] = PrivateAttr(default_factory=set)

    @model_validator(mode="after")
    def _in_order(self):
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            return self  # one with an offset: compared in UTC once the event's zone is known (validate.py)
        if self.end <= self.start:
            raise ValueError(f"@end: the shift ends ({self.end:%Y-%m-%d %H:%M}) before it starts ({self.start:%Y-%m-%d %H:%M})")
        return self


# --- reporting --------------------------------------------------------------

class ChannelKind(str, enum.Enum):
    phone = "phone"
    sms = "sms"
    email = "email"
    in_person = "in-person"
    form = "form"
    chat = "chat"


class Channel(Model):
    """A way to report. Only channels marked `audience: public` reach the public sheet."""

    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}

    kind: ChannelKind
    label: Text
    phone: Phone | None = None
    email: EmailStr | None = None
    link: Link | None = None
    where: Prose | None = None
    hours: Text | None = Field(None, description="When it is answered, e.g. 'during the event, 08:00-22:00'")
    staffed_by: list[Id] = Field(default_factory=list, description="Responder ids, or empty for whoever is on call")
    audience: AudienceField = None
    waivers: list[Waiver] = _waivers_field()

    @model_validator(mode="after")
    def _has_address(self):
        needed = {"phone": "phone", "sms": "phone", "email": "email", "form": "link", "chat": "link", "in-person": "where"}[self.kind.value]
        if getattr(self, needed) is None:
            article = "an" if self.kind.value[0] in "aeiou" else "a"
            raise ValueError(f"@kind: {article} `{self.kind.value}` channel needs `{needed}`")
        return self


class Reporting(Model):
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"chain": Audience.volunteer, "appeals": Audience.volunteer}
    channels: list[Channel] = Field(min_length=1)
    recognise_responders: Prose | None = Field(None, description="How attendees can recognise a responder, e.g. orange lanyards")
    chain: list[Id] = Field(min_length=2, description="Role ids from participant up to the board, in order")
    appeals: Prose | None = Field(None, description="How a decision can be appealed, and to whom")


# --- procedure --------------------------------------------------------------

class Step(Model):
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    title: Text
    details: Prose | None = None


class TakingReports(Model):
    ask: list[Prose] = Field(min_length=1, description="Questions to ask the person reporting")
    do: list[Prose] = Field(default_factory=list)
    do_not: list[Prose] = Field(min_length=1)


class FormField(Model):
    label: Text
    help: Text | None = None
    lines: int = Field(1, ge=1, le=12, description="Writing lines on the printed form")
    choices: list[Text] = Field(default_factory=list, description="Answers to tick on the printed form, e.g. [yes, no, not sure]")


class Level(Model):
    id: Id
    name: Text
    description: Prose | None = None


class Cell(Model):
    impact: Id
    risk: Id
    examples: list[Prose] = Field(default_factory=list)
    response: Prose


class Assessment(Model):
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    impact_levels: list[Level] = Field(min_length=2)
    risk_levels: list[Level] = Field(min_length=2)
    matrix: list[Cell] = Field(default_factory=list)
    notes: Prose | None = None


class ResourceKind(str, enum.Enum):
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
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    name: Text
    kind: ResourceKind = ResourceKind.other
    phone: DialNumber | None = None
    email: EmailStr | None = None
    link: Link | None = None
    notes: Prose | None = None
    audience: AudienceField = None


class Action(Model):
    """A rung of the ladder of possible responses."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    name: Text
    description: Prose


class Definition(Model):
    term: Text
    meaning: Prose


class Handling(str, enum.Enum):
    scripted = "scripted"
    team_decision = "team-decision"


class Scenario(Model):
    """A titled card of steps and exact phrases for a common situation."""

    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {"waivers": Audience.responder}
    id: Id
    title: Text
    applies_when: Prose
    impact: Id
    risk: Id
    handling: Handling = Handling.scripted
    steps: list[Prose] = Field(min_length=1)
    say: list[Prose] = Field(default_factory=list, description="Exact phrases to use")
    do_not: list[Prose] = Field(default_factory=list)
    escalate_to: list[Id] = Field(default_factory=list, description="Role or responder ids")
    audience: AudienceField = None
    waivers: list[Waiver] = _waivers_field()


# --- communication and governance -------------------------------------------

class Timeline(Model):
    what: Text
    within: Text = Field(description="e.g. 24 hours, one week")


class Communication(Model):
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.responder
    secure_channel: Prose = Field(description="Where responders talk, e.g. a Signal group; nothing sensitive in e-mail")
    spokespeople: list[Id] = Field(default_factory=list, description="Role or responder ids who may speak publicly")
    public_statements: Prose | None = None
    timelines: list[Timeline] = Field(default_factory=list)
    records: Prose | None = Field(None, description="What is recorded, where, who can read it")
    retention: Prose | None = None
    transparency_report: Prose | None = None


class Plan(Model):
    """A code-of-conduct incident response plan."""

    model_config = ConfigDict(title="incident-guide plan")
    DEFAULT_AUDIENCE: ClassVar[Audience] = Audience.public
    FIELD_AUDIENCE: ClassVar[dict[str, Audience]] = {
        "roles": Audience.volunteer,
        "responders": Audience.volunteer,
        "rota": Audience.responder,
        "procedure": Audience.responder,
        "taking_reports": Audience.volunteer,
        "report_form": Audience.responder,
        "assessment": Audience.responder,
        "responses": Audience.responder,
        "definitions": Audience.volunteer,
        "communication": Audience.responder,
        "waivers": Audience.responder,
    }

    format: Literal[1] = Field(description="Plan format version; lets a later version migrate this plan")
    event: Event
    venues: list[Venue] = Field(default_factory=list, description="Where the event happens; none for an online community")
    roles: list[Role] = Field(min_length=1)
    responders: list[Responder] = Field(min_length=1)
    rota: list[Shift] = Field(default_factory=list)
    reporting: Reporting
    procedure: list[Step] = Field(default_factory=list)
    taking_reports: TakingReports
    report_form: list[FormField] = Field(default_factory=list)
    report_form_audience: Literal["volunteer", "responder"] = Field(
        "responder", description="Who may take reports on the form: `volunteer` puts report-form.pdf beside the volunteer guide")
    assessment: Assessment | None = None
    resources: list[Resource] = Field(default_factory=list)
    responses: list[Action] = Field(default_factory=list, description="The ladder of possible responses, mildest first")
    definitions: list[Definition] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    communication: Communication | None = None
    waivers: list[Waiver] = Field(default_factory=list, description="Rules switched off for the whole plan, each with a reason (see docs/rules.md)")

    def field_audience(self, name: str) -> Audience | None:
        if name == "report_form":
            return Audience(self.report_form_audience)
        return self.FIELD_AUDIENCE.get(name)

    @model_validator(mode="after")
    def _rota_in_wall_clock_time(self):
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
        return self.venues[0].country if self.venues else self.event.country

    def all_waivers(self) -> list[tuple[str, Waiver]]:
        """Every waiver with what it covers, in plan order, e.g. ("shift 2027-06-09 00:00-08:00", waiver)."""
        found = [("the whole plan", waiver) for waiver in self.waivers]
        for venue in self.venues:
            found += [(f"venue {venue.name}", waiver) for waiver in venue.waivers]
        for responder in self.responders:
            found += [(f"responder {responder.name}", waiver) for waiver in responder.waivers]
        for shift in self.rota:
            end = f"{shift.end:%H:%M}" if shift.end.date() == shift.start.date() else f"{shift.end:%Y-%m-%d %H:%M}"
            found += [(f"shift {shift.start:%Y-%m-%d %H:%M}-{end}", waiver) for waiver in shift.waivers]
        for channel in self.reporting.channels:
            found += [(f"channel {channel.label}", waiver) for waiver in channel.waivers]
        for scenario in self.scenarios:
            found += [(f"scenario {scenario.title}", waiver) for waiver in scenario.waivers]
        return found
