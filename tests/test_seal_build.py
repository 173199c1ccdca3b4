"""`build --seal`: the real responder guide, sealed, opens in Chromium with the passphrase and reveals nothing without it."""

from __future__ import annotations

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
    out = tmp_path_factory.mktemp("sealed")
    result = CliRunner().invoke(main, ["build", "--seal", "--edition", "responder", str(EXAMPLE), "-o", str(out)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output
    return out / "complete-conference" / "private" / "responder.html"


def test_sealed_page_holds_no_plaintext(sealed):
    source = sealed.read_text(encoding="utf-8").lower()
    plan = read_plan(EXAMPLE)
    for person in plan.responders:
        assert person.name.lower() not in source
        assert person.email.lower() not in source
    for scenario in plan.scenarios:
        assert scenario.title.lower() not in source
    assert "wharf hall" not in source


def test_sealed_guide_is_the_built_guide(sealed, example_guides):
    assert unseal_html(sealed.read_text(encoding="utf-8"), PASSPHRASE) == \
        example_guides["private/responder.html"].read_text(encoding="utf-8")


def test_passphrase_never_written_and_file_private(sealed):
    folder = sealed.parent.parent
    for path in folder.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path
    assert sealed.stat().st_mode & 0o777 == 0o600


def test_short_passphrase_is_refused_and_nothing_written(tmp_path):
    result = CliRunner().invoke(main, ["build", "--seal", str(EXAMPLE), "-o", str(tmp_path)],
                                env={"INCIDENT_GUIDE_PASSPHRASE": "too short"})
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert not (tmp_path / "complete-conference").exists()


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
