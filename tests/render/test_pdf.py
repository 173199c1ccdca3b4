"""The printed guides, read back page by page: cover, contents, scenarios, footers, PDF/UA, fonts."""

import datetime as dt
import io
import itertools
import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.assets import AssetPolicy
from generator.build import build_plan
from generator.paths import templates_dir
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import make_edition
from generator.render.formatting import phone_display
from generator.render.html import render_html
from generator.render.pdf import render_pdf

pytestmark = pytest.mark.slow  # every test prints a PDF

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
EDITIONS = {"volunteer": "volunteer.pdf", "responder": "private/responder.pdf"}


@cache
def pages_text(path: Path) -> list[str]:
    """Each page's text, no-break spaces (which keep a footer's "Police: 17" together) read as spaces."""
    return [(page.extract_text() or "").replace("\xa0", " ") for page in PdfReader(path).pages]


def squash(text: str) -> str:
    """Text without any whitespace: names and numbers wrapped over two lines still match."""
    return re.sub(r"\s+", "", text)


def contents(pages: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """(index of the contents page, [(title, page number)]) from the table of contents."""
    index = next(i for i, text in enumerate(pages) if "Contents" in [line.strip() for line in text.splitlines()])
    entries = re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", pages[index], re.MULTILINE)
    return index, [(title.strip(), int(number)) for title, number in entries]


@pytest.fixture(scope="module")
def plan():
    return read_plan(EXAMPLE)


@pytest.mark.parametrize("edition", EDITIONS)
def test_cover_holds_the_address_the_emergency_number_and_the_team(example_guides, plan, edition):
    cover = squash(pages_text(example_guides[EDITIONS[edition]])[0])
    cut = make_edition(plan, Audience(edition)).plan
    assert squash("Emergency: 999") in cover
    for line in [cut.venues[0].name, *cut.venues[0].address]:
        assert squash(line) in cover
    for responder in cut.responders:
        assert squash(responder.name) in cover
        if responder.phone:
            assert squash(phone_display(responder.phone, "GB")) in cover
    # the rest of the cover may continue on its back
    assert squash("Plan last reviewed Tuesday, 20 April 2027") in squash("".join(pages_text(example_guides[EDITIONS[edition]])[:2]))
    # the edition's cut decides: Priya shares her phone with responders only
    assert (squash("020 7946 0204") in cover) == (edition == "responder")


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_contents_follow_the_cover_on_its_back_only_in_the_long_guide(example_guides, edition):
    """The rule: the responder guide's contents go on page 2 (the cover's back), sections flowing after
    them; the volunteer guide is short and prints none (its HTML keeps them)."""
    pages = pages_text(example_guides[EDITIONS[edition]])
    headings = [[line.strip() for line in text.splitlines()] for text in pages]
    if edition == "responder":
        assert "Contents" in headings[1] and "Response protocol by role" in headings[1]
    else:
        assert not any("Contents" in page for page in headings)


def test_contents_page_numbers_are_the_real_ones(example_guides):
    pages = pages_text(example_guides["private/responder.pdf"])
    index, entries = contents(pages)
    assert len(entries) >= 7
    for title, number in entries:
        found = next(i for i, text in enumerate(pages) if i >= index and title in [line.strip() for line in text.splitlines()])
        assert found + 1 == number, f"contents say {title!r} is on page {number}, it is on page {found + 1}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_scenario_appears_whole_on_one_page(example_guides, plan, edition):
    pages = [squash(text) for text in pages_text(example_guides[EDITIONS[edition]])]
    scenarios = make_edition(plan, Audience(edition)).plan.scenarios
    assert scenarios
    for scenario in scenarios:
        first = next(i for i, text in enumerate(pages) if squash(scenario.title) in text)
        last_step = squash(re.sub(r"\*\*", "", scenario.steps[-1].do))
        assert last_step in pages[first], f"scenario {scenario.id!r} is split across pages"
    if edition == "responder":
        assert len(scenarios) == len(plan.scenarios)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_has_header_and_footer(example_guides, edition):
    pages = pages_text(example_guides[EDITIONS[edition]])
    title = "Responder guide (private)" if edition == "responder" else "Volunteer guide"
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Emergency: 999" in text
        assert "Not for public distribution" in text or "NOT FOR PUBLIC DISTRIBUTION" in text
        if number > 1:
            assert "Riverside Open Source Summit 2027" in text and title in text


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_ua_metadata(example_guides, edition):
    reader = PdfReader(example_guides[EDITIONS[edition]])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    info = reader.metadata
    assert info.title == f"Riverside Open Source Summit 2027 \u2013 {edition.capitalize()} guide"
    assert info.author == "Riverside Software Foundation"
    xmp = reader.xmp_metadata.stream.get_data()
    assert b'pdfuaid:part="1"' in xmp
    assert reader.pdf_header == "%PDF-1.7"


def _structure(node, found):
    node = node.get_object()
    if hasattr(node, "get") and node.get("/S") == "/Figure":
        found.append(node)
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get") and kid.get("/Type") == "/StructElem" or hasattr(kid, "get") and "/S" in kid:
            _structure(kid, found)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_figure_has_alt_text(example_guides, edition):
    reader = PdfReader(example_guides[EDITIONS[edition]])
    figures = []
    _structure(reader.trailer["/Root"]["/StructTreeRoot"], figures)
    assert len(figures) == 2  # the two QR codes
    for figure in figures:
        assert str(figure["/Alt"]).startswith("QR code linking to the ")


@pytest.mark.parametrize("edition", EDITIONS)
def test_bookmarks_follow_the_sections(example_guides, edition):
    reader = PdfReader(example_guides[EDITIONS[edition]])
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    if edition == "responder":
        _, entries = contents(pages_text(example_guides[EDITIONS[edition]]))
        assert top == ["Riverside Open Source Summit 2027", "Contents", *[title for title, _ in entries]]
    else:
        assert top == ["Riverside Open Source Summit 2027", "What volunteers and staff do", "When someone reports",
                       "Safety room and other places", "Short scripts", "Resources", "Who to escalate to",
                       "Definitions"]
    nested = [item.title for group in reader.outline if isinstance(group, list) for item in group]
    assert "A banned person tries to come in" in nested


# The families print.css declares for the bundled fonts, as WeasyPrint names their subsets.
BUNDLED_FONT = r"[A-Z]{6}\+Guide-(Sans|Arabic|Hebrew|Devanagari|Thai|JP|KR|SC|TC|Emoji)(-(Bold|Italic|BoldItalic|Oblique))*"


def embedded_fonts(pdf: Path) -> list[str]:
    """pdffonts' names of the fonts in `pdf`; each must be embedded, subset and with a unicode map."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert all(" yes yes yes " in row for row in rows), listing
    return [row.split()[0] for row in rows]


@pytest.mark.parametrize("edition", EDITIONS)
def test_only_the_bundled_fonts_are_embedded(example_guides, edition):
    fonts = embedded_fonts(example_guides[EDITIONS[edition]])
    assert fonts and all(re.fullmatch(BUNDLED_FONT, font) for font in fonts), fonts
    assert squash("Δήμητρα Καραγιάννη") in squash(pages_text(example_guides[EDITIONS[edition]])[0])


# What each bundled font must cover (templates/fonts/README): file name prefix -> sample text.
FONT_COVERAGE = {
    "NotoSans-": "ΔήμητραΚαραγιάννηЖенщинаДмитрийÆØÅçğş×•–",
    "NotoSansArabic-": "محمد العلي پچژگ",
    "NotoSansHebrew-": "דוד כהן",
    "NotoSansDevanagari-": "प्रिया शर्मा",
    "NotoSansThai-": "สมชาย ใจดี",
    "NotoSansCJKJP-": "佐藤さくら カタカナ 今令直骨 〜「」・！ｱｲｳ 髙橋",
    "NotoSansCJKKR-": "김민수 이서연 똠방각하",
    "NotoSansCJKSC-": "张伟 王芳 骨",
    "NotoSansCJKTC-": "陳國強 林志玲",
    "NotoEmoji-": "🌈🏳\ufe0f\u200d🧿❤👋🏽🇬🇧",
}


def test_the_bundled_fonts_cover_their_scripts_and_allow_embedding():
    from fontTools.ttLib import TTFont

    folder = templates_dir() / "fonts"
    print_css = (templates_dir() / "css" / "print.css").read_text(encoding="utf-8")
    readme = (folder / "README").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text(encoding="utf-8")
    fonts = sorted([*folder.glob("*.ttf"), *folder.glob("*.otf")])
    assert sum(path.stat().st_size for path in fonts) < 26_000_000  # README: "about 23 MB"
    for path in fonts:
        [sample] = [text for prefix, text in FONT_COVERAGE.items() if path.name.startswith(prefix)]
        font = TTFont(path, lazy=True)
        cmap = font.getBestCmap()
        assert all(ord(ch) in cmap for ch in sample.replace(" ", "")), path.name
        assert font["OS/2"].fsType & 0x2 == 0, path.name  # not "restricted licence embedding"
        assert f'url("../fonts/{path.name}")' in print_css, path.name
        assert path.name.split("-")[0] in readme, path.name
    for prefix in FONT_COVERAGE:
        assert any(path.name.startswith(prefix) for path in fonts), prefix


def test_each_cjk_face_draws_the_ideographs_in_its_own_forms():
    """今 令 直 骨 are drawn differently in Japan and mainland China: the Japanese face has the Japanese forms."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    def outline(face: str, char: str) -> list:
        font = TTFont(templates_dir() / "fonts" / f"NotoSansCJK{face}-Regular.otf", lazy=True)
        pen = RecordingPen()
        font.getGlyphSet()[font.getBestCmap()[ord(char)]].draw(pen)
        return pen.value

    for char in "今令直骨":
        assert outline("JP", char) != outline("SC", char), char


def test_the_japanese_face_has_every_jis_x_0208_character_and_what_organizers_type():
    from fontTools.ttLib import TTFont

    from generator.render.glyphs import missing_glyphs

    jis = set()
    for lead in range(0xA1, 0xFF):  # EUC-JP's two-byte plane is JIS X 0208: symbols, kana, level 1 and 2 kanji
        for trail in range(0xA1, 0xFF):
            try:
                jis.add(ord(bytes((lead, trail)).decode("euc_jp")))
            except UnicodeDecodeError:
                pass
    assert len(jis) > 6_800
    cmap = TTFont(templates_dir() / "fonts" / "NotoSansCJKJP-Bold.otf", lazy=True).getBestCmap()
    # all of it but ≒ (U+2252), which Noto Sans CJK does not have: `check` warns about it (GLYPH-MISSING)
    assert sorted(jis - set(cmap)) == [0x2252]
    assert list(missing_glyphs("約≒10")) == ["≒"]
    assert {ord(c) for c in "〜「」『』・ー！？（）：０１２ＡＢｱｲｳ①②"} <= set(cmap)


def test_the_coverage_file_check_reads_is_the_fonts_cmaps():
    """templates/fonts/coverage.txt is what `python -m generator.render.glyphs` writes from the fonts."""
    from generator.render.glyphs import COVERAGE_NAME, coverage_text, drawable, font_cmaps

    points = font_cmaps()
    assert (templates_dir() / "fonts" / COVERAGE_NAME).read_text(encoding="ascii") == coverage_text(points), \
        "a font changed: run `python -m generator.render.glyphs` and commit templates/fonts/coverage.txt"
    assert drawable() == points
    assert {ord(c) for c in "Aяאاकก张🌈🧿"} <= points
    assert not {0x0B85, 0x1200} & points  # Tamil and Ethiopic: no bundled font


def test_source_date_epoch_dates_the_pdf(plan):
    moment = dt.datetime(2027, 4, 20, 12, 0, tzinfo=dt.UTC)
    policy = AssetPolicy(EXAMPLE.parent, templates_dir())
    html = render_html(make_edition(plan, Audience.volunteer), medium="print", source_date=moment)
    assert '<meta name="dcterms.created" content="2027-04-20T12:00:00Z">' in html
    undated = render_html(make_edition(plan, Audience.volunteer), medium="print")
    assert "dcterms" not in undated
    start, end = html.index("<body"), html.index("</body>")
    small = html[:start] + "<body><main><h1>x</h1></main></body></html>"  # the head is what matters
    reader = PdfReader(io.BytesIO(render_pdf(small, policy)))
    assert reader.metadata["/CreationDate"].startswith("D:20270420120000")
    assert reader.metadata["/ModDate"].startswith("D:20270420120000")
    assert end > start


def test_weasyprint_has_nothing_to_complain_about(plan):
    from generator.render.pdf import PrintLog

    log = PrintLog()
    policy = AssetPolicy(EXAMPLE.parent, templates_dir())
    edition = make_edition(plan, Audience.volunteer)
    render_pdf(render_html(edition, medium="print", policy=policy), policy, stylesheets=edition.spec.print_css, log=log)
    assert log.messages == []


def test_the_previews_in_docs_match_the_guide(example_guides):
    """docs/preview-*.png show what the build makes; regenerate with python scripts/make_previews.py."""
    import importlib.util

    from PIL import ImageChops, ImageStat

    spec = importlib.util.spec_from_file_location("make_previews", ROOT / "scripts" / "make_previews.py")
    previews = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previews)
    from PIL import Image

    for name, image in previews.render_previews(example_guides["private/responder.pdf"]).items():
        committed_path = ROOT / "docs" / name
        assert committed_path.stat().st_size < 150_000
        with Image.open(committed_path) as committed:
            assert committed.size == image.size, f"docs/{name} is stale: run python scripts/make_previews.py"
            difference = ImageStat.Stat(ImageChops.difference(committed.convert("L"), image)).mean[0]
        assert difference < 1.0, f"docs/{name} is stale (mean difference {difference:.2f}): run python scripts/make_previews.py"


# --- bigger teams, long names, other paper --------------------------------------

FIRST = ["Amara", "Bartholomew", "Chiamaka", "Dmitri", "Eleftheria", "Fatoumata", "Guðrún", "Hiroshi",
         "Ifeoluwa", "Joaquín", "Katarzyna", "Lwazi", "Mireille", "Nkechi", "Oksana", "Pedro", "Qiu", "Rashida",
         "Siobhán", "Tomasz"]


def _team(count: int, long_name: str | None = None):
    def change(data):
        team = []
        for n in range(count):
            team.append({
                "id": f"r{n}", "name": f"{FIRST[n]} Montgomery-Vasquez{n}", "pronouns": "they/them",
                "role": "lead" if n < 2 else "responder", "phone": f"020 7946 02{n:02d}",
                "email": f"r{n}@example.org", "chat": f"Signal: responder.{n:02d}",
                "how_to_recognise": "Orange lanyard and a badge that says Response team",
            })
        if long_name:
            team[-1]["name"] = long_name
        data["responders"] = team
        for shift in data["rota"]:
            shift["lead"], shift["responders"] = "r0", ["r2"]
        data["communication"]["spokespeople"] = ["r0", "board"]
    return change


@pytest.mark.parametrize("edition", ["responder", "volunteer"])
def test_a_team_of_eight_fits_on_the_cover_even_on_letter_paper(write_plan, tmp_path, edition):
    path = write_plan(_team(8))
    [pdf] = [p for p in build_plan(path, tmp_path / "out", editions=[edition], paper="letter") if p.suffix == ".pdf"]
    reader = PdfReader(pdf)
    assert [float(v) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    pages = pages_text(pdf)
    for n in range(8):
        assert squash(f"{FIRST[n]} Montgomery-Vasquez{n}") in squash(pages[0])
    assert "Plan last reviewed" in pages[0] + pages[1]
    assert ("Contents" in [line.strip() for line in pages[1].splitlines()]) == (edition == "responder")


LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzen"


def test_a_big_team_continues_cleanly_and_long_names_wrap(write_plan, tmp_path):
    def change(data):
        _team(20, LONG_NAME)(data)
        data["venues"][0]["address"][0] = "Unit 14, The Old Ropewalk Warehouse, " + "Ropewalklanesouthwarkextension" * 3

    path = write_plan(change)
    [pdf] = [p for p in build_plan(path, tmp_path / "out", editions=["responder"]) if p.suffix == ".pdf"]
    pages = pages_text(pdf)
    cover = squash(pages[0] + pages[1])
    for n in range(19):
        name = squash(f"{FIRST[n]} Montgomery-Vasquez{n}")
        assert name in cover
        assert sum(name in squash(page) for page in pages[:2]) == 1  # a row never splits
    assert squash(LONG_NAME) in cover
    # the team table goes on with its header repeated; the contents come after the whole cover
    assert squash("Name Role Phone Secure chat How to recognise") in squash(pages[1])
    index, _ = contents(pages)
    assert index >= 1 and "Plan last reviewed" in "".join(pages[:index + 1])
    # nothing runs off the page: every word lies inside the page
    words = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', words).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', words)]
    assert right_edges and max(right_edges) <= page_width - 30


# --- names in other scripts -----------------------------------------------------

MANY_SCRIPTS = {
    "Chinese": "张伟", "Japanese": "佐藤さくら", "Korean": "김민수", "Arabic": "محمد العلي", "Hebrew": "דוד כהן",
    "Devanagari": "प्रिया शर्मा", "Thai": "สมชาย ใจดี", "Greek": "Δήμητρα Καραγιάννη", "Cyrillic": "Дмитрий Иванов",
    "Emoji": "Alex 🌈 Moreau 🧿",
}
# pdftotext marks right-to-left runs with embedding controls
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.translate(BIDI_CONTROLS)


def words_by_page(pdf: Path) -> list[list[tuple[float, float, float, str]]]:
    """pdftotext -bbox: per page, (xMin, middle height, xMax, word) in the order pdftotext reads them.

    The middle, as each font has its own ascent and descent: words on one line differ by a point or two.
    """
    pages = pdftotext(pdf, "-bbox").split("<page ")[1:]
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [[(float(x0), (float(y0) + float(y1)) / 2, float(x1), word)
             for x0, y0, x1, y1, word in re.findall(pattern, page)] for page in pages]


def print_edition(path: Path, out: Path, audience=Audience.responder) -> Path:
    """Print one edition of the plan at `path` to `out`; fails on anything WeasyPrint complains about."""
    from generator.render.pdf import PrintLog

    policy = AssetPolicy(path.parent, templates_dir())
    log = PrintLog()
    edition = make_edition(read_plan(path), audience)
    html = render_html(edition, medium="print", policy=policy)
    out.write_bytes(render_pdf(html, policy, stylesheets=edition.spec.print_css, log=log))
    assert log.messages == []  # among them ".notdef glyph rendered ..." for a character no font has
    return out


@pytest.mark.slow
def test_a_japanese_plan_prints_in_japanese_type_with_a_real_bold(write_plan, tmp_path):
    def change(data):
        data["event"]["locale"] = "ja-JP"
        data["event"]["name"] = "今令直骨カンファレンス 2027「東京」〜秋〜"  # the cover's bold title and the header
        data["responders"][0]["name"] = "今井 直子"
        data["reporting"]["recognise_responders"] = "担当者は*オレンジ色の*ストラップを付けています。"  # emphasis

    pdf = print_edition(write_plan(change), tmp_path / "responder.pdf")
    fonts = embedded_fonts(pdf)
    families = {re.fullmatch(BUNDLED_FONT, font).group(1) for font in fonts}
    assert families <= {"Sans", "JP", "Emoji"} and "JP" in families, fonts
    assert any(re.fullmatch(r"[A-Z]{6}\+Guide-JP-Bold", font) for font in fonts), fonts  # a real bold face
    # no slanted CJK made up by the layout engine ("-Oblique"): the upright JP files stand for italic ("JP-Italic")
    assert not any("Oblique" in font for font in fonts) and any(font.endswith("+Guide-JP-Italic") for font in fonts)
    cover = squash(pdftotext(pdf, "-f", "1", "-l", "1"))
    assert squash("今令直骨カンファレンス 2027「東京」〜秋〜") in cover
    assert squash("今井 直子") in cover


@pytest.mark.slow
def test_the_locale_and_a_lang_attribute_choose_the_cjk_face(write_plan, tmp_path):
    # Traditional Chinese by the locale (no catalog: the tool's words stay English), Japanese where the text says so
    def change(data):
        data["event"]["locale"] = "zh-TW"
        data["responders"][0]["name"] = "陳國強"
        data["reporting"]["recognise_responders"] = '負責人 <span lang="ja">今井 直子</span>'

    pdf = print_edition(write_plan(change), tmp_path / "responder.pdf")
    families = {re.fullmatch(BUNDLED_FONT, font).group(1) for font in embedded_fonts(pdf)}
    assert {"TC", "JP"} <= families and not {"SC", "KR"} & families, families
    assert squash("今井 直子") in squash(pdftotext(pdf))


def test_names_in_many_scripts_print_with_the_bundled_fonts(write_plan, tmp_path):
    def change(data):
        _team(len(MANY_SCRIPTS))(data)
        for person, name in zip(data["responders"], MANY_SCRIPTS.values(), strict=True):
            person["name"] = name
        for shift in data["rota"]:
            shift["lead"], shift["responders"] = "r0", ["r4", "r3"]  # Hebrew, then Arabic
        data["event"]["name"] += " · 河畔开源峰会"  # the running header too

    pdf = print_edition(write_plan(change), tmp_path / "responder.pdf")
    families = set()
    for font in embedded_fonts(pdf):
        match = re.fullmatch(BUNDLED_FONT, font)
        assert match, f"{font} is not a bundled font"
        families.add(match.group(1))
    # an English plan: Han characters without a `lang` take the Simplified Chinese forms, Hangul its own face
    assert families == {"Sans", "SC", "KR", "Arabic", "Hebrew", "Devanagari", "Thai", "Emoji"}

    cover = squash(pdftotext(pdf, "-f", "1", "-l", "1"))
    for script, name in MANY_SCRIPTS.items():
        letters = squash(name)
        # every character came out of a font that has it, in the cover's text layer
        assert not Counter(letters) - Counter(cover), script
        if script != "Devanagari":  # pdftotext moves the reph (र्) of शर्मा
            assert letters in cover or letters[::-1] in cover, script  # right-to-left may read backwards
    assert "河畔开源峰会" in pdftotext(pdf, "-f", "2", "-l", "2")

    # A list of right-to-left names keeps its order (Hebrew first): each name is isolated in a <bdi>;
    # without it the bidi algorithm joins "דוד כהן, محمد العلي" into one run and swaps the names.
    lines = [[w for w in page if abs(w[1] - y) < 3] for page in words_by_page(pdf) for y in {w[1] for w in page}]
    both = [line for line in lines if any("\u05d0" <= w[3][0] <= "\u05ea" for w in line)
            and any("\u0600" <= w[3][0] <= "\u06ff" for w in line)]
    assert both
    for line in both:
        hebrew = max(x1 for x0, _, x1, word in line if "\u05d0" <= word[0] <= "\u05ea")
        arabic = min(x0 for x0, _, _, word in line if "\u0600" <= word[0] <= "\u06ff")
        assert hebrew < arabic


# --- the impact and risk matrix -------------------------------------------------

def test_a_three_by_three_matrix_shares_the_width_between_the_risk_columns(tmp_path):
    """plans/conference-team.yaml has three impact and three risk levels: no column is squeezed."""
    pdf = print_edition(ROOT / "plans" / "conference-team.yaml", tmp_path / "responder.pdf")
    [page] = [page for page in words_by_page(pdf) if "Examples" in [w[3] for w in page]]
    text = " ".join(w[3] for w in page)
    # long words of the last column print whole, not one fragment per line
    for word in ["Photographing", "attendees", "consent", "Following", "violence"]:
        assert word in text.split(), word
    # the header row: the impact column ~18%, the three risk columns equal
    top = next(y for _, y, _, word in page if word == "Examples")
    header = next(y for _, y, _, word in page if word == "Impact" and y > top)
    starts = {word: x0 for x0, y, _, word in page if abs(y - header) < 1}
    right = max(x1 for x1 in (w[2] for w in page))  # the running header ends at the right margin, as the table does
    edges = [starts["Impact"], starts["Minor"], starts["Moderate"], starts["Major"], right]
    widths = [b - a for a, b in itertools.pairwise(edges)]
    table = right - edges[0]
    assert 0.14 < widths[0] / table < 0.22, widths
    assert max(widths[1:]) - min(widths[1:]) < 0.02 * table, widths


def test_fonts_and_stylesheets_are_parsed_once_per_process():
    from generator.render.pdf import print_styles

    fonts, sheets = print_styles("a4", ("print-guide.css",))
    assert print_styles("a4", ("print-guide.css",)) == (fonts, sheets)
    letter_fonts, letter_sheets = print_styles("letter", ("print-guide.css",))
    assert letter_fonts is fonts and letter_sheets[:-1] == sheets[:-1]  # only the page size differs
    cards_fonts, cards_sheets = print_styles("a4", ("print-cards.css",))
    # one font configuration, the common stylesheets shared: only the edition's own is parsed again
    assert cards_fonts is fonts and cards_sheets[:2] == sheets[:2] and cards_sheets[2] is not sheets[2]


def test_long_cover_text_is_laid_out_once_not_again_for_every_line(write_plan, monkeypatch):
    """Printing cost follows the text: long venue directions on the cover are broken into lines a bounded number of times.

    Counted, not timed: how often WeasyPrint asks Pango for the next line. A flex box on
    the cover that runs onto another page was laid out again for each line it held, so 500
    words of directions were broken into lines hundreds of times over and took minutes to print.
    """
    import weasyprint.layout.inline as inline_layout
    import weasyprint.layout.preferred as preferred_layout
    import weasyprint.text.line_break as line_break

    breaks = {"count": 0}
    real = line_break.split_first_line

    def counted(*args, **kwargs):
        breaks["count"] += 1
        return real(*args, **kwargs)

    for module in (line_break, inline_layout, preferred_layout):
        if hasattr(module, "split_first_line"):
            monkeypatch.setattr(module, "split_first_line", counted)

    def breaks_with(words: int) -> int:
        directions = " ".join(f"past door {n % 97}" for n in range(words // 3))
        plan_path = write_plan(lambda data: data["venues"][0].update(directions=directions), name=f"words{words}")
        plan = read_plan(plan_path)
        policy = AssetPolicy(plan_path.parent, templates_dir())
        html = render_html(make_edition(plan, Audience.volunteer), medium="print", paper="a4", policy=policy,
                           template="volunteer.html.j2")
        breaks["count"] = 0
        render_pdf(html, policy, stylesheets=("print-guide.css",))
        return breaks["count"]

    short, long = breaks_with(30), breaks_with(300)
    # 270 more words are some 25 more lines, each measured and broken a few times: far fewer than one call a word.
    assert long - short <= 270 // 2, (short, long)


def test_who_hears_appeals_stays_with_how_to_appeal_at_a_page_break():
    """Padding pushes 'Heard by' to the last line of a page: it moves over with the appeal, never alone."""
    import weasyprint

    from generator.plan.load import load_text
    from generator.plan.validate import validate
    from generator.render.pdf import print_styles

    fixtures = ROOT / "tests" / "fixtures"
    text = (fixtures / "minimal.yaml").read_text(encoding="utf-8").replace("  chain: [attendees, board]\n", (
        "  chain: [attendees, board]\n  appeals:\n    to: [board]\n"
        "    how: Write to the board within two weeks; board members with a conflict step aside.\n"))
    edition = make_edition(validate(load_text(text, "plan.yaml")), Audience.volunteer)
    policy = AssetPolicy(fixtures, templates_dir())
    html = render_html(edition, medium="print", policy=policy)
    font_config, sheets = print_styles("a4", edition.spec.print_css)

    def printed(pad: float):
        padded = html.replace('<h3 id="appeals-title">', f'<div style="height:{pad}px"></div><h3 id="appeals-title">', 1)
        return weasyprint.HTML(string=padded, base_url=policy.base_url).render(font_config=font_config, stylesheets=list(sheets))

    def heard_by(document):
        for page in document.pages:
            boxes = [page._page_box]
            while boxes:
                box = boxes.pop()
                if box.element_tag == "p" and "appeals-to" in (box.element.get("class") or "").split():
                    return page._page_box, box
                boxes.extend(getattr(box, "children", []))
        raise AssertionError("no 'Heard by' line")

    page_box, line = heard_by(printed(0))
    room = page_box.content_box_y() + page_box.height - (line.position_y + line.margin_height())
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(printed(room - 1).write_pdf())).pages]
    assert len(pages) > 1, "the padding should reach the page's foot"
    assert [("Heard by" in page, "within two weeks" in page) for page in pages if "Heard by" in page] == [(True, True)]


@pytest.mark.slow
def test_the_footers_warning_stays_on_one_line_beside_a_long_emergency_line_and_apart_from_it(tmp_path):
    from generator.init import write_starter

    # a French starter: police 17, SAMU 15, pompiers 18 and 112 make the footer's emergency line long
    plan = tmp_path / "p.yaml"
    write_starter(plan, country="FR", locale="fr-FR")
    [pdf] = [p for p in build_plan(plan, tmp_path / "out", editions=["volunteer"]) if p.suffix == ".pdf"]
    listing = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
    words = [(float(x0), float(y), float(x1), word) for x0, y, x1, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', listing) if float(y) > 795]  # the footer
    warning = [(x0, y) for x0, y, _, word in words if word in ("Ne", "pas", "diffuser")]
    assert len(warning) == 3 and len({y for _, y in warning}) == 1, warning
    # the emergency numbers end before the warning begins, and each service is on the line of its number
    numbers = [(x0, y, x1, word) for x0, y, x1, word in words if x1 < min(x for x, _ in warning)]
    assert max(x1 for _, _, x1, _ in numbers) < min(x for x, _ in warning) - 5
    assert len({y for _, y, _, _ in numbers}) == 1, numbers  # France's four fit on one line beside the warning
    line_of = {word.strip(":\u202f"): y for _, y, _, word in numbers}
    assert line_of["Pompiers"] == line_of["18"] and line_of["SAMU"] == line_of["15"], numbers
    assert all(x1 < min(x for x, _ in warning) for x0, y, x1, word in words if word in ("112", "17", "15", "18"))
