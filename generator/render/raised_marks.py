"""Marks that shaping raises, lowers or moves over their letter stay in their word in the PDF's text layer.

WeasyPrint draws a glyph that shaping moves up or down (an Arabic tanween, shadda or damma over its
letter) with a text rise, in a text-showing operation of its own, and a glyph it moves sideways (a
Hebrew point) with a move there and back in the array. PDF readers (poppler, PDFium) took the first for
text on another baseline (`اتصل أولاً` came back as `اتصل ً` then `أولا` on a line of its own) and the
second for gaps between words (`שָׁלוֹם` came back `ׁ ָשלוֹם`).

`marks_on_the_baseline(stream)` changes how such a glyph is drawn while one line is drawn:

- the text layer's mark is the glyph itself, invisible (text rendering mode 3), on the baseline a hair
  (`NUDGE`) before where the next glyph starts, taking no room; further marks at the same place go
  MARK_STEP nearer. WeasyPrint draws a right-to-left cluster's marks before their letter and a
  left-to-right one's after it, so that place is the letter's edge on the side the next letter is read
  from, and the readers read the mark right after its letter: poppler keeps it in the word, and PDFium,
  which orders a line's text objects by where they start, sees them in drawn order, because the move
  WeasyPrint made for the mark is made at the start of the next array instead;
- what the reader sees is the glyph's outline, read from the font and filled as a path where WeasyPrint
  would have drawn it, after the line's text object (a path cannot be drawn inside one).

The same hook shows the other letters of a right-to-left ligature (the alef of لا; see
actual_text._ligatures_apart) in the text layer: invisible, squeezed to a sliver (APART_INK) and drawn
just before the ligature's glyph, which maps to its first letter only. Drawn order, positions and
mappings then agree with each other, so poppler, PDFium and pypdf all read the letters in order.

It relies on the text-showing calls WeasyPrint's `draw_first_line` makes (`set_text_matrix`,
`set_font_size`, `show_text` with `[<glyphs> number ...]` arrays, `set_text_rise` around one glyph) and
on horizontal scaling, character and word spacing being left at their defaults (WeasyPrint puts letter
and word spacing in the arrays). A glyph of a bitmap font or of a font with variations keeps
WeasyPrint's raised drawing: its outline at the drawn instance is not read here.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fontTools.pens.basePen import BasePen

_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
NUDGE = 20  # thousandths of an em between the pen and the text layer's mark: within the word, never a gap
MARK_STEP = 2  # thousandths of an em between marks shown at one place (a letter's dagesh and vowel)
APART_INK = 5  # thousandths of an em: how wide the ink of a ligature's letter shown apart is (squeezed to it)
APART_GAP = 2  # thousandths of an em before the pen where a ligature's letter shown apart ends: nearer than a mark


class _PathPen(BasePen):  # type: ignore[misc]  # fontTools has no type hints
    """PDF path operators for one glyph outline, in font units (quadratic curves made cubic by BasePen)."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.operators: list[str] = []

    def _moveTo(self, point: tuple[float, float]) -> None:
        self.operators.append(f"{point[0]:g} {point[1]:g} m")

    def _lineTo(self, point: tuple[float, float]) -> None:
        self.operators.append(f"{point[0]:g} {point[1]:g} l")

    def _curveToOne(self, one: tuple[float, float], two: tuple[float, float], three: tuple[float, float]) -> None:
        self.operators.append(f"{one[0]:g} {one[1]:g} {two[0]:g} {two[1]:g} {three[0]:g} {three[1]:g} c")

    def _closePath(self) -> None:
        self.operators.append("h")


@dataclass(frozen=True)
class _Outline:
    path: bytes  # PDF path operators in font units
    units_per_em: int


@dataclass
class FontState:
    """What the text layer learns about one font WeasyPrint embeds, kept on the font for the document (`font_state`)."""

    font: Any
    outlines: dict[int, _Outline | None] = field(default_factory=dict)  # by glyph (_outline)
    ink: dict[int, float] = field(default_factory=dict)  # by glyph (_ink_width)
    split: set[int] = field(default_factory=set)  # right-to-left glyphs whose letters were seen to (actual_text._split)
    apart: dict[int, tuple[int, ...]] = field(default_factory=dict)  # glyph -> its other letters' glyphs, drawn order
    stand_ins: dict[str, int] = field(default_factory=dict)  # letter -> glyph drawing nothing (actual_text._stand_in)
    muted: bool = False  # its glyphs map to nothing: a reordering script's run, shown again invisibly

    @functools.cached_property
    def face(self) -> Any:
        """The font's fontTools face, parsed once."""
        from fontTools.ttLib import TTFont

        return TTFont(io.BytesIO(self.font.file_content), fontNumber=self.font.index, lazy=True)

    @functools.cached_property
    def nominal(self) -> dict[int, int]:
        """The font's own glyph for each character it maps (its cmap)."""
        return {code: self.face.getGlyphID(name) for code, name in (self.face.getBestCmap() or {}).items()}


def font_state(font: Any) -> FontState:
    state: FontState | None = vars(font).get("guide_text_layer")
    if state is None:
        state = font.guide_text_layer = FontState(font)
    return state


def _outline(font: Any, glyph_id: int) -> _Outline | None:
    """The glyph's outline, read once per glyph of a document; None for a font with variations or without outlines."""
    state = font_state(font)
    if glyph_id not in state.outlines:
        face = state.face
        if "fvar" in face or not ("glyf" in face or "CFF " in face):
            state.outlines[glyph_id] = None
        else:
            glyph_set = face.getGlyphSet()
            pen = _PathPen(glyph_set)
            glyph_set[face.getGlyphName(glyph_id)].draw(pen)
            state.outlines[glyph_id] = _Outline(" ".join(pen.operators).encode(), face["head"].unitsPerEm)
    return state.outlines[glyph_id]


@dataclass
class _Line:
    """What one line's text-showing calls have done so far."""

    matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font: Any = None
    size: float = 0.0
    shown: list[tuple[Any, float, bytes]] = field(default_factory=list)  # arrays whose widths are not counted yet
    advance: float = 0.0  # how far the text has gone along the line, text space units
    rise: float = 0.0  # the rise WeasyPrint asked for the next glyph
    shift: float = 0.0  # the raised glyph's shift, still to be made at the start of the next array
    pending: list[int] = field(default_factory=list)  # marks whose text is shown before the next glyph drawn
    fills: list[tuple[_Outline, float, tuple[float, ...]]] = field(default_factory=list)

    def settle(self) -> None:
        """Count the widths of the arrays shown so far (a glyph's width is known once the next glyph is drawn)."""
        for font, size, array in self.shown:
            step = 2 if font.bitmap else 4
            for glyphs, number in _TOKEN.findall(array):
                if number:
                    self.advance -= float(number) / 1000 * size
                for start in range(0, len(glyphs), step):
                    self.advance += font.widths.get(int(glyphs[start:start + step], 16), 0) / 1000 * size
        self.shown.clear()

    def position(self, advance: float, rise: float) -> tuple[float, ...]:
        """The text matrix moved along the line by `advance` and up by `rise` (text space units)."""
        a, b, c, d, e, f = self.matrix
        return (a, b, c, d, advance * a + rise * c + e, advance * b + rise * d + f)


def _raised(array: bytes) -> tuple[float, int] | None:
    """(shift, glyph id) of an array showing one glyph after an optional shift, as WeasyPrint shows a raised glyph."""
    tokens = _TOKEN.findall(array)
    glyphs = [glyph for glyph, _ in tokens if glyph]
    numbers = [float(number) for _, number in tokens if number]
    if len(glyphs) != 1 or len(glyphs[0]) != 4 or len(numbers) > 1 or (numbers and tokens[0][0]):
        return None
    return (numbers[0] if numbers else 0.0), int(glyphs[0], 16)


def _cut_at_moved_marks(array: bytes, font: Any) -> list[bytes | tuple[float, int]]:
    """The array cut at each glyph taking no room that WeasyPrint moves along the line and back (`-84<05b8>84`).

    Hebrew points and some Arabic marks are placed over their letter that way, without a rise; readers take the
    move for a gap between words. Each such glyph becomes (shift, glyph id), as `_raised` gives a raised one;
    the move back stays at the start of the rest of the array.
    """
    if font is None or font.bitmap:
        return [array]
    tokens = _TOKEN.findall(array)
    pieces: list[bytes | tuple[float, int]] = []
    start = 0
    for index in range(1, len(tokens) - 1):
        (_, move), (glyph, _), (_, back) = tokens[index - 1], tokens[index], tokens[index + 1]
        if (move and back and len(glyph) == 4 and font.widths.get(int(glyph, 16), 1) == 0
                and abs(float(move) + float(back)) < 1):
            pieces += [_join(tokens[start:index - 1]), (float(move), int(glyph, 16))]
            start = index + 1
    pieces.append(_join(tokens[start:]))
    return [piece for piece in pieces if piece]


def _join(tokens: list[tuple[bytes, bytes]]) -> bytes:
    return b" ".join(number or b"<" + glyphs + b">" for glyphs, number in tokens if number or glyphs)


def _lead(array: bytes) -> tuple[float, bool]:
    """How far (thousandths of an em, to the left) the array moves before its first glyph, and whether it has one."""
    lead = 0.0
    for glyphs, number in _TOKEN.findall(array):
        if glyphs:
            return lead, True
        lead += float(number or 0)
    return lead, False


def _cut_before_ligatures(array: bytes, apart: dict[int, tuple[int, ...]]) -> list[bytes | tuple[int, ...]]:
    """The array cut before each glyph whose other letters are shown apart, each cut holding those letters' glyphs."""
    parts: list[bytes | tuple[int, ...]] = []
    tokens: list[bytes] = []
    for glyphs, number in _TOKEN.findall(array):
        if number:
            tokens.append(number)
            continue
        run = b""
        for start in range(0, len(glyphs), 4):
            glyph = glyphs[start:start + 4]
            letters = apart.get(int(glyph, 16)) if len(glyph) == 4 else None
            if letters:
                tokens += [b"<" + run + b">"] if run else []
                parts += [b" ".join(tokens), letters]
                tokens, run = [], b""
            run += glyph
        tokens += [b"<" + run + b">"] if run else []
    parts.append(b" ".join(tokens))
    return [part for part in parts if part]


def _ink_width(font: Any, glyph_id: int) -> float:
    """The width of the glyph's ink (its bounding box), thousandths of an em; read once per glyph of a document."""
    widths = font_state(font).ink
    if glyph_id not in widths:
        from fontTools.pens.boundsPen import BoundsPen

        face = font_state(font).face
        glyph_set = face.getGlyphSet()
        pen = BoundsPen(glyph_set)
        glyph_set[face.getGlyphName(glyph_id)].draw(pen)
        widths[glyph_id] = (pen.bounds[2] - pen.bounds[0]) * 1000 / face["head"].unitsPerEm if pen.bounds else 0.0
    return widths[glyph_id]


def _apart(font: Any, glyph_ids: tuple[int, ...], before: float = 0) -> list[tuple[float, str]]:
    """(horizontal scaling in per cent, array) showing each glyph squeezed just before the pen, back to the pen.

    Glyph j of k ends `before` + APART_GAP * (k - j) thousandths of an em before the pen. Each is squeezed to
    APART_INK thousandths of an em of ink: PDFium skips a text object whose box is narrower than 0.01 pt.
    Numbers in an array are scaled like the glyphs' widths, so each is divided by the scale.
    """
    shown = []
    for index, glyph_id in enumerate(glyph_ids):
        ink = _ink_width(font, glyph_id)
        scale = round(min(1.0, APART_INK / ink), 5) if ink else 0.01
        width = font.widths.get(glyph_id, 0) * scale
        end = -before - APART_GAP * (len(glyph_ids) - index)
        shown.append((scale * 100, f"{-(end - width) / scale:g} <{glyph_id:04x}> {end / scale:g}"))
    return shown


def font_by_hash(stream: Any, font_hash: Any) -> Any:
    """The font WeasyPrint's stream knows by the name it sets (`set_font_size`)."""
    return next(font for font in stream._fonts.values() if font.hash == font_hash)


@contextlib.contextmanager
def invisibly(stream: Any) -> Iterator[None]:
    """Text shown meanwhile is in the text layer only (text rendering mode 3), not on the page."""
    stream.set_text_rendering(3)
    try:
        yield
    finally:
        stream.set_text_rendering(0)


@contextlib.contextmanager
def patched(stream: Any, **methods: Any) -> Iterator[None]:
    """The stream's methods replaced meanwhile, then put back as they were (a replacement may itself be replaced)."""
    before = {name: vars(stream)[name] for name in methods if name in vars(stream)}
    for name, method in methods.items():
        setattr(stream, name, method)
    try:
        yield
    finally:
        for name in methods:
            if name in before:
                setattr(stream, name, before[name])
            else:
                delattr(stream, name)


@contextlib.contextmanager
def marks_on_the_baseline(stream: Any) -> Iterator[None]:
    """While one line is drawn, draw its raised or lowered glyphs as described in the module's docstring."""
    line = _Line()
    originals = {name: getattr(stream, name) for name in
                 ("set_text_matrix", "set_font_size", "set_text_rise", "show_text")}

    def set_text_matrix(a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        line.matrix, line.advance, line.shift = (a, b, c, d, e, f), 0.0, 0.0
        line.shown.clear()
        originals["set_text_matrix"](a, b, c, d, e, f)

    def set_font_size(font_hash: Any, size: float) -> None:
        show_pending(lead=0.0)
        line.font, line.size = font_by_hash(stream, font_hash), size
        originals["set_font_size"](font_hash, size)

    def set_text_rise(height: float) -> None:
        line.rise = height  # not passed on: a glyph drawn here goes on the baseline

    def show_text(array: Any) -> None:
        data = array if isinstance(array, bytes) else str(array).encode()
        if line.font is not None and font_state(line.font).muted:
            show_plain(data)  # a run marked with its actual text (actual_text._text_before_shaped_runs)
            return
        raised = _raised(data) if line.rise else None
        if raised is not None:
            show_mark(*raised, data)
            return
        for piece in _cut_at_moved_marks(data, line.font) if not line.rise else [data]:
            if isinstance(piece, tuple):
                shift, glyph_id = piece
                show_mark(shift, glyph_id, f"{shift:g}<{glyph_id:04x}>".encode())
            else:
                show_plain(piece)

    def show_plain(data: bytes) -> None:
        if line.shift:
            data = f"{-line.shift / line.size * 1000:g} ".encode() + data
            line.shift = 0.0
        lead, has_glyphs = _lead(data)
        if has_glyphs:
            show_pending(lead)
        if line.rise:
            originals["set_text_rise"](line.rise)
        apart = font_state(line.font).apart if line.font is not None else None
        for part in _cut_before_ligatures(data, apart) if apart else [data]:
            if isinstance(part, tuple):
                show_apart(part, before=0)
            else:
                originals["show_text"](part.decode())
        if line.rise:
            originals["set_text_rise"](0)
        line.shown.append((line.font, line.size, data))

    def show_mark(shift: float, glyph_id: int, data: bytes) -> None:
        """A glyph WeasyPrint moves off its place along the line (`shift`) or off the baseline (line.rise)."""
        outline = _outline(line.font, glyph_id)
        if outline is None:
            show_plain(data)
            return
        line.settle()
        line.fills.append((outline, line.size, line.position(line.advance - shift / 1000 * line.size, line.rise)))
        line.pending.append(glyph_id)
        line.shown.append((line.font, line.size, f"<{glyph_id:04x}>".encode()))
        line.shift -= shift / 1000 * line.size

    def show_pending(lead: float) -> None:
        """The text of the marks drawn since the last glyph, NUDGE before where the next glyph starts (`lead`).

        Relative to the next glyph, not the pen: a letter under points may itself be moved back (Hebrew בְּ).
        Each further mark goes MARK_STEP nearer, so marks at one place read in the order they are drawn.
        """
        for count, glyph_id in enumerate(line.pending):
            nudge = lead + NUDGE - count * MARK_STEP
            letters = font_state(line.font).apart.get(glyph_id)
            if letters:  # a glyph of two marks (ٌّ): the other is read after this one (PDFium reads it before)
                show_apart(letters, before=nudge)
            with invisibly(stream):
                originals["show_text"](f"{nudge:g}<{glyph_id:04x}>{-nudge:g}")
        line.pending.clear()

    def show_apart(letters: tuple[int, ...], before: float) -> None:
        with invisibly(stream):
            for scale, array in _apart(line.font, letters, before):
                stream.stream.append(f"{scale:g} Tz".encode())
                originals["show_text"](array)
            stream.stream.append(b"100 Tz")

    with patched(stream, set_text_matrix=set_text_matrix, set_font_size=set_font_size, set_text_rise=set_text_rise,
                 show_text=show_text):
        yield
        show_pending(lead=0.0)
    if line.fills:
        stream.end_text()
        for outline, size, matrix in line.fills:
            _fill(stream, outline, size, matrix)
        stream.begin_text()  # the caller ends the text object it began


def _fill(stream: Any, outline: _Outline, size: float, matrix: tuple[float, ...]) -> None:
    """Fill the glyph's outline at the text matrix it would have been drawn with, in the current fill colour."""
    scale = size / outline.units_per_em
    a, b, c, d, e, f = matrix
    stream.push_state()
    stream.transform(a * scale, b * scale, c * scale, d * scale, e, f)
    stream.stream.append(outline.path + b" f")
    stream.pop_state()
