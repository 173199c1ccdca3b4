"""Paper: the sizes a guide prints on, and which one a plan gets by default.

Imports nothing heavy at first (the plan model only when a default is asked for), so the
command line and the print workers can read the sizes without loading pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UserError, did_you_mean

if TYPE_CHECKING:
    from ..plan.model import Plan

# Where US Letter is the usual paper (CLDR's paper-size data); A4 everywhere else.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "BZ", "CL", "CO", "CR", "GT", "NI", "PA", "PR", "SV", "VE"})
PAGE_SIZES = {"a4": "A4", "letter": "letter"}  # each paper's CSS page size, also its name in prose
PAPER_SIZES = tuple(PAGE_SIZES)
# The poster prints one size up in the same family: A3 beside A4, tabloid (11 x 17 in) beside letter.
# (CSS page size, page width and height in mm)
POSTER_SIZES = {"a4": ("A3", 297.0, 420.0), "letter": ("11in 17in", 279.4, 431.8)}


def check_paper(name: str) -> str:
    """`name` if guides print on that paper; else a UserError with a hint. The one check of a paper size
    (the command line's --paper, and build_into for a caller in Python)."""
    if name in PAGE_SIZES:
        return name
    raise UserError(f"`{name}` is not a paper size the guides print on",
                    hint=did_you_mean(name.lower(), PAPER_SIZES) or f"--paper takes {' or '.join(PAPER_SIZES)}")


def usual_paper(country: str | None) -> str:
    """The usual paper in `country`: letter in the US, Canada, Mexico, the Philippines...; A4 elsewhere."""
    return "letter" if country in LETTER_COUNTRIES else "a4"


def default_paper(plan: Plan) -> str:
    """Letter where it is the usual paper (US, Canada, Mexico, the Philippines...), A4 elsewhere.

    The locale's country decides (en-US at a venue abroad still prints on letter); else the venue's.
    """
    from .locale import Localizer

    territory = Localizer(plan.locale).territory
    return usual_paper(territory or plan.region)
