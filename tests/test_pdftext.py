"""generator.render.pdftext reads at least what pypdf reads from our guides, and falls back to pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build_plan
from generator.check import check_plan
from generator.plan.model import Audience
from generator.render import leaks
from generator.render.pdftext import extract_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def guides(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdftext")
    plan_path = ROOT / "plans" / "complete-conference.yaml"
    written = build_plan(plan_path, out)
    pdfs = {p.name: p.read_bytes() for p in written if p.suffix == ".pdf"}
    return check_plan(plan_path).plan, pdfs


def words(text: str) -> set[str]:
    return {w for w in leaks.normalise_text(text).split() if not re.fullmatch(r"\.{3,}\d*", w)}


@pytest.mark.parametrize("name", ["volunteer.pdf", "responder.pdf"])
def test_every_word_pypdf_reads_is_read(guides, name):
    _, pdfs = guides
    ours = leaks.normalise_text(extract_text(pdfs[name]))
    theirs = words(leaks.pdf_text(pdfs[name]))
    missing = sorted(w for w in theirs if w not in ours.split() and w not in ours)
    # pypdf glues a few words across boxes ("999anyone"); each part must be there
    missing = [w for w in missing if not all(part in ours for part in re.findall(r"\d+|[^\d]+", w))]
    assert missing == []


@pytest.mark.parametrize("audience", [Audience.public, Audience.volunteer])
def test_finds_every_leak_pypdf_finds(guides, audience):
    """The responder guide holds every secret: checked as if it were a lower edition."""
    plan, pdfs = guides
    secrets = leaks.secrets_above(plan, audience)
    ours = {str(leak.secret.field) for leak in leaks.find_leaks(secrets, pdf_text=extract_text(pdfs["responder.pdf"]))}
    theirs = {str(leak.secret.field) for leak in leaks.find_leaks(secrets, pdf_text=leaks.pdf_text(pdfs["responder.pdf"]))}
    assert theirs and theirs <= ours


def test_reads_links_metadata_and_alternative_text(guides):
    _, pdfs = guides
    text = extract_text(pdfs["volunteer.pdf"])
    assert "tel:" in text  # link targets, which pypdf's page text leaves out
    assert "Volunteer guide" in text


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a standard Type1 font and a literal string: not WeasyPrint's shape."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_other_pdfs_are_read_by_pypdf():
    assert "Hello from another producer" in extract_text(_tiny_pdf("Hello from another producer"))
