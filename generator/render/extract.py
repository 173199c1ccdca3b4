"""What a reader can read in a finished guide: the text of a PDF, the visible text of an HTML page.

The leak check (leaks.py) searches both, as well as the HTML source; tests read guides with them too.
"""

from __future__ import annotations

from html.parser import HTMLParser


def pdf_text(pdf: bytes) -> str:
    """Every page's text as PDFium reads it (what a reader could copy out of the file).

    PDFium reads a hyphen where a line breaks as U+FFFE; it is a hyphen again here, so a
    name such as "Whitcombe-Adeyemi" wrapped after its hyphen is still found.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(document[index].get_textpage().get_text_range().replace("\ufffe", "-")
                         for index in range(len(document)))
    finally:
        document.close()


def visible_text(source: str) -> str:
    """The text a browser shows: words of separate blocks and cells apart, inline markup (`a<b>b</b>`) joined."""
    parser = _TextParser()
    parser.feed(source)
    parser.close()
    return "".join(parser.parts)


# elements that run on inside a line of text: no word break at their tags
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
           "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
           "wbr"}  # a chance to break a line, inside a word


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data.replace("\u200b", ""))  # a zero-width space: a chance to break a line, as <wbr>
