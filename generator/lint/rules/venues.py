"""Venues: an address emergency services can find, and the emergency numbers people there know."""

from __future__ import annotations

from collections.abc import Iterator

from ...plan.emergency import numbers_for, usual_text
from ..context import Context
from ..registry import Finding, rule


@rule("VENUE-ADDRESS", "error", "A venue's address is not a full street address (two lines or more, one with a number).",
      items=("venues",),
      bad="""
          venues:
            - id: hall
              name: Example Hall
              address: [Example Hall, London]
              country: GB
          """,
      good="""
          venues:
            - id: hall
              name: Example Hall
              address: [1 Example Street, London SE1 9ZZ]
              country: GB
              emergency_number: "999"
          """)
def venue_address(context: Context) -> Iterator[Finding]:
    """Volunteers read the venue's address to emergency services, so it must be a street
    address: at least two lines, and at least one line with a number (the building number
    or the postcode). A venue name alone, or "TBD", is not enough.
    """
    for index, venue in enumerate(context.plan.venues):
        lines = venue.address
        if len(lines) < 2 or not any(any(c.isdigit() for c in line) for line in lines):
            yield Finding(("venues", index, "address"),
                          f"the address of `{venue.id}` is not a street address emergency services can find: write the building "
                          "number and street, the town and the postcode, one line each")


@rule("EMERGENCY-NUMBER", "warning", "A venue's emergency number is not one the bundled list gives for its country and services.",
      items=("venues",),
      bad="""
          venues:
            - {id: hall, name: Example Hall, address: [1 Example Street, London SE1 9ZZ], country: GB, emergency_number: "112"}
          """,
      good="""
          venues:
            - {id: hall, name: Example Hall, address: [1 Example Street, London SE1 9ZZ], country: GB, emergency_number: "999"}
          """)
def emergency_number(context: Context) -> Iterator[Finding]:
    """A venue's emergency number is one the phone-number library accepts in its country, but
    not one `generator/data/emergency_numbers.json` gives there for the services it is said
    to reach (999 in GB, 911 in the US, 112 in most of Europe). People dial what is printed;
    print the numbers everyone knows (112 is accepted in the US, but people there know 911).
    A campus's own security line is not an emergency number: put it under the venue's
    `contacts`. (A number that is no emergency number there at all, or a plan without
    numbers, is an error of `check`, not this rule: nothing is assumed.)
    """
    for index, venue in enumerate(context.plan.venues):
        usual = usual_text(venue.country)
        for s_index, service in enumerate(venue.emergency):
            known = {number for kind in service.reaches for number in numbers_for(venue.country, kind)}
            if usual and service.number not in known:
                where = ("venues", index) + (("emergency_number",) if venue.emergency_number else ("emergency_services", s_index, "number"))
                yield Finding(where, f"`{service.number}` is not one of the usual emergency numbers in {venue.country} ({usual}); "
                              "print the numbers people there know")
