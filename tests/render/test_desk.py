"""desk.pdf: one page per event day with the date, the emergency number, the address, who is on call and the never-list."""

from pathlib import Path

from pypdf import PdfReader

from generator.build import EDITIONS, build_plan
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import make_edition
from generator.render.html import long_date, phone_display

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"


def squash(text: str) -> str:
    return "".join(text.split())


def test_the_desk_sheet_has_one_page_per_day_with_who_is_on_call(tmp_path):
    assert EDITIONS["desk"].formats == ("pdf",) and EDITIONS["desk"].audience is Audience.volunteer
    plan = read_plan(EXAMPLE)
    written = build_plan(EXAMPLE, tmp_path, editions=["desk"])
    assert [p.name for p in written] == ["desk.pdf"]
    pages = [squash(page.extract_text() or "") for page in PdfReader(written[0]).pages]
    edition = make_edition(plan, Audience.volunteer)
    assert len(pages) == len(plan.event.days) == 3
    never = [squash(item) for item in plan.taking_reports.do_not[:3]]
    for page, day in zip(pages, plan.event.days):
        assert squash(long_date(day)) in page and "Emergency:999" in page
        assert all(squash(line) in page for line in plan.venues[0].address)
        for spell in edition.leads_by_day[day]:
            assert squash(f"{spell.start}\u2013{spell.end}") in page and squash(spell.name) in page
            assert squash(phone_display(spell.phone, "GB")) in page
        assert all(item[:30] in page for item in never)
        assert "0207946 0204".replace(" ", "") not in page  # Priya's phone is responder-only
    # the safety room moves on the last day
    assert "QuietRoom(Room1.05)" in pages[2] and "QuietRoom(Room2.14)" in pages[0]
