"""Left-to-right runs in right-to-left guides: isolated wherever they are written, and in order on paper."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from generator.assets import AssetPolicy
from generator.paths import templates_dir
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.bidi import isolate_ltr_runs, isolate_text
from generator.render.edition import make_edition
from generator.render.html import render_html
from generator.render.pdf import render_pdf

ADDRESS = "cairo-py.example.org/code-of-conduct"
_RTL_WORD = re.compile("[\u0590-\u08ff]")
PHONE = "+20 2 2345 6789"
E_MAIL = "help@cairo-py.example.org"
SENTENCE = f"اتصلوا بنا على {PHONE} أو اكتبوا إلى {E_MAIL} في أي وقت."


def test_addresses_numbers_and_latin_phrases_are_isolated():
    assert isolate_text(SENTENCE) == (f'اتصلوا بنا على <bdi dir="ltr">{PHONE}</bdi> أو اكتبوا إلى '
                                      f'<bdi dir="ltr">{E_MAIL}</bdi> في أي وقت.')
    assert isolate_text("انظر https://x.example.org/a?b=1&c=2.") == \
        'انظر <bdi dir="ltr">https://x.example.org/a?b=1&amp;c=2</bdi>.'
    assert isolate_text("مؤتمر PyCon Cairo 2027 في القاهرة") == 'مؤتمر <bdi dir="ltr">PyCon Cairo 2027</bdi> في القاهرة'
    assert isolate_text("الساعة 10:00–12:00") == 'الساعة <bdi dir="ltr">10:00–12:00</bdi>'
    # a text with no right-to-left letter is one run, its punctuation with it; spaces around stay outside
    assert isolate_text(" Then call: ") == ' <bdi dir="ltr">Then call:</bdi> '
    assert isolate_text("(During the summit).") == '<bdi dir="ltr">(During the summit).</bdi>'
    # a number alone reads the same either way; text with nothing left to right is left alone
    assert isolate_text("اتصل بـ 122 الآن") == "اتصل بـ 122 الآن"


def test_only_text_is_touched_never_attributes_scripts_styles_or_titles():
    page = ('<html dir="rtl"><head><title>دليل www.example.org</title><style>a { b: c }</style></head><body>'
            f'<a href="https://{ADDRESS}" title="{ADDRESS}">{ADDRESS.replace("/", "/<wbr>")}</a>'
            '<script>let x = "a.b/c";</script><p>نص &amp; Q&amp;A</p><svg><text>x.y/z</text></svg></body></html>')
    out = isolate_ltr_runs(page)
    assert f'<a href="https://{ADDRESS}" title="{ADDRESS}"><bdi dir="ltr">cairo-py.example.org/<wbr>code-of-conduct</bdi></a>' in out
    assert "<title>دليل www.example.org</title>" in out and "<style>a { b: c }</style>" in out
    assert '<script>let x = "a.b/c";</script>' in out and "<svg><text>x.y/z</text></svg>" in out
    assert '<p>نص &amp; <bdi dir="ltr">Q&amp;A</bdi></p>' in out
    # nothing else changed: without the wrappers the page is what it was
    assert out.replace('<bdi dir="ltr">', "").replace("</bdi>", "") == page


def _arabic_plan(write_plan, locale="ar-EG"):
    def change(data):
        data["event"]["locale"] = locale
        data["event"]["code_of_conduct"] = f"https://{ADDRESS}"
        data["event"]["website"] = "https://cairo-py.example.org/"
        data["reporting"]["recognise_responders"] = SENTENCE  # ordinary plan text, no field the templates mark
    return write_plan(change)


def _words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, middle height, xMin, word) for each word pdftotext -bbox finds."""
    listing = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, page in enumerate(listing.split("<page ")[1:]):
        for x0, y0, _x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            found.append((number, (float(y0) + float(y1)) / 2, float(x0), word))
    return found


def _reads_left_to_right(words: list[tuple[int, float, float, str]], expected: str) -> bool:
    """Whether the words of `expected` stand on one line of some page, in this order from left to right."""
    parts = expected.split()
    for page, middle, _x, word in words:
        if word != parts[0]:
            continue
        line = sorted((x, w) for p, m, x, w in words if p == page and abs(m - middle) < 2)
        texts = [w for _x, w in line]
        start = texts.index(parts[0])
        if texts[start:start + len(parts)] == parts:
            return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("audience", [Audience.public, Audience.volunteer])
def test_an_arabic_guide_prints_addresses_and_numbers_in_their_order(write_plan, tmp_path, audience):
    path = _arabic_plan(write_plan)
    policy = AssetPolicy(path.parent, templates_dir())
    edition = make_edition(read_plan(path), audience)
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(render_pdf(render_html(edition, medium="print", policy=policy), policy,
                               stylesheets=edition.spec.print_css))
    words = _words(pdf)
    assert _reads_left_to_right(words, PHONE), [w for w in words if "2345" in w[3]]
    assert _reads_left_to_right(words, E_MAIL)
    # the code-of-conduct address (under the QR code on the public sheet) may break after a slash or hyphen:
    # the piece a line starts with is its beginning, never `code-of-conduct/cairo-py...`
    pieces = [w for w in words if "cairo-py.example.org/" in w[3] and "@" not in w[3]]
    assert pieces and all(w[3].startswith("cairo-py.example.org/") for w in pieces), pieces


def test_the_screen_guide_isolates_too(write_plan, monkeypatch):
    plan = read_plan(_arabic_plan(write_plan))
    screen = render_html(make_edition(plan, Audience.volunteer))
    assert f'<bdi dir="ltr">{PHONE}</bdi>' in screen and f'<bdi dir="ltr">{E_MAIL}</bdi>' in screen
    # the isolation adds wrappers and changes nothing else on a real page (its script, styles, QR codes)
    monkeypatch.setattr("generator.render.html.isolate_ltr_runs", lambda page: page)
    for medium in ("screen", "print"):
        page = render_html(make_edition(plan, Audience.volunteer), medium=medium)
        isolated = isolate_ltr_runs(page)
        unwrapped = re.sub(r'<bdi dir="ltr">((?:[^<]|<wbr>)*)</bdi>', r"\1", isolated)
        assert isolated != page and html.unescape(unwrapped) == html.unescape(page)  # `&#39;` may come back as `'`
    english = render_html(make_edition(read_plan(_arabic_plan(write_plan, "en-GB")), Audience.volunteer))
    assert '<bdi dir="ltr">' not in english  # left-to-right guides need no isolation


def test_a_hebrew_plan_is_laid_out_right_to_left_in_english_words(write_plan):
    plan = read_plan(_arabic_plan(write_plan, "he-IL"))
    html = render_html(make_edition(plan, Audience.volunteer), medium="print")
    # no Hebrew catalog: the page is Hebrew and right to left, the tool's words in it English and marked so
    assert '<html lang="he" dir="rtl">' in html
    assert '<span lang="en"><bdi dir="ltr">Emergency: 999</bdi></span>' in html  # a label and its value read as one run
    assert '<span lang="en"><bdi dir="ltr">Plan last reviewed</bdi> <span lang="he">' in html  # the date is the plan's
    assert f'<bdi dir="ltr">{PHONE}</bdi>' in html



@pytest.mark.parametrize(("text", "isolated"), [
    ("غرفة الاجتماعات الصغيرة (Room B)", 'غرفة الاجتماعات الصغيرة (<bdi dir="ltr">Room B</bdi>)'),
    ("عند الباب. (17:30–23:00)", 'عند الباب. (<bdi dir="ltr">17:30–23:00</bdi>)'),
    ("(غرينتش+03:00)", '(غرينتش<bdi dir="ltr">+03:00</bdi>)'),
    ("اتصل +1 (312) 555-0101 الآن", 'اتصل <bdi dir="ltr">+1 (312) 555-0101</bdi> الآن'),  # its own brackets stay in
])
def test_a_bracket_opened_before_a_run_is_closed_after_it_not_inside(text, isolated):
    """In `(Room B)` the run is `Room B`: isolating `Room B)` printed `((Room B` on a right-to-left page."""
    assert isolate_text(text) == isolated


@pytest.mark.slow
def test_a_bracketed_latin_name_prints_its_brackets_around_it_on_a_right_to_left_page(tmp_path):
    html_page = ('<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title></head><body>'
                 "<p>غرفة الاجتماعات الصغيرة (Room B) في الطابق الأول</p></body></html>")
    policy = AssetPolicy(tmp_path, templates_dir())
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(render_pdf(isolate_ltr_runs(html_page), policy))
    # left to right on paper: the closing bracket (drawn mirrored, as "("), Room, B, the opening one (drawn ")")
    line = "".join(w[3] for w in sorted(_words(pdf), key=lambda w: w[2]) if not _RTL_WORD.search(w[3]))
    assert line == ")RoomB(", line
