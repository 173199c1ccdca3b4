"""`build --seal`: the real responder guide, sealed, opens in Chromium with the passphrase and reveals nothing without it."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.plan.validate import read_plan
from generator.render.seal import unseal_html

from browser import run_axe

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
PASSPHRASE = "ferry lantern orchard quietly"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """A sealed build over an unsealed one, as an organizer who starts sealing would do."""
    out = tmp_path_factory.mktemp("sealed")
    first = CliRunner().invoke(main, ["build", "--edition", "responder", str(EXAMPLE), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert list((out / "complete-conference" / "private").glob("rota-*.ics"))
    result = CliRunner().invoke(main, ["build", "--seal", "--force", "--edition", "responder", str(EXAMPLE), "-o", str(out)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output
    assert "sealed responder.pdf and responder.html" in result.output
    return out / "complete-conference" / "private" / "responder.html"


def _without_calendars(guide: str) -> str:
    return re.sub(r'<section class="calendars".*?</section>\n', "", guide, flags=re.S)


@pytest.mark.slow
def test_sealed_page_holds_no_plaintext(sealed):
    source = sealed.read_text(encoding="utf-8").lower()
    plan = read_plan(EXAMPLE)
    for person in plan.responders:
        assert person.name.lower() not in source
        assert person.email.lower() not in source
    for scenario in plan.scenarios:
        assert scenario.title.lower() not in source
    assert "wharf hall" not in source


def test_sealed_guide_is_the_built_guide_with_the_calendars_inside(sealed, example_guides):
    guide = unseal_html(sealed.read_text(encoding="utf-8"), PASSPHRASE)
    assert _without_calendars(guide) == example_guides["private/responder.html"].read_text(encoding="utf-8")
    links = re.findall(r'<a download="(rota-[a-z]+\.ics)" href="data:text/calendar;charset=utf-8;base64,([^"]+)">', guide)
    calendars = {name: path for name, path in example_guides.items() if name.endswith(".ics")}
    assert sorted(f"private/{name}" for name, _ in links) == sorted(calendars)
    for name, data in links:
        assert base64.b64decode(data) == calendars[f"private/{name}"].read_bytes()


@pytest.mark.slow
def test_nothing_private_is_left_in_clear(sealed):
    import pypdf

    folder = sealed.parent
    assert sorted(path.name for path in folder.iterdir()) == ["responder.html", "responder.pdf"]  # no .ics in clear
    reader = pypdf.PdfReader(folder / "responder.pdf")
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not pypdf.PdfReader(folder / "responder.pdf").decrypt("not the passphrase at all")
    reader = pypdf.PdfReader(folder / "responder.pdf")
    assert reader.decrypt(PASSPHRASE)
    assert reader.trailer["/Encrypt"]["/R"] == 6 and reader.trailer["/Encrypt"]["/V"] == 5  # AES-256
    assert "Approaching a reported person" in "".join(page.extract_text() for page in reader.pages)
    raw = (folder / "responder.pdf").read_bytes()
    assert b"amara@example.org" not in raw and b"Okonjo" not in raw


@pytest.mark.slow
def test_the_lock_screen_shows_public_help_and_nothing_above_public(sealed):
    from generator.plan.model import Audience
    from generator.plan.secrets import secrets_above
    from generator.render.extract import visible_text
    from generator.render.leaks import find_leaks

    page = sealed.read_text(encoding="utf-8")
    locked = visible_text(re.sub(r'<script type="application/json" id="sealed">.*?</script>', "", page, flags=re.S))
    text = " ".join(locked.split())
    assert "Riverside Open Source Summit 2027" in text
    assert "In an emergency call 999" in text
    assert "Code of conduct hotline (calls and texts): 020 7946 0300" in text
    assert "orange lanyard" in text
    assert find_leaks(secrets_above(read_plan(EXAMPLE), Audience.public), html_source=page) == []


def test_a_lock_screen_that_would_leak_stops_the_build(tmp_path, monkeypatch):
    import generator.build as build_module
    import generator.render.seal as seal_module
    from generator.errors import PlanError

    real = seal_module.lock_notice
    monkeypatch.setattr(seal_module, "lock_notice", lambda plan: real(plan) + "<p>Ask amara@example.org</p>")
    with pytest.raises(PlanError, match="Amara Okonjo-Reyes's e-mail"):
        build_module.build_plan(EXAMPLE, tmp_path, editions=["responder"], passphrase=PASSPHRASE, pdf=False)
    assert not (tmp_path / "complete-conference").exists()


def test_sealed_size_is_rounded_to_a_bucket():
    from generator.render.seal import padded_size, seal_html

    assert all(n <= padded_size(n) <= n * 1.12 for n in range(1000, 200_000, 997))
    assert len({padded_size(n) for n in range(90_000, 100_000)}) <= 6  # ten thousand lengths, a handful of sizes
    pages = [seal_html("<p>" + "x" * n + "</p>", PASSPHRASE, title="t", iterations=1000) for n in (90_200, 92_000)]
    assert len(pages[0]) == len(pages[1])  # two guides of different length, one file size


@pytest.mark.slow
def test_passphrase_never_written_and_file_private(sealed):
    folder = sealed.parent.parent
    for path in folder.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path
    assert sealed.stat().st_mode & 0o777 == 0o600


def test_weak_passphrase_is_refused_and_nothing_written(tmp_path):
    result = CliRunner().invoke(main, ["build", "--seal", str(EXAMPLE), "-o", str(tmp_path)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": "a" * 12})
    assert result.exit_code == 1
    assert "too easy to guess" in result.output
    assert not (tmp_path / "complete-conference").exists()


def test_short_passphrase_is_refused_and_nothing_written(tmp_path):
    result = CliRunner().invoke(main, ["build", "--seal", str(EXAMPLE), "-o", str(tmp_path)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": "too short"})
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert not (tmp_path / "complete-conference").exists()


def test_a_passphrase_with_a_line_break_inside_is_refused_and_a_final_line_end_dropped(monkeypatch):
    """A password box drops a line break: a passphrase sealed with one would never open the guide."""
    from generator.cli import _passphrase
    from generator.render.seal import SealError, check_passphrase

    with pytest.raises(SealError, match="control character"):
        check_passphrase("correct horse\nbattery staple")
    monkeypatch.setenv("INCIDENT_GUIDE_PASSPHRASE", "correct horse battery staple\r\n")
    assert _passphrase() == "correct horse battery staple"


def test_no_passphrase_without_a_terminal_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("INCIDENT_GUIDE_PASSPHRASE", raising=False)
    result = CliRunner().invoke(main, ["build", "--seal", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "INCIDENT_GUIDE_PASSPHRASE" in result.output


def test_sealed_guide_opens_in_chromium(browser, sealed):
    errors = []
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(sealed.as_uri())
        assert "Amara" not in page.content()
        assert run_axe(page) == []
        page.get_by_label("Passphrase").fill("not the passphrase at all")
        page.keyboard.press("Enter")
        page.get_by_role("alert").filter(has_text="did not open").wait_for()
        assert "Amara" not in page.content()
        page.get_by_label("Passphrase").fill(PASSPHRASE)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Riverside Open Source Summit 2027").first.wait_for()
        text = page.inner_text("body")
        assert "amara@example.org" in text and "Approaching a reported person" in text
        assert run_axe(page) == []
    finally:
        context.close()
    assert errors == []


def test_calendars_download_from_the_unlocked_guide_under_its_csp(sealed, example_guides, browser):
    errors = []
    context = browser.new_context(accept_downloads=True)  # the sealed page's own CSP applies
    try:
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(sealed.as_uri())
        page.get_by_label("Passphrase").fill(PASSPHRASE)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Shifts as calendar files").wait_for()
        with page.expect_download() as download:
            page.locator('section.calendars a[download="rota-amara.ics"]').click()
        saved = download.value
        assert saved.suggested_filename == "rota-amara.ics"
        assert Path(saved.path()).read_bytes() == example_guides["private/rota-amara.ics"].read_bytes()
    finally:
        context.close()
    assert errors == []


def test_a_sealed_build_of_other_editions_leaves_nothing_private_in_clear(tmp_path):
    from generator.build import build_plan

    private = tmp_path / "complete-conference" / "private"
    build_plan(EXAMPLE, tmp_path, editions=["responder"], pdf=False)  # in clear: responder.html and the calendars
    build_plan(EXAMPLE, tmp_path, editions=["public"], pdf=False, passphrase=PASSPHRASE)
    assert not private.exists() or list(private.iterdir()) == []
    build_plan(EXAMPLE, tmp_path, editions=["responder"], pdf=False, passphrase=PASSPHRASE)
    build_plan(EXAMPLE, tmp_path, editions=["public"], pdf=False, passphrase=PASSPHRASE)  # a sealed guide is kept
    assert [path.name for path in private.iterdir()] == ["responder.html"]
    assert "Approaching a reported person" in unseal_html((private / "responder.html").read_text(encoding="utf-8"), PASSPHRASE)


@pytest.mark.slow
def test_a_passphrase_longer_than_32_bytes_gets_a_note_about_poppler_tools(tmp_path):
    import pikepdf

    from generator.render.seal import PDF_READER_NOTE

    long_passphrase = "ferry lantern orchard quietly beneath copper hills"
    result = CliRunner().invoke(main, ["build", "--seal", "--edition", "responder", str(EXAMPLE), "-o", str(tmp_path)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": long_passphrase})
    assert result.exit_code == 0, result.output
    assert PDF_READER_NOTE in result.stderr.splitlines() and "pdftotext" in PDF_READER_NOTE
    with pikepdf.open(tmp_path / "complete-conference" / "private" / "responder.pdf", password=long_passphrase) as pdf:
        assert len(pdf.pages) > 1
    short = CliRunner().invoke(main, ["build", "--seal", "--force", "--edition", "responder", str(EXAMPLE), "-o", str(tmp_path)],
                               env={"INCIDENT_GUIDE_PASSPHRASE": PASSPHRASE})
    assert short.exit_code == 0 and "pdftotext" not in short.output


def test_the_lock_screen_reads_in_the_guide_s_language_and_direction(tmp_path):
    from generator.build import build_plan

    build_plan(ROOT / "plans" / "cairo-meetup-ar.yaml", tmp_path, editions=["responder"], pdf=False, passphrase=PASSPHRASE)
    page = (tmp_path / "cairo-meetup-ar" / "private" / "responder.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert 'dir="rtl"' in re.search(r"<html[^>]*>", unseal_html(page, PASSPHRASE)).group(0)  # the guide's own
