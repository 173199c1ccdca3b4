"""Editions are cut from a redacted plan: nothing above the audience survives the cut."""

from pathlib import Path

import pytest

from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import leaf_audiences, make_edition

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
    assert amara.email is None and amara.chat is None and amara.notes is None
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


def test_leads_by_day_lists_each_days_leads_in_order(plan):
    edition = make_edition(plan, Audience.volunteer)
    days = sorted(edition.leads_by_day)
    assert [d.isoformat() for d in days] == ["2027-06-09", "2027-06-10", "2027-06-11"]
    assert edition.leads_by_day[days[0]][0].startswith("Dimitra")
    assert make_edition(plan, Audience.public).leads_by_day == {}
