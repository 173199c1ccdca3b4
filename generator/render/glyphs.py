"""Which characters the bundled fonts can draw (templates/fonts/), for `check`'s GLYPH-MISSING.

WeasyPrint takes each character from the first family in print.css's chain that has it,
so a character prints if any bundled font's cmap holds it; one that none holds would
print as an empty box. `check` reads the union of the cmaps from templates/fonts/coverage.txt
(code point ranges), so it needs neither fontTools nor WeasyPrint; after changing a font,
write that file again with `python -m generator.render.glyphs` (a test compares the two).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..paths import templates_dir

COVERAGE_NAME = "coverage.txt"
_HEADER = ("# Code points the bundled fonts have a glyph for (the union of their cmaps), as hex ranges.\n"
           "# Written by `python -m generator.render.glyphs`; `check` reads it for GLYPH-MISSING.\n")
# Characters that are never drawn on their own: joiners and variation selectors of emoji
# sequences (🏳️‍🌈), emoji tag characters (flags of regions), and the combining keycap.
_SEQUENCE_MARKS = frozenset([0x200C, 0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0xE0020, 0xE0080),
                             *range(0xE0100, 0xE01F0)])


def fonts_dir() -> Path:
    return templates_dir() / "fonts"


@functools.cache
def drawable() -> frozenset[int]:
    """The code points at least one bundled font has a glyph for (read once per process)."""
    points: set[int] = set()
    for line in (fonts_dir() / COVERAGE_NAME).read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def missing_glyphs(text: str) -> Iterator[str]:
    """Each character of `text` (once, in order) that no bundled font can draw."""
    fonts = drawable()
    seen: set[str] = set()
    for char in text:
        if char in seen or ord(char) in fonts or ord(char) in _SEQUENCE_MARKS:
            continue
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue  # not drawn; the loader refuses the controls that matter
        seen.add(char)
        yield char


def describe(char: str) -> str:
    """'🧿 (U+1F9FF NAZAR AMULET)'."""
    name = unicodedata.name(char, "")
    return f"{char} (U+{ord(char):04X}{' ' + name if name else ''})"


def font_cmaps() -> set[int]:
    """The union of the bundled fonts' cmaps, read from the font files (fontTools)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in sorted([*fonts_dir().glob("*.ttf"), *fonts_dir().glob("*.otf")]):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap())
    return points


def coverage_text(points: Iterable[int]) -> str:
    """coverage.txt's text for `points`: one range (or single code point) per line."""
    lines = []
    ordered = sorted(points)
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        first, last = ordered[start], ordered[end]
        lines.append(f"{first:04X}" if first == last else f"{first:04X}-{last:04X}")
        start = end + 1
    return _HEADER + "\n".join(lines) + "\n"


if __name__ == "__main__":
    (fonts_dir() / COVERAGE_NAME).write_text(coverage_text(font_cmaps()), encoding="ascii")
