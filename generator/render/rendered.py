"""Step 5, render: the editions of a plan made into files, still in memory.

make_editions cuts the plan for each edition and renders the print HTML the PDFs are
printed from (generator.printing); screen_files makes what the PDFs do not need (the
screen HTML and each responder's calendar), which the build does while they print.
A RenderedFile is what the leak check reads and generator.write writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..assets import AssetPolicy
from ..plan.model import Audience, Plan
from .edition import Edition, EditionSpec, make_edition, rota_file
from .html import render_html
from .locale import plan_localizer
from .source_date import source_date_epoch


@dataclass(frozen=True)
class RenderedFile:
    """A finished guide file, still in memory: what the leak check reads before anything is written."""

    path: PurePosixPath  # relative to output/NAME/, e.g. private/responder.pdf
    content: bytes
    audience: Audience
    private: bool
    kind: str  # "html", "pdf" or "ics"


@dataclass(frozen=True)
class Editions:
    """The editions a build makes, each cut for its audience, their print HTML, and how their HTML is rendered."""

    plan: Plan
    plan_path: Path
    specs: list[EditionSpec]  # the rows the plan has, at the levels it sets
    cut: dict[str, Edition]  # edition name -> the plan cut for its audience
    paper: str
    policy: AssetPolicy
    draft: bool
    source_date: dt.datetime | None
    prints: dict[str, str] = field(default_factory=dict)  # edition name -> its print HTML (editions with a PDF)
    shorts: dict[str, str] = field(default_factory=dict)  # the public sheet in short, printed when even the tighter layout runs past one page

    def html(self, spec: EditionSpec, medium: str, short: bool = False) -> str:
        return render_html(self.cut[spec.name], medium=medium, paper=self.paper, policy=self.policy, template=spec.template,
                           source_date=self.source_date, draft=self.draft, short=short)

    def spec(self, name: str) -> EditionSpec:
        return next(spec for spec in self.specs if spec.name == name)


def make_editions(plan: Plan, plan_path: Path, specs: list[EditionSpec], paper: str, policy: AssetPolicy, *,
                  draft: bool = False, pdf: bool = True) -> Editions:
    """The editions of `specs` the plan has, cut, with the print HTML of those that have a PDF (`pdf=False`: none)."""
    # rows whose level the plan sets take it now; a row with nothing to print (no report form, no venue for a desk sheet) is dropped
    specs = [spec.for_plan(plan) for spec in specs if spec.exists_for(plan)]
    cut = {spec.name: make_edition(plan, spec.audience, spec.name) for spec in specs}
    made = Editions(plan, plan_path, specs, cut, paper, policy, draft, source_date_epoch())
    for spec in specs:
        if pdf and "pdf" in spec.formats:
            made.prints[spec.name] = made.html(spec, "print")
            if spec.short_fallback:
                made.shorts[spec.name] = made.html(spec, "print", short=True)
    return made


def screen_files(made: Editions) -> Iterator[RenderedFile]:
    """What the PDFs do not need: each edition's screen HTML, then each responder's calendar."""
    for spec in made.specs:
        if "html" in spec.formats:
            yield RenderedFile(spec.file("html"), made.html(spec, "screen").encode("utf-8"), spec.audience, spec.private, "html")
    if "responder" in made.cut:
        from .calendar import rota_calendars  # lazy: icalendar only where calendars are written

        # Each responder's shifts, to import into their own calendar (private: the rota is responder-only).
        for responder_id, calendar in rota_calendars(made.plan, plan_localizer(made.plan)).items():
            yield RenderedFile(rota_file(responder_id), calendar, Audience.responder, True, "ics")


def in_set_order(specs: list[EditionSpec], files: list[RenderedFile]) -> list[RenderedFile]:
    """In the order of the editions (each one's PDF, then its HTML), then the calendars."""
    by_path = {item.path: item for item in files}
    order = [spec.file(suffix) for spec in specs for suffix in ("pdf", "html")]
    return [by_path.pop(path) for path in order if path in by_path] + list(by_path.values())
