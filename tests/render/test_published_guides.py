"""Published guides of different shapes, transcribed into fixtures (#22 point 6; docs/published-guides.md):
each passes `check --strict`, reaches the editions where the original puts it, and keeps public.pdf to one page."""

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.assets import AssetPolicy
from generator.build import build_plan
from generator.lint import lint
from generator.paths import templates_dir
from generator.plan.load import load_file
from generator.plan.validate import read_plan, validate
from generator.render.edition import EDITIONS, make_edition
from generator.render.extract import visible_text as _visible_text
from generator.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "fixtures" / "published"
GUIDES = sorted(path.name for path in FOLDER.glob("*.yaml"))


def text_of(name: str, edition: str, medium: str = "screen") -> str:
    plan = read_plan(FOLDER / name)
    spec = EDITIONS[edition].for_plan(plan)
    html = render_html(make_edition(plan, spec.audience, spec.name), medium=medium, policy=AssetPolicy(FOLDER, templates_dir()),
                       template=spec.template)
    return " ".join(_visible_text(html).split())


def test_five_shapes_are_transcribed_and_documented():
    assert len(GUIDES) >= 5
    table = (ROOT / "docs" / "published-guides.md").read_text(encoding="utf-8")
    for name in GUIDES:
        assert f"tests/fixtures/published/{name}" in table, name


@pytest.mark.parametrize("name", GUIDES)
def test_each_guide_passes_strict_check(name):
    loaded = load_file(FOLDER / name)
    assert lint(validate(loaded), loaded.source, today=dt.date(2026, 12, 1)) == []


def test_a_conference_whose_whole_procedure_is_public():
    name = "conference-public-procedure.yaml"
    assert EDITIONS["procedure"].exists_for(read_plan(FOLDER / name))
    document = text_of(name, "procedure", "print")
    for words in ("A responder takes the report and finds a lead within the hour", "A lead with a conflict of interest steps aside.",
                  "No action. The behaviour was not a violation; we say why.", "Timelines We acknowledge your report: within 24 hours",
                  "Appeals Write to the board", "we publish anonymised counts", "Everyone at the conference",
                  "What to include in a report", "Whether it is still going on", "Crisis line (24 hours): +1 312-555-0150"):
        assert words in document, words
    sheet = text_of(name, "public", "print")
    assert "Crisis line (24 hours): +1 312-555-0150" in sheet and "Police non-emergency" not in sheet
    assert "Lead incident responders" not in document  # the leads' role is not published


def test_a_committee_without_a_lead_that_publishes_its_members():
    name = "committee-published-members.yaml"
    responder = text_of(name, "responder")
    assert "Nobody leads the team: its members decide by vote." in responder
    public = text_of(name, "public", "print")
    assert "Ada Brightwater ada@quillframe.example.org Forum: @ada.b Chat: ada_b" in public
    assert "Who is on the response team" not in public  # the any-member channel lists them already


def test_a_meetup_run_by_its_organizers_in_spanish():
    name = "meetup-organizers-es.yaml"
    plan = read_plan(FOLDER / name)
    assert not EDITIONS["volunteer"].exists_for(plan)
    assert EDITIONS["report-form"].exists_for(plan) and not plan.report_form
    public = text_of(name, "public", "print")
    assert "Respondemos en 72 horas." in public
    assert "Nadie dirige el equipo: sus miembros deciden juntos." in text_of(name, "responder")
    assert "Qué pasó" in text_of(name, "report-form", "print")


def test_an_online_foundation_with_questions_groups_and_timelines_in_its_words():
    name = "foundation-online-resolution.yaml"
    public = text_of(name, "public")
    assert "Questions to weigh Nature What happened, and which part of the code of conduct does it concern?" in public
    assert "Action plans" in public and "A public apology" in public and "Private responses" not in public
    assert "The workgroup meets: every week" in public and "within every week" not in public
    assert "We close the report: when the incident is resolved" in public
    responder = text_of(name, "responder")
    assert "Private responses A written warning." in responder


def test_a_community_that_publishes_its_organizers_with_channel_notes():
    public = text_of("community-publishes-organizers.yaml", "public", "print")
    assert "Also if you cannot find the right contact." in public
    assert "Kai Andersen-Wu kai@baylight-py.example.org Slack: @kai Discord: kai.aw" in public
    assert "A call on request E-mail us, and an organizer calls you back the same day." in public
    assert "555-0140" not in public  # the organizers' own phones stay with volunteers


@pytest.mark.slow
@pytest.mark.parametrize("name", GUIDES)
def test_each_public_sheet_is_one_page(name, tmp_path):
    [sheet] = [p for p in build_plan(FOLDER / name, tmp_path, editions=["public"]) if p.suffix == ".pdf"]
    assert len(PdfReader(io.BytesIO(sheet.read_bytes())).pages) == 1
