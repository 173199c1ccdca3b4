"""Fonts: every character of the plan can be printed by a bundled font."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...plan.model import ITEM_KINDS
from ...render.glyphs import describe, missing_glyphs
from ..context import Context, strings
from ..registry import Finding, rule


@rule("GLYPH-MISSING", "warning", "A value holds a character that none of the bundled fonts can draw (it would print as an "
      "empty box).", items=ITEM_KINDS,
      bad="""
          responders:
            - id: arun
              name: அருண் குமார்
          """,
      good="""
          responders:
            - id: arun
              name: Arun Kumar  # as Arun writes it in Latin letters
          """)
def glyph_missing(context: Context) -> Iterator[Finding]:
    """A text value holds a character that none of the bundled fonts (templates/fonts/README)
    can draw: the printed guide would show an empty box in its place. The warning points at
    the character and names its code point, e.g. `அ (U+0B85 TAMIL LETTER A)`. The bundled
    fonts cover Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, Japanese (the
    JIS X 0208 kanji and more), Korean (every Hangul syllable), Chinese (GB 2312 and Big5)
    and emoji (printed in one colour). Write the value another way (a name as its
    owner spells it in Latin letters, say), or add a font for the script. The HTML guides
    use the reader's own fonts and are not affected.
    """
    for path, value in strings(context.plan):
        for char in missing_glyphs(value):
            at = context.source.inside(path, re.compile(re.escape(char)))
            yield Finding(path, f"no bundled font can draw {describe(char)}; the printed guide would "
                          "show an empty box in its place", at=at,
                          hint="write it another way, or add a font for its script (templates/fonts/README)")
