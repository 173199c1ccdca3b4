"""The public "How to report" sheet: one page, public channels, nothing personal."""

import re
import subprocess
from pathlib import Path

import pytest

from generator.build import build_plan
from generator.plan.validate import read_plan
from generator.render.extract import visible_text

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plans" / "complete-conference.yaml"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = tmp_path_factory.mktemp("public")
    build_plan(PLAN, out, editions=["public"])
    folder = out / "complete-conference"
    pdf = folder / "public.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return folder, (folder / "public.html").read_text(encoding="utf-8"), text


def _digits(text):
    return re.sub(r"\D", "", text)


@pytest.mark.slow
def test_public_sheet_is_one_page_without_the_private_warning(public):
    folder, _, text = public
    from pypdf import PdfReader

    assert len(PdfReader(folder / "public.pdf").pages) == 1, "the public sheet must fit on one page"
    assert "How to report a code of conduct problem" in text
    assert "Not for public distribution" not in text


def title_size(pdf: Path) -> float:
    """The largest type on the first page, in pt: the sheet's title."""
    import pypdfium2
    import pypdfium2.raw as pdfium_raw

    document = pypdfium2.PdfDocument(pdf)
    text = document[0].get_textpage()
    size = max(pdfium_raw.FPDFText_GetFontSize(text.raw, index) for index in range(text.count_chars())) * 0.75
    document.close()
    return size


@pytest.mark.slow
def test_a_sheet_with_room_keeps_its_large_type(public):
    folder, _, _ = public
    assert title_size(folder / "public.pdf") == pytest.approx(24, abs=0.2)


@pytest.mark.slow
def test_public_sheet_holds_public_channels_rooms_and_links(public):
    _, html, text = public
    for wanted in ("+44 20 7946 0300", "conduct@example.org", "orange lanyard", "Quiet Room (Room 2.14)",
                   "summit.example.org/code-of-conduct", "999"):
        assert wanted in text
        assert wanted in visible_text(html)


@pytest.mark.slow
def test_public_sheet_contains_no_responder_contact(public):
    _, html, text = public
    plan = read_plan(PLAN)
    for source in (html, text, visible_text(html)):
        digits = _digits(source)
        lowered = source.lower()
        for person in plan.responders:
            assert person.name.lower() not in lowered
            assert person.phone[-10:] not in digits
            assert person.email.lower() not in lowered
            assert all(handle.lower() not in lowered for handle in person.chat)
        # the volunteers' direct line and the venue's internal contacts are not public either
        assert "2079460301" not in digits and "2079460100" not in digits
        assert "volunteer room" not in lowered


@pytest.mark.slow
def test_public_files_are_readable_by_all(public):
    folder, _, _ = public
    assert (folder / "public.html").stat().st_mode & 0o777 == 0o644
    assert not (folder / "private").exists()


def test_volunteer_cover_names_the_leads_of_each_day(example_guides):
    first_page = subprocess.run(["pdftotext", "-l", "1", "-layout", str(example_guides["volunteer.pdf"]), "-"],
                                check=True, capture_output=True, text=True).stdout
    flat = " ".join(first_page.split())
    assert "Who to call, by day" in flat
    for day in ("Wed 9 Jun", "Thu 10 Jun", "Fri 11 Jun"):
        assert day in flat


def test_responder_guide_shows_waivers_with_their_reasons(example_guides):
    plan = read_plan(PLAN)
    [site] = plan.all_waivers()
    waiver = site.waiver
    text = " ".join(visible_text(example_guides["private/responder.html"].read_text(encoding="utf-8")).split())
    assert "Rules set aside in this plan" in text
    assert waiver.rule in text and " ".join(waiver.reason.split())[:60] in text
    assert f"{waiver.rule} scenario {site.item.title}" in text  # the rule, then what it covers
    volunteer = visible_text(example_guides["volunteer.html"].read_text(encoding="utf-8"))
    assert waiver.rule not in volunteer


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_conference_that_publishes_its_whole_procedure_still_gets_one_page(write_plan, tmp_path, paper):
    # shaped like PyCon US's published reporting procedure: six ways to report (two of them
    # for a report that involves the staff), the report data, the confidentiality promise,
    # the timelines, appeals and the menu of responses
    def publish(data):
        data["reporting"]["channels"] = [channel for channel in data["reporting"]["channels"]
                                         if channel.get("audience") == "public"]
        data["reporting"]["channels"][2:2] = [
            {"kind": "email", "label": "If your report involves the staff: write to the two lead responders only",
             "email": "leads@example.org", "staffed_by": ["amara", "dimitra"], "audience": "public"},
            {"kind": "email", "label": "If your report involves a lead responder: write to the board",
             "email": "board-reports@example.org", "audience": "public"}]
        data["information_to_gather"]["audience"] = "public"
        data["information_to_gather"]["items"] += [
            "How to identify the reported person: name, appearance, clothing, badge details",
            "Other people involved or who saw it, with a description or contact details",
            "Your contact details, so that we can follow up"]
        data["communication"]["confidentiality"] = {"audience": "public", "text": (
            "Reports are kept confidential, and we anonymise what we tell the reported person. In a one-to-one "
            "incident they may still guess who reported: tell us if you fear retaliation. A public statement "
            "never names victims or reporters without their say-so.")}
        for timeline in data["communication"]["timelines"]:
            timeline["audience"] = "public"
        for action in data["responses"]:
            action["audience"] = "public"
        data["reporting"]["appeals"] = {"to": ["board"], "audience": "public", "how": (
            "Anyone affected by a decision may appeal in writing to the board within 14 days; board members "
            "involved in the incident step aside.")}
        if paper == "a4":  # room for one more: a public number, whose note runs over lines, in a column of its own
            data["venues"][0]["numbers"][2]["audience"] = "public"

    plan = write_plan(publish)
    build_plan(plan, tmp_path / "out", editions=["public"], paper=paper)
    pdf = tmp_path / "out" / plan.stem / "public.pdf"
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) == 1, "the public sheet must fit on one page"
    assert title_size(pdf) == pytest.approx(20, abs=0.2), "laid out again, tighter"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for wanted in ("leads@example.org", "board-reports@example.org", "Your contact details", "say-so", "within 14 days",
                   "summit.example.org/code-of-conduct", "Quiet Room", "Second floor"):
        assert wanted in text
    if paper == "a4":  # beside the quiet rooms, not above them squeezing them to a letter a line
        assert re.search(r"Crisis line.*Quiet Room", text), "the other numbers and the quiet rooms side by side"


def test_the_promised_times_have_a_heading_of_their_own_not_the_confidentiality_one(write_plan):
    from generator.plan.model import Audience
    from generator.render.edition import make_edition
    from generator.render.html import render_html

    def publish(data):
        data["communication"]["confidentiality"] = {"audience": "public", "text": "Only the team reads reports."}
        for timeline in data["communication"]["timelines"]:
            timeline["audience"] = "public"

    plan = read_plan(write_plan(publish))
    page = render_html(make_edition(plan, Audience.public), medium="print")
    confidential = page[page.index('id="public-confidential-title"'):page.index("</section>", page.index('id="public-confidential-title"'))]
    nexts = page[page.index('id="public-next-title"'):page.index("</section>", page.index('id="public-next-title"'))]
    assert "Only the team reads reports." in confidential and "What happens next" in nexts
    for timeline in plan.communication.timelines:
        assert timeline.what in nexts and timeline.what not in confidential
