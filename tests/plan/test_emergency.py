"""Emergency numbers: only what the plan states, right for the venue's country (issue 27, points 1 and 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from generator.errors import PlanError
from generator.plan.emergency import DATA_FILE, emergency_data, known_countries, usual_services
from generator.plan.load import load_text
from generator.plan.model import Audience, Service
from generator.plan.validate import validate
from generator.render.edition import make_edition
from generator.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
GB_NUMBER = '    emergency_number: "999"\n'


def errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        validate(load_text(text, "plan.yaml"))
    return [f"{p}\n  hint: {p.hint}" if p.hint else str(p) for p in caught.value.problems]


def abroad(country: str, emergency: str) -> str:
    """The minimal plan with its venue in `country`: the team's phones in international form, `emergency` for the number."""
    text = BASE.replace("    country: GB\n", f"    country: {country}\n").replace(GB_NUMBER, emergency)
    return re.sub(r"phone: 020 7946 (\d{4})", r'phone: "+44 20 7946 \1"', text)


def services_yaml(country: str) -> str:
    lines = ["    emergency_services:\n"]
    for number, services in usual_services(country):
        lines.append(f'      - {{number: "{number}", services: [{", ".join(s.value for s in services)}]}}\n')
    return "".join(lines)


# --- the bundled data ----------------------------------------------------------------

def test_the_bundled_data_names_its_source_and_date():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert data["source"].startswith("Android's emergency-number list") and "https://" in data["source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["date"])
    assert "Wikipedia" not in data["source"]  # the list once named there was never read


def test_every_bundled_country_names_the_sources_that_confirm_it():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert set(data["confirmed_by"]) == set(data["countries"])
    for country, names in data["confirmed_by"].items():
        assert names and all(name in data["sources"] for name in names), country
    assert all("https://" in text or "http://" in text for text in data["sources"].values())


@pytest.mark.parametrize("country", known_countries())
def test_every_bundled_number_is_an_emergency_number_of_its_country(country):
    entry = emergency_data()["countries"][country]
    assert country in phonenumbers.SUPPORTED_REGIONS
    assert set(entry) <= {"all", "police", "ambulance", "fire"} and entry
    for service, numbers in entry.items():
        for number in numbers:
            assert shortnumberinfo.is_emergency_number(number, country), (country, service, number)


def test_the_table_and_its_112_fallback_are_gone():
    source = (ROOT / "generator" / "plan" / "model.py").read_text(encoding="utf-8")
    assert "EMERGENCY_NUMBERS" not in source and "usual_emergency_number" not in source
    assert not re.search(r'return "112"', source)


# --- check: no silent default ---------------------------------------------------------

def test_a_venue_without_numbers_fails_check_with_the_usual_ones_as_a_hint():
    found = errors(abroad("EG", ""))
    assert len(found) == 1
    assert found[0].startswith("plan.yaml:12:5: error: the venue `hall` has no emergency number")
    assert "police 122; ambulance 123; fire 180" in found[0]
    assert "Android's emergency-number list" in found[0] and 'emergency_services: [{number: "122", services: [police]}' in found[0]


def test_112_is_refused_in_egypt():
    found = errors(abroad("EG", '    emergency_number: "112"\n'))
    assert found[0].startswith("plan.yaml:16:23: error: `112` is not an emergency number in EG")


def test_a_wrong_emergency_number_is_reported_with_the_plans_other_errors_not_after_them():
    # a mistyped phone number elsewhere fails validation; the wrong emergency number is said in the same run
    text = BASE.replace(GB_NUMBER, '    emergency_number: "911"\n').replace("phone: 020 7946 0001", "phone: 020 7946 00", 1)
    found = errors(text)
    assert any("`911` is not an emergency number in GB" in line for line in found), found
    assert any("`020 7946 00` is not a valid phone number in GB" in line for line in found), found


def test_110_for_everything_is_refused_in_japan():
    found = errors(abroad("JP", '    emergency_number: "110"\n'))
    assert found[0].startswith("plan.yaml:16:23: error: `110` does not reach ambulance and fire in JP: it is the number "
                               "for police, not every service (`emergency_number` is one number for every service)")
    assert "police 110; ambulance and fire 119" in found[0]


@pytest.mark.parametrize("country, only", [("JP", "110"), ("KR", "112"), ("CH", "117"), ("CN", "110"), ("BR", "190")])
def test_police_alone_is_refused_where_the_ambulance_has_another_number(country, only):
    found = errors(abroad(country, f'    emergency_services:\n      - {{number: "{only}", services: [police]}}\n'))
    assert len(found) == 1 and "names no number for ambulance" in found[0], found


def test_a_number_claimed_for_the_wrong_service_is_refused():
    found = errors(abroad("JP", '    emergency_services:\n      - {number: "110", services: [ambulance]}\n'
                                '      - {number: "119", services: [police]}\n'))
    assert "`110` does not reach ambulance in JP" in found[0] and "`119` does not reach police in JP" in found[1]


def test_shorthand_and_list_together_are_refused():
    found = errors(BASE.replace(GB_NUMBER, GB_NUMBER + '    emergency_services: [{number: "999"}]\n'))
    assert "write either `emergency_number`" in found[0]


def test_a_meetup_without_a_venue_or_numbers_fails_but_an_online_community_does_not():
    no_venue = re.sub(r"venues:\n(    .*\n|  - .*\n)+", "", BASE).replace("  timezone: Europe/London\n",
                                                                            "  timezone: Europe/London\n  country: GB\n")
    found = errors(no_venue)
    assert "this meetup has no venue and no emergency number" in found[0] and "every service 999" in found[0]
    community = no_venue.replace("kind: meetup", "kind: online-community").replace("  starts: 2027-03-04\n", "")
    plan = validate(load_text(community, "plan.yaml"))
    assert plan.emergency_numbers == []
    assert "first call the emergency number where that person is" in render_html(make_edition(plan, Audience.volunteer))


def test_the_shorthand_is_one_number_for_every_service():
    plan = validate(load_text(BASE, "plan.yaml"))
    [service] = plan.emergency_services
    assert service.number == "999" and service.services == [Service.all] and service.for_everything


def test_every_example_plan_states_its_numbers():
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "emergency_number:" in text or "emergency_services:" in text, path.name
