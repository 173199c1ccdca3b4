"""The PDF's text layer gives back text as written, in scripts whose glyphs are not letters one for one.

WeasyPrint maps each glyph of a font to the text it was first drawn for (the font's
ToUnicode map), one glyph at a time in the order they are drawn. That is right for
Latin, Greek or Cyrillic, and wrong where shaping makes glyphs and letters part ways:

- Arabic and Hebrew are drawn right to left; a ligature glyph (لى in ليلى, لا) maps to its
  letters in logical order, which poppler and PDFium reverse with the line (`ليلى` came back
  `ليىل`) and pypdf does not, so each ligature's glyph maps to its first letter and its other
  letters are shown apart, invisibly (`_ligatures_apart`);
- Devanagari and other Brahmic scripts reorder within a cluster (the reph of र्मा is drawn
  after मा, the i-matra before its consonant) and map several glyphs to one cluster, so
  `अनन्या शर्मा` is read back as `अनन्या श ार्मा`; Thai stacks marks and draws ำ as two glyphs, one
  of which maps to nothing (PDFium then reads its glyph number as text: `น้ำ` came back `น;1า`).

The PDF standard's answer is ActualText: marked content (`/Span <</ActualText (...)>> BDC
... EMC`) whose text replaces that of the glyphs inside it for search, copy and screen
readers (ISO 32000-1 14.9.4; PDF/UA relies on it). `install()` wraps WeasyPrint's
`draw.text.draw_first_line`, which draws one line of one text box, so that a line holding
right-to-left letters or a script that reorders its glyphs is marked with its own text.
Other lines are left as they are (their glyphs already give the text back). A reader with no use
for ActualText (pypdf) reads a marked line's text from stand-in glyphs that draw nothing, shown
before each shaped run (`_text_before_shaped_runs`); the run's own glyphs then map to nothing.
The stand-ins are empty glyphs added past the font's own (`pad_with_stand_ins`). MuPDF reads
such a line as replacement characters.

What no ActualText can fix (measured with pdftotext 24 and PDFium 8149 through pypdfium2; see
tests/render/test_actual_text.py, whose strict xfails fail as soon as a reader reads them right):

- PDFium orders each baseline itself (core/fxcrt/fx_bidi.cpp, CFX_BidiString): it splits the
  line into direction segments, reverses the letters of each right-to-left one, and reverses
  the order of the segments only when the baseline has at least as many right-to-left segments
  as left-to-right ones. A run of several words against its line's direction therefore comes
  back in drawn word order: `Call حداد ليلى now`, and `6789 2345 2 +20` or `Moreau Alex` in an
  Arabic line. The baseline is PDFium's, not the renderer's: cells of one table row are one
  line to it.
- ActualText does not escape that pass. poppler reorders a Span's ActualText as if it were in
  drawn order (logical `ليلى حداد` comes back `دادح ىليل`), so a right-to-left line cannot
  carry its logical text for poppler; PDFium also reads ActualText on marked content that is
  not a Span (poppler, like the standard, only on Span), but what it returns for it depends on
  the other text objects it puts on the same baseline (the same name with the same ActualText
  came back right in a sentence and reversed letter by letter alone in a cell), which is not
  known when a line is drawn.
- Drawing a right-to-left run's glyphs in logical word order (same positions; poppler orders
  glyphs by position) would read right in PDFium only on baselines it resolves left to right,
  and wrong on those it resolves right to left (a name alone on its line, which reads right
  today); which one a baseline is depends on the text around it on the page, so it is not
  done either.
- A raised mark right before punctuation (`أولاً، ثم`): PDFium reads the mark after the comma
  (`أولا،ً ثم`), and poppler sets the comma with the next word (`أولاً ،ثم`), as it does for any
  comma between Arabic words. Other raised and lowered marks read right in both (raised_marks.py).
- Two marks stacked in one glyph (ٌّ): PDFium reads them the other way round (canonically the
  same text); placed where PDFium reads them right, poppler reads them wrong.
- PDFium starts a new line between two text objects whose boxes do not overlap vertically once
  both are taller than 4.5 pt (cpdf_textpage.cpp, EndHorizontalLine): in large type, a mark's
  text (its own glyph, shown invisibly on the baseline) and a short letter after it (ي in يُقرأ
  on the poster) come back on separate lines.

Marks that shaping raises, lowers or moves sideways over their letter (Arabic tanween, Hebrew
points) are drawn by raised_marks.py, on every line not marked with its actual text.

This is a hook into WeasyPrint's internals (`weasyprint.draw.text.draw_first_line(stream,
textbox, ...)`, stable from WeasyPrint 53 to 70 at least); tests/render/test_actual_text.py
reads names back from a printed guide and fails if a WeasyPrint update breaks it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Iterator
from typing import Any

from .bidi import RTL_RANGES
from .raised_marks import font_by_hash, font_state, invisibly, marks_on_the_baseline, patched

# Scripts whose glyphs are drawn in another order than their letters or stand for several
# letters: Hebrew and Arabic (right to left, ligatures), the Brahmic scripts of India and
# South-East Asia (reordering, conjuncts) and Thai and Lao (stacked marks; ำ is drawn as two glyphs).
_SHAPED = re.compile(f"[{RTL_RANGES}\u0900-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\ua8e0-\ua8ff]")
_RTL = re.compile(f"[{RTL_RANGES}]")


def needs_actual_text(text: str) -> bool:
    """A line with a reordering script and no right-to-left letters (those are handled by _ligatures_apart)."""
    return bool(_SHAPED.search(text)) and not _RTL.search(text)


def _runs(textbox: Any) -> Iterator[Any]:
    """The glyph runs of the text box's first line, in the order WeasyPrint draws them."""
    from weasyprint.text.ffi import ffi

    first_line, _ = textbox.pango_layout.get_first_line()
    run = first_line.runs[0]
    while run != ffi.NULL:
        yield run.data
        run = run.next


def _rtl_runs(textbox: Any) -> Iterator[Any]:
    """The glyph runs of the text box's first line that are drawn right to left (Pango's odd embedding levels)."""
    return (glyph_item for glyph_item in _runs(textbox) if glyph_item.item.analysis.level % 2)


def _drawn(glyph_id: int) -> bool:
    """Not Pango's empty glyph nor its mark for a character no font has (WeasyPrint draws those its own way)."""
    from weasyprint.text.ffi import pango

    return not (glyph_id == pango.PANGO_GLYPH_EMPTY or glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG)


def _map_rtl_clusters(stream: Any, textbox: Any) -> None:
    """Map each glyph of a right-to-left cluster drawn as several glyphs (a letter and its marks: ئً) to its own letters.

    WeasyPrint gives such a cluster's whole text to one of its glyphs and nothing to the others, and a font's glyph is
    mapped once for the whole document: the letter's glyph then reads back as nothing wherever it is drawn. Here,
    before the line is drawn, a glyph that is the font's own glyph for one of the cluster's characters (a mark, a
    letter in its plain form) maps to that character, and the one glyph left, if any, to the rest.
    """
    text = textbox.pango_layout.text.encode()
    for glyph_item in _rtl_runs(textbox):
        glyphs, offset = glyph_item.glyphs, glyph_item.item.offset
        clusters = [glyphs.log_clusters[index] for index in range(glyphs.num_glyphs)]
        first = 0
        while first < len(clusters):
            last = first
            while last + 1 < len(clusters) and clusters[last + 1] == clusters[first]:
                last += 1
            if last > first:  # drawn in visual order: the logically next cluster is the one drawn before
                end = glyph_item.item.length if first == 0 else clusters[first - 1]
                letters = text[offset + clusters[first]:offset + end].decode()
                font, _ = stream.add_font(glyph_item.item.analysis.font)
                _map_cluster(font, [glyphs.glyphs[index].glyph for index in range(first, last + 1)], letters)
            first = last + 1


def _map_cluster(font: Any, glyph_ids: list[int], letters: str) -> None:
    nominal = font_state(font).nominal
    left = list(letters)
    unmatched = []
    for glyph_id in glyph_ids:
        letter = next((c for c in left if nominal.get(ord(c)) == glyph_id), None)
        if letter is None:
            unmatched.append(glyph_id)
            continue
        left.remove(letter)
        font.to_unicode.setdefault(glyph_id, letter)
    if len(unmatched) == 1 and left:
        font.to_unicode.setdefault(unmatched[0], "".join(left))


def _ligatures_apart(stream: Any, textbox: Any) -> None:
    """Each glyph drawn right to left that stands for several letters (لا, لى) maps to its first letter only.

    Readers disagree on a right-to-left glyph mapped to several letters: poppler and PDFium reverse its letters
    with the line, pypdf keeps them as they are mapped, so no one mapping reads right in all three. Here such a
    glyph maps to its first letter, and each other letter's own glyph (from the font's cmap) is listed under
    `guide_apart`, for raised_marks to show in the text layer, invisible and squeezed, just before the glyph in
    drawn order (a glyph of two marks, shadda and tanween stacked: ٌّ, the same way). Set before the line is
    drawn, as WeasyPrint would map the glyph when drawing it; a glyph whose other letters have no glyph of their
    own in the font keeps all its letters, reversed for poppler and PDFium.
    """
    text = textbox.pango_layout.text.encode()
    for glyph_item in _rtl_runs(textbox):
        font, _ = stream.add_font(glyph_item.item.analysis.font)
        if font.bitmap:
            continue
        glyphs, offset = glyph_item.glyphs, glyph_item.item.offset
        clusters = [glyphs.log_clusters[index] for index in range(glyphs.num_glyphs)]
        for index, cluster in enumerate(clusters):
            glyph_id = glyphs.glyphs[index].glyph
            if not _drawn(glyph_id):
                continue
            if glyph_id not in font.to_unicode:  # WeasyPrint's own mapping, as it would make it when drawing
                end = glyph_item.item.length if index == 0 else clusters[index - 1]
                font.to_unicode[glyph_id] = text[offset + cluster:offset + end].decode()
            _split(font, glyph_id)


def _split(font: Any, glyph_id: int) -> None:
    state = font_state(font)
    if glyph_id in state.split:
        return
    state.split.add(glyph_id)
    letters = font.to_unicode[glyph_id]
    if len(letters) < 2:
        return
    nominal = state.nominal
    others = [(nominal.get(ord(letter)), letter) for letter in letters[1:]]
    if any(other is None or other == glyph_id or font.to_unicode.get(other, letter) != letter
           for other, letter in others):
        font.to_unicode[glyph_id] = letters[::-1]
        return
    face = state.face
    for other, letter in others:
        font.to_unicode[other] = letter
        font.widths.setdefault(other, round(face["hmtx"][face.getGlyphName(other)][0] * 1000 / font.upem))
    font.to_unicode[glyph_id] = letters[0]
    state.apart[glyph_id] = tuple(other for other, _ in reversed(others))


STAND_IN_BASE = 128  # stand-in glyphs are numbered from this far past a font's last glyph, clear of WeasyPrint's own


def _stand_in(font: Any, letter: str) -> int | None:
    """A glyph number of the font that draws nothing and maps to the letter (None once the numbers run out).

    It is past the font's own glyphs, where `pad_with_stand_ins` adds an empty glyph for it once the font
    is subset, and its width is 0, as that glyph's is.
    """
    stand_ins = font_state(font).stand_ins
    if letter not in stand_ins:
        glyph_id = font.glyph_count + STAND_IN_BASE + len(stand_ins)
        if glyph_id > 0xFFFF:
            return None
        stand_ins[letter] = glyph_id
        font.to_unicode[glyph_id] = letter
        font.widths[glyph_id] = 0
    return stand_ins[letter]


def pad_with_stand_ins(font: Any) -> None:
    """Give the subset font empty glyphs up to its last stand-in, so no text shows a glyph the font lacks.

    A glyph number past the font's last glyph is its .notdef to readers (MuPDF gave U+FFFD for
    it) and to PDF/UA, even in invisible text. Run after WeasyPrint subsets the font (Font.clean).
    """
    stand_ins = font_state(font).stand_ins
    if not stand_ins:
        return
    from fontTools.ttLib import TTFont, TTLibError
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    face = TTFont(io.BytesIO(font.file_content))
    order = list(face.getGlyphOrder())  # a copy: the glyf table adds each new glyph to its own
    if "glyf" not in face or len(order) > max(stand_ins.values()):
        return
    padding = [f"guide.standin{number}" for number in range(len(order), max(stand_ins.values()) + 1)]
    glyphs, metrics = face["glyf"], face["hmtx"]
    for name in padding:
        glyphs[name] = Glyph()
        metrics[name] = (0, 0)
    face.setGlyphOrder(order + padding)
    glyphs.glyphOrder = order + padding
    if "post" in face:
        face["post"].formatType = 3.0  # no glyph names to keep in step
    output = io.BytesIO()
    try:
        face.save(output)
    except (TTLibError, AssertionError, KeyError, ValueError):
        return  # a font fontTools cannot write back keeps its stand-ins past its glyphs, read as before
    font.file_content = output.getvalue()


@contextlib.contextmanager
def _text_before_shaped_runs(stream: Any, textbox: Any, marked: bool) -> Iterator[None]:
    """While a line is drawn, the text of its runs in a reordering script is shown as written, invisibly.

    The ActualText serves poppler and PDFium; a reader with no use for it (pypdf) takes each glyph's text in
    drawn order, which in Devanagari is not the order of the letters (the i-matra of कि is drawn first, the
    reph of र्मा last) and gives `शार्मा` for शर्मा. So the glyphs of such a run map to nothing (for good:
    FontState.muted), and just before WeasyPrint shows them the run's text is shown in stand-in glyphs
    (`_stand_in`) taking no room. A group of runs drawn in one font starts where WeasyPrint sets that font,
    once per group. `marked`: each such group is marked with its actual text here (the line as a whole is
    not, having right-to-left letters too).
    """
    import pydyf

    text = textbox.pango_layout.text.encode()
    groups: list[str] = []  # the text of each group of runs WeasyPrint draws in one font, in drawing order
    previous = None
    for glyph_item in _runs(textbox):
        item = glyph_item.item
        run_text = text[item.offset:item.offset + item.length].decode()
        if item.analysis.font != previous:
            groups.append("")
            previous = item.analysis.font
        groups[-1] += run_text
        if needs_actual_text(run_text):
            font, _ = stream.add_font(item.analysis.font)
            font_state(font).muted = True
            for index in range(glyph_item.glyphs.num_glyphs):
                glyph_id = glyph_item.glyphs.glyphs[index].glyph
                if _drawn(glyph_id):
                    font.to_unicode[glyph_id] = ""
    group_texts = iter(groups)
    original = stream.set_font_size
    span_open = False

    def set_font_size(font_hash: Any, size: float) -> None:
        nonlocal span_open
        if span_open:
            stream.end_marked_content()
            span_open = False
        original(font_hash, size)
        group = next(group_texts, "")
        font = font_by_hash(stream, font_hash)
        if not font_state(font).muted or not needs_actual_text(group) or font.bitmap:
            return
        if marked:
            stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(group)}))
            span_open = True
        stand_ins = [_stand_in(font, letter) for letter in group]
        if None not in stand_ins:
            with invisibly(stream):
                stream.show_text("<" + "".join(f"{glyph_id:04x}" for glyph_id in stand_ins) + ">")

    try:
        with patched(stream, set_font_size=set_font_size):
            yield
    finally:
        if span_open:
            stream.end_marked_content()


@functools.cache
def install() -> None:
    """Mark each shaped line WeasyPrint draws with its actual text (once per process)."""
    import pydyf
    from weasyprint.draw import text as draw_text
    from weasyprint.pdf.fonts import Font

    original = draw_text.draw_first_line
    clean = Font.clean

    @functools.wraps(clean)
    def clean_then_pad(font: Any, *args: Any, **kwargs: Any) -> Any:
        result = clean(font, *args, **kwargs)
        pad_with_stand_ins(font)
        return result

    Font.clean = clean_then_pad

    @functools.wraps(original)
    def draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = textbox.text
        if not (text and text.strip() and _SHAPED.search(text)):
            with marks_on_the_baseline(stream):
                return original(stream, textbox, *args, **kwargs)
        if not needs_actual_text(text):
            _map_rtl_clusters(stream, textbox)
            _ligatures_apart(stream, textbox)
            with marks_on_the_baseline(stream), _text_before_shaped_runs(stream, textbox, marked=True):
                return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            with _text_before_shaped_runs(stream, textbox, marked=False):
                return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.draw_first_line = draw_first_line
