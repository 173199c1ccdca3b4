"""Paper people use: page 1 answers "who do I call now", type reads at arm's length, no page is wasted."""

import datetime as dt
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest

from generator.build import build_plan
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import make_edition
from generator.render.formatting import phone_display
from generator.render.locale import Localizer

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
PAGE_LIMITS = {("complete-conference", "volunteer.pdf"): 4, ("meetup-leaders", "volunteer.pdf"): 2}
PX_TO_PT = 0.75  # pdfium reports WeasyPrint's text sizes in CSS px
MM = 72 / 25.4
MARGIN_TOP, MARGIN_BOTTOM = 14 * MM, 15 * MM  # print.css @page margins


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{plan stem: {"volunteer.pdf": path, "private/responder.pdf": path}} for every example plan."""
    out = tmp_path_factory.mktemp("paper")
    guides: dict[str, dict[str, Path]] = {}
    for plan in PLANS:
        written = build_plan(plan, out, editions=["volunteer", "responder"])
        guides[plan.stem] = {p.relative_to(out / plan.stem).as_posix(): p for p in written if p.suffix == ".pdf"}
    return guides


def page_facts(pdf: Path) -> list[tuple[str, float, float]]:
    """(text, smallest font size in pt, share of the text area filled from the top) for each page."""
    document = pypdfium2.PdfDocument(pdf)
    facts = []
    for page in document:
        text = page.get_textpage()
        height = page.get_height()
        sizes, lowest = [], height
        for index in range(text.count_chars()):
            if text.get_text_range(index, 1).isspace():
                continue
            sizes.append(pdfium_raw.FPDFText_GetFontSize(text.raw, index) * PX_TO_PT)
            bottom = text.get_charbox(index)[1]
            if MARGIN_BOTTOM < bottom < height - MARGIN_TOP:  # the running header and footer do not count
                lowest = min(lowest, bottom)
        filled = (height - MARGIN_TOP - lowest) / (height - MARGIN_TOP - MARGIN_BOTTOM)
        facts.append((" ".join(text.get_text_range().split()), min(sizes), filled))
    document.close()
    return facts



def _clock(words: Localizer, text: str) -> str:
    """An `HH:MM` shift boundary as the locale's clock prints it (24:00 ends a day)."""
    hours, minutes = (int(part) for part in text.split(":"))
    return words.time(dt.time(hours % 24, minutes), end_of_day=hours == 24)
@pytest.mark.parametrize("plan_path", PLANS, ids=[p.stem for p in PLANS])
def test_page_one_says_who_is_on_call_each_day_with_hours_and_phone(printed, plan_path):
    plan = read_plan(plan_path)
    edition = make_edition(plan, Audience.volunteer)
    text, smallest, _ = page_facts(printed[plan_path.stem]["volunteer.pdf"])[0]
    squashed = "".join(text.split())
    assert smallest >= 8.95, f"{smallest:.2f} pt on the cover"
    words = Localizer(plan.locale)
    for day, spells in edition.leads_by_day.items():
        assert "".join(words.short_date(day).split()) in squashed
        for spell in spells:
            if (spell.start, spell.end) == ("00:00", "24:00"):
                hours = words.text("oncall.all-day", "All day")
            else:
                hours = f"{_clock(words, spell.start)}\u2013{_clock(words, spell.end)}"
            hours = "".join(hours.split())
            assert hours in squashed
            assert "".join(spell.name.split()) in squashed
            if spell.phone:
                assert "".join(phone_display(spell.phone, plan.region).split()) in squashed


@pytest.mark.parametrize("plan_path", PLANS, ids=[p.stem for p in PLANS])
def test_no_page_is_mostly_empty_and_the_guides_fit(printed, plan_path):
    for name, pdf in printed[plan_path.stem].items():
        facts = page_facts(pdf)
        for number, (_, _, filled) in enumerate(facts[:-1], start=1):
            assert filled >= 0.25, f"{name} page {number} is {filled:.0%} full"
        limit = PAGE_LIMITS.get((plan_path.stem, name))
        if limit:
            assert len(facts) <= limit, f"{name} has {len(facts)} pages"
