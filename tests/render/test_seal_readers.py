"""The sealed PDF opens with the passphrase in the PDF readers people use, at every length the passphrase rule accepts.

Readers: pikepdf (qpdf), qpdf's command line, MuPDF's mutool, PDFium (Chromium's PDF viewer) through pypdfium2,
poppler's pdftotext and pdfinfo, and pdf.js (Firefox) when node and PDFJS_DIST (the npm package pdfjs-dist) are there.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from generator.render.seal import (
    MAX_PASSPHRASE_BYTES,
    POPPLER_TOOLS_PASSWORD_BYTES,
    SealError,
    check_passphrase,
    readers_note,
    seal_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Responder guide sample"
WORDS = "orange lantern harbour velvet quiet meadow copper ripple saffron thistle glacier marble violet ember willow falcon"
ACCENTED = "über café niño déjà fjörd straße garçon smörgås crème brûlée łódź żółw ñandú öre"


def _cut(words: str, length: int) -> str:
    text = (words + " ") * 3
    return text[:length - 1].rstrip() + "x" * (length - len(text[:length - 1].rstrip()))


# Lengths the rule accepts: 20, 32, 33, 64 and 100 characters, in ASCII and with accents (two bytes each),
# 32 and 33 bytes on either side of poppler's tools' limit, and exactly the 127-byte maximum.
PASSPHRASES = {f"ascii-{n}": _cut(WORDS, n) for n in (20, 32, 33, 64, 100, 127)}
PASSPHRASES |= {f"accented-{n}": _cut(ACCENTED, n) for n in (20, 32, 64)}


def _bytes(words: str, size: int) -> str:
    """Whole words up to `size` bytes of UTF-8, filled up with x."""
    text = ""
    for word in (words + " " + words).split():
        if len((text + " " + word).encode()) > size - 1:
            break
        text = f"{text} {word}".strip()
    return text + "x" * (size - len(text.encode()))


PASSPHRASES["accented-127-bytes"] = _bytes(ACCENTED, MAX_PASSPHRASE_BYTES)
PASSPHRASES["greek"] = "πορτοκαλί φανάρι λιμάνι"


def _plain_pdf() -> bytes:
    """A one-page PDF with a line of text in a standard font (made with pikepdf: no WeasyPrint in the test process)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({TEXT}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module", params=sorted(PASSPHRASES))
def sealed(request, tmp_path_factory) -> tuple[Path, str]:
    passphrase = PASSPHRASES[request.param]
    path = tmp_path_factory.mktemp("sealed") / f"{request.param}.pdf"
    path.write_bytes(seal_pdf(_plain_pdf(), passphrase))
    return path, passphrase


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, **kwargs)


def _needs(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed")
    return found


def test_the_passphrases_are_ones_the_rule_accepts():
    for passphrase in PASSPHRASES.values():
        check_passphrase(passphrase)
    assert len(PASSPHRASES["accented-127-bytes"].encode()) == MAX_PASSPHRASE_BYTES


def test_pikepdf_opens_it_with_the_passphrase_only(sealed):
    path, passphrase = sealed
    with pikepdf.open(path, password=passphrase) as pdf:
        assert pdf.is_encrypted and pdf.encryption.R == 6 and pdf.encryption.bits == 256  # AES-256
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path, password=passphrase[:-1])


def test_qpdf_opens_it(sealed, tmp_path):
    path, passphrase = sealed
    result = _run(_needs("qpdf"), f"--password={passphrase}", "--decrypt", str(path), str(tmp_path / "open.pdf"))
    assert result.returncode == 0, result.stderr


def test_mupdf_opens_it(sealed):
    path, passphrase = sealed
    result = _run(_needs("mutool"), "draw", "-q", "-p", passphrase, "-F", "txt", "-o", "-", str(path), "1")
    assert result.returncode == 0 and TEXT in result.stdout, result.stderr


def test_pdfium_as_in_chromium_opens_it(sealed):
    import pypdfium2

    path, passphrase = sealed
    document = pypdfium2.PdfDocument(str(path), password=passphrase)
    try:
        assert TEXT in document[0].get_textpage().get_text_range()
    finally:
        document.close()


def test_poppler_tools_open_it_up_to_32_bytes_and_the_build_says_when_they_cannot(sealed):
    """pdftotext and pdfinfo read -upw into a 33-byte buffer: a longer passphrase is cut and does not open the PDF."""
    path, passphrase = sealed
    fits = len(passphrase.encode()) <= POPPLER_TOOLS_PASSWORD_BYTES
    text = _run(_needs("pdftotext"), "-upw", passphrase, str(path), "-")
    info = _run(_needs("pdfinfo"), "-upw", passphrase, str(path))
    assert (text.returncode == 0 and TEXT in text.stdout) is fits, text.stderr
    assert (info.returncode == 0 and "AES-256" in info.stdout) is fits, info.stderr
    assert (readers_note(passphrase) is None) is fits


@pytest.mark.slow  # node starts pdf.js in about 3 s per file
def test_pdfjs_as_in_firefox_opens_it(sealed):
    """Runs when node and pdf.js are there: PDFJS_DIST=$(npm root)/pdfjs-dist after `npm install pdfjs-dist`."""
    dist = os.environ.get("PDFJS_DIST")
    if not dist or not (Path(dist) / "legacy" / "build" / "pdf.mjs").is_file():
        pytest.skip("PDFJS_DIST does not name an installed pdfjs-dist")
    path, passphrase = sealed
    result = _run(_needs("node"), str(ROOT / "scripts" / "pdfjs-open.mjs"), str(path), passphrase, env={**os.environ, "PDFJS_DIST": dist})
    assert result.returncode == 0 and TEXT in result.stdout, result.stderr
    wrong = _run("node", str(ROOT / "scripts" / "pdfjs-open.mjs"), str(path), "x" + passphrase[1:], env={**os.environ, "PDFJS_DIST": dist})
    assert wrong.returncode == 1 and "PasswordException" in wrong.stderr


@pytest.mark.parametrize("passphrase", [
    "ﬁne orange lantern harbour",  # a ligature: SASLprep makes it `fi`
    "ｏｒａｎｇｅ ｌａｎｔｅｒｎ ｈａｒｂｏｕｒ",  # full-width letters
    "orange\u00a0lantern harbour velvet",  # a no-break space: SASLprep makes it a space
    "orange lan\u00adtern harbour velvet",  # a soft hyphen: SASLprep drops it
])
def test_a_passphrase_readers_would_prepare_differently_is_refused(passphrase):
    with pytest.raises(SealError, match="some PDF readers change before use .*U\\+"):
        check_passphrase(passphrase)


def test_a_passphrase_longer_than_127_bytes_is_refused_with_its_size():
    """PDFium uses every byte of a password, pdf.js, MuPDF and qpdf the first 127: no longer password opens in both."""
    with pytest.raises(SealError, match="is 130 bytes long"):
        check_passphrase(_cut(WORDS, 130))
    with pytest.raises(SealError, match="is 128 bytes long"):
        check_passphrase(PASSPHRASES["accented-127-bytes"] + "x")
