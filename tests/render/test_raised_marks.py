"""Raised and lowered marks look as WeasyPrint draws them, and their text sits on their letter's baseline."""

from __future__ import annotations

import contextlib
import io
import re
import types

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops

from generator.assets import AssetPolicy
from generator.paths import templates_dir
from generator.render import actual_text
from generator.render.pdf import render_pdf
from generator.render.raised_marks import (
    APART_GAP,
    APART_INK,
    NUDGE,
    _apart,
    _cut_before_ligatures,
    _raised,
    font_state,
)

LINES = ["اتصل أولاً، ثم أخبر", "مُدير الفريق تحدّث قُلْ", "البقاء هادئًا شكراً لك"]


def test_a_raised_glyph_is_read_from_the_array_weasyprint_shows_it_in():
    assert _raised(b"-255.00622573793305<012b>") == (-255.00622573793305, 0x12B)
    assert _raised(b"<012b>") == (0.0, 0x12B)
    assert _raised(b"<012b02c0>") is None  # two glyphs: not a raised glyph
    assert _raised(b"<2b>") is None  # a bitmap font's one-byte code: left as WeasyPrint draws it
    assert _raised(b"<012b>12") is None


def test_an_array_is_cut_before_each_ligature_whose_other_letters_go_apart():
    apart = {0x02C0: (0x0011,)}  # lam-alef: the alef's own glyph goes apart
    assert _cut_before_ligatures(b"<0101>-12<02c00102>", apart) == [b"<0101> -12", (0x0011,), b"<02c00102>"]
    assert _cut_before_ligatures(b"<02c0>", apart) == [(0x0011,), b"<02c0>"]
    assert _cut_before_ligatures(b"<01010102>", apart) == [b"<01010102>"]


def test_letters_apart_end_just_before_the_pen_and_the_pen_comes_back():
    # an alef's ink is narrower than its advance: each glyph is squeezed by its ink
    font = types.SimpleNamespace(widths={0x11: 238, 0x12: 760})
    ink = {0x11: 101.0, 0x12: 714.0}
    font_state(font).ink.update(ink)
    shown = _apart(font, (0x11, 0x12), before=NUDGE)
    ends = []
    for (scale, array), (glyph_id, width) in zip(shown, font.widths.items(), strict=True):
        start, glyph, back = array.split()
        assert glyph == f"<{glyph_id:04x}>"
        assert ink[glyph_id] * scale / 100 == pytest.approx(APART_INK, rel=1e-3)
        # numbers and widths are scaled alike: the glyph starts `start` before the pen and `back` brings the pen home
        end = (-float(start) + width) * scale / 100
        assert (-float(start) + width - float(back)) * scale / 100 == pytest.approx(0, abs=1e-3)  # takes no room
        ends.append(end)
    assert ends == pytest.approx([-NUDGE - 2 * APART_GAP, -NUDGE - APART_GAP], abs=1e-3)  # before a mark, in order


def _page(monkeypatch: pytest.MonkeyPatch | None, tmp_path, lines=LINES, lang="ar") -> bytes:
    body = "".join(f"<p>{line}</p>" for line in lines)
    html = (f'<!doctype html><html lang="{lang}" dir="rtl"><head><meta charset="utf-8"><title>marks</title>'
            f"<style>body {{ font-size: 30pt; color: #123456 }}</style></head><body>{body}</body></html>")
    if monkeypatch is not None:  # as WeasyPrint draws them: each mark with a text rise
        monkeypatch.setattr(actual_text, "marks_on_the_baseline", lambda stream: contextlib.nullcontext())
    return render_pdf(html, AssetPolicy(tmp_path, templates_dir()))


@pytest.mark.slow
@pytest.mark.parametrize("lang, lines", [("ar", LINES), ("he", ["אָבִיב שָׁלוֹם", "בְּרֵאשִׁית יִצְחָק רַבִּין"])])
def test_marks_look_as_weasyprint_draws_them(tmp_path, lang, lines):
    """Arabic marks raised or lowered, Hebrew points moved sideways: filled where WeasyPrint draws them."""
    ours = _page(None, tmp_path, lines, lang)
    with pytest.MonkeyPatch.context() as monkeypatch:
        weasyprint = _page(monkeypatch, tmp_path, lines, lang)
    images = [pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil().convert("L") for pdf in (ours, weasyprint)]
    assert images[0].getextrema()[0] < 100  # the page has dark text on it
    difference = ImageChops.difference(*images)
    assert difference.getextrema()[1] <= 16, difference.getbbox()  # antialiasing only


@pytest.mark.slow
def test_the_text_layer_holds_each_mark_on_the_baseline_and_draws_it_as_a_path(tmp_path):
    pdf = pikepdf.open(io.BytesIO(_page(None, tmp_path)))
    contents = pdf.pages[0].obj.Contents
    content = b"".join(part.read_bytes() for part in (contents if isinstance(contents, pikepdf.Array) else [contents]))
    rises = [float(value) for value in re.findall(rb"(-?[\d.]+) Ts", content)]
    assert not any(rises), rises
    letters_apart = len(re.findall(rb"3 Tr\n[\d.]+ Tz", content))  # the alef of the lam-alef ligature in أولاً
    marks = content.count(b"3 Tr") - letters_apart
    assert (marks, letters_apart) == (7, 1)  # ً in أولاً, ُ in مُدير, ّ in تحدّث, ُ and ْ in قُلْ, ً in هادئًا and in شكراً
    assert len(re.findall(rb"\bcm\n[^\n]* m [^\n]* f\n", content)) >= marks  # and filled as an outline


@pytest.mark.slow
def test_hebrew_points_moved_sideways_keep_their_text_on_the_baseline(tmp_path):
    pdf = pikepdf.open(io.BytesIO(_page(None, tmp_path, ["אָבִיב שָׁלוֹם"], "he")))
    contents = pdf.pages[0].obj.Contents
    content = b"".join(part.read_bytes() for part in (contents if isinstance(contents, pikepdf.Array) else [contents]))
    assert content.count(b"3 Tr") == 5  # ָ of אָ, ִ of בִ, ׁ and ָ of שָׁ, ֹ of לוֹ
    assert len(re.findall(rb"\bcm\n[^\n]* m [^\n]* f\n", content)) >= 5  # each filled as an outline
