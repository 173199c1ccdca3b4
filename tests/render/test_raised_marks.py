"""Raised and lowered marks look as WeasyPrint draws them, and their text sits on their letter's baseline."""

from __future__ import annotations

import contextlib
import io
import re

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops

from generator.assets import AssetPolicy
from generator.paths import templates_dir
from generator.render import actual_text
from generator.render.pdf import render_pdf
from generator.render.raised_marks import _raised

LINES = ["اتصل أولاً، ثم أخبر", "مُدير الفريق تحدّث قُلْ", "البقاء هادئًا شكراً لك"]


def test_a_raised_glyph_is_read_from_the_array_weasyprint_shows_it_in():
    assert _raised(b"-255.00622573793305<012b>") == (-255.00622573793305, 0x12B)
    assert _raised(b"<012b>") == (0.0, 0x12B)
    assert _raised(b"<012b02c0>") is None  # two glyphs: not a raised glyph
    assert _raised(b"<2b>") is None  # a bitmap font's one-byte code: left as WeasyPrint draws it
    assert _raised(b"<012b>12") is None


def _page(monkeypatch: pytest.MonkeyPatch | None, tmp_path) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in LINES)
    html = (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>marks</title>'
            f"<style>body {{ font-size: 30pt; color: #123456 }}</style></head><body>{body}</body></html>")
    if monkeypatch is not None:  # as WeasyPrint draws them: each mark with a text rise
        monkeypatch.setattr(actual_text, "marks_on_the_baseline", lambda stream: contextlib.nullcontext())
    return render_pdf(html, AssetPolicy(tmp_path, templates_dir()))


@pytest.mark.slow
def test_marks_look_as_weasyprint_draws_them(tmp_path):
    ours = _page(None, tmp_path)
    with pytest.MonkeyPatch.context() as monkeypatch:
        weasyprint = _page(monkeypatch, tmp_path)
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
    invisible = content.count(b"3 Tr")
    assert invisible == 7  # ً in أولاً, ُ in مُدير, ّ in تحدّث, ُ and ْ in قُلْ, ً in هادئًا and in شكراً
    assert len(re.findall(rb"\bcm\n[^\n]* m [^\n]* f\n", content)) >= invisible  # and filled as an outline
