"""The plan's field types: what one value may be, checked as it is read, with a plain-words message when it is not.

Constrained text (one line, an id, Markdown prose), phone numbers (read in the plan's
country, stored in E.164), dial and emergency numbers, country codes, languages and
locales, links, time zones, dates within the century, and the audience a value is for.
The plan's shape, the models built from these, is in model.py.

A validator message that starts with `@field: ` is reported at that field's position;
a line `\nhint: ...` at its end becomes the problem's hint (validate.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import html
import re
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Annotated
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import shortnumberinfo
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, WithJsonSchema

from ..errors import did_you_mean, quoted
from .language import SHIPPED, language_region, parse_tag


class Audience(str, enum.Enum):
    """Who may see a value. Ordered: public < volunteer < responder."""

    public = "public"
    volunteer = "volunteer"
    responder = "responder"

    @property
    def rank(self) -> int:
        return ["public", "volunteer", "responder"].index(self.value)

    def allows(self, other: Audience) -> bool:
        """True when a reader of this audience may see data meant for `other`."""
        return other.rank <= self.rank

    @property
    def private(self) -> bool:
        """Whether what is made for these readers is private (responders only): written under private/ (mode 0600),
        sealed by `build --seal`, and marked private on the page."""
        return self is Audience.responder


AudienceField = Annotated[Audience | None, Field(description="Who may see this item: public, volunteer or responder")]


# --- text, numbers, places and languages ------------------------------------

Prose = Annotated[str, Field(min_length=1, json_schema_extra={"format": "markdown"})]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]


def _one_line(value: str) -> str:
    # U+2028/9 end a line on paper too, and so does an HTML reference to one (`&#x2028;`, `&NewLine;`)
    if any(char in value for char in _LINE_BREAKS) or ("&" in value and any(char in html.unescape(value) for char in _LINE_BREAKS)):
        raise ValueError("this value is one line: write it without line breaks")
    return value


_LINE_BREAKS = "\n\r\u2028\u2029\x85"


Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_one_line)]


def phone_region(country: object, language: object, *, venues: bool) -> str | None:
    """The country phone numbers are read in (and paper follows): `country`, written for the first venue or, without
    venues, for the event; else, without venues, the region of the first language (en-GB: GB). None when that is
    not a country phone numbers know. The one rule for the plan (`Plan.region`) and for its validation, which
    reads phone numbers before the plan exists (validate.py)."""
    if country is None and not venues:
        country = language_region(language)
    return country if isinstance(country, str) and country in phonenumbers.SUPPORTED_REGIONS else None


def _region(info: ValidationInfo) -> str | None:
    region = (info.context or {}).get("region")
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def _check_country(value: str) -> str:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        if value == "UK":
            raise ValueError("`UK` is not a country code\nhint: the code for the United Kingdom is GB")
        raise ValueError(f"{quoted(value)} is not a two-letter country code\nhint: use the ISO code in capitals, e.g. GB, US, AU or DE")
    return value


def did_you_mean_hint(value: str, choices: Iterable[str]) -> str:
    """A message's last line: `hint: did you mean ...?`, or nothing when no choice is close."""
    hint = did_you_mean(value, choices)
    return f"\nhint: {hint}" if hint else ""


class CountryNeeded(ValueError):
    """A phone number only a country makes readable (a shared plan's: each event that extends it gives the country)."""


def _check_phone(value: str, info: ValidationInfo) -> str:
    """A full phone number, stored in E.164 (+441234567890)."""
    region = _region(info)
    if region is None and (info.context or {}).get("region_unknown"):
        return value  # the country itself is wrong and reported; one error is enough
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        if region is None and not value.lstrip().startswith("+"):
            raise CountryNeeded(f"{quoted(value)} is not a phone number that can be read without a country"
                             "\nhint: write it in international form, e.g. +44 20 7946 0123, or set the venue's or event's `country`") from None
        raise ValueError(f"{quoted(value)} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        country = phonenumbers.region_code_for_number(number) or region
        where = f" in {country}" if country else ""
        raise ValueError(f"{quoted(value)} is not a valid phone number{where}\nhint: check the number of digits and the area code")
    if not phonenumbers.can_be_internationally_dialled(number):
        # dialled only from inside the country (Australia's 13 14 44, 1800 numbers): kept in the form that works there
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _compact(number: str) -> str:
    """A number as dialled, without the spaces and hyphens it is grouped with (116 123, 1-1-0)."""
    return re.sub(r"[\s\-]", "", number)


def _check_dial(value: str, info: ValidationInfo) -> str:
    """A number to dial: a full phone number, or a short service number of the venue's country (101, 116 123)."""
    compact = _compact(value)
    region = _region(info)
    if region and compact.isascii() and compact.isdigit() and len(compact) <= 6:
        try:
            short = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            short = None
        if short is not None and shortnumberinfo.is_valid_short_number_for_region(short, region) or shortnumberinfo.is_emergency_number(compact, region):
            return " ".join(value.split())  # grouped as the organizer writes it, the country's way (116 123)
        if short is None or not phonenumbers.is_valid_number(short):  # else a full number that short (Australia's 13 14 44)
            raise ValueError(f"{quoted(value)} is not a short service number in {region}\nhint: check the digits, or write the full "
                             f"phone number; an extension on the event's own phones goes in the text (e.g. 'DECT {value}'), not here")
    return _check_phone(value, info)


def _not_emergency(value: str, info: ValidationInfo) -> str:
    """A contact's number: never an emergency number, which reaches the emergency services, not the contact."""
    region = _region(info)
    compact = _compact(value)
    if region and compact.isdigit() and shortnumberinfo.is_emergency_number(compact, region):
        raise ValueError(f"{quoted(value)} is an emergency number in {region}: dialled from a mobile, it reaches the emergency "
                         f"services, not this contact\nhint: an extension on the event's own phones goes in the text (e.g. "
                         f"'DECT {value}') with `phone` left out; the venue's emergency numbers go in `emergency_services`")
    return value


def _check_locale(value: str) -> str:
    parse_tag(value)
    return value


def _check_link(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{quoted(value)} is not a web link; links must start with https:// (or http://)")
    return value


# A locale whose words ship with the tool (plan/language.py: SHIPPED), or any other tag CLDR knows (`it-IT`): its formats, English words.
LocaleTag = Annotated[str, AfterValidator(_check_locale), WithJsonSchema({"anyOf": [
    {"type": "string", "enum": list(SHIPPED), "description": "A locale whose words ship with incident-guide"},
    {"type": "string", "pattern": r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
     "description": "Any other BCP 47 locale: its dates, times and paper, with English words"},
]})]
Phone = Annotated[str, AfterValidator(_check_phone), Field(json_schema_extra={"format": "phone"})]
DialNumber = Annotated[str, AfterValidator(_check_dial), Field(json_schema_extra={"format": "phone"})]
ContactNumber = Annotated[str, AfterValidator(_check_dial), AfterValidator(_not_emergency), Field(json_schema_extra={"format": "phone"})]
Link = Annotated[str, AfterValidator(_check_link), Field(json_schema_extra={"format": "uri"})]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_check_country)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]


# --- dates and times ---------------------------------------------------------

# In the schema a local date and time, not JSON Schema's `date-time` (which needs an offset
# and would make editors flag every `2027-06-09 08:00`). An offset is allowed: it picks
# the second of a repeated hour (`2027-10-31 01:30+00:00`); Plan turns it into wall time.
# Every date a plan holds lies in this century: far enough either way for any event or review, and
# near enough that a date a day away from datetime's limits (9999-12-31, 0001-01-01) is a located error.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _in_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} is out of range: dates in a plan lie between "
                         f"{FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return value


Day = Annotated[dt.date, AfterValidator(_in_range), WithJsonSchema({
    "type": "string", "format": "date", "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
    "description": f"A date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, e.g. 2027-06-09",
})]
LocalTime = Annotated[dt.datetime, AfterValidator(_in_range), WithJsonSchema({
    "type": "string",
    "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?( ?(Z|[+-][0-9]{2}(:?[0-9]{2})?))?)?$",
    "description": "Local date and time in the event's time zone, e.g. 2027-06-09 08:00; "
                   "add an offset only to pick the second of a repeated hour, e.g. 2027-10-31 01:30+00:00. "
                   f"Dates lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}",
})]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", description="A wall-clock time, HH:MM; 24:00 is the end of the day")]


# Names in the system's zone folder that are not places: the machine's own zone (so a plan would mean a
# different time on each computer that builds it), a placeholder zone, and copies under other rules.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(name for name in zoneinfo.available_timezones()
                     if name not in _NOT_ZONES and not name.startswith(("posix/", "right/")))


def _check_zone(value: str, info: ValidationInfo) -> str:
    """An IANA time zone the system knows, e.g. Europe/London."""
    try:
        if value not in _time_zones():  # never hand an arbitrary string to the file system
            raise zoneinfo.ZoneInfoNotFoundError(value)
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        places = [name for name in _time_zones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))]
        country = (info.context or {}).get("region")
        local = _country_zones(country) if country else []
        if re.match(r"^(UTC|GMT)?\s*[+-]\d", value, re.IGNORECASE):
            hint = "\nhint: use the name of a place, e.g. Europe/Berlin: it knows when summer time starts and ends"
        elif local:  # the zones of the plan's country (Lyon is in Europe/Paris), the likeliest first
            hint = did_you_mean_hint(value, local) or (f"\nhint: the time zone{'s' if len(local) > 1 else ''} of {country}: "
                                                       + ", ".join(f"`{zone}`" for zone in local[:6]) + (", …" if len(local) > 6 else ""))
        else:
            hint = did_you_mean_hint(value, places) or "\nhint: use a name like Europe/London or America/Chicago"
        raise ValueError(f"{quoted(value)} is not a time zone{hint}") from None
    return value


def _country_zones(country: str) -> list[str]:
    """The time zones of a country, from CLDR (through Babel), that this system knows."""
    from babel.core import get_global

    return [zone for zone in get_global("territory_zones").get(country, ()) if zone in _time_zones()]


TimeZone = Annotated[str, AfterValidator(_check_zone)]


# --- emergency numbers -------------------------------------------------------

def _short_emergency(value: str) -> str:
    """An emergency number as dialled (112, 10111): checked against its country's data after validation (plan/emergency.py)."""
    compact = _compact(value)
    if not (compact.isascii() and compact.isdigit() and 2 <= len(compact) <= 6):
        raise ValueError(f"{quoted(value)} is not an emergency number: those are short numbers such as 112, 911 or 10111"
                         "\nhint: write the number people dial in an emergency; other numbers go under the venue's `numbers`")
    return compact


def _check_emergency(value: str) -> str:
    return "none" if value.strip().lower() == "none" else _short_emergency(value)


EmergencyNumber = Annotated[str, AfterValidator(_check_emergency), Field(json_schema_extra={"format": "phone"})]
EmergencyDial = Annotated[str, AfterValidator(_short_emergency), Field(json_schema_extra={"format": "phone"})]


# --- shorthands: one value where a list or a mapping is expected --------------

def _one_or_more(value: object) -> object:
    """`say: "Thank you."` means a list of one phrase."""
    return [value] if isinstance(value, str) else value


Phrases = Annotated[list[Prose], BeforeValidator(_one_or_more, json_schema_input_type=Prose | list[Prose])]
Handles = Annotated[list[Text], BeforeValidator(_one_or_more, json_schema_input_type=Text | list[Text])]


def text_as(key: str) -> Callable[[object], object]:
    """A plain text where a mapping is expected means the mapping with only `key`."""
    def convert(value: object) -> object:
        return {key: value} if isinstance(value, str) else value
    return convert
