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
    assert "responders[0].chat[0]" in found
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
    assert {"responders[0].email", "responders[0].chat[0]"} <= fields(leaks)


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
    assert "responders[3].chat[0]" in fields(leaks)


SCRIPT_NAMES = {
    "Arabic": "ليلى حداد",
    "Hebrew": "נועה כהן",
    "Devanagari": "अनन्या शर्मा",
    "Thai": "สมชาย ใจดี",
    "CJK": "王小明",
}
# combining diacritics, written decomposed in the plan (NFD) as some keyboards do
DIACRITICS = __import__("unicodedata").normalize("NFD", "Nguyễn Thị Hương")


@pytest.fixture(scope="module")
def script_guide(tmp_path_factory):
    """The volunteer guide of a plan whose responders (and a contact) are named in other scripts, printed for real."""
    import yaml

    from generator.build import build_plan

    data = yaml.safe_load((ROOT / "plans" / "complete-conference.yaml").read_text(encoding="utf-8"))
    for responder, name in zip(data["responders"], SCRIPT_NAMES.values(), strict=False):
        responder["name"] = name
    data["venues"][0]["contacts"][0]["name"] = DIACRITICS
    folder = tmp_path_factory.mktemp("scripts")
    plan_path = folder / "scripts.yaml"
    plan_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [pdf] = build_plan(plan_path, folder / "out", editions=["volunteer"], pdf=True)[:1]
    return read_plan(plan_path), pdf.read_bytes()


@pytest.mark.parametrize("script", [*SCRIPT_NAMES, "diacritics"])
def test_a_name_in_any_script_is_found_in_a_pdf_that_should_not_hold_it(script_guide, script):
    from generator.render.leaks import pdf_text

    plan, pdf = script_guide
    name = DIACRITICS if script == "diacritics" else SCRIPT_NAMES[script]
    field = "venues[0].contacts[0].name" if script == "diacritics" else f"responders[{list(SCRIPT_NAMES).index(script)}].name"
    public = [s for s in secrets_above(plan, Audience.public) if s.field == field]
    assert [s.value for s in public] == [name]
    assert fields(find_leaks(public, pdf_text=pdf_text(pdf))) == {field}  # as if volunteer.pdf were public.pdf


@pytest.mark.parametrize("other", ["ليلى سعيد", "נועה לוי", "अनन्या वर्मा", "สมชาย รักดี", "王小红", "Nguyễn Văn An"])
def test_other_names_in_those_scripts_are_not_found(script_guide, plan, other):
    from generator.render.leaks import Secret, pdf_text

    _, pdf = script_guide
    needle = " ".join(__import__("unicodedata").normalize("NFKC", other).casefold().split())
    assert find_leaks([Secret(("responders", 9, "name"), other, "name", needle)], pdf_text=pdf_text(pdf)) == []


def test_a_guide_that_cannot_be_read_is_said_so_not_that_it_cannot_be_written(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import generator.render.leaks as leaks_module
    from generator.cli import main

    folder = tmp_path / "complete-conference"
    folder.mkdir()
    (folder / "public.html").write_text("<p>How to report</p>", encoding="utf-8")
    real = leaks_module.read_regular

    def read(path, limit=None):
        if Path(path).name == "public.html":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)
    monkeypatch.setattr(leaks_module, "read_regular", read)
    result = CliRunner().invoke(main, ["leaks", str(folder), "--plan", str(ROOT / "plans" / "complete-conference.yaml")])
    assert result.exit_code == 1
    assert result.output == f"{folder / 'public.html'}: error: cannot read this guide: Permission denied\n"
    assert (folder / "public.html").exists()


@pytest.mark.parametrize(("written", "field"), [
    ("020&#32;7946&#32;0204", "responders[3].phone"),  # HTML entities between the digits
    ("020 7946 **0204**", "responders[3].phone"),
    ("020 7946 0204 - 24 hours", "responders[3].phone"),  # other digits after it
    ("０２０ ７９４６ ０２０４", "responders[3].phone"),  # full-width digits
    ("٠٢٠ ٧٩٤٦ ٠٢٠٤", "responders[3].phone"),  # Arabic-Indic digits
    ("amara@**example**.org", "responders[0].email"),  # Markdown inside the address
    ("https://x.example.org/?to=amara%40example.org", "responders[0].email"),  # inside a URL, %-escaped
    ("ama&shy;ra&#8203;@example.org", "responders[0].email"),  # invisible characters written as entities
    ("amara**.91**", "responders[0].chat[0]"),
    ("Board liaison; speaks for the te**am** in any public statement.", "responders[0].notes"),
])
def test_a_paste_in_disguise_is_found_in_the_plan(plan, written, field):
    from generator.render.leaks import find_pastes

    volunteers = plan.roles[1].model_copy(update={"duties": [f"Listen, then call {written} at once."]})
    pasted = plan.model_copy(update={"roles": [plan.roles[0], volunteers, *plan.roles[2:]]})
    assert [(p.secret.field, p.path) for p in find_pastes(pasted) if p.secret.field == field] == [(field, ("roles", 1, "duties", 0))]


def test_a_value_split_by_inline_markup_is_found_in_the_html_text(volunteer_secrets):
    leaks = find_leaks(volunteer_secrets, html_source="<p>Write to amara@<strong>example</strong>.org or <em>amara</em>.91</p>")
    assert {(leak.secret.field, leak.where) for leak in leaks} >= {("responders[0].email", "HTML text"), ("responders[0].chat[0]", "HTML text")}


def test_visible_text_keeps_words_of_separate_cells_apart():
    assert visible_text("<tr><td>Sam</td><td>Ferreira</td></tr><p>a<b>b</b>c</p>").split() == ["Sam", "Ferreira", "abc"]


@pytest.mark.parametrize("text", ["020 7946 0204\n020 7946 0300", "Priya: 020 7946 0204 / 020 7946 0205",
                                  "020 7946 0204 - 24 hours", "(020) 7946-0204 2027-06-09"])
def test_a_phone_followed_by_other_digits_is_found(volunteer_secrets, text):
    assert "responders[3].phone" in fields(find_leaks(volunteer_secrets, pdf_text=text))


def test_a_phone_run_into_other_digits_is_not_a_false_alarm(volunteer_secrets):
    assert find_leaks(volunteer_secrets, pdf_text="020 7946 02049 and 020 7946 0300") == []



@pytest.mark.parametrize("name", ["Lea", "Ann"])  # inside the guide's own words: "lead", "channel"
def test_a_hidden_name_inside_a_word_of_the_guide_is_still_searched(plan, name):
    hidden = [r.model_copy(update={"name": name, "visibility": {"name": Audience.responder}}) if r.id == "jonah" else r
              for r in plan.responders]
    secrets = secrets_above(plan.model_copy(update={"responders": hidden}), Audience.volunteer)
    assert "responders[2].name" in fields(find_leaks(secrets, html_source=f"<td>Call {name} now</td>"))


def test_a_hidden_name_that_is_also_an_id_is_still_searched(plan):
    """Ids are never printed: a responder `jonah` named "Jonah", hidden from volunteers, is still a secret."""
    hidden = [r.model_copy(update={"name": "Jonah", "visibility": {"name": Audience.responder}}) if r.id == "jonah" else r
              for r in plan.responders]
    secrets = secrets_above(plan.model_copy(update={"responders": hidden}), Audience.volunteer)
    assert "responders[2].name" in fields(find_leaks(secrets, html_source="<td>Call Jonah now</td>"))
