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

The pieces: guide (the view the templates read), environment (Jinja, its filters and
globals), words (the labels of the plan's kinds), formatting, qr, styles (CSS), paper,
source_date (SOURCE_DATE_EPOCH) and now_script (the page's one script).
"""

from __future__ import annotations

import datetime as dt

from ..assets import AssetPolicy
from ..plan.model import Audience, Plan
from .bidi import isolate_ltr_runs
from .edition import EDITIONS, Edition, drill_spec, make_edition
from .environment import environment
from .guide import Guide
from .locale import Localizer, plan_localizer
from .paper import default_paper


def render_html(
    edition: Edition,
    *,
    medium: str = "screen",
    paper: str | None = None,
    policy: AssetPolicy | None = None,
    template: str | None = None,
    source_date: dt.datetime | None = None,
    loc: Localizer | None = None,
    draft: bool = False,
    short: bool = False,
) -> str:
    """One edition as HTML: medium "screen" for the HTML guide, "print" as WeasyPrint's input.

    `short` is the public sheet's last resort on paper: what the plan publishes moves to the published
    procedure, and the sheet says where to find it (printed only when the sheet would not fit one page).
    """
    if medium not in ("screen", "print"):
        raise ValueError(f"unknown medium {medium!r}")
    guide = Guide(edition, medium, paper or default_paper(edition.plan), policy, source_date, loc, draft)
    page = environment().get_template(template or edition.spec.template)
    page_html = page.render(guide=guide, plan=guide.plan, medium=medium, short=short)
    # Right to left: addresses, numbers and other left-to-right runs anywhere in the text keep their order.
    if guide.dir == "rtl":
        page_html = isolate_ltr_runs(page_html)
    # WeasyPrint takes a <wbr> inside a link as no break chance and breaks the address inside a word instead;
    # a zero-width space is the same chance within the text (and no character of the PDF's text layer).
    return page_html.replace("<wbr>", "\u200b") if medium == "print" else page_html


def unstated_policy(plan: Plan) -> list[str]:
    """The policy sentences the plan's guides have a place for and the plan does not state, in message-id order.

    Every edition is rendered as a build makes it (screen and print; print alone for a printed-only one), so the
    answer is what the templates actually ask for."""
    unstated: set[str] = set()
    for spec in (*EDITIONS.values(), drill_spec(Audience.volunteer)):
        if not spec.exists_for(plan):
            continue
        spec = spec.for_plan(plan)
        edition = make_edition(plan, spec.audience, spec.name)
        loc = plan_localizer(edition.plan)  # the edition's own sentences, as a build prints them
        for medium in ("screen", "print") if "html" in spec.formats else ("print",):
            render_html(edition, medium=medium, template=spec.template, loc=loc)
        unstated |= loc.unstated
    return sorted(unstated)
