"""Assessment, responses and timelines as written (#22 point 5): questions without levels, responses in
named groups, timelines in the plan's words, optional taking_reports, a report form from the information
to gather, fillable PDF form fields and a private resolution record."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.assets import AssetPolicy
from generator.errors import UserError
from generator.paths import templates_dir
from generator.plan.load import load_text
from generator.plan.validate import read_plan, validate
from generator.render.edition import EDITIONS, make_edition
from generator.render.extract import visible_text as _visible_text
from generator.render.html import render_html
from generator.render.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
TAKING = """taking_reports:
  ask: ["Do you need anything right now?"]
  do_not: [Promise a particular outcome.]
"""


def plan_of(text: str):
    return validate(load_text(text, "plan.yaml"))


def with_parts(parts: str, taking: str = TAKING):
    assert MINIMAL.count(TAKING) == 1
    return plan_of(MINIMAL.replace(TAKING, taking + parts))


def visible_text(html: str) -> str:
    return " ".join(_visible_text(html).split())


def page(plan, edition: str, medium: str = "screen") -> str:
    spec = EDITIONS[edition].for_plan(plan)
    return render_html(make_edition(plan, spec.audience, spec.name), medium=medium, policy=AssetPolicy(ROOT, templates_dir()),
                       template=spec.template)


QUESTIONS = """assessment:
  questions:
    - {topic: Nature, question: "What happened, and was it a breach of the code of conduct?"}
    - {topic: Nature, question: Has it happened before?}
    - {topic: Impact, question: "Who was affected, and how much?"}
    - Is anyone still at risk?
"""


def test_an_assessment_of_questions_needs_no_levels():
    plan = with_parts(QUESTIONS)
    assert plan.assessment.impact_levels == [] and len(plan.assessment.questions) == 4
    text = visible_text(page(plan, "responder"))
    assert "Assessing a report" in text and "Impact and risk" not in text
    assert "Nature What happened, and was it a breach of the code of conduct? Has it happened before? Impact Who was affected" in text
    assert "Is anyone still at risk?" in text


@pytest.mark.parametrize(("assessment", "message"), [
    ("assessment: {notes: Nothing.}\n", "an assessment needs impact and risk levels, or `questions` to weigh"),
    ("assessment:\n  impact_levels: [{id: low, name: Low}, {id: high, name: High}]\n  questions: [Why?]\n",
     "an assessment with impact levels needs risk levels too"),
    ("assessment:\n  impact_levels: [{id: low, name: Low}]\n  risk_levels: [{id: low, name: Low}, {id: high, name: High}]\n",
     "an assessment needs at least two impact levels, or none"),
])
def test_an_assessment_says_something(assessment, message):
    with pytest.raises(UserError) as caught:
        with_parts(assessment)
    assert message in str(caught.value.problems[0])


GROUPS = """response_groups:
  - name: Action plans
    description: Agreed with the person, to repair the harm.
    responses:
      - {name: A facilitated conversation}
      - {name: A written apology, audience: public}
  - name: Private responses
    responses:
      - {name: A private warning, description: From two members of the team.}
"""


def test_responses_come_in_named_groups():
    plan = with_parts(GROUPS)
    text = visible_text(page(plan, "responder"))
    assert "Action plans Agreed with the person, to repair the harm. A facilitated conversation. A written apology." in text
    assert "Private responses A private warning. From two members of the team." in text
    public = visible_text(page(plan, "public", "print"))
    assert "Action plans: A written apology" in public  # the public group, with its public response only
    document = visible_text(page(plan, "procedure", "print"))
    assert "Action plans A written apology." in document and "facilitated" not in document
    assert "facilitated" not in public and "Private responses" not in public and "private warning" not in public
    assert "Agreed with the person" not in public  # shown for its public response, the group keeps its own text


def test_a_public_group_makes_its_responses_public_unless_they_say():
    plan = with_parts(GROUPS.replace("      - {name: A facilitated conversation}", "      - {name: A facilitated conversation, audience: responder}")
                      .replace("  - name: Private responses", "    audience: public\n  - name: Private responses"))
    public = visible_text(page(plan, "public", "print"))
    assert "Action plans: A written apology" in public and "facilitated" not in public


TIMELINES = """communication:
  timelines:
    - {what: We acknowledge your report, within: two working days, audience: public}
    - {what: The committee meets, when: every week, audience: public}
    - {what: A full decision, when: may take two to three months, audience: public}
"""


def test_a_timeline_is_free_text_unless_it_states_a_deadline():
    plan = with_parts(TIMELINES)
    public = visible_text(page(plan, "public"))
    assert "We acknowledge your report: within two working days" in public
    assert "The committee meets: every week" in public and "within every week" not in public
    assert "A full decision: may take two to three months" in public and "within may take" not in public
    responder = visible_text(page(plan, "responder"))
    assert "What When We acknowledge your report within two working days The committee meets every week" in responder


def test_deadlines_alone_keep_the_within_column():
    plan = with_parts("communication:\n  timelines:\n    - {what: We acknowledge your report, within: 24 hours}\n")
    assert "What Within We acknowledge your report 24 hours" in visible_text(page(plan, "responder"))


def test_a_timeline_has_a_deadline_or_words_not_both():
    with pytest.raises(UserError) as caught:
        with_parts("communication:\n  timelines:\n    - {what: Reply, within: a day, when: soon}\n")
    assert "a timeline has `within` (a deadline) or `when` (free text), not both" in str(caught.value.problems[0])


def test_taking_reports_is_optional_and_nothing_is_invented():
    plan = with_parts("", taking="")
    for edition in ("volunteer", "responder"):
        html = page(plan, edition)
        assert 'id="ask-title"' not in html and 'id="dont-title"' not in html
        assert "When someone reports" not in visible_text(html) and "Taking a report" not in visible_text(html)
    assert "Never" not in visible_text(page(plan, "desk", "print"))
    only_ask = with_parts("", taking="taking_reports:\n  ask: [Are you safe now?]\n")
    html = page(only_ask, "responder")
    assert "Are you safe now?" in html and 'id="dont-title"' not in html


GATHER = """information_to_gather:
  items: [What happened, When and where, Who was involved]
"""


def test_a_report_form_is_built_from_the_information_to_gather_alone():
    plan = with_parts(GATHER)
    assert not plan.report_form and EDITIONS["report-form"].exists_for(plan)
    text = visible_text(page(plan, "report-form", "print"))
    assert "What happened" in text and "Who was involved" in text
    assert "Information to gather" not in text  # the items are the fields, not a list beside them
    assert not EDITIONS["report-form"].exists_for(with_parts(""))


def test_the_report_form_carries_the_information_to_gather_beside_its_own_fields():
    plan = with_parts(GATHER + "report_form:\n  - {label: Your name, lines: 1}\n")
    text = visible_text(page(plan, "report-form", "print"))
    assert "Your name" in text and "Information to gather What happened When and where Who was involved" in text


def test_every_in_person_example_has_a_report_form():
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        plan = read_plan(path)
        if plan.venues:
            assert EDITIONS["report-form"].exists_for(plan), path.name


@pytest.mark.slow
def test_the_report_form_and_resolution_record_are_fillable_pdf_forms():
    plan = read_plan(ROOT / "plans" / "complete-conference.yaml")
    policy = AssetPolicy(ROOT / "plans", templates_dir())
    written = sum(1 for f in plan.report_form if f.lines > (1 if f.choices else 0))  # a choice on one line has only tick boxes
    for name, minimum in (("report-form", written), ("resolution-record", 7)):
        spec = EDITIONS[name].for_plan(plan)
        html = render_html(make_edition(plan, spec.audience, spec.name), medium="print", policy=policy, template=spec.template)
        reader = PdfReader(io.BytesIO(render_pdf(html, policy, stylesheets=spec.print_css)))
        fields = reader.get_fields() or {}
        assert len(reader.pages) == 1
        assert len([f for f in fields.values() if f.get("/FT") == "/Tx"]) >= minimum, name
    assert EDITIONS["resolution-record"].private and EDITIONS["resolution-record"].audience.value == "responder"
    text = reader.pages[0].extract_text()
    for words in ("What the team decided", "Decided by", "The response given", "Who told whom", "Appeal"):
        assert words in text
