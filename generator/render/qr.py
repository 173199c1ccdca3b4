"""QR codes as inline SVG."""

from __future__ import annotations

import functools

import segno
from markupsafe import Markup


@functools.lru_cache(maxsize=256)
def qr_svg(url: str, label: str) -> Markup:
    """A QR code for `url` as inline SVG, with `label` as its accessible name (PDF alt text)."""
    code = segno.make(url, error="l")  # the smallest code (biggest modules); segno raises the level when it fits
    svg = code.svg_inline(scale=4, border=2, title=label, svgclass="qr", lineclass=None, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
