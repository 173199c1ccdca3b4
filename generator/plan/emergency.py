"""Emergency numbers: only what the plan states, checked against the country where it is.

The tool never prints an emergency number the plan did not write. `check` refuses a
number that is not an emergency number in the venue's country (the short-number data of
the phonenumbers library), a number said to reach a service the country's data gives
another number for (110 for an ambulance in Japan), and a plan that names only one of
police and ambulance where the two have different numbers.

Where the tool suggests numbers (in a hint, and in `init --country`) they come from
generator/data/emergency_numbers.json, which names its public source and date; a test
checks every entry against phonenumbers. A country not in that file gets no suggestion.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from phonenumbers import shortnumberinfo

from ..errors import Problem
from .load import SourceMap
from .model import SERVICES, EmergencyService, EventKind, Plan, Service, Venue

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "emergency_numbers.json"


@functools.cache
def emergency_data() -> dict[str, Any]:
    """The bundled file: `source`, `date` and, per country, lists of numbers for `all`, police, ambulance and fire."""
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def known_countries() -> list[str]:
    return sorted(emergency_data()["countries"])


def numbers_for(country: str, service: Service) -> list[str]:
    """The country's numbers for `service` in the bundled data: its own, then those for every service."""
    entry = emergency_data()["countries"].get(country, {})
    own = [] if service is Service.all else list(entry.get(service.value, []))
    return own + [number for number in entry.get("all", []) if number not in own]


def usual_services(country: str) -> list[tuple[str, list[Service]]]:
    """What to suggest for `country`: (number, services), a number for everything first; [] for a country not in the data."""
    entry = emergency_data()["countries"].get(country)
    if not entry:
        return []
    found: list[tuple[str, list[Service]]] = []
    if entry.get("all"):
        found.append((entry["all"][0], [Service.all]))
    for service in SERVICES:
        if entry.get(service.value):
            number = entry[service.value][0]
            same = next((item for item in found if item[0] == number and item[1] != [Service.all]), None)
            if same:
                same[1].append(service)
            else:
                found.append((number, [service]))
    return found


def police_and_ambulance_differ(country: str) -> bool:
    police, ambulance = numbers_for(country, Service.police), numbers_for(country, Service.ambulance)
    return bool(police and ambulance and set(police) != set(ambulance))


def usual_text(country: str) -> str:
    """"police 110; ambulance and fire 119" from the bundled data (English: check's own words)."""
    parts = []
    for number, services in usual_services(country):
        words = "every service" if services == [Service.all] else " and ".join(service.value for service in services)
        parts.append(f"{words} {number}")
    return "; ".join(parts)


def usual_yaml(country: str) -> str:
    """The suggestion as a flow-style YAML value for `emergency_services:`."""
    items = [f'{{number: "{number}", services: [{", ".join(service.value for service in services)}]}}'
             for number, services in usual_services(country)]
    return "[" + ", ".join(items) + "]"


def suggestion(country: str) -> str:
    """A hint: the usual numbers with their source, or where to find them for a country the data does not cover."""
    if not usual_services(country):
        return (f"the bundled list has no numbers for {country}: ask the venue or the local authorities which numbers reach "
                "the police, an ambulance and the fire service, and list each under `emergency_services` with the services it reaches")
    data = emergency_data()
    services = usual_services(country)
    fix = (f'`emergency_number: "{services[0][0]}"`' if len(services) == 1 and services[0][1] == [Service.all]
           else f"`emergency_services: {usual_yaml(country)}`")
    return (f"the usual numbers in {country} are {usual_text(country)} (from {data['source']}, {data['date']}; confirm them "
            f"locally): write {fix}")


def _services_words(services: Sequence[Service]) -> str:
    return "every service" if Service.all in services else " and ".join(service.value for service in services)


def check_emergency(plan: Plan, source: SourceMap) -> list[Problem]:
    """Every venue (or, without one, the event) states its emergency numbers, and each is right for its country."""
    problems: list[Problem] = []
    if plan.venues:
        for index, venue in enumerate(plan.venues):
            problems += check_venue(venue, index, source)
        return problems
    event = plan.event
    if event.emergency_number == "none":
        return problems
    if not event.emergency:
        if event.kind in (EventKind.conference, EventKind.meetup):
            country = event.country or plan.region
            hint = suggestion(country) if country else "set `country` and list the numbers under `emergency_services`"
            problems.append(source.problem(
                ("event",), f"this {event.kind.value} has no venue and no emergency number: the guides print only the "
                "numbers a plan states", at_key=True,
                hint=f"{hint}; or write `emergency_number: none` if people are in many countries"))
        return problems
    country = event.country or plan.region
    if country is None:
        problems.append(source.problem(("event", "emergency_services" if event.emergency_services else "emergency_number"),
                                       "an emergency number needs the country it is dialled in",
                                       hint="set the event's `country`, e.g. `country: JP`"))
        return problems
    return _check_place(event.emergency, country, ("event",), bool(event.emergency_number), source, "the event")


def check_venue(venue: Venue, index: int, source: SourceMap) -> list[Problem]:
    """The emergency numbers of the plan's venue number `index`: stated, and right for its country."""
    return _check_place(venue.emergency, venue.country, ("venues", index), bool(venue.emergency_number), source,
                        f"the venue `{venue.id}`")


def _check_place(services: list[EmergencyService], country: str, where: tuple[str | int, ...], shorthand: bool,
                 source: SourceMap, what: str) -> list[Problem]:
    problems: list[Problem] = []
    if not services:
        problems.append(source.problem(where, f"{what} has no emergency number: the guides print only the numbers a plan states",
                                       at_key=True, hint=suggestion(country)))
        return problems
    for index, service in enumerate(services):
        path = where + (("emergency_number",) if shorthand else ("emergency_services", index, "number"))
        if not shortnumberinfo.is_emergency_number(service.number, country):
            elsewhere = ("; a line that is not one (a helpline, an SMS or text relay line, police non-emergency) goes under "
                         "the venue's `numbers:`, with its label and when to use it") if where[0] == "venues" else ""
            problems.append(source.problem(path, f"`{service.number}` is not an emergency number in {country}",
                                           hint=suggestion(country) + elsewhere))
            continue
        wrong = [s for s in (SERVICES if Service.all in service.services else service.services)
                 if numbers_for(country, s) and service.number not in numbers_for(country, s)]
        if Service.all in service.services and not police_and_ambulance_differ(country):
            wrong = []  # one number for everything there (911 in the US): any emergency number reaches it
        if wrong and _known_number(country, service.number):
            reaches = [s for s in SERVICES if service.number in numbers_for(country, s)]
            said = "every service" if Service.all in service.services else _services_words(service.services)
            message = (f"`{service.number}` does not reach {_services_words(wrong)} in {country}: it is the number for "
                       f"{_services_words(reaches)}, not {said}")
            if shorthand:
                message += " (`emergency_number` is one number for every service)"
            problems.append(source.problem(path, message, hint=suggestion(country)))
    if not problems and police_and_ambulance_differ(country):
        covered = frozenset().union(*(service.reaches for service in services))
        missing = [s for s in (Service.police, Service.ambulance) if s not in covered]
        if missing:
            path = where + (("emergency_number",) if shorthand else ("emergency_services",))
            problems.append(source.problem(
                path, f"{what} names no number for {_services_words(missing)}: police and ambulance have different numbers "
                f"in {country}, so the guides must give both", hint=suggestion(country)))
    return problems


def _known_number(country: str, number: str) -> bool:
    """Whether the bundled data lists `number` for some service of `country` (only then can it say which services it reaches)."""
    return any(number in numbers_for(country, service) for service in (Service.all, *SERVICES))
