"""desk.pdf: one page per event day with the date, the emergency number, the address, who is on call and the never-list."""

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.build import build_plan
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import EDITIONS, make_edition
from generator.render.formatting import phone_display
from generator.render.locale import Localizer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
def test_the_desk_sheet_has_one_page_per_day_with_who_is_on_call(tmp_path):
    assert EDITIONS["desk"].formats == ("pdf",) and EDITIONS["desk"].audience is Audience.volunteer
    plan = read_plan(EXAMPLE)
    written = build_plan(EXAMPLE, tmp_path, editions=["desk"])
    assert [p.name for p in written] == ["desk.pdf"]
    pages = [squash(page.extract_text() or "") for page in PdfReader(written[0]).pages]
    edition = make_edition(plan, Audience.volunteer)
    assert len(pages) == len(plan.event.days) == 3
    never = [squash(item) for item in plan.taking_reports.do_not[:3]]
    for page, day in zip(pages, plan.event.days, strict=True):
        assert squash(Localizer(plan.locale).long_date(day)) in page and "Emergency:999" in page
        assert all(squash(line) in page for line in plan.venues[0].address)
        for spell in edition.leads_by_day[day]:
            assert squash(f"{spell.start}\u2013{spell.end}") in page and squash(spell.name) in page
            assert squash(phone_display(spell.phone, "GB")) in page
        assert all(item[:30] in page for item in never)
        assert "2moreintheVolunteerguide" in page  # the example has five: the sheet says where the rest are
        assert "0207946 0204".replace(" ", "") not in page  # Priya's phone is responder-only
    # the safety room moves on the last day
    assert "QuietRoom(Room1.05)" in pages[2] and "QuietRoom(Room2.14)" in pages[0]


@pytest.mark.slow
def test_the_report_form_is_one_page_at_the_level_the_plan_sets(tmp_path, write_plan):
    plan = read_plan(EXAMPLE)
    assert plan.report_form_audience == "volunteer"
    [form] = build_plan(EXAMPLE, tmp_path / "a", editions=["report-form"])
    assert form.relative_to(tmp_path / "a" / EXAMPLE.stem).as_posix() == "report-form.pdf"
    reader = PdfReader(form)
    assert len(reader.pages) == 1
    text = squash(reader.pages[0].extract_text())
    for field in plan.report_form:
        assert squash(field.label) in text
    assert "YesNoNotsure" in text and plan.report_form[-2].choices == ["Yes", "No", "Not sure"]  # drawn boxes, no glyph
    assert all(squash(question)[:25] in text for question in plan.taking_reports.ask[:2])

    def responders_only(data):
        data["report_form_audience"] = "responder"

    [private] = build_plan(write_plan(responders_only), tmp_path / "b", editions=["report-form"])
    assert private.parent.name == "private" and private.stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_cards_carry_the_hotline_the_email_and_a_qr_code_to_the_form(tmp_path):
    [cards] = build_plan(EXAMPLE, tmp_path, editions=["cards"])
    assert EDITIONS["cards"].audience is Audience.public and cards.name == "cards.pdf"
    reader = PdfReader(cards)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert text.count("+44 20 7946 0300") == 8  # the example is international
    assert text.count("conduct@example.org") == 8
    assert text.count("Report online") == 8 and "Cut along the dashed lines" in text
    plan = read_plan(EXAMPLE)
    assert all(squash(r.name) not in squash(text) for r in plan.responders)  # nothing personal on a public card


@pytest.mark.slow
def test_a_card_says_the_hotline_in_the_plans_words_and_keeps_the_emergency_line_whatever_the_plan_holds(tmp_path, write_plan):
    def long_texts(data):
        data["reporting"]["channels"][0].update(kind="sms", label="Text the organizers (texts only, no calls)", hours=(
            "Evenings from six to ten during the summit, and the morning after each social event until noon"))
        data["reporting"]["channels"][2]["where"] = "Ask anyone at the registration desk. " * 6
    [cards] = build_plan(write_plan(long_texts), tmp_path, editions=["cards"])
    text = " ".join(PdfReader(cards).pages[0].extract_text().split())
    assert "call or text" not in text.lower() and text.count("Text the organizers (texts only, no calls)") == 8
    assert text.count("Evenings from six to ten") == 8  # the hours the line is answered
    # each card's emergency line is inside its card (85.6 x 54 mm, four rows from 20 mm down), not cut off below
    listing = subprocess.run(["pdftotext", "-bbox", str(cards), "-"], capture_output=True, text=True, check=True).stdout
    bottoms = sorted(float(y) * 25.4 / 72 for y, word in re.findall(r'yMax="([\d.]+)">([^<]*)</word>', listing) if word == "999")
    assert len(bottoms) == 8
    for row, pair in enumerate(bottoms[i:i + 2] for i in range(0, 8, 2)):
        assert all(20 + 54 * row < y < 20 + 54 * (row + 1) for y in pair), (row, pair)
    # the long `where` ends on its last whole line above the emergency line, with an ellipsis: no half line shows under it
    words = [(float(x), float(top), float(bottom), word) for x, top, bottom, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', listing)]
    tops = [(x, top) for x, top, _, word in words if word == "danger?"]
    assert len(tops) == 8
    for left, line_top in tops:
        card_top = line_top - 40 * 72 / 25.4
        where = [bottom for x, top, bottom, word in words if abs(x - left) < 150 and card_top < top < line_top + 20
                 and word in {"Ask", "anyone", "registration", "desk.", "desk.…", "desk…"}]
        assert where and max(where) <= line_top + 0.5, (left, line_top, where)
    assert text.count("…") >= 8  # the where (and the long hours) end in an ellipsis


@pytest.mark.slow
def test_without_a_rota_the_desk_sheet_and_the_report_form_send_people_to_the_team(tmp_path, write_plan):
    without_rota = write_plan(lambda data: data.pop("rota"), name="no-rota")
    foundation = ROOT / "plans" / "foundation-team.yaml"  # no rota and no venue: a report form, no desk sheet
    assert not read_plan(foundation).rota and not read_plan(foundation).venues
    written = build_plan(without_rota, tmp_path, editions=["desk"]) + build_plan(foundation, tmp_path, editions=["desk", "report-form"])
    assert sorted(p.name for p in written) == ["desk.pdf", "report-form.pdf"]
    for pdf in written:
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
        assert "on call" not in text.lower(), pdf.name
        assert "the response team" in text.lower(), pdf.name


@pytest.mark.slow
def test_a_plan_without_a_venue_has_no_desk_sheet(tmp_path):
    """An online community has no info desk: `build` writes no desk.pdf for it, and nothing else goes missing."""
    written = build_plan(ROOT / "plans" / "online-community.yaml", tmp_path)
    names = {p.relative_to(tmp_path / "online-community").as_posix() for p in written}
    assert "desk.pdf" not in names
    assert {"public.pdf", "volunteer.pdf", "cards.pdf", "poster.pdf", "private/responder.pdf"} <= names


@pytest.mark.slow
def test_the_desk_sheet_gives_the_venues_directions_a_few_lines_and_stays_one_page_a_day(tmp_path, write_plan):
    """Emergency services arrive at the desk: the venue's directions are there, cut to a few whole lines."""
    def long_directions(data):
        data["venues"][0]["directions"] = "Ambulances stop at Gate B on the river side, then take the lift. " * 80

    [desk] = build_plan(write_plan(long_directions), tmp_path, editions=["desk"])
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(desk).pages]
    assert len(pages) == len(read_plan(EXAMPLE).event.days)
    for page in pages:
        assert "Ambulances stop at Gate B on the river side" in page
        assert 2 <= page.count("Gate B") < 20 and "…" in page, page
    [short] = build_plan(EXAMPLE, tmp_path / "short", editions=["desk"])
    directions = " ".join(read_plan(EXAMPLE).venues[0].directions.split())
    assert all(directions[:40] in " ".join((page.extract_text() or "").split()) for page in PdfReader(short).pages)


@pytest.mark.slow
def test_a_lead_without_a_phone_is_reached_on_the_desk_sheet_by_what_volunteers_may_see(tmp_path, write_plan):
    """No phones, chat handles shown to volunteers: the desk sheet's on-call table gives the handle, not a bare name."""
    def chat_only(data):
        for person in data["responders"]:
            person.pop("phone", None)
            person["visibility"] = {**person.get("visibility", {}), "chat": "volunteer"}

    [desk] = build_plan(write_plan(chat_only), tmp_path, editions=["desk"])
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(desk).pages)
    plan = read_plan(EXAMPLE)
    first = {person.id: person.chat[0] for person in plan.responders if person.chat}
    leads = {shift.lead for shift in plan.rota}
    assert all(squash(first[lead]) in squash(text) for lead in leads if lead in first), text[:800]


@pytest.mark.slow
def test_a_long_hotline_label_ends_in_an_ellipsis_and_leaves_the_number_on_the_card(tmp_path, write_plan):
    def long_label(data):
        data["reporting"]["channels"][0]["label"] = "Code of conduct hotline, answered by whoever leads the response team " * 4

    [cards] = build_plan(write_plan(long_label), tmp_path, editions=["cards"])
    listing = subprocess.run(["pdftotext", "-bbox", str(cards), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x), float(top), float(bottom), word) for x, top, bottom, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', listing)]
    numbers = [w for w in words if w[3] == "+44"]
    dangers = [w for w in words if w[3] == "danger?"]
    assert len(numbers) == len(dangers) == 8
    for x, top, bottom, _ in numbers:  # on its card, above that card's emergency line
        [danger] = [d for d in dangers if abs(d[0] - x) < 20 and 0 < d[1] - top < 54 * 72 / 25.4]
        assert bottom < danger[1]
    text = " ".join(PdfReader(cards).pages[0].extract_text().split())
    assert text.count("…") >= 8


def _desk_text(plan) -> str:
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    spec = EDITIONS["desk"]
    return visible_text(render_html(make_edition(plan, spec.audience, spec.name), medium="print", template=spec.template))


def test_a_desk_sheet_without_a_safety_room_has_no_empty_heading_and_reaches_people_without_phones():
    """No room and no sentence about one: no 'Safety room today' with nothing under it. A team without a rota and
    without phones is listed with an address to write to, not an empty column."""
    plan = read_plan(EXAMPLE)
    venues = [venue.model_copy(update={"rooms": []}) for venue in plan.venues]
    policy = {ident: text for ident, text in plan.policy.items() if "safety-room" not in ident}
    team = [r.model_copy(update={"phone": None, "visibility": {**r.visibility, "email": Audience.volunteer}}) for r in plan.responders]
    bare = plan.model_copy(update={"venues": venues, "policy": policy, "rota": [], "responders": team})
    text = _desk_text(bare)
    assert "Safety room today" not in text
    assert any(r.email and r.email in text for r in plan.responders)
    stated = bare.model_copy(update={"policy": {**policy, "desk.no-safety-room-team": "Ask the team for a quiet place."}})
    assert "Safety room today" in _desk_text(stated) and "Ask the team for a quiet place." in _desk_text(stated)


def test_the_report_form_says_how_to_fill_it_in_only_as_the_plan_says_it():
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    plan = read_plan(EXAMPLE)
    spec = EDITIONS["report-form"]

    def form(p) -> str:
        return visible_text(render_html(make_edition(p, spec.audience, spec.name), medium="print", template=spec.template))

    assert plan.policy["form.how-to-fill"] in form(plan) and "call 999 first" in form(plan)
    silent = plan.model_copy(update={"policy": {k: v for k, v in plan.policy.items() if k != "form.how-to-fill"}})
    assert "by hand" not in form(silent) and "If anyone is in danger, call 999 first." in form(silent)
