"""The leak check finds values above an edition's audience however they are written."""

from pathlib import Path

import pytest

from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.leaks import find_leaks, secrets_above, visible_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return read_plan(ROOT / "plans" / "complete-conference.yaml")


@pytest.fixture(scope="module")
def volunteer_secrets(plan):
    return secrets_above(plan, Audience.volunteer)


def fields(leaks):
    return {leak.secret.field for leak in leaks}


def test_secrets_of_the_volunteer_edition(volunteer_secrets):
    found = {s.field for s in volunteer_secrets}
    assert "responders[0].email" in found
    assert "responders[0].chat" in found
    assert "responders[3].phone" in found  # priya keeps her phone for responders
    assert "responders[0].phone" not in found  # volunteers may call amara
    assert "responders[0].name" not in found


@pytest.mark.parametrize("written", [
    "+442079460204", "+44 20 7946 0204", "020 7946 0204", "020-7946-0204",
    "020.7946.0204", "(020) 7946 0204", "tel:+442079460204",
])
def test_phone_found_however_written(volunteer_secrets, written):
    leaks = find_leaks(volunteer_secrets, html_source=f"<p>Call {written} now</p>")
    assert "responders[3].phone" in fields(leaks)


def test_phone_split_by_markup_is_found_in_visible_text(volunteer_secrets):
    leaks = find_leaks(volunteer_secrets, html_source="<p>020 <b>7946</b> 0204</p>")
    assert any(leak.where == "HTML text" and leak.secret.field == "responders[3].phone" for leak in leaks)


def test_email_and_handle_found_case_insensitively(volunteer_secrets):
    leaks = find_leaks(volunteer_secrets, pdf_text="Mail AMARA@Example.org or signal:  amara.91")
    assert {"responders[0].email", "responders[0].chat"} <= fields(leaks)


def test_private_note_found_across_line_breaks(volunteer_secrets):
    text = "Board liaison; speaks for\nthe team in any public\nstatement."
    assert "responders[0].notes" in fields(find_leaks(volunteer_secrets, pdf_text=text))


def test_escaped_html_is_unescaped_before_searching(plan):
    secrets = secrets_above(plan, Audience.public)
    leaks = find_leaks(secrets, html_source="<td>Jonah Whitcombe&#x2d;Adeyemi</td>")
    assert "responders[2].name" in fields(leaks)


def test_visible_values_are_not_secrets(plan, volunteer_secrets):
    # the public hotline is a channel, not a person's phone: it may appear anywhere
    leaks = find_leaks(volunteer_secrets, html_source="<p>020 7946 0300 and 020 7946 0201</p>")
    assert leaks == []


def test_no_false_alarm_on_short_words(volunteer_secrets):
    text = "Sampling the volunteer room; staff and organisers; response team"
    assert find_leaks(volunteer_secrets, pdf_text=text) == []


def test_script_and_style_are_not_visible_text():
    assert "secret" not in visible_text("<style>.secret{}</style><script>var secret</script><p>shown</p>")


def test_short_names_are_found_as_whole_words(plan):
    hidden = [r.model_copy(update={"name": "Bo Li", "visibility": {"name": Audience.responder}}) if r.id == "jonah" else r
              for r in plan.responders]
    secrets = secrets_above(plan.model_copy(update={"responders": hidden}), Audience.volunteer)
    assert "responders[2].name" in fields(find_leaks(secrets, html_source="<td>Call Bo Li now</td>"))
    assert find_leaks(secrets, html_source="<td>Bolivia, Boli, Bo Lin</td>") == []


def test_chat_handle_found_without_its_service_prefix(volunteer_secrets):
    leaks = find_leaks(volunteer_secrets, pdf_text="message priya.23 on the app")
    assert "responders[3].chat" in fields(leaks)
