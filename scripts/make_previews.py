"""Regenerate the PNG previews in docs/ from the example plan's responder guide.

    python scripts/make_previews.py

builds plans/complete-conference.yaml into a temporary folder, then rasterises the
cover (page 1) and the first page of the scenarios with poppler's pdftoppm into
docs/preview-cover.png and docs/preview-scenario.png (greyscale, small enough for the
README). tests/render/test_pdf.py fails when the committed previews no longer match.
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


if __name__ == "__main__":
    for path in make_previews():
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1000} kB)")
