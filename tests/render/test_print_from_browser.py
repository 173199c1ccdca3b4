"""The screen HTML printed from Chromium (what a volunteer does with a link) comes out as a sensible paper guide.

Each screen page is printed with `page.pdf()`, with Playwright's default margins (none) and
with 1 cm ones: no page but the last may be less than a quarter full (a forced break after
a block that just overflowed left page 2 nearly empty), and in the print layout no text may
wrap inside a column narrower than 20 characters (nor a table cell break a word) (a three-column row squeezed the code of
conduct's QR captions to one character per line). The responder page starts with a skip link.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

SCREEN_PAGES = ["volunteer.html", "public.html", "private/responder.html"]
MARGINS = {"none": 0.0, "1cm": 72 / 2.54}  # in PDF points
LETTER_PX = 816  # Playwright prints on Letter by default: 8.5 in at 96 px per inch


def fullness(pdf: bytes, margin: float) -> list[float]:
    """For each page, how far down its printable area the text reaches (0 empty, 1 full)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        result = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage()
            bottoms = [text.get_rect(index)[1] for index in range(text.count_rects())]
            lowest = min(bottoms, default=height - margin)
            result.append(round((height - margin - lowest) / (height - 2 * margin), 2))
        return result
    finally:
        document.close()


@pytest.mark.parametrize("margins", MARGINS)
@pytest.mark.parametrize("name", SCREEN_PAGES)
def test_no_page_but_the_last_is_less_than_a_quarter_full(browser, example_guides, name, margins):
    page = browser.new_page()
    try:
        page.goto(example_guides[name].as_uri())
        margin = {"top": margins, "bottom": margins, "left": margins, "right": margins} if MARGINS[margins] else None
        pdf = page.pdf(margin=margin) if margin else page.pdf()
    finally:
        page.close()
    pages = fullness(pdf, MARGINS[margins])
    assert pages and pages[0] > 0.25
    assert [f"page {number}: {share:.0%}" for number, share in enumerate(pages[:-1], 1) if share < 0.25] == [], pages
    if name == "volunteer.html":
        assert len(pages) <= 6, pages  # the printed volunteer.pdf has 3; a wasteful layout gave 7


# Text squeezed in the print layout, measured in `ch` of its own font. A block laid out
# as a column (in a grid, a flex row or beside others) must leave text that wraps at least
# 20 characters; a table cell may be narrow (a day, an hour) but must not break a word
# over lines (an e-mail address cut into three pieces).
SQUEEZED_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 2) continue;
    let block = node.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block || block.getClientRects().length === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
    if (lines < 2) continue;
    const words = text.split(/[\\s-]+/).length;  // a line may end after a hyphen
    const probe = document.createElement("span");
    probe.style.cssText = "display:inline-block;width:20ch;padding:0;border:0";
    node.parentElement.appendChild(probe);
    const twenty = probe.getBoundingClientRect().width;
    probe.remove();
    const style = getComputedStyle(block);
    const inner = block.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const chars = (20 * inner / twenty).toFixed(1);
    const where = `${block.tagName.toLowerCase()}.${block.className}: "${text.slice(0, 40)}"`;
    if (block.closest("td, th")) {
      if (lines > words) found.push(`${where} breaks a word over ${lines} lines in ${chars}ch`);
    } else if (inner < twenty) {
      found.push(`${where} wraps in a column of ${chars}ch`);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [LETTER_PX, LETTER_PX - 2 * 38], ids=["no-margins", "1cm-margins"])
@pytest.mark.parametrize("name", SCREEN_PAGES)
def test_no_text_wraps_in_a_column_narrower_than_20_characters(browser, example_guides, name, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    try:
        page = context.new_page()
        page.goto(example_guides[name].as_uri())
        page.emulate_media(media="print")
        assert page.evaluate(SQUEEZED_TEXT) == []
    finally:
        context.close()


def test_the_first_tab_stop_of_the_responder_page_skips_to_the_guide(browser, example_guides):
    path: Path = example_guides["private/responder.html"]
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        page.keyboard.press("Tab")
        first = page.evaluate("({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
                              " text: document.activeElement.textContent, visible: document.activeElement.getBoundingClientRect().top >= 0})")
        assert first == {"cls": "skip-link", "href": "#main", "text": "Skip to the guide", "visible": True}
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")  # the next stop is in the guide, not the header's emergency number
        assert not page.evaluate("document.activeElement.closest('header') !== null")
        assert not page.evaluate("(document.activeElement.getAttribute('href') || '').startsWith('tel:') "
                                 "&& document.activeElement.classList.contains('masthead-emergency')")
    finally:
        page.close()
