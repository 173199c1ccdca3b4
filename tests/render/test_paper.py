"""Paper people use: page 1 answers "who do I call now", type reads at arm's length, no page is wasted."""

import datetime as dt
import subprocess
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest

from generator.build import build_plan
from generator.plan.model import Audience, EventKind, Plan
from generator.plan.validate import read_plan
from generator.render.edition import Edition, make_edition
from generator.render.formatting import phone_display
from generator.render.locale import Localizer

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
# Most pages of the volunteer guide on the plan's own paper: the complete example's, every meetup's.
VOLUNTEER_PAGES_BY_PLAN = {"complete-conference": 4}
VOLUNTEER_PAGES_BY_KIND = {EventKind.meetup: 2}
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
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def squash(text: str) -> str:
    """Text without whitespace or the direction marks pdftotext adds; pdfium gives a hyphen that ends a line back as U+FFFE."""
    return "".join(text.replace("\ufffe", "-").translate(BIDI_CONTROLS).split())


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order, right-to-left lines included (pdftotext's, which reorders them; pdfium's does not)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def assert_on_call_listed(text: str, plan: Plan, edition: Edition, in_order: bool = True) -> None:
    """Each event day's leads (and backups) with their hours and phones are in `text`.

    Not `in_order`: a right-to-left page, whose text gives dates, times and digit groups back
    reordered; then only the names are looked for.
    """
    squashed = squash(text)
    words = Localizer(plan.locale)
    for day, spells in edition.leads_by_day.items():
        if in_order:
            assert squash(words.short_date(day)) in squashed
        for spell in spells:
            if (spell.start, spell.end) == ("00:00", "24:00"):
                hours = words.text("oncall.all-day")
            else:
                hours = f"{_clock(words, spell.start)}\u2013{_clock(words, spell.end)}"
            assert squash(spell.name) in squashed
            if spell.backup:
                assert squash(spell.backup) in squashed
            if in_order:
                assert squash(hours) in squashed
                for phone in (spell.phone, spell.backup_phone):
                    if phone:
                        assert squash(phone_display(phone, plan.region)) in squashed


@pytest.mark.slow
@pytest.mark.parametrize("plan_path", PLANS, ids=[p.stem for p in PLANS])
def test_page_one_says_who_is_on_call_each_day_with_hours_and_phone(printed, plan_path):
    plan = read_plan(plan_path)
    text, smallest, _ = page_facts(printed[plan_path.stem]["volunteer.pdf"])[0]
    assert smallest >= 8.95, f"{smallest:.2f} pt on the cover"
    assert_on_call_listed(text, plan, make_edition(plan, Audience.volunteer))


@pytest.mark.slow
@pytest.mark.parametrize("plan_path", PLANS, ids=[p.stem for p in PLANS])
def test_no_page_is_mostly_empty_and_the_guides_fit(printed, plan_path):
    for name, pdf in printed[plan_path.stem].items():
        facts = page_facts(pdf)
        for number, (_, _, filled) in enumerate(facts[:-1], start=1):
            assert filled >= 0.25, f"{name} page {number} is {filled:.0%} full"
        if name == "volunteer.pdf":
            plan = read_plan(plan_path)
            limit = VOLUNTEER_PAGES_BY_PLAN.get(plan_path.stem) or VOLUNTEER_PAGES_BY_KIND.get(plan.event.kind)
            if limit:
                assert len(facts) <= limit, f"{name} has {len(facts)} pages"


# --- the cover's page budget: 12 responders and 3 days of 3 shifts fit page 1 ---

FIRST = ["Amara", "Bartholomew", "Chiamaka", "Dmitri", "Eleftheria", "Fatoumata", "Guðrún", "Hiroshi", "Ifeoluwa",
         "Joaquín", "Katarzyna", "Lwazi", "Mireille", "Nkechi", "Oksana", "Pedro", "Qiu", "Rashida", "Siobhán", "Tomasz"]


def team_and_rota(count: int, days: int, shifts: int, locale: str | None = None):
    """A change for write_plan: `count` responders with phones, e-mail, chat and long-ish names, and
    `days` days of `shifts` shifts, each led by one of the two leads with a different backup."""
    def change(data):
        data["responders"] = [{
            "id": f"r{n}", "name": f"{FIRST[n]} Montgomery-Vasquez{n}", "pronouns": "they/them",
            "role": "lead" if n < 2 else "responder", "phone": f"020 7946 02{n:02d}",
            "email": f"r{n}@example.org", "chat": f"Signal: responder.{n:02d}",
            "how_to_recognise": "Orange lanyard and a badge that says Response team",
        } for n in range(count)]
        first = dt.datetime(2027, 6, 9)
        data["event"]["starts"] = f"{first:%Y-%m-%d}"
        data["event"]["ends"] = f"{first + dt.timedelta(days=days - 1):%Y-%m-%d}"
        length = dt.timedelta(hours=24 // shifts)
        data["rota"] = [{"start": f"{first + k * length:%Y-%m-%d %H:%M}", "end": f"{first + (k + 1) * length:%Y-%m-%d %H:%M}",
                         "lead": f"r{k % 2}", "responders": [f"r{2 + k % (count - 2)}"]} for k in range(days * shifts)]
        data["communication"]["spokespeople"] = ["r0", "board"]
        if locale:
            data["event"]["locale"] = locale
    return change


def grid_sizes(pdf: Path, texts: list[str]) -> list[float]:
    """Font sizes (pt) on page 1 of the first occurrence of each text (the on-call grid comes before the team table)."""
    document = pypdfium2.PdfDocument(pdf)
    textpage = document[0].get_textpage()
    sizes = []
    for text in texts:
        found = textpage.search(text, match_case=True).get_next()
        assert found, f"{text!r} not on page 1"
        index, count = found
        sizes += [pdfium_raw.FPDFText_GetFontSize(textpage.raw, i) * PX_TO_PT for i in range(index, index + count)]
    document.close()
    return sizes


def assert_page_one_inside_the_paper(pdf: Path) -> None:
    """Nothing printed on page 1 runs off the paper (a right-to-left float once did): no ink at its left and right edges."""
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(pdf)],
                         check=True, capture_output=True).stdout
    magic, width, height, _, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5"
    width, height = int(width), int(height)
    edges = [pixels[row * width + column] for row in range(height) for column in (0, 1, width - 2, width - 1)]
    assert min(edges) > 200, f"{pdf.name}: something printed at the paper's edge on page 1"


def assert_cover_on_page_one(pdf: Path, plan_path: Path, audience: Audience) -> None:
    """Everything the cover holds is on page 1, and what follows the cover starts on page 1 or 2."""
    assert_page_one_inside_the_paper(pdf)
    plan = read_plan(plan_path)
    edition = make_edition(plan, audience)
    words = Localizer(plan.locale)
    ltr = words.direction == "ltr"
    facts = page_facts(pdf)
    first, smallest, _ = facts[0]
    assert smallest >= 8.95, f"{smallest:.2f} pt on page 1"
    squashed = squash(first)
    for person in edition.plan.responders:
        assert squash(person.name) in squashed
        if person.phone and ltr:
            assert squash(phone_display(person.phone, plan.region)) in squashed
        if audience == Audience.responder:
            assert all(squash(handle) in squashed for handle in person.chat)
    if ltr:  # a right-to-left page's text gives Latin words back in another order
        for venue in edition.plan.venues:
            for room in venue.rooms:
                if room.kind.value == "safety":
                    assert squash(room.name) in squashed
        assert squash(plan.reporting.recognise_responders.replace("**", "")) in squashed
    if audience == Audience.volunteer:
        assert_on_call_listed(first, plan, edition, in_order=ltr)
    after = squash(words.text("cover.numbers"))
    assert after in squashed or after in squash(facts[1][0])


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_twelve_responders_and_three_days_of_three_shifts_fit_the_cover(write_plan, tmp_path, paper):
    path = write_plan(team_and_rota(12, 3, 3))
    written = build_plan(path, tmp_path / "out", editions=["volunteer", "responder"], paper=paper)
    pdfs = {p.name: p for p in written if p.suffix == ".pdf"}
    assert set(pdfs) == {"volunteer.pdf", "responder.pdf"}
    assert_cover_on_page_one(pdfs["volunteer.pdf"], path, Audience.volunteer)
    assert_cover_on_page_one(pdfs["responder.pdf"], path, Audience.responder)
    # the on-call grid, hours and phones, at 10 pt or more
    plan = read_plan(path)
    words = Localizer(plan.locale)
    texts = ["Who to call, by day"]
    for spells in make_edition(plan, Audience.volunteer).leads_by_day.values():
        texts += [str(words.range(_clock(words, spell.start), _clock(words, spell.end))) for spell in spells]
    texts += [phone_display(f"+4420794602{n:02d}", "GB") for n in range(2, 11)]  # the backups'
    sizes = grid_sizes(pdfs["volunteer.pdf"], texts)
    assert min(sizes) >= 9.95, f"{min(sizes):.2f} pt in the on-call grid"


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["de-DE", "ar-EG"])
def test_the_cover_fits_in_longer_words_and_right_to_left(write_plan, tmp_path, locale):
    path = write_plan(team_and_rota(12, 3, 3, locale))
    [pdf] = [p for p in build_plan(path, tmp_path / "out", editions=["volunteer"], paper="letter") if p.suffix == ".pdf"]
    assert_cover_on_page_one(pdf, path, Audience.volunteer)


@pytest.mark.slow
def test_the_complete_examples_cover_fits_page_one(printed):
    for name, pdf in printed["complete-conference"].items():
        audience = Audience.volunteer if name == "volunteer.pdf" else Audience.responder
        assert_cover_on_page_one(pdf, ROOT / "plans" / "complete-conference.yaml", audience)


@pytest.mark.slow
def test_a_bigger_team_and_rota_continue_on_page_two_cleanly(write_plan, tmp_path):
    """20 responders and 7 days of 3 shifts: the on-call grid goes on with its header repeated and
    each day's rows together, the team's heading stays with its table, no row is split."""
    path = write_plan(team_and_rota(20, 7, 3))
    [pdf] = [p for p in build_plan(path, tmp_path / "out", editions=["volunteer"], paper="letter") if p.suffix == ".pdf"]
    pages = [squash(text) for text, _, _ in page_facts(pdf)]
    plan = read_plan(path)
    words = Localizer(plan.locale)
    header = squash("Day Hours Lead on call If no answer: backup")
    assert header in pages[0] and header in pages[1]
    first_hours = squash(str(words.range(_clock(words, "00:00"), _clock(words, "08:00"))))
    days = [squash(words.short_date(day)) + first_hours for day in make_edition(plan, Audience.volunteer).leads_by_day]
    assert len(days) == 7
    assert any(header + day in pages[1] for day in days)  # page 2 starts a day, not the middle of one
    for day in days:
        assert sum(day in page for page in pages[:2]) == 1
    team = squash("Response team Name Role Phone") + squash(f"{FIRST[0]} Montgomery-Vasquez0")
    assert any(team in page for page in pages[:2])  # the heading is not left alone at the foot of a page
    for n in range(20):
        row = squash(f"{FIRST[n]} Montgomery-Vasquez{n} (they/them) {'Lead' if n < 2 else 'Responder'} "
                     + phone_display(f"+4420794602{n:02d}", "GB"))
        assert sum(row in page for page in pages[:3]) == 1, f"row {n} is split or missing"


@pytest.mark.slow
def test_the_printed_sheets_stay_on_the_paper_right_to_left(write_plan, tmp_path):
    path = write_plan(team_and_rota(12, 3, 3, "ar-EG"))
    written = build_plan(path, tmp_path / "out", editions=["desk", "cards", "poster", "report-form"])
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert {p.name for p in pdfs} >= {"desk.pdf", "cards.pdf", "poster.pdf"}
    for pdf in pdfs:
        assert_page_one_inside_the_paper(pdf)


@pytest.mark.slow
def test_the_running_header_names_the_edition_and_sheets_have_none(printed, tmp_path):
    """Pages after the first say which guide they belong to (a flex masthead once emptied `string(edition)`);
    the desk sheet's pages carry their own head and no running header above it."""
    def page_two(pdf: Path) -> str:
        return squash(page_facts(pdf)[1][0])

    guides = printed["complete-conference"]
    assert squash("Volunteer guide \u00b7 Not for public distribution") in page_two(guides["volunteer.pdf"])
    assert squash("Responder guide (private) \u00b7 Not for public distribution") in page_two(guides["private/responder.pdf"])
    written = {p.name: p for p in build_plan(ROOT / "plans" / "complete-conference.yaml", tmp_path, editions=["desk", "drill"])}
    assert squash("Tabletop drill kit (private) \u00b7 Not for public distribution") in page_two(written["drill.pdf"])
    desk = page_two(written["desk.pdf"])
    assert "desksheet" not in desk and desk.count("Notforpublicdistribution") == 1, desk  # the footer's only


@pytest.mark.slow
def test_on_paper_the_volunteer_chain_points_to_the_cover(printed):
    """The volunteer guide's "Who leads on each day" is left off paper (the cover has the grid), so the chain says page 1."""
    text = " ".join(page[0] for page in page_facts(printed["complete-conference"]["volunteer.pdf"]))
    assert squash("(see \u201cWho to call, by day\u201d on page 1)") in squash(text)
    assert "wholeadsoneachday" not in squash(text)


def item_pages(pages: list[str], items: list[str]) -> list[int]:
    """The page (0-based) on which each list item's first words are printed.

    The longest start of the item that a page holds (at least 8 letters) places it: an Arabic
    ligature WeasyPrint maps to fewer letters in the text layer (issue 27) ends the match early."""
    found = []
    squashed = [squash(text) for text in pages]
    for item in items:
        start = squash(item.replace("*", "").replace("`", ""))[:24]
        length = next(k for k in range(len(start), 7, -1) if any(start[:k] in text for text in squashed))
        found.append(next(number for number, text in enumerate(squashed) if start[:length] in text))
    return found


@pytest.mark.slow
def test_a_list_of_when_someone_reports_goes_overleaf_only_between_two_items(printed):
    """Its heading and at least two items on each page; never one item left alone under it."""
    split = 0
    for plan_path in PLANS:
        taking = read_plan(plan_path).taking_reports
        for pdf in printed[plan_path.stem].values():
            pages = page_texts(pdf)
            for items in (taking.ask, taking.do, taking.do_not):
                on_page = item_pages(pages, items)
                for page in set(on_page):
                    assert on_page.count(page) >= min(2, len(items)), f"{pdf.name}: {items} on pages {on_page}"
                split += len(set(on_page)) > 1
    assert split, "no example splits a list across pages: the rule is not exercised"


# --- which paper: checked once, one rule for the default -------------------------------------

def test_a_paper_size_is_checked_in_one_place_with_a_hint(tmp_path):
    from generator.errors import UserError
    from generator.render.paper import PAPER_SIZES, check_paper, usual_paper

    assert [check_paper(name) for name in PAPER_SIZES] == ["a4", "letter"]
    with pytest.raises(UserError) as raised:
        check_paper("Letter")
    assert (raised.value.message, raised.value.hint) == ("`Letter` is not a paper size the guides print on", "did you mean `letter`?")
    with pytest.raises(UserError, match="`a5` is not a paper size"):  # the same check for a caller in Python
        build_plan(ROOT / "plans" / "complete-conference.yaml", tmp_path, editions=["volunteer"], paper="a5")
    assert not (tmp_path / "complete-conference").exists()
    assert (usual_paper("US"), usual_paper("CA"), usual_paper("GB"), usual_paper(None)) == ("letter", "letter", "a4", "a4")
