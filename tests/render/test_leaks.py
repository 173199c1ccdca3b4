"""The leak check finds values above an edition's audience however they are written."""

from pathlib import Path

import pytest

from generator.plan.model import Audience
from generator.plan.secrets import secrets_above
from generator.plan.validate import read_plan
from generator.render.extract import visible_text
from generator.render.leaks import find_leaks

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
    """The volunteer guide of a plan whose responders are named in other scripts, printed for real."""
    import yaml

    from generator.build import build_plan

    data = yaml.safe_load((ROOT / "plans" / "complete-conference.yaml").read_text(encoding="utf-8"))
    for responder, name in zip(data["responders"], SCRIPT_NAMES.values(), strict=False):
        responder["name"] = name
    # a sixth responder (a venue contact's name is a label: "Venue security desk")
    data["responders"].append({"id": "huong", "name": DIACRITICS, "email": "huong@example.org", "phone": "020 7946 0206"})
    folder = tmp_path_factory.mktemp("scripts")
    plan_path = folder / "scripts.yaml"
    plan_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [pdf] = build_plan(plan_path, folder / "out", editions=["volunteer"], pdf=True)[:1]
    return read_plan(plan_path), pdf.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("script", [*SCRIPT_NAMES, "diacritics"])
def test_a_name_in_any_script_is_found_in_a_pdf_that_should_not_hold_it(script_guide, script):
    from generator.render.extract import pdf_text

    plan, pdf = script_guide
    name = DIACRITICS if script == "diacritics" else SCRIPT_NAMES[script]
    field = "responders[5].name" if script == "diacritics" else f"responders[{list(SCRIPT_NAMES).index(script)}].name"
    public = [s for s in secrets_above(plan, Audience.public) if s.field == field]
    assert [s.value for s in public] == [name]
    assert fields(find_leaks(public, pdf_text=pdf_text(pdf))) == {field}  # as if volunteer.pdf were public.pdf


@pytest.mark.slow
@pytest.mark.parametrize("other", ["ليلى سعيد", "נועה לוי", "अनन्या वर्मा", "สมชาย รักดี", "王小红", "Nguyễn Văn An"])
def test_other_names_in_those_scripts_are_not_found(script_guide, plan, other):
    from generator.plan.secrets import Secret
    from generator.render.extract import pdf_text

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
    ("[the desk](tel:+4420794602%30%34)", "responders[3].phone"),  # %-escapes in a link's target
    ("[write](mailto:priya%40example.org)", "responders[3].email"),
    ('<a href="mailto:priya%40example.org">the desk</a>', "responders[3].email"),
    ("0\u034f2\u034f0 7\u034f946 0\u034f204", "responders[3].phone"),  # a grapheme joiner: shows nothing
    ("020\ufe0f 7946\u3164 0204", "responders[3].phone"),  # a variation selector, a Hangul filler
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
    # a note pasted into a sentence: without its full stop, or with other marks in it
    ("Board liaison; speaks for the team in any public statement, so ask first", "responders[0].notes"),
    ("Board liaison; speaks for the team in any public statement!", "responders[0].notes"),
    ("Board liaison; speaks for the ~~team~~ in any public statement", "responders[0].notes"),
    ("Board liaison; speaks for the team[^1] in any public statement", "responders[0].notes"),
    ("Board liaison; speaks for the team<br>in any public statement", "responders[0].notes"),
    ("Board liaison\u2011speaks for the team in any public statement".replace("\u2011", "; "), "responders[0].notes"),
    ("020\\-7946\\-0204", "responders[3].phone"),  # Markdown backslash escapes
    ("020\u20117946\u20110204", "responders[3].phone"),  # non-breaking hyphens
    ("[amara@](https://example.org)example.org", "responders[0].email"),  # split across a link
])
def test_a_paste_in_disguise_is_found_in_the_plan(plan, written, field):
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    volunteers = plan.roles[1].model_copy(update={"duties": [f"Listen, then call {written} at once."]})
    pasted = plan.model_copy(update={"roles": [plan.roles[0], volunteers, *plan.roles[2:]]})
    assert [(p.secret.field, p.path) for p in find_pastes(pasted, guide_words(pasted)) if p.secret.field == field] == [(field, ("roles", 1, "duties", 0))]


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


# --- a secret is personal data, not a label (issue 23) ---------------------------------------

LABELS = ROOT / "tests" / "fixtures" / "labels"
LABEL_PLANS = sorted(LABELS.glob("*.yaml"))
LABEL_FIELDS = {"name", "label", "title", "term", "organiser", "address"}


@pytest.mark.parametrize("plan_path", LABEL_PLANS, ids=lambda path: path.stem)
def test_names_of_roles_resources_places_and_public_addresses_pass_check(plan_path):
    """Each fixture names a role, team, resource, contact, room or organization, or a resource's public web address,
    in text readers of a lower level read (the tool before this change found 8, 3 and 4 PRIVATE-PASTE errors)."""
    from generator.check import check_plan

    result = check_plan(plan_path)
    assert [problem for problem in result.problems if problem.severity == "error"] == []


@pytest.mark.parametrize("plan_path", LABEL_PLANS, ids=lambda path: path.stem)
def test_labels_and_public_addresses_are_never_secrets(plan_path):
    plan = read_plan(plan_path)
    for audience in (Audience.public, Audience.volunteer):
        for secret in secrets_above(plan, audience):
            assert secret.path[-1] not in LABEL_FIELDS or secret.path[:1] == ("responders",), secret
            assert not (secret.path[-1] == "link" and secret.path[0] == "resources"), secret  # a crisis line's web page


def _labelled(change):
    """The conference staff procedure fixture after change(data)."""
    import yaml

    data = yaml.safe_load((LABELS / "conference-staff-procedure.yaml").read_text(encoding="utf-8"))
    change(data)
    return data


def _paste_problems(data, tmp_path):
    import yaml

    from generator.check import check_plan

    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [(p.message, p.hint) for p in check_plan(path).problems if p.rule == "PRIVATE-PASTE"]


def test_personal_values_pasted_beside_labels_are_still_caught(tmp_path):
    def paste(data):
        data["roles"][1]["duties"].append("Or e-mail Wren at wren@example.org, or call Ines on (312) 555-0152.")
        data["responders"][3]["visibility"] = {"name": "responder"}
        data["roles"][1]["duties"].append("Lost property goes to Dede Harrowgate at the office.")
        data["reporting"]["channels"][1]["where"] += " Wren Okafor-Lindahl leads on Friday."
        data["responders"][2]["visibility"] = {"phone": "responder"}
    found = _paste_problems(_labelled(paste), tmp_path)
    assert [message.split(" appears in ")[0] for message, _ in found] == [
        "Wren Okafor-Lindahl's e-mail (responder only)", "Ines Marchetti-Obi's phone number (responder only)",
        "Dede Harrowgate's name (responder only)", "Wren Okafor-Lindahl's name (volunteers and responders only)"]
    assert found[0][1].endswith("lower its audience (`visibility: {email: volunteer}` on `wren`)")
    assert found[2][1].endswith("lower its audience (`visibility: {name: volunteer}` on `dede`)")
    assert found[3][1].startswith("remove it from this text: responders are never listed on the public sheet")


def test_private_links_are_secrets_and_public_ones_are_not(tmp_path):
    invite = "https://chat.prairiecode.example.org/invite/Zq81xT"
    log = "https://files.prairiecode.example.org/incident-log-2027"

    def paste(data):
        data["reporting"]["channels"].append({"kind": "chat", "label": "Responders' chat", "link": invite, "audience": "responder"})
        data["resources"].append({"name": "Incident log", "kind": "records", "link": log})
        data["resources"].append({"name": "Sheriff's office web page", "kind": "police", "link": "https://sheriff.example.org/"})
        data["communication"] = {"secure_channel": "Responders talk in a chat group: https://chat.example.org/join/K4pp4"}
        data["roles"][1]["duties"].append(f"Ask a lead to add you to {invite} if you need to, and log it at {log}.")
        data["roles"][1]["duties"].append("Never post in https://chat.example.org/join/K4pp4; see https://sheriff.example.org/ for the rest.")
    found = _paste_problems(_labelled(paste), tmp_path)
    assert [(message.split(" appears in ")[0], hint.split("text")[1]) for message, hint in found] == [
        ("the reporting channel “Responders' chat”'s link (responder only)",
         ", or, if volunteers may see it, lower its audience (`audience: volunteer` on the reporting channel “Responders' chat”)"),
        ("the resource “Incident log”'s link (responder only)",
         ", or, if volunteers may see it, lower its audience (`audience: volunteer` on the resource “Incident log”)"),
        ("`communication.secure_channel` (responder only)",
         ": nothing in a plan shows `communication.secure_channel` to volunteers")]


@pytest.mark.parametrize(("change", "hint"), [
    # a role's duty (volunteer-level) on the public sheet: roles take `audience:` (#22)
    (lambda data: data["reporting"].update(recognise_responders="Volunteers: " + data["roles"][1]["duties"][0]),
     "remove it from this text, or, if everyone may see it, lower its audience (`audience: public` on the role “Conference staff and volunteers”)"),
    # a resource's notes (responder-level) in a volunteer duty: resources take `audience:`
    (lambda data: data["roles"][1]["duties"].append("Police: " + data["resources"][0]["notes"]),
     "remove it from this text, or, if volunteers may see it, lower its audience "
     "(`audience: volunteer` on the resource “Riverbend County sheriff's office, civil unit”)"),
    # a relationship's note: always responder-only, though `relationships` is a visibility key
    (lambda data: (data["responders"][2].update(relationships=[{"with": "dede", "kind": "other", "note": "Dede is Ines's landlord and neighbour."}]),
                   data["roles"][1]["duties"].append("Note: Dede is Ines's landlord and neighbour.")),
     "remove it from this text: nothing in a plan shows `responders[2].relationships[0].note` to volunteers"),
])
def test_every_hint_names_a_key_that_exists_for_that_item(tmp_path, change, hint):
    [(_, found)] = _paste_problems(_labelled(change), tmp_path)
    assert found == hint


# --- the one-pass search finds what trying every secret on every text found (issue 24) ---------

@__import__("functools").cache
def _whole_word(needle):
    import re

    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")


def _reference_hit(secret, text):
    """The search as it was before the Matcher: every secret tried on the text, one by one."""
    import re

    from generator import matcher

    def numbers(form):
        found = set()
        for run in matcher._PHONE_TEXT.findall(form):
            digits = ""
            for group in re.findall(r"\d+", run):
                digits += matcher.digits(group)
                found.add(digits)
        return found

    def whole_word(needle, form):
        return _whole_word(needle).search(form) is not None

    if secret.kind == "phone":
        return any(number.endswith(secret.needle) for form in text.forms for number in numbers(form))
    found = any(whole_word(secret.needle, form) if secret.kind in ("name", "handle") else secret.needle in form for form in text.forms)
    if found or secret.kind not in ("name", "text") or secret.needle.isascii():
        return found
    bare = matcher.skeleton(secret.needle)
    if not bare.strip():
        return False
    spaceless = any(matcher._script(c) in matcher._NO_SPACES for c in bare)
    if (bare in text.skeleton) if spaceless else whole_word(bare, text.skeleton):
        return True
    if not any(matcher._script(c) in matcher._REORDERED for c in bare):
        return False
    words = [matcher._letters(word) for word in matcher._WORD.findall(bare)]
    tokens = text.tokens
    if any(word not in tokens for word in words):
        return False
    return any(all(any(abs(other - start) <= 2 * len(words) for other in tokens[word]) for word in words[1:])
               for start in tokens[words[0]])


def _large_plan():
    """The example with 200 more responders (some named in other scripts, some hidden) and their values pasted,
    written every way the checks know, into volunteer and public texts."""
    import yaml

    data = yaml.safe_load((ROOT / "plans" / "complete-conference.yaml").read_text(encoding="utf-8"))
    names = ["Abena Quarshie", "ليلى حداد", "नेहा वर्मा", "สมใจ ดีมาก", "李小龙", "Nguyễn Văn Bình", "Bo Li", "Sam"]
    duties, steps = data["roles"][1]["duties"], data["scenarios"][0]["steps"]
    for number in range(200):
        name = f"{names[number % len(names)]} {number}" if number % 3 else names[number % len(names)]
        phone = f"0113 496 0{number:03d}"
        responder = {"id": f"r{number}", "name": name, "phone": phone, "email": f"r{number}.x@example.org",
                     "chat": f"Signal: r{number}_chat", "notes": f"Speaks for the team at event number {number} only."}
        responder["visibility"] = {"phone": "responder", **({"name": "responder"} if number % 4 == 0 else {})}
        data["responders"].append(responder)
        written = [f"Call {phone} now.", f"Call +44 113 496 0{number:03d} - 24 hours.", f"e-mail r{number}.x@**example**.org",
                   f"message r{number}_chat today", f"Ask {name} at the desk.", responder["notes"].upper(),
                   f"call 0113&#32;496&#32;0{number:03d}", f"r{number}.x%40example.org", f"Ask {name}s at the desk."]
        (duties if number % 2 else steps).append(written[number % len(written)])
        if number % 5 == 0:
            data["reporting"]["recognise_responders"] = data["reporting"].get("recognise_responders", "") + f" Ask {name}."
    return data


@pytest.mark.slow  # tries each secret alone, ~5 s
def test_the_one_pass_search_finds_what_trying_each_secret_found(tmp_path):
    import yaml

    from generator import matcher
    from generator.plan.pastes import find_pastes
    from generator.plan.secrets import SKIP_FIELDS, field_name, leaf_audiences
    from generator.render.leaks import guide_words

    path = tmp_path / "large.yaml"
    path.write_text(yaml.safe_dump(_large_plan(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = read_plan(path)
    words = guide_words(plan)
    secrets = {audience: secrets_above(plan, audience, words) for audience in (Audience.public, Audience.volunteer)}
    expected = {}
    for leaf, value, level in leaf_audiences(plan):
        if level is Audience.responder or not isinstance(value, str) or field_name(leaf) in SKIP_FIELDS:
            continue
        text = matcher._Text(value)
        for secret in secrets[level]:
            seen = expected.get((leaf, secret.path))
            if _reference_hit(secret, text) and (seen is None or len(seen.needle) < len(secret.needle)):
                expected[(leaf, secret.path)] = secret
    found = find_pastes(plan, words)
    assert len(found) > 200
    assert [(paste.path, paste.secret) for paste in found] == [(key[0], secret) for key, secret in expected.items()]
    # and a whole guide's worth of text at once, as the build's leak check reads a file
    page = "\n".join(str(value) for _, value, level in leaf_audiences(plan) if level is not Audience.public)
    haystack = matcher._Text(page)
    assert fields(find_leaks(secrets[Audience.public], pdf_text=page)) == {
        secret.field for secret in secrets[Audience.public] if _reference_hit(secret, haystack)}


def test_a_private_value_pasted_as_the_whole_of_a_shared_text_is_found(plan):
    """A note written as the whole of a public text is a paste, not the same value shown on purpose (only an address,
    a name or a link shown as itself is); the responder's e-mail as the whole of a channel's hours likewise."""
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    note, email = plan.responders[0].notes, plan.responders[0].email
    channels = plan.reporting.channels
    changed = [channels[0].model_copy(update={"hours": email}), *channels[1:]]
    rooms = plan.venues[0].rooms
    venue = plan.venues[0].model_copy(update={"rooms": [rooms[0].model_copy(update={"where": note}), *rooms[1:]]})
    pasted = plan.model_copy(update={"reporting": plan.reporting.model_copy(update={"channels": changed}),
                                     "venues": [venue, *plan.venues[1:]]})
    found = {(p.secret.field, p.path) for p in find_pastes(pasted, guide_words(pasted))}
    assert ("responders[0].notes", ("venues", 0, "rooms", 0, "where")) in found
    assert ("responders[0].email", ("reporting", "channels", 0, "hours")) in found


def test_a_short_private_phrase_is_found_only_as_written_with_its_full_stop(plan):
    """A four-word form help ("In the reporter's words.") is said in many sentences: only a text of six words or more is
    searched without its closing mark (a note pasted into a sentence)."""
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    form = plan.report_form
    private_form = [form[0].model_copy(update={"help": "In the reporter's words."}), *form[1:]]
    volunteers = plan.roles[1].model_copy(update={"duties": ["Write down, in the reporter's words, what happened."]})
    changed = plan.model_copy(update={"report_form": private_form, "report_form_audience": "responder",
                                      "roles": [plan.roles[0], volunteers, *plan.roles[2:]]})
    assert not [p for p in find_pastes(changed, guide_words(changed)) if p.secret.field == "report_form[0].help"]


def test_the_procedures_own_sentence_said_again_in_a_shared_text_is_no_paste(plan):
    """A responder-only scenario step that the organizer also wrote in a volunteer text (whole, or a short common
    sentence inside a longer one) is the procedure said twice, not a person's private value; a responder's note is."""
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    scenario = plan.scenarios[0]
    steps = ["Move somewhere quieter and let them bring a friend.", "Call 999 if anyone is in danger.", *scenario.steps[2:]]
    private = scenario.model_copy(update={"steps": steps, "audience": "responder"})
    volunteers = plan.roles[1].model_copy(update={"duties": [
        "Move somewhere quieter and let them bring a friend.", "Call 999 if anyone is in danger, then find the lead."]})
    changed = plan.model_copy(update={"scenarios": [private, *plan.scenarios[1:]],
                                      "roles": [plan.roles[0], volunteers, *plan.roles[2:]]})
    assert not [p for p in find_pastes(changed, guide_words(changed)) if p.secret.path[:1] == ("scenarios",)]


def test_a_handles_server_and_a_handle_made_of_a_shown_name_are_no_secrets(plan):
    """`@amara:matrix.org` does not make `matrix.org` a secret (a public Matrix room may name it); `amara_okonjo` is
    the words of a name the volunteers see anyway."""
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    amara = plan.responders[0]
    matrix = plan.model_copy(update={"responders": [amara.model_copy(update={"chat": ["@amara:matrix.org"]}), *plan.responders[1:]]})
    needles = {secret.needle for secret in secrets_above(matrix, Audience.volunteer)}
    assert "@amara:matrix.org" in needles and "matrix.org" not in needles
    discord = amara.model_copy(update={"chat": ["Discord: amara_okonjo"]})
    volunteers = plan.roles[1].model_copy(update={"duties": ["Find Amara Okonjo-Reyes at the desk."]})
    named = plan.model_copy(update={"responders": [discord, *plan.responders[1:]],
                                    "roles": [plan.roles[0], volunteers, *plan.roles[2:]]})
    assert not [p for p in find_pastes(named, guide_words(named)) if p.secret.field.startswith("responders[0].chat")]


@pytest.mark.parametrize(("chat", "written"), [
    ("Telegram: @priya_k23", "write to t.me/priya_k23 at any hour"),
    ("https://t.me/priya_k23", "on Telegram: @priya_k23"),
    ("@priya_k23", "https://telegram.me/priya_k23"),
])
def test_a_telegram_handle_is_found_in_its_link_and_its_link_as_the_handle(plan, chat, written):
    priya = next(r for r in plan.responders if r.id == "priya")
    hidden = plan.model_copy(update={"responders": [r.model_copy(update={"chat": [chat]}) if r is priya else r
                                                    for r in plan.responders]})
    leaks = find_leaks(secrets_above(hidden, Audience.volunteer), pdf_text=written)
    assert any(field.startswith(f"responders[{plan.responders.index(priya)}].chat") for field in fields(leaks))


def test_a_handle_that_is_a_word_of_a_shown_name_is_no_secret(plan):
    priya = next(r for r in plan.responders if r.id == "priya")
    first = priya.name.split()[0]
    hidden = plan.model_copy(update={"responders": [r.model_copy(update={"chat": [f"Telegram: @{first}"]}) if r is priya else r
                                                    for r in plan.responders]})
    assert first.casefold() not in {secret.needle for secret in secrets_above(hidden, Audience.volunteer)}


def test_a_hyphenated_name_written_with_a_space_is_found_where_the_public_reads(plan):
    from generator.plan.pastes import find_pastes
    from generator.render.leaks import guide_words

    channels = plan.reporting.channels
    public = next(i for i, c in enumerate(channels) if c.audience and c.audience.value == "public")
    renamed = channels[public].model_copy(update={"label": "Talk to Sam Ferreira Lindqvist"})
    pasted = plan.model_copy(update={"reporting": plan.reporting.model_copy(
        update={"channels": [*channels[:public], renamed, *channels[public + 1:]]})})
    assert any(p.secret.field == "responders[4].name" for p in find_pastes(pasted, guide_words(pasted)))
