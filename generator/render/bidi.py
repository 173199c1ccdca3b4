"""Left-to-right runs in a right-to-left guide, isolated so they read in their own order.

In an Arabic or Hebrew paragraph the Unicode bidirectional algorithm orders the pieces of
`cairo-py.example.org/code-of-conduct` or `+20 2 2345 6789` right to left: the slash, dots
and spaces between them take the paragraph's direction, so the address prints as
`code-of-conduct/cairo-py.example.org` and the phone number's digit groups in reverse.
Writers of Arabic mark such runs by hand; the guides do it for them, everywhere: after
rendering, every run of text that starts and ends with a Latin (or Greek, Cyrillic) letter
or a digit and holds no right-to-left letter (web and e-mail addresses, phone numbers,
times, English phrases) is wrapped in `<bdi dir="ltr">`, in the screen and print HTML
alike; a text between tags with no right-to-left letter is wrapped whole, with its
punctuation. WeasyPrint lays each inline box out on its own with the box's direction, so the
wrapped run keeps its order on paper; browsers isolate a <bdi> as well.

Only the text between tags is touched, never attributes, and never the text of <script>,
<style>, <title>, <textarea> or <svg>. A run of digits alone (`2027`, `112`) reads the
same either way and is left as it is.
"""

from __future__ import annotations

import html
import re

# Letters written right to left: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and
# their presentation forms; the Arabic comma, semicolon and question mark are among them.
RTL_RANGES = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"  # the right-to-left letters (also generator.render.actual_text)
_LTR_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff"
# A run: from a left-to-right letter, a digit or a leading + (phone numbers) to the last
# letter, digit, slash or closing parenthesis before a right-to-left letter or a line's end
# (a closing parenthesis only with its opening one in the run: `+1 (312) 555`, not `Room B)`).
_RUN = re.compile(rf"[{_LTR_LETTER}0-9+](?:[^{RTL_RANGES}\n<]*[{_LTR_LETTER}0-9/)])?")
_HAS_LETTER = re.compile(rf"[{_LTR_LETTER}]")
_RTL_LETTER = re.compile(f"[{RTL_RANGES}]")
_DIGITS_APART = re.compile(r"\d\D+\d")
# Tags split the text, except <wbr> (a line-break chance inside an address, see bare_url).
_TOKEN = re.compile(r"(<!--.*?-->|<(?!wbr>)[^>]*>)", re.DOTALL)
_WBR, _WBR_MARK = "<wbr>", "\x00"
_RAW = re.compile(r"(<(script|style|title|textarea|svg)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_OPEN, _CLOSE = '<bdi dir="ltr">', "</bdi>"


def _needs_isolation(run: str) -> bool:
    return bool(_HAS_LETTER.search(run) or _DIGITS_APART.search(run))


def isolate_text(text: str) -> str:
    """Plain `text` as HTML, each left-to-right run that needs it wrapped in <bdi dir="ltr">.

    A text with no right-to-left letter at all (an English label or sentence in an Arabic or
    Hebrew guide) is one run with its punctuation: "Then call:" keeps its colon at its end.
    """
    if not _RTL_LETTER.search(text) and _HAS_LETTER.search(text):
        core = text.strip()
        start = text.index(core)
        return (html.escape(text[:start], quote=False) + _OPEN + html.escape(core, quote=False) + _CLOSE
                + html.escape(text[start + len(core):], quote=False))
    out, last = [], 0
    for match in _RUN.finditer(text):
        run = match.group(0)
        while run.endswith(")") and run.count(")") > run.count("("):  # "(Room B)": the bracket opened outside the run
            run = run[:-1].rstrip()
        if not _needs_isolation(run):
            continue
        out += [html.escape(text[last:match.start()], quote=False), _OPEN, html.escape(run, quote=False), _CLOSE]
        last = match.start() + len(run)
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def isolate_ltr_runs(page: str) -> str:
    """The HTML `page` of a right-to-left guide with its left-to-right runs isolated (see the module's docstring)."""
    # Raw-text elements first, whole (a script may hold "<" and ">"), then tags and text in between.
    chunks = _RAW.split(page)
    for at in range(0, len(chunks), 3):  # split gives: text, raw element, its name, text, ...
        parts = _TOKEN.split(chunks[at])
        for index in range(0, len(parts), 2):  # the text between tags and comments
            part = parts[index]
            if not part.strip():
                continue
            text = html.unescape(part.replace(_WBR, _WBR_MARK))
            if _HAS_LETTER.search(text) or any(_needs_isolation(m.group(0)) for m in _RUN.finditer(text)):
                parts[index] = isolate_text(text).replace(_WBR_MARK, _WBR)
        chunks[at] = "".join(parts)
    return "".join(chunk for at, chunk in enumerate(chunks) if at % 3 != 2)  # not the elements' names again
