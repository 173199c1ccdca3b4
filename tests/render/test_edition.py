"""Editions are cut from a redacted plan: nothing above the audience survives the cut."""

from pathlib import Path

import pytest

from generator.plan.model import Audience
from generator.plan.secrets import leaf_audiences
from generator.plan.validate import read_plan
from generator.render.edition import make_edition

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return read_plan(ROOT / "plans" / "complete-conference.yaml")


@pytest.mark.parametrize("audience", list(Audience))
def test_cut_plan_holds_nothing_above_its_audience(plan, audience):
    edition = make_edition(plan, audience)
    for path, value, needed in leaf_audiences(edition.plan):
        assert audience.allows(needed), f"{path} = {value!r} needs {needed.value}"


def test_volunteer_edition_keeps_phones_but_not_private_contacts(plan):
    cut = make_edition(plan, Audience.volunteer).plan
    amara = cut.responder("amara")
    assert amara.phone == "+442079460201"
    assert amara.email is None and amara.chat == [] and amara.notes is None
    assert cut.rota == [] and cut.assessment is None and cut.communication is None
    # priya chose `visibility: {phone: responder}`
    assert cut.responder("priya").phone is None
    assert {s.id for s in cut.scenarios} == {"banned-person", "unsure-reporter", "weapon"}


def test_public_edition_has_only_public_channels_and_no_people(plan):
    cut = make_edition(plan, Audience.public).plan
    assert cut.responders == [] and cut.roles == []
    assert all(c.audience == Audience.public for c in cut.reporting.channels)
    assert len(cut.reporting.channels) == 4
    rooms = cut.venues[0].rooms
    assert {r.kind.value for r in rooms} == {"safety", "first-aid"}
    assert cut.venues[0].numbers == [] and cut.venues[0].contacts == []


def test_responder_edition_is_the_whole_plan(plan):
    assert make_edition(plan, Audience.responder).plan == plan


def test_leads_by_day_gives_each_leads_hours(plan):
    edition = make_edition(plan, Audience.volunteer)
    days = sorted(edition.leads_by_day)
    assert [d.isoformat() for d in days] == ["2027-06-09", "2027-06-10", "2027-06-11"]
    first = [(s.start, s.end, s.name.split()[0]) for s in edition.leads_by_day[days[0]]]
    # Dimitra leads twice on the first day: the evening shift must not be lost
    assert first == [("00:00", "08:00", "Dimitra"), ("08:00", "16:00", "Amara"), ("16:00", "24:00", "Dimitra")]
    assert make_edition(plan, Audience.public).leads_by_day == {}


def test_back_to_back_shifts_of_one_lead_merge(plan):
    rota = [s.model_copy(update={"lead": "amara", "responders": ["jonah"]}) for s in plan.rota]
    edition = make_edition(plan.model_copy(update={"rota": rota}), Audience.volunteer)
    for spells in edition.leads_by_day.values():
        assert [(s.start, s.end) for s in spells] == [("00:00", "24:00")]


def test_each_lead_comes_with_phone_and_backup(plan):
    first_day = sorted(make_edition(plan, Audience.volunteer).leads_by_day.items())[0][1]
    phones = {r.name: r.phone for r in plan.responders}
    night = first_day[0]
    assert night.name.startswith("Dimitra") and night.phone == phones[night.name]
    assert night.backup == "Sam Ferreira-Lindqvist" and night.backup_phone == phones[night.backup]
    assert first_day[1].backup == "Jonah Whitcombe-Adeyemi" and first_day[1].backup_phone == phones["Jonah Whitcombe-Adeyemi"]


def test_a_lead_whose_name_is_hidden_is_not_named(plan):
    hidden = [r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) if r.id == "dimitra" else r
              for r in plan.responders]
    edition = make_edition(plan.model_copy(update={"responders": hidden}), Audience.volunteer)
    names = {s.name for spells in edition.leads_by_day.values() for s in spells}
    assert names == {"Amara Okonjo-Reyes", "the lead on call"}


def test_escalation_to_a_hidden_responder_never_prints_none_or_an_id(plan):
    from generator.render.html import render_html

    hidden = [r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) if r.id == "amara" else r
              for r in plan.responders]
    scenarios = [s.model_copy(update={"escalate_to": ["amara"]}) if s.id == "banned-person" else s for s in plan.scenarios]
    edition = make_edition(plan.model_copy(update={"responders": hidden, "scenarios": scenarios}), Audience.volunteer)
    html = render_html(edition)
    assert "Escalate to: None" not in html and ">amara<" not in html
    assert "the lead on call" in html
    assert "Amara Okonjo-Reyes" not in html


EXAMPLE_PLANS = sorted((ROOT / "plans").glob("*.yaml"))
_NONE_WORD = __import__("re").compile(r"\bNone\b")


@pytest.mark.parametrize("plan_path", EXAMPLE_PLANS, ids=lambda p: p.stem)
def test_no_edition_of_an_example_plan_prints_none(plan_path):
    """Every edition, screen and print, with and without every responder's name raised to responder."""
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    plan = read_plan(plan_path)
    raised = plan.model_copy(update={"responders": [
        r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) for r in plan.responders]})
    for variant in (plan, raised):
        for audience in Audience:
            for medium in ("screen", "print"):
                page = render_html(make_edition(variant, audience), medium=medium)
                text = visible_text(page)
                assert not _NONE_WORD.search(text), (audience, medium, text[max(0, text.find("None") - 80):][:200])
                assert not _NONE_WORD.search(page.replace("'none'", "")), audience


def test_a_raised_name_prints_as_a_responder_on_the_cover(plan):
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    hidden = [r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) if r.id == "amara" else r
              for r in plan.responders]
    edition = make_edition(plan.model_copy(update={"responders": hidden}), Audience.volunteer)
    assert edition.plan.responder("amara").name == "a responder"
    text = visible_text(render_html(edition, medium="print"))
    assert "Amara Okonjo-Reyes" not in text
    assert "a responder (she/her)" in " ".join(text.split())


def test_finished_example_pdfs_never_print_none(example_guides):
    from generator.render.extract import pdf_text

    for name, path in example_guides.items():
        if name.endswith(".pdf"):
            assert not _NONE_WORD.search(pdf_text(path.read_bytes())), name


def test_hidden_names_read_in_the_plans_language_and_wording(plan):
    """'the lead on call' and 'a responder' are messages: translated, and reworded by the plan's `wording:`."""
    hidden = [r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) if r.id in ("dimitra", "amara") else r
              for r in plan.responders]
    french = plan.model_copy(update={"responders": hidden, "event": plan.event.model_copy(update={"locale": "fr-FR"})})
    edition = make_edition(french, Audience.volunteer)
    assert {s.name for spells in edition.leads_by_day.values() for s in spells} == {"la personne responsable d'astreinte"}
    assert edition.plan.responder("amara").name == "une personne de l'équipe référente"
    reworded = plan.model_copy(update={"responders": hidden,
                                       "wording": {"who.lead-on-call": "the *duty* lead", "who.hidden-responder": "a team member"}})
    edition = make_edition(reworded, Audience.volunteer)
    assert {s.name for spells in edition.leads_by_day.values() for s in spells} == {"the duty lead"}
    assert edition.plan.responder("amara").name == "a team member"
    assert make_edition(reworded, Audience.responder).plan.responder("amara").name == "Amara Okonjo-Reyes"


def test_the_volunteer_guide_lists_the_resources_volunteers_may_see_and_no_others(plan):
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    for medium in ("screen", "print"):
        text = visible_text(render_html(make_edition(plan, Audience.volunteer), medium=medium))
        resources = text[text.index("Online-safety guidance for people being harassed online"):]  # audience: volunteer
        assert "safety.example.org/online-harassment" in resources and "Resources" in text
        for hidden in ("Other responders on the Signal group", "Records from past summits"):  # the responders'
            assert hidden not in text


def test_the_volunteer_guide_says_what_happens_after_a_report_as_far_as_volunteers_may_know(plan):
    """A step the plan publishes (or shows volunteers) is what a volunteer tells the reporter happens next; the
    responder-only steps stay out."""
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    first, *rest = plan.procedure
    shown = plan.model_copy(update={"procedure": [first.model_copy(update={"audience": Audience.public}), *rest]})
    text = visible_text(render_html(make_edition(shown, Audience.volunteer), medium="print"))
    assert first.title in text and "The procedure, step by step" in text
    assert all(step.title not in text for step in rest)
    assert "The procedure, step by step" not in visible_text(render_html(make_edition(plan, Audience.volunteer)))


def test_a_hybrid_events_public_sheet_sends_people_online_to_their_own_emergency_services(plan):
    """The venue's 999 is no use to someone joining from another country."""
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    hybrid = plan.model_copy(update={"event": plan.event.model_copy(update={"hybrid": True})})
    for medium in ("screen", "print"):
        text = visible_text(render_html(make_edition(hybrid, Audience.public), medium=medium))
        assert "999" in text and "Joining online from somewhere else? Call your own local emergency services." in text
    assert "Joining online" not in visible_text(render_html(make_edition(plan, Audience.public)))


def test_the_order_of_the_responses_is_said_only_of_two_or_more():
    """'Mildest first. 1. A ban from future events' read as if a ban were the mildest response."""
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    plan = read_plan(ROOT / "plans" / "published-procedure-conference.yaml")
    assert plan.responses_order and len(plan.responses) > 1
    assert "Mildest first." in visible_text(render_html(make_edition(plan, Audience.responder)))
    one = plan.model_copy(update={"responses": plan.responses[-1:]})
    for audience in (Audience.public, Audience.responder):
        assert "Mildest first." not in visible_text(render_html(make_edition(one, audience)))


def test_a_plan_without_appeals_has_no_heading_that_promises_them(plan):
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    assert plan.reporting.appeals and "Escalation and appeals" in visible_text(render_html(make_edition(plan, Audience.responder)))
    none = plan.model_copy(update={"reporting": plan.reporting.model_copy(update={"appeals": None})})
    text = visible_text(render_html(make_edition(none, Audience.responder)))
    assert "Escalation and appeals" not in text and "Escalation" in text


def test_the_volunteer_guide_says_what_the_plan_lets_volunteers_know_of_confidentiality(plan):
    """'We cannot guarantee anonymity', public on the sheet, was missing where volunteers read what to tell a reporter."""
    from generator.plan.model import ConfidentialityItem
    from generator.render.extract import visible_text
    from generator.render.html import render_html

    c = plan.communication
    assert c and c.confidentiality is None
    words = "We do our best to keep reporters anonymous, but we cannot guarantee it"
    said = ConfidentialityItem(text=words + ".", audience=Audience.public)
    shown = plan.model_copy(update={"communication": c.model_copy(update={"confidentiality": said})})
    assert words in visible_text(render_html(make_edition(shown, Audience.volunteer)))
    assert words not in visible_text(render_html(make_edition(plan, Audience.volunteer)))
