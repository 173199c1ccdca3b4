"""Prose in a plan: Markdown to a small, safe subset of HTML.

Plan text is data. It is converted with `markdown`, then everything outside a short
allowlist is removed by `nh3`: no script, style, iframe, object, embed, link, form,
no event handlers or style attributes, no `javascript:` (or any other unexpected)
URLs. Raw HTML written in the plan goes through the same sanitizer.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

from ..assets import RefusedResource, url_scheme
from ..errors import BuildError

if TYPE_CHECKING:
    import markdown as _markdown

TAGS = {"p", "br", "strong", "em", "b", "i", "code", "ul", "ol", "li", "a", "blockquote", "img", "del", "sub", "sup",
        "span", "bdi"}
# `lang` picks the type of Chinese, Japanese and Korean text (<span lang="ja">今井</span>); `dir` keeps a run's order.
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
              "span": {"lang", "dir"}, "bdi": {"lang", "dir"}}
# Removed together with their content, not only the tags.
CONTENT_TAGS = {"script", "style", "template", "noscript", "textarea", "select", "title", "iframe", "object", "svg", "math"}
LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
EXTENSIONS = ["sane_lists"]

_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="[^"]*[^"\s][^"]*"')
_SRC = re.compile(r'\bsrc="([^"]*)"')
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_ONE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p>).)*)</p>$", re.DOTALL)

ImageSource = Callable[[str], str]


def to_html(text: str, image_source: ImageSource | None = None) -> Markup:
    """Markdown to sanitized HTML (block level: paragraphs, lists).

    `image_source` maps each picture's src to the one to use (e.g. a data: URI) and
    raises RefusedResource for a picture the guide may not use.
    """
    return Markup(clean(convert(text), image_source))


_converter: _markdown.Markdown | None = None
_converter_lock = threading.Lock()  # serve renders from request threads


@functools.lru_cache(maxsize=4096)
def convert(text: str) -> str:
    """Markdown to raw (unsanitized) HTML with one converter per process, reset between uses; cached by text.

    A build converts the same prose once per edition and medium; the result depends on the text alone.
    """
    global _converter
    with _converter_lock:
        if _converter is None:
            import markdown  # lazy: only builds that have prose to convert pay for it

            _converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        return _converter.reset().convert(text)


def to_inline_html(text: str, image_source: ImageSource | None = None) -> Markup:
    """Like to_html, without the <p> around a single paragraph (list items, table cells)."""
    html = str(to_html(text, image_source)).strip()
    match = _ONE_PARAGRAPH.match(html)
    return Markup(match.group(1) if match else html)


class PictureWithoutDescription(RefusedResource):
    """A picture with no alt text; a RefusedResource so that the build reports it where the plan names `url`."""

    def __init__(self, url: str):
        self.url, self.reason = url, "it needs a description"
        BuildError.__init__(self, f"the picture `{url[:80]}` needs a description for people who cannot see it: "
                                  "write ![what it shows](file.png)")


def clean(html: str, image_source: ImageSource | None = None) -> str:
    errors: list[RefusedResource] = []
    written: dict[str, str] = {}  # each picture's src as image_source gave it back -> as the plan wrote it

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "dir":
            return value if value in ("ltr", "rtl", "auto") else None
        if attribute == "lang":
            return value if _LANG_TAG.fullmatch(value) else None
        if tag == "a" and attribute == "href":
            return value if value.strip().lower().startswith(LINK_SCHEMES) else None
        if tag == "img" and attribute == "src":
            scheme = url_scheme(value.strip())
            if scheme and scheme not in ("http", "https", "file", "data"):
                return None
            if image_source is None:
                return value
            try:
                written[used := image_source(value)] = value
                return used
            except RefusedResource as error:  # nh3 cannot carry exceptions through
                errors.append(error)
                return None
        return value

    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CONTENT_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "tel", "file", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if errors:
        raise errors[0]
    for tag in _IMG.findall(cleaned):
        if not _ALT.search(tag):
            src = _SRC.search(tag)
            raise PictureWithoutDescription(written.get(src.group(1), src.group(1)) if src else "?")
    return cleaned
