"""The PDF's text layer gives names back as written: Arabic ligatures in order, Devanagari clusters whole."""

from __future__ import annotations

import re
import subprocess

import pytest

from generator.assets import AssetPolicy
from generator.paths import templates_dir
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.actual_text import needs_actual_text
from generator.render.edition import make_edition
from generator.render.extract import pdf_text
from generator.render.html import render_html
from generator.render.pdf import render_pdf

NAMES = ["ليلى حداد", "अनन्या शर्मा", "प्रिया मिश्रा", "محمد العلي", "דוד כהן"]
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff]")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def test_which_lines_are_marked_with_their_text():
    assert needs_actual_text("अनन्या शर्मा (she/her)") and needs_actual_text("สมชาย") is False
    assert not needs_actual_text("ليلى حداد")  # right to left: its clusters are mapped in reverse instead
    assert not needs_actual_text("Alex Moreau")


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en-GB", "ar-EG"])
def test_names_in_shaped_scripts_read_back_as_written(write_plan, tmp_path, locale):
    def change(data):
        data["event"]["locale"] = locale
        for person, name in zip(data["responders"], NAMES, strict=False):
            person["name"] = name

    path = write_plan(change)
    policy = AssetPolicy(path.parent, templates_dir())
    edition = make_edition(read_plan(path), Audience.responder)
    pdf = render_pdf(render_html(edition, medium="print", policy=policy), policy, stylesheets=edition.spec.print_css)
    (tmp_path / "guide.pdf").write_bytes(pdf)
    pdfium = pdf_text(pdf)
    poppler = subprocess.run(["pdftotext", str(tmp_path / "guide.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout.translate(BIDI_CONTROLS)
    for name in NAMES:
        assert name in poppler, (name, locale, "poppler")
        # PDFium gives each word's letters in order, but words of a right-to-left name in a left-to-right
        # line in the order they are drawn (`حداد ليلى`); the leak check takes words in any order
        assert all(word in pdfium for word in name.split()), (name, locale, "PDFium")
        if locale == "ar-EG" or not RIGHT_TO_LEFT.search(name):
            assert name in pdfium, (name, locale, "PDFium")
