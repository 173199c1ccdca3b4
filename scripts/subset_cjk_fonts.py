"""Make the bundled CJK fonts (templates/fonts/NotoSansCJK*-{Regular,Bold}.otf) from Debian's fonts-noto-cjk.

Noto Sans CJK ships as one collection per weight holding a Japanese, a Korean, a Simplified
and a Traditional Chinese face: the same ideograph is drawn the way each place writes it
(今 令 直 骨 differ between Japan and mainland China). This script takes each face out of the
collections and keeps only the characters of that language's national character sets, so
the four languages in two weights stay a few megabytes each instead of 20 MB a collection:

  JP  JIS X 0208 (levels 1 and 2 kanji, kana, symbols) and Windows-31J's NEC and IBM extensions
  KR  KS X 1001 (Hangul, hanja, symbols) and all 11,172 modern Hangul syllables
  SC  GB 2312 (6,763 hanzi)
  TC  Big5 (13,060 hanzi)

and for each the CJK punctuation, kana, full-width and half-width forms blocks (〜 「」 ・ ！).
The character sets come from Python's own codecs, so nothing here is hand-written.

Usage (the output is byte-identical for the same input files and fontTools version):

  apt-get download fonts-noto-cjk            # 1:20220127+repack1-1, Noto Sans CJK 2.004
  dpkg-deb -x fonts-noto-cjk_*.deb noto-cjk
  python scripts/subset_cjk_fonts.py noto-cjk/usr/share/fonts/opentype/noto [OUTPUT-FOLDER]
  python -m generator.render.glyphs         # rewrite templates/fonts/coverage.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

OUT = Path(__file__).resolve().parent.parent / "templates" / "fonts"
# Face index in NotoSansCJK-{Regular,Bold}.ttc -> (file tag, codecs whose two-byte characters to keep).
FACES = {0: ("JP", ("euc_jp", "cp932")), 1: ("KR", ("euc_kr",)), 2: ("SC", ("gb2312",)), 3: ("TC", ("big5",))}
# Blocks every face keeps whole (where the face has them): CJK symbols and punctuation (〜 「」),
# hiragana, katakana and its phonetic extensions, Hangul compatibility jamo, enclosed CJK letters,
# CJK compatibility, vertical forms, full-width and half-width forms.
BLOCKS = [(0x3000, 0x303F), (0x3040, 0x309F), (0x30A0, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
          (0x3200, 0x32FF), (0x3300, 0x33FF), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
HANGUL_SYLLABLES = (0xAC00, 0xD7A3)


def double_byte_characters(codec: str) -> set[int]:
    """Every character a two-byte sequence decodes to in `codec` (the national character set)."""
    points: set[int] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1 and ord(text) > 0x7F and not (0xE000 <= ord(text) <= 0xF8FF):
                points.add(ord(text))
    return points


def wanted(tag: str, codecs: tuple[str, ...]) -> set[int]:
    points = set(range(0x20, 0x7F))
    for codec in codecs:
        points |= double_byte_characters(codec)
    for first, last in BLOCKS:
        points.update(range(first, last + 1))
    if tag == "KR":
        points.update(range(HANGUL_SYLLABLES[0], HANGUL_SYLLABLES[1] + 1))
    if tag == "JP":
        points.update(range(0xFF61, 0xFFA0))  # half-width katakana (single bytes in Shift_JIS)
    return points


def main(source: Path, out: Path = OUT) -> None:
    for weight in ("Regular", "Bold"):
        for index, (tag, codecs) in FACES.items():
            # A fresh copy for each face: the faces of a collection share their decompiled tables.
            collection = TTCollection(source / f"NotoSansCJK-{weight}.ttc")
            font = collection.fonts[index]
            font.recalcTimestamp = False  # keep head.modified: same input, same bytes
            options = subset.Options()
            # Each face prints only its own language: no 'locl' (it would pull in the other
            # languages' forms of every ideograph) and no vertical forms (the guides set horizontally).
            options.layout_features = [f for f in subset.Options().layout_features if f not in ("locl", "vert", "vrt2")]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.hinting = False  # printed at 300 dpi and more; the hints are a third of the size
            options.desubroutinize = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(wanted(tag, codecs) & set(font.getBestCmap())))
            subsetter.subset(font)
            path = out / f"NotoSansCJK{tag}-{weight}.otf"
            font.save(path)
            print(f"{path.name}: {len(font.getBestCmap())} characters, {path.stat().st_size:,} bytes")
            collection.close()


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), *(Path(arg) for arg in sys.argv[2:]))
