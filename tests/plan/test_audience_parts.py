"""One audience mechanism for every part of a plan (#22 point 1): each part can carry `audience:`,
the cut copy holds it only for its readers, and the leak check treats it as public once it says so."""

from pathlib import Path

import pytest

from generator.plan.load import load_text
from generator.plan.model import Audience
from generator.plan.secrets import leaf_audiences, secrets_above
from generator.plan.validate import validate
from generator.render.edition import cut

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
TAKING = "taking_reports:\n"

# (the part as written with {aud} where its audience goes, its words, the part's default audience)
PARTS = [
    ("procedure:\n  - {{title: Acknowledge the report within a day{aud}}}\n", "Acknowledge the report within a day", Audience.responder),
    # (a text of the procedure is searched from eight words on: a shorter one is said in many sentences)
    ("assessment:\n  questions:\n    - {{question: Is anyone still at risk of harm right now{aud}}}\n",
     "Is anyone still at risk of harm right now", Audience.responder),
    ("assessment:\n  impact_levels: [{{id: low, name: Minor harm to one person{aud}}}, {{id: high, name: High}}]\n"
     "  risk_levels: [{{id: low, name: Low}}, {{id: high, name: High}}]\n", "Minor harm to one person", Audience.responder),
    ("assessment:\n  questions: [Who was affected?]\n  notes: Weigh every question with two members present.\n{aud_block}",
     "Weigh every question with two members present.", Audience.responder),
    ("definitions:\n  - {{term: Participant, meaning: Anyone who takes part in any of our spaces{aud}}}\n",
     "Anyone who takes part in any of our spaces", Audience.volunteer),
    ("communication:\n  records: {{text: Every report is kept in the locked committee archive{aud}}}\n",
     "Every report is kept in the locked committee archive", Audience.responder),
    ("communication:\n  transparency_report: {{text: We publish yearly counts of reports by kind{aud}}}\n",
     "We publish yearly counts of reports by kind", Audience.responder),
    ("response_groups:\n  - name: Private responses\n    responses: [{{name: A private written warning to the person{aud}}}]\n",
     "A private written warning to the person", Audience.responder),
    ("resources:\n  - {{name: The regional crisis line for adults{aud}}}\n", "The regional crisis line for adults", Audience.responder),
]
# Names and titles are labels (#23): they are cut by audience like any part, but never searched as secrets.
LABELS = {"Acknowledge the report within a day", "Minor harm to one person", "A private written warning to the person",
          "The regional crisis line for adults"}
EXTRA_ROLE = ("  - id: everyone\n    name: Everyone taking part\n    kind: attendees\n    duties: [Tell the team about anything that worries you.]\n{aud_role}")


def plan_with(part: str, audience: str | None):
    aud = f", audience: {audience}" if audience else ""
    block = f"  audience: {audience}\n" if audience else ""
    text = MINIMAL.replace(TAKING, part.format(aud=aud, aud_block=block) + TAKING, 1)
    return validate(load_text(text, "plan.yaml"))


def words_in(plan, audience: Audience, words: str) -> bool:
    return any(words == value or (isinstance(value, str) and words in value) for _, value, _ in leaf_audiences(cut(plan, audience)))


@pytest.mark.parametrize(("part", "words", "default"), PARTS, ids=[p[1][:24] for p in PARTS])
def test_every_part_takes_an_audience_with_the_same_rules(part, words, default):
    plan = plan_with(part, None)
    for audience in Audience:
        assert words_in(plan, audience, words) is audience.allows(default), audience
    assert any(words in s.value for s in secrets_above(plan, Audience.public)) is (words not in LABELS)
    public = plan_with(part, "public")
    assert words_in(public, Audience.public, words) and words_in(public, Audience.volunteer, words)
    assert not any(words in s.value for s in secrets_above(public, Audience.public))
    raised = plan_with(part, "responder")
    assert not words_in(raised, Audience.volunteer, words) and words_in(raised, Audience.responder, words)


@pytest.mark.parametrize("audience", [None, "public"])
def test_a_role_and_its_duties_take_an_audience(audience):
    text = MINIMAL.replace("responders:\n", EXTRA_ROLE.format(aud_role=f"    audience: {audience}\n" if audience else "") + "responders:\n", 1)
    plan = validate(load_text(text, "plan.yaml"))
    assert words_in(plan, Audience.public, "Tell the team about anything that worries you.") is (audience == "public")
    assert words_in(plan, Audience.volunteer, "Tell the team about anything that worries you.")


def test_a_public_question_shows_the_assessment_but_not_its_notes():
    plan = plan_with("assessment:\n  questions:\n    - {{question: Is anyone still at risk of harm, audience: public}}\n"
                     "    - Was a rule of the code broken?\n  notes: Only with two members present.\n", None)
    public = cut(plan, Audience.public)
    assert [q.question for q in public.assessment.questions] == ["Is anyone still at risk of harm"]
    assert public.assessment.notes is None
