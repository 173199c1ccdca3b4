"""Formatting of plan values for the page: phone numbers, tel: links, lists of days, bare links (also Jinja filters)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import phonenumbers
from markupsafe import Markup

from .locale import Localizer


def phone_display(number: str | None, region: str | None, *, international: bool = False) -> str:
    """A stored number the way people there write it: national format at home, international abroad
    (or always, for readers from abroad)."""
    if not number:
        return ""
    if not number.startswith("+"):
        return number  # a short service number: 999, 101, 116 123
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if not international and region and phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_href(number: str) -> str:
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def days_text(loc: Localizer, days: Iterable[dt.date], all_days: list[dt.date]) -> Markup:
    """'Every day', 'Wed 9 Jun', 'Wed 9 Jun and Thu 10 Jun'; nothing for the one day of a one-day event."""
    days = sorted(days)
    if not days or (all_days and days == sorted(all_days)):
        return Markup("") if len(all_days) == 1 else loc.t("days.every")
    return loc.join(loc.short_date(d) for d in days)


# Where a long address may break, as style guides break them: after a slash, before a dot or a query's marks;
# inside the host name only when it is too long to stay whole ("summit / .example.org" reads badly)
_URL_BREAKS = re.compile(r"(?<=/)(?=.)|(?<=.)(?=[.?#&=])")
LONG_HOST = 24


def bare_url(url: str) -> Markup:
    """A link as people read it aloud (no https://, no trailing slash), with line-break chances in it (_URL_BREAKS)
    so a narrow caption breaks it there rather than inside a word."""
    text = re.sub(r"^https?://", "", url).rstrip("/") or url
    host, slash, path = text.partition("/")
    if len(host) > LONG_HOST:
        pieces = _URL_BREAKS.split(text)
    else:
        pieces = [host + slash, *_URL_BREAKS.split(path)] if path else [text]
    return Markup("<wbr>").join(pieces)
