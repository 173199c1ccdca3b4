"""The public document (#22 point 2): everything the plan makes public goes to procedure.pdf and the public
HTML; public.pdf stays one page, and what does not fit moves to the published procedure."""

import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from generator.assets import AssetPolicy
from generator.build import build_plan
from generator.paths import templates_dir
from generator.plan.load import load_text
from generator.plan.model import Audience
from generator.plan.secrets import secrets_above
from generator.plan.validate import read_plan, validate
from generator.render.edition import EDITIONS, make_edition
from generator.render.extract import visible_text as _visible_text
from generator.render.html import render_html
from generator.render.leaks import find_leaks

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "plans" / "published-procedure-conference.yaml"
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    return " ".join(_visible_text(html).split())


def page(plan, edition: str, medium: str = "screen", short: bool = False) -> str:
    spec = EDITIONS[edition]
    return render_html(make_edition(plan, spec.audience, spec.name), medium=medium, policy=AssetPolicy(ROOT, templates_dir()),
                       template=spec.template, short=short)


PARTS = """procedure:
  - {title: We read every report within a day, audience: public}
  - {title: The team meets in private, details: Only the two leads decide.}
definitions:
  - {term: Participant, meaning: Anyone in any of our spaces., audience: public}
communication:
  transparency_report: {text: Each year we publish how many reports came in., audience: public}
  records: Reports are kept in the locked archive.
"""


def test_the_public_html_and_procedure_hold_every_public_part_and_nothing_more():
    plan = validate(load_text(MINIMAL.replace("taking_reports:\n", PARTS + "taking_reports:\n"), "plan.yaml"))
    assert EDITIONS["procedure"].exists_for(plan)
    for html in (page(plan, "public"), page(plan, "procedure", "print")):
        text = visible_text(html)
        assert "We read every report within a day" in text
        assert "Participant Anyone in any of our spaces." in text
        assert "Each year we publish how many reports came in." in text
        assert "The team meets in private" not in text and "locked archive" not in text
        assert not find_leaks(secrets_above(plan, Audience.public), html_source=html)
    sheet = visible_text(page(plan, "public", "print"))
    assert "We read every report within a day" not in sheet  # the sheet stays a sheet; the document holds the procedure


def test_a_plan_that_publishes_nothing_more_has_no_procedure_document():
    plan = validate(load_text(MINIMAL, "plan.yaml"))
    assert not EDITIONS["procedure"].exists_for(plan)


def test_public_numbers_print_on_the_public_sheet():
    numbers = ("    numbers:\n      - {label: Crisis line, number: 020 7946 0999, audience: public}\n"
               "      - {label: Building manager, number: 020 7946 0998}\n")
    plan = validate(load_text(MINIMAL.replace("    country: GB\n", "    country: GB\n" + numbers, 1), "plan.yaml"))
    text = visible_text(page(plan, "public", "print"))
    assert "Crisis line: 020 7946 0999" in text and "Building manager" not in text


def test_the_short_sheet_points_to_the_published_procedure():
    plan = read_plan(PUBLISHED)
    short = visible_text(page(plan, "public", "print", short=True))
    assert "What the team may do, timelines, appeals and the rest of the procedure" in short
    assert "Behaviour plan" not in short
    assert "How reports are handled" in short and plan.event.reporting_guidelines.split("//")[1] in short.replace(" ", "")


def test_the_published_ladder_is_the_responder_guides_with_the_locales_stop():
    """The published procedure prints the responses with the responder guide's ladder: in Japanese each name
    ends in the full stop of the locale (it printed a Latin one of its own)."""
    plan = read_plan(PUBLISHED)
    plan = plan.model_copy(update={"event": plan.event.model_copy(update={"locale": "ja-JP"})})
    for html in (page(plan, "public"), page(plan, "procedure", "print"), page(plan, "responder")):
        ladder = html[html.index('<ol class="ladder">'):]
        ladder = ladder[:ladder.index("</ol>")]
        names = re.findall(r"<li><strong>(.*?)</strong>", ladder)
        assert "Behaviour plan\u3002" in names, names
        assert all(name.endswith("\u3002") and not name.endswith(".\u3002") for name in names), names


@pytest.mark.slow
def test_public_pdf_is_one_page_even_when_the_plan_publishes_too_much(tmp_path):
    data = yaml.safe_load(PUBLISHED.read_text(encoding="utf-8"))
    data["responses"] = [{"name": f"A response with a long public name, number {n}", "duration": "for the rest of the year",
                          "description": "What it means in practice.", "audience": "public"} for n in range(40)]
    data["communication"]["timelines"] = [{"what": f"Something the team does, step {n}", "when": "when it is needed",
                                           "audience": "public"} for n in range(20)]
    data["reporting"]["channels"] += [{"kind": "email", "label": f"Reports about track {n}", "email": f"track{n}@example.org",
                                       "note": "Read by the track chairs within a day.", "audience": "public"} for n in range(12)]
    path = tmp_path / "crowded.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    written = {p.name: p for p in build_plan(path, tmp_path / "out", editions=["public", "procedure"])}
    sheet = PdfReader(io.BytesIO(written["public.pdf"].read_bytes()))
    assert len(sheet.pages) == 1
    sheet_text = " ".join(sheet.pages[0].extract_text().split())
    assert "rest of the procedure" in sheet_text and "More ways to report are in the published procedure." in sheet_text
    document = PdfReader(io.BytesIO(written["procedure.pdf"].read_bytes()))
    full = "".join(p.extract_text() for p in document.pages)
    assert "number 39" in full and "step 19" in full and "track11@example.org" in full


@pytest.mark.slow
def test_every_example_public_sheet_is_one_page(tmp_path):
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        [sheet] = [p for p in build_plan(path, tmp_path / path.stem, editions=["public"]) if p.suffix == ".pdf"]
        assert len(PdfReader(io.BytesIO(sheet.read_bytes())).pages) == 1, path.name
