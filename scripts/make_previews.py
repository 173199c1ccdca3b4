"""Regenerate the PNG previews in docs/ from the example plan's responder guide.

    python scripts/make_previews.py

builds plans/complete-conference.yaml into a temporary folder, then rasterises the
cover (page 1) and the first page of the scenarios with poppler's pdftoppm into
docs/preview-cover.png and docs/preview-scenario.png (greyscale, small enough for the
README). tests/render/test_pdf.py fails when the committed previews no longer match.
It also writes page 1 of volunteer.pdf (docs/preview-volunteer-cover.png), desk.pdf, report-form.pdf, cards.pdf and poster.pdf and a 390 px Chromium
screenshot of the responder guide with its jump menu open (docs/preview-desk.png, ...), and page 1 of the volunteer
guide of a Japanese and an Arabic example plan (docs/preview-cover-ja.png, docs/preview-cover-ar.png: Japanese type,
right to left).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
DOCS = ROOT / "docs"
RESOLUTION = 80  # dots per inch: an A4 page becomes 661 x 935 pixels
SCENARIO_HEADING = "Scenarios and scripts"


def preview_pages(pdf: Path) -> dict[str, int]:
    """The 1-based page numbers to preview: the cover and the first page of the scenarios."""
    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    contents = next(i for i, text in enumerate(pages) if "Contents" in [line.strip() for line in text.splitlines()])
    scenario = next(i for i, text in enumerate(pages)
                    if i >= contents and SCENARIO_HEADING in [line.strip() for line in text.splitlines()])
    return {"preview-cover.png": 1, "preview-scenario.png": scenario + 1}


def render_previews(pdf: Path) -> dict[str, "Image.Image"]:  # noqa: F821
    """Greyscale images of the preview pages, by file name."""
    from PIL import Image

    images = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, number in preview_pages(pdf).items():
            prefix = Path(tmp) / Path(name).stem
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(number), "-l", str(number),
                            "-singlefile", str(pdf), str(prefix)], check=True)
            with Image.open(prefix.with_suffix(".png")) as image:
                images[name] = image.convert("L")
    return images


def make_previews(docs: Path = DOCS) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from generator.build import build_plan

    with tempfile.TemporaryDirectory() as tmp:
        written = build_plan(EXAMPLE, tmp, editions=["responder"])
        pdf = next(path for path in written if path.suffix == ".pdf")
        paths = []
        for name, image in render_previews(pdf).items():
            path = docs / name
            image.save(path, optimize=True)
            paths.append(path)
    return paths


# Page 1 of the printed-only outputs, and the responder guide at 390 px in Chromium (not compared by
# the tests: a screenshot depends on the machine's fonts).
PRINTED_PREVIEWS = {"preview-volunteer-cover.png": "volunteer.pdf", "preview-desk.png": "desk.pdf", "preview-report-form.png": "report-form.pdf", "preview-cards.png": "cards.pdf",
                    "preview-poster.png": "poster.pdf"}
PREVIEW_DPI = {"preview-poster.png": 42}  # an A3 poster at the size of the A4 previews (60 dpi)
PHONE_PREVIEW = "preview-phone.png"


def make_other_previews(docs: Path = DOCS) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from generator.build import build_plan

    paths = []
    with tempfile.TemporaryDirectory() as tmp:
        written = {path.name: path for path in build_plan(EXAMPLE, tmp)}
        for name, pdf in PRINTED_PREVIEWS.items():
            prefix = Path(tmp) / Path(name).stem
            subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(PREVIEW_DPI.get(name, 60)), "-f", "1", "-l", "1", "-singlefile",
                            str(written[pdf]), str(prefix)], check=True)
            paths.append(docs / name)
            (docs / name).write_bytes(prefix.with_suffix(".png").read_bytes())
        sys.path.insert(0, str(ROOT / "tests"))
        from browser import launch_chromium
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(written["responder.html"].as_uri())
            page.click(".jump summary")
            page.screenshot(path=str(docs / PHONE_PREVIEW))
            browser.close()
        paths.append(docs / PHONE_PREVIEW)
    return paths


# Page 1 of the volunteer guide in other scripts: Japanese type, and Arabic right to left with its numbers and
# addresses in order (in colour, at 50 dpi, so each stays under 150 kB).
LANGUAGE_PREVIEWS = {"preview-cover-ja.png": ROOT / "plans" / "tokyo-meetup-ja.yaml",
                     "preview-cover-ar.png": ROOT / "plans" / "cairo-meetup-ar.yaml"}


def make_language_previews(docs: Path = DOCS) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from generator.build import build_plan

    paths = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, plan in LANGUAGE_PREVIEWS.items():
            written = {path.name: path for path in build_plan(plan, Path(tmp) / plan.stem, editions=["volunteer"])}
            prefix = Path(tmp) / Path(name).stem
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                            str(written["volunteer.pdf"]), str(prefix)], check=True)
            paths.append(docs / name)
            (docs / name).write_bytes(prefix.with_suffix(".png").read_bytes())
    return paths


if __name__ == "__main__":
    for path in [*make_previews(), *make_other_previews(), *make_language_previews()]:
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1000} kB)")
