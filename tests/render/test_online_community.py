"""plans/online-community.yaml: no venue, no rota, e-mail and form channels, a voting working group.

It passes `check --strict` with no waivers, and none of its guides says "through the
lead", "on shift", "the lead on call" or names an emergency number: its members live in many countries.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.build import render_editions, select_editions
from generator.cli import main
from generator.plan.validate import read_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plans" / "online-community.yaml"
EMERGENCY = re.compile(r"(?<!\d)(999|911|112|000|110|119)(?!\d)")


def test_it_passes_check_strict_without_waivers():
    result = CliRunner().invoke(main, ["check", "--strict", str(PLAN)])
    assert result.exit_code == 0, result.output
    assert "1 plan checked: 0 errors, 0 warnings" in result.output
    plan = read_plan(PLAN)
    assert plan.all_waivers() == []
    assert not plan.venues and not plan.rota
    assert {channel.kind.value for channel in plan.reporting.channels} == {"email", "form"}
    assert plan.responses


@pytest.fixture(scope="module")
def guides() -> dict[str, str]:
    """Each finished file's text: the HTML source and what pypdf reads from each PDF."""
    plan = read_plan(PLAN)
    files = render_editions(plan, PLAN, select_editions(None), "a4")
    texts = {}
    for item in files:
        if item.kind == "pdf":
            texts[str(item.path)] = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(item.content)).pages)
        else:  # what a reader sees: without the stylesheet, the tags and the QR codes' drawings
            html = re.sub(r"<(style|svg)\b.*?</\1>", " ", item.content.decode("utf-8"), flags=re.DOTALL)
            texts[str(item.path)] = re.sub(r"<[^>]+>", " ", html)
    return texts


@pytest.mark.slow
def test_its_guides_never_say_through_the_lead_on_shift_or_an_emergency_number(guides):
    assert {"public.pdf", "volunteer.pdf", "private/responder.pdf"} <= set(guides)
    for name, text in guides.items():
        flat = " ".join(text.split())
        assert "through the lead" not in flat, name
        assert "on shift" not in flat, name
        assert "lead on call" not in flat.lower(), name  # the desk sheet and the report form once said so
        assert not EMERGENCY.search(flat), (name, EMERGENCY.search(flat))
    assert "contact your local emergency services" in " ".join(guides["public.pdf"].split())


@pytest.mark.slow
def test_its_drill_kit_assumes_no_event_no_room_and_no_phones(guides):
    drill = " ".join(guides["private/drill.pdf"].split())
    assert "Tabletop drill" in drill and "Who knows their part" in drill
    for words in ("the event", "metres away", "phone numbers on its cover"):
        assert words not in drill, words
    assert "keep taking part" in drill and "as the messages showed it" in drill
    checklist = drill[drill.rindex("Who knows their part"):]
    assert "Shifts" not in checklist, "no rota, so no column of dashes for shifts"
