"""The guides' CSS: our stylesheets from templates/css, and the few rules written in the guide's own words."""

from __future__ import annotations

from markupsafe import Markup

from ..paths import templates_dir
from .locale import Localizer
from .paper import POSTER_SIZES


def stylesheet(name: str) -> Markup:
    """A stylesheet from templates/css, for inlining into the HTML guide.

    Stylesheets are our own files, never plan text; `</` cannot occur in them.
    """
    text = (templates_dir() / "css" / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"templates/css/{name} must not contain `</`")
    return Markup(text)


def page_css(loc: Localizer) -> Markup:
    """The running header and footer of a guide (print only): this locale's words, mirrored for right-to-left;
    the footer has two boxes, the emergency numbers (Guide.emergency_footer: they wrap between services, never
    inside one) and, on one line, the warning and the page number (a third box in the middle was squeezed);
    and the mark between a definition's term and its text where they run on (print-guide.css).

    In the page's <head> rather than print.css, after which WeasyPrint would not let
    a later `@page :first` take them away again (print.css is a user stylesheet, which
    loses to the page's own). The public sheet has none.
    """
    start, end = ("right", "left") if loc.direction == "rtl" else ("left", "right")
    not_public = css_string(loc.text("footer.not-public"))
    term_ends = css_string(loc.text("punct.label"))
    separator = css_string(str(loc.t("punct.separator")))  # with its spaces (text() trims them)
    page = loc.text("footer.page", page="\x00page\x00", pages="\x00pages\x00")
    counters = " ".join(f"counter({part})" if part in ("page", "pages") else css_string(part)
                        for part in page.split("\x00") if part)
    small = "font-size: 9pt; vertical-align: top; padding-top: 2.6mm;"
    return Markup(
        "@page {\n"
        f"  @top-{start} {{ content: string(event); font-size: 9pt; vertical-align: bottom; padding-bottom: 2mm; }}\n"
        f"  @top-{end} {{ content: string(edition) {separator} {not_public}; font-size: 9pt; font-weight: bold; vertical-align: bottom; padding-bottom: 2mm; }}\n"
        f"  @bottom-{start} {{ content: string(emergency); font-size: 10pt; font-weight: bold; vertical-align: top; padding-top: 2mm; }}\n"
        f"  @bottom-{end} {{ content: {not_public} {separator} {counters}; white-space: nowrap; {small} }}\n"
        "}\n"
        "/* The cover carries the edition and the warning itself, and each page of a sheet (page: sheet) its own head. */\n"
        "@page :first { @top-left { content: none; } @top-right { content: none; } }\n"
        "@page sheet { @top-left { content: none; } @top-right { content: none; } }\n"
        f"dl.definitions dt::after {{ content: {term_ends}; }}"
    )


# The CJK faces in print.css (templates/fonts/README), in the order each language prefers them: one
# ideograph is drawn differently in Japan, Korea, mainland China and Taiwan or Hong Kong.
CJK_ORDER = {"ja": ("JP", "KR", "TC", "SC"), "ko": ("KR", "JP", "TC", "SC"), "zh": ("SC", "TC", "JP", "KR"),
             "zh-Hant": ("TC", "SC", "JP", "KR")}
# `lang` values each order is for (CSS :lang() matches the tag and its subtags: zh-TW, ja-JP).
CJK_LANGS = {"ja": ("ja",), "ko": ("ko",), "zh": ("zh",), "zh-Hant": ("zh-Hant", "zh-TW", "zh-HK", "zh-MO")}
# The same families where the reader's system has them (the screen guide bundles no fonts), then each system's own.
SCREEN_FAMILIES = {
    "JP": '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Yu Gothic", Meiryo',
    "KR": '"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic"',
    "SC": '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei"',
    "TC": '"Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei"',
}
PRINT_BEFORE = '"Guide Sans", "Guide Arabic", "Guide Hebrew", "Guide Devanagari", "Guide Thai"'
PRINT_AFTER = '"Guide Emoji", sans-serif'


def cjk_language(tag: str) -> str | None:
    """The key of CJK_ORDER for a BCP 47 tag (`zh-TW` and `zh-Hant-HK` are Traditional), or None."""
    parts = tag.replace("_", "-").split("-")
    if parts[0] == "zh" and any(part in ("Hant", "TW", "HK", "MO") for part in parts[1:]):
        return "zh-Hant"
    return parts[0] if parts[0] in CJK_ORDER else None


def _chain(key: str, medium: str) -> str:
    if medium == "print":
        return ", ".join([PRINT_BEFORE, *(f'"Guide {face}"' for face in CJK_ORDER[key]), PRINT_AFTER])
    return ", ".join([*(SCREEN_FAMILIES[face] for face in CJK_ORDER[key]), "system-ui, sans-serif"])


def font_css(locale_tag: str, medium: str) -> Markup:
    """The font families for Chinese, Japanese and Korean text: the locale's order on the whole page (whatever
    language the tool's own words are in), and each language's order where a `lang` attribute names it."""
    rules = []
    key = cjk_language(locale_tag)
    if key:
        # above print.css's `html` (added after the page's own styles) and screen.css's `body`
        rules.append(f"html:root, html:root body {{ font-family: {_chain(key, medium)}; }}")
    for language, tags in CJK_LANGS.items():
        rules.append(f"{', '.join(f':lang({tag})' for tag in tags)} {{ font-family: {_chain(language, medium)}; }}")
    return Markup("\n".join(rules))


def cards_css(loc: Localizer) -> Markup:
    """The badge card sheet's note under the cards (print only), in this locale's words."""
    cut = css_string(loc.text("cards.cut"))
    return Markup(f"@page cards {{ @bottom-center {{ content: {cut}; }} }}")


POSTER_MARGIN_MM = 15
POSTER_CALL_INSET_MM = 20  # the call box's border and padding, both sides (print-poster.css)
PT_PER_MM = 72 / 25.4


def poster_css(paper: str) -> Markup:
    """The poster's page, one size up from the plan's paper (POSTER_SIZES), and the height its content may take
    when it is laid out again to fit (print-poster-fit.css): whatever a plan holds, the poster is one page."""
    size, _, height = POSTER_SIZES[paper]
    room = height - 2 * POSTER_MARGIN_MM - 1
    return Markup(f"@page poster {{ size: {size}; margin: {POSTER_MARGIN_MM}mm; }}\n"
                  f":root {{ --poster-room: {room:g}mm; }}")


def poster_number_style(text: str, paper: str, largest: float, smallest: float) -> Markup:
    """`font-size: ...` that sets the poster's number (or e-mail address) on one line of the call box, at most `largest` pt."""
    _, width, _ = POSTER_SIZES[paper]
    return one_line_style(text, (width - 2 * POSTER_MARGIN_MM - POSTER_CALL_INSET_MM) * PT_PER_MM, largest, smallest)


# A badge card (print-cards.css): 85.6 x 54 mm, 3.5 mm of padding at its sides and 3 mm at its head and foot
CARD_INNER_WIDTH_MM = 85.6 - 2 * 3.5
CARD_TEXT_MM = CARD_INNER_WIDTH_MM - 2 - 24  # its text column: less the gap and the QR code


def card_line_style(text: str, largest: float, smallest: float) -> Markup:
    """`font-size: ...` that sets a badge card's e-mail address on one line of its text column, at most `largest` pt."""
    return one_line_style(text, CARD_TEXT_MM * PT_PER_MM, largest, smallest)


CARD_MM = 54 - 2 * 3  # its height less its padding
CARD_HEAD_MM = 7  # the event's name and its rule
CARD_LINE_MM = 4.3  # one line of the emergency line (9pt bold)


def card_body_style(emergency: str) -> Markup:
    """`height: ...` of a badge card's body: what the head and the emergency line, on one line or two, leave."""
    lines = 1 if _ems(emergency) * 9 <= CARD_INNER_WIDTH_MM * PT_PER_MM * 0.95 else 2
    return Markup(f"height: {CARD_MM - CARD_HEAD_MM - lines * CARD_LINE_MM - 1:.1f}mm")


def _ems(text: str) -> float:
    """The text's width in ems of the bundled bold font, roughly."""
    return sum(0.58 if ch.isdigit() or ch in "+-()" else 0.26 if ch == " " else 0.95 if ch in "@mwMW" else 0.64 for ch in text)


def one_line_style(text: str, room_pt: float, largest: float, smallest: float) -> Markup:
    """`font-size: ...` that sets `text` on one line `room_pt` wide, at most `largest` pt.

    From the bundled bold font's advances, roughly; a text too long even at `smallest` wraps instead.
    """
    size = max(smallest, min(largest, room_pt * 0.95 / max(_ems(text), 1)))
    return Markup(f"font-size: {int(size)}pt")


def css_string(text: str) -> str:
    """A CSS string literal of our own words; anything but letters, digits and spaces as a CSS escape."""
    return '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text) + '"'
