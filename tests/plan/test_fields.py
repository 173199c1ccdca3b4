"""The plan's field types (generator/plan/fields.py): the phone region's one rule, time zones, the audience's privacy."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import PlanError
from generator.plan.extends import load_plan
from generator.plan.fields import Audience, phone_region
from generator.plan.language import parse_tag
from generator.plan.validate import _region, validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "plans").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_validation_reads_phone_numbers_in_the_region_the_plan_then_has(path):
    loaded = load_plan(path)
    assert _region(loaded.data) == validate(loaded).region


@pytest.mark.parametrize(("country", "language", "venues", "expected"), [
    ("DE", "en-GB", True, "DE"),  # the first venue's country, whatever the language
    (None, "en-GB", False, "GB"),  # no venue, no country: the language's region
    ("JP", "en-GB", False, "JP"),  # the event's country before the language's
    (None, "en-GB", True, None),  # a venue without a country (reported by validation): no guess
    (None, "en", False, None),  # a language without a region
    ("UK", "en-GB", False, None),  # a country phone numbers do not know (reported by validation)
])
def test_the_phone_region_is_the_venues_else_the_events_else_the_languages(country, language, venues, expected):
    assert phone_region(country, language, venues=venues) == expected


@pytest.mark.parametrize(("zone", "hint"), [
    ("Europe/Lodnon", "did you mean `Europe/London`?"),
    ("UTC+2", "use the name of a place, e.g. Europe/Berlin"),
    ("localtime", "`Europe/London`"),  # the building machine's own zone: a different time on each computer
    ("Factory", "`Europe/London`"),  # the hint names the zone of the plan's country (GB)
    ("Europe/Manchester", "`Europe/London`"),
])
def test_a_wrong_time_zone_is_reported_at_the_field_with_a_hint(tmp_path, zone, hint):
    text = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("timezone: Europe/London", f"timezone: {zone}", 1), encoding="utf-8")
    assert f"timezone: {zone}" in path.read_text(encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        validate(load_plan(path))
    [problem] = [p for p in raised.value.problems if p.path == ("event", "timezone")]
    assert problem.message == f"`event.timezone`: `{zone}` is not a time zone"
    assert hint in (problem.hint or "")


@pytest.mark.parametrize("tag", ['en-US"><script>alert(1)</script>', "en-US{{7*7}}", "und", "en_US@euro", "root"])
def test_a_locale_is_a_language_tag_babel_knows_not_anything_it_can_read_leniently(tag):
    # Babel reads `en-US"><script>` as `en`: the plan would say one thing and the guides do another
    with pytest.raises(ValueError, match="is not a locale"):
        parse_tag(tag)


@pytest.mark.parametrize("tag", ["en-GB", "pt_BR", "zh-Hant-TW", "sr-Latn-RS", "fil-PH", "he"])
def test_ordinary_locale_tags_are_read(tag):
    assert parse_tag(tag).language == tag[:3].rstrip("-_")


def test_only_what_responders_read_is_private():
    assert [audience.value for audience in Audience if audience.private] == ["responder"]


@pytest.mark.parametrize("written", ["true", "1.0"])
def test_the_format_is_the_number_1_as_written(tmp_path, written):
    text = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("format: 1\n", f"format: {written}\n", 1), encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        validate(load_plan(path))
    [problem] = [p for p in raised.value.problems if p.path == ("format",)]
    assert "is not a format version; write `format: 1`" in problem.message


@pytest.mark.parametrize(("written", "kept"), [("131 444", "13 14 44"), ("+61 131 444", "13 14 44"),
                                               ("1800 975 707", "1800 975 707"), ("02 5550 1234", "+61255501234")])
def test_a_number_dialled_only_inside_its_country_is_kept_as_it_is_dialled_there(written, kept):
    """Australia's 13 14 44 and 1800 numbers cannot be dialled from abroad: "+61 131444" on paper reaches nobody."""
    from pydantic import TypeAdapter

    from generator.plan.fields import DialNumber
    from generator.render.formatting import phone_display, tel_href

    number = TypeAdapter(DialNumber).validate_python(written, context={"region": "AU"})
    assert number == kept
    if not kept.startswith("+"):
        assert phone_display(number, "AU", international=True) == kept and tel_href(number) == "tel:" + kept.replace(" ", "")


@pytest.mark.parametrize("field", ["contacts", "numbers"])
def test_an_emergency_number_is_no_contacts_number(field):
    """A venue's security on the event's own phones at extension 110 is the police on a mobile in Germany."""
    from pydantic import TypeAdapter, ValidationError

    from generator.plan.model import Contact, Number

    if field == "contacts":
        with pytest.raises(ValidationError, match="is an emergency number in DE"):
            TypeAdapter(Contact).validate_python({"name": "Security (DECT 110)", "phone": "110"}, context={"region": "DE"})
    else:  # a number with its label ("Police: 110") says what it reaches
        assert TypeAdapter(Number).validate_python({"label": "Police", "number": "110"}, context={"region": "DE"}).number == "110"
