"""Step 6, print: the print HTML of an edition to a tagged PDF with WeasyPrint.

The only module that imports WeasyPrint (with its helper generator.render.fetcher);
generator.build imports it only when it prints, so `check` and `--help` stay fast.

- PDF/UA-1: tagged, with title, language and author from the HTML's <title>,
  <html lang> and <meta name=author>; every picture and QR code carries alt text.
- Reproducible: WeasyPrint writes no date unless the HTML has dcterms.created /
  dcterms.modified (set from SOURCE_DATE_EPOCH when it is set); the file identifier
  is an MD5 of the PDF's own content; font subsets are named by a hash of the font
  description; the fonts are the bundled ones. Two builds give the same bytes.
- Restricted: every file WeasyPrint wants goes through GuideURLFetcher.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from ..assets import AssetPolicy
from ..paths import templates_dir
from . import actual_text
from .fetcher import GuideURLFetcher, Refused
from .paper import PAGE_SIZES

PDF_VARIANT = "pdf/ua-1"
COMMON_STYLESHEETS = ("base.css", "print.css")  # before each edition's own (EditionSpec.print_css)


class PrintLog(logging.Handler):
    """WeasyPrint's complaints during one rendering (missing alt text, unloadable pictures, CSS it ignored)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, policy: AssetPolicy, *, paper: str = "a4", stylesheets: tuple[str, ...] = (),
               fit_css: tuple[str, ...] = (), fetcher: GuideURLFetcher | None = None, log: PrintLog | None = None,
               short_html: str | None = None) -> bytes:
    """Print `html` (render_html(..., medium="print")) to PDF bytes, with the edition's own `stylesheets`.

    A document that runs past one page is laid out again with `fit_css` added (smaller
    type, columns), when given: the public sheet gets tighter only when it must. One that
    still does is printed from `short_html` (the sheet that points to the published
    procedure instead of holding it), when given.

    Raises BuildError naming the resource when the HTML refers to something the
    guide may not use (network, files outside the plan's folder, attachments).
    """
    actual_text.install()  # Arabic, Hebrew and Indic lines read back as written (see its module)
    fetcher = fetcher or GuideURLFetcher(policy)
    log = log if log is not None else PrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(log)
    try:
        font_config, sheets = print_styles(paper, stylesheets)
        source = weasyprint.HTML(string=html, base_url=policy.base_url, url_fetcher=fetcher)
        document = source.render(font_config=font_config, stylesheets=list(sheets), pdf_variant=PDF_VARIANT)
        if fit_css and len(document.pages) > 1:
            font_config, sheets = print_styles(paper, (*stylesheets, *fit_css))
            document = source.render(font_config=font_config, stylesheets=list(sheets), pdf_variant=PDF_VARIANT)
            if short_html and len(document.pages) > 1:
                source = weasyprint.HTML(string=short_html, base_url=policy.base_url, url_fetcher=fetcher)
                document = source.render(font_config=font_config, stylesheets=list(sheets), pdf_variant=PDF_VARIANT)
        clamps = _clamps(document) if "data-fit=" in html else ""
        if clamps:  # a text that runs past the box that clips it ends on its last whole line instead
            clamp_sheet = weasyprint.CSS(string=clamps, font_config=font_config)
            document = source.render(font_config=font_config, stylesheets=[*sheets, clamp_sheet], pdf_variant=PDF_VARIANT)
        _refuse_attachments(document, fetcher)
        fetcher.close()  # anything asked for while writing would be an attachment
        pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)
    except Refused as stop:
        raise stop.error from None
    finally:
        logger.removeHandler(log)
    if fetcher.refused:
        raise fetcher.refused[0]
    return pdf


def _clamps(document: weasyprint.Document) -> str:
    """CSS that cuts each text marked `data-fit` after the last of its lines that its clipping box shows whole.

    A badge card clips what runs past its body, the desk sheet the venue's directions past a few lines (overflow:
    hidden), which would leave half a line showing; the same text is cut to the same number of lines wherever it is
    (every card, every day's page, is alike). "" when all fit.
    """
    from weasyprint.formatting_structure import boxes

    fitting: dict[str, int] = {}

    def visit(box: boxes.Box, clip_bottom: float | None) -> None:
        if box.style["overflow"] == "hidden" and isinstance(box.height, (int, float)):
            clip_bottom = box.content_box_y() + box.height
        element = box.element
        name = element.get("data-fit") if element is not None and isinstance(box, boxes.BlockBox) else None
        if name and clip_bottom is not None:
            lines = list(lines_in(box))
            whole = sum(1 for line in lines if line.position_y + line.height <= clip_bottom + 0.01)
            if whole < len(lines):
                fitting[name] = min(whole, fitting.get(name, whole))
        for child in getattr(box, "children", ()):
            visit(child, clip_bottom)

    def lines_in(box: boxes.Box) -> Iterator[boxes.LineBox]:
        """The box's lines in order, those of its paragraphs included (line-clamp counts them all)."""
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.LineBox):
                yield child
            else:
                yield from lines_in(child)

    for page in document.pages:
        visit(page._page_box, None)
    return "\n".join(f'[data-fit="{name}"] {{ ' + (f"line-clamp: {lines}" if lines else "display: none") + " }"
                     for name, lines in sorted(fitting.items()))


def print_styles(paper: str = "a4", stylesheets: tuple[str, ...] = ()) -> tuple[FontConfiguration, tuple[weasyprint.CSS, ...]]:
    """The font configuration and parsed print stylesheets (the common ones, then `stylesheets`, then the paper size).

    One font configuration per process, and each stylesheet parsed once and reused by every
    document; keyed by the stylesheet's text, so an edited stylesheet (serve) is parsed again.
    Parsing print.css loads the bundled @font-face fonts into the font configuration.
    """
    css_dir = templates_dir() / "css"
    font_config = _font_config()
    sheets = tuple(_parsed_sheet((css_dir / name).read_text(encoding="utf-8"), css_dir.as_uri() + "/", font_config)
                   for name in (*COMMON_STYLESHEETS, *stylesheets))
    return font_config, (*sheets, _page_sheet(PAGE_SIZES[paper], font_config))


def parse_every_stylesheet(paper: str = "a4") -> None:
    """The common and every edition's print stylesheet parsed (and the fonts loaded), before the plan says which are needed."""
    for path in sorted((templates_dir() / "css").glob("print-*.css")):
        print_styles(paper, (path.name,))


@functools.cache
def _font_config() -> FontConfiguration:
    from tempfile import mkdtemp

    from .. import scratch

    config = FontConfiguration()
    if hasattr(config, "_folder"):  # its copies of the @font-face fonts: in the command's folder, removed with it
        config._folder = Path(mkdtemp(prefix="weasyprint-", dir=scratch.folder()))
    return config


@functools.lru_cache(maxsize=32)
def _parsed_sheet(text: str, base_url: str, font_config: FontConfiguration) -> weasyprint.CSS:
    # Stylesheets and fonts are template assets only: a fetcher on the templates' own policy reads them.
    fetcher = GuideURLFetcher(AssetPolicy(templates_dir(), templates_dir()))
    sheet = weasyprint.CSS(string=text, base_url=base_url, url_fetcher=fetcher, font_config=font_config)
    if fetcher.refused:
        raise fetcher.refused[0]
    return sheet


@functools.lru_cache(maxsize=8)
def _page_sheet(page_size: str, font_config: FontConfiguration) -> weasyprint.CSS:
    return weasyprint.CSS(string=f"@page {{ size: {page_size}; }}", font_config=font_config)


def _refuse_attachments(document: weasyprint.Document, fetcher: GuideURLFetcher) -> None:
    """A guide never embeds files: <link rel=attachment> and <a rel=attachment> fail the build.

    The sanitizer already removes both from plan prose; this is the second lock.
    """
    found = ["<link rel=attachment>" for _ in document.metadata.attachments]
    for page in document.pages:
        found += [str(target) for kind, target, *_ in page.links if kind == "attachment"]
    if found:
        error = fetcher.policy.refuse(found[0], "guides do not carry attachments")
        fetcher.refused.append(error)
        raise error
