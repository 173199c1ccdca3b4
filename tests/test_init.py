"""`init` writes a starter plan that passes `check`, never overwrites, and points editors at the schema."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import check_plan
from generator.cli import main
from generator.init import (
    TEAMS,
    InitError,
    render_starter,
    schema_reference,
    starter_path,
    write_starter,
)

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.mark.parametrize("team", list(TEAMS))
def test_fresh_starter_passes_check(tmp_path, team):
    target = tmp_path / "plans" / f"{team}.yaml"
    result = run("init", str(target), "--team", team)
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and "CHANGE ME" in result.output
    checked = run("check", str(target))
    assert checked.exit_code == 0, checked.output  # warnings (placeholders) allowed, no errors
    problems = check_plan(target).problems
    assert not [p for p in problems if p.severity == "error"]
    assert not [p for p in problems if p.rule == "WAIVER-UNUSED"]  # a starter waives only what it breaks


@pytest.mark.parametrize("team", list(TEAMS))
def test_starter_matches_the_seed_team(team):
    plan = check_plan(starter_path(team)).plan
    assert plan is not None
    sizes = {"foundation": 3, "meetup": 2, "conference": 5}
    assert len(plan.responders) == sizes[team]
    names = " ".join(r.name for r in plan.responders)
    if team == "foundation":
        assert "board member" in names and plan.role("board") is not None
    if team == "conference":
        assert "co-chair" in names and "content committee chair" in names
        assert any("together" in duty for role in plan.roles for duty in role.duties)


@pytest.mark.parametrize("team", list(TEAMS))
def test_every_value_to_fill_in_is_marked(team):
    """Names and texts start with CHANGE ME; numbers, e-mails, links and dates carry a CHANGE ME comment."""
    text = starter_path(team).read_text(encoding="utf-8")
    must_mark = re.compile(r"^\s*(-\s+)?(phone|email|number|website|code_of_conduct|reporting_guidelines|link|starts|ends|country|timezone):")
    for number, line in enumerate(text.splitlines(), start=1):
        if must_mark.match(line):
            assert "CHANGE ME" in line, f"{team}.yaml line {number} has no CHANGE ME: {line}"
    plan = check_plan(starter_path(team)).plan
    assert plan.event.name.startswith("CHANGE ME")
    assert all(r.name.startswith("CHANGE ME") for r in plan.responders)
    assert all(r.email.endswith("@example.org") for r in plan.responders)
    # phone numbers come from ranges set aside for fiction
    for responder in plan.responders:
        assert responder.phone.startswith(("+44207946", "+1312555")), responder.phone


@pytest.mark.parametrize("team", list(TEAMS))
def test_placeholders_are_flagged_as_warnings(tmp_path, team):
    target = write_starter(tmp_path / "p.yaml", team).path
    problems = check_plan(target).problems
    assert not [p for p in problems if p.severity == "error"]
    flagged = [p for p in problems if p.rule == "PLACEHOLDER"]
    assert flagged and all(p.severity == "warning" for p in flagged)
    assert any(p.path[:2] == ("event", "name") for p in flagged)
    assert len(flagged) >= 10


def test_never_overwrites(tmp_path):
    target = tmp_path / "plan.yaml"
    target.write_text("my own plan\n")
    result = run("init", str(target), "--team", "meetup")
    assert result.exit_code == 1
    assert "already exists" in result.output and "not overwriting" in result.output
    assert target.read_text() == "my own plan\n"
    with pytest.raises(InitError):
        write_starter(target, "meetup")


def test_never_follows_a_symlink_over_another_file(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "plan.yaml"
    link.symlink_to(victim)
    assert run("init", str(link)).exit_code == 1
    assert victim.read_text() == "keep"
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    assert run("init", str(dangling)).exit_code == 1
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_file_in_the_way_of_the_folder_is_not_said_to_be_the_plan(tmp_path):
    (tmp_path / "plans").write_text("a file, not a folder")
    result = run("init", str(tmp_path / "plans" / "event.yaml"))
    assert result.exit_code == 1
    assert result.output == f"error: {tmp_path / 'plans'}: cannot make the plan's folder: a file is in the way\n"


@pytest.mark.parametrize("failing", ["plan", "schema"])
def test_a_full_disk_leaves_no_half_written_starter(tmp_path, monkeypatch, failing):
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.handle.close()
        def write(self, text):
            self.handle.write(text[:100])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else ""
        return Full(handle) if name.endswith(".json" if failing == "schema" else ".yaml") else handle
    monkeypatch.setattr(os, "fdopen", fdopen)
    target = tmp_path / "event.yaml"
    result = run("init", str(target))
    monkeypatch.undo()
    assert result.exit_code == 1
    path = target if failing == "plan" else tmp_path / "plan.schema.json"
    assert result.output == f"error: {path}: cannot write the {failing}: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither half a plan, nor a plan without its schema


def test_default_path_and_folder_argument(tmp_path):
    result = run("init", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plans" / "my-event.yaml").is_file()
    folder = tmp_path / "chapters"
    folder.mkdir()
    assert run("init", str(folder), "--team", "meetup").exit_code == 0
    assert (folder / "my-event.yaml").is_file()


def test_private_mode_and_refuses_other_suffixes(tmp_path):
    target = write_starter(tmp_path / "a.yaml", "foundation").path
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    result = run("init", str(tmp_path / "notes.txt"))
    assert result.exit_code == 1 and ".yaml" in result.output
    assert not (tmp_path / "notes.txt").exists()


def test_unknown_team_is_a_usage_error(tmp_path):
    result = run("init", str(tmp_path / "x.yaml"), "--team", "circus")
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


def _schema_target(plan_file: Path) -> str:
    first = plan_file.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    reference = first.split("$schema=", 1)[1]
    return reference


def test_schema_line_is_relative_to_a_project_copy(tmp_path):
    schema = tmp_path / "schema" / "plan.schema.json"
    schema.parent.mkdir()
    schema.write_text("{}")
    target = write_starter(tmp_path / "plans" / "x.yaml", "meetup").path
    reference = _schema_target(target)
    assert reference == "../schema/plan.schema.json"
    assert (target.parent / reference).resolve() == schema.resolve()


def test_outside_a_project_the_schema_is_written_next_to_the_plan(tmp_path):
    # never a path into the installed package: it breaks when the plan is shared or the environment moves
    fresh = tmp_path / "my-event"
    written = write_starter(fresh / "plans" / "x.yaml", "meetup")
    assert _schema_target(written.path) == "plan.schema.json"
    schema = fresh / "plans" / "plan.schema.json"
    assert written.schema_written == schema
    assert json.loads(schema.read_text(encoding="utf-8"))["title"] == "incident-guide plan"
    moved = tmp_path / "shared"
    shutil.copytree(fresh / "plans", moved)
    assert (moved / _schema_target(moved / "x.yaml")).is_file()  # still found after the folder moves
    again = write_starter(fresh / "plans" / "y.yaml", "meetup")
    assert again.schema_written is None and _schema_target(again.path) == "plan.schema.json"  # the first copy is kept


def test_schema_line_of_example_plans_resolves_in_the_checkout():
    reference = schema_reference(ROOT / "plans" / "new.yaml")
    if reference.startswith("https://"):
        pytest.skip("schema/plan.schema.json is not in this checkout")
    assert reference == "../schema/plan.schema.json"


@pytest.mark.slow
def test_three_commands_from_init_to_printed_guides(tmp_path):
    """init, check, build: every starter builds as it is (the leak check included)."""
    for team in TEAMS:
        assert run("init", f"plans/{team}.yaml", "--team", team, cwd=tmp_path).exit_code == 0
    assert run("check", *(f"plans/{team}.yaml" for team in TEAMS), cwd=tmp_path).exit_code == 0
    result = run("build", "plans", "--jobs", "2", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    for team in TEAMS:
        out = tmp_path / "output" / team
        assert (out / "volunteer.pdf").read_bytes().startswith(b"%PDF")
        assert (out / "private" / "responder.pdf").read_bytes().startswith(b"%PDF")


# --- a starter for a place (issue 27, point 6) -------------------------------------------

@pytest.mark.parametrize("team, country, locale, paper", [
    ("meetup", "JP", "ja-JP", "A4"), ("conference", "EG", "ar-EG", "A4"), ("foundation", "CH", "fr-CH", "A4"),
    ("conference", "KR", "ko-KR", "A4"), ("meetup", "MA", "fr-MA", "A4"), ("meetup", "CA", "fr-CA", "letter"),
])
def test_a_starter_for_a_place_has_its_locale_paper_and_emergency_services(tmp_path, team, country, locale, paper):
    from generator.init import place_words
    from generator.plan.emergency import usual_services

    words = place_words(locale)

    target = tmp_path / f"{team}-{country}.yaml"
    result = run("init", str(target), "--team", team, "--country", country, "--locale", locale)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    problems = check_plan(target).problems
    assert not [p for p in problems if p.severity == "error"], [str(p) for p in problems]
    plan = check_plan(target).plan
    assert plan is not None and plan.locale == locale and plan.region == country
    assert f"# {words['paper'].format(paper=paper, country=country)}" in text
    expected = [(number, sorted(s.value for s in services)) for number, services in usual_services(country)]
    assert [(s.number, sorted(x.value for x in s.services)) for s in plan.emergency_services] == expected
    for number, _services in expected:  # each sample emergency number is marked to be confirmed, and check says so
        [line] = [line for line in text.splitlines() if f'number: "{number}"' in line]
        assert f"# {words['confirm']}" in line and "CHANGE ME" in line
        lineno = text.splitlines().index(line) + 1
        assert any(p.rule == "PLACEHOLDER" and p.line == lineno for p in problems)
    assert not re.search(r"\b(Dial|Call) (911|999)\b", text)  # no other country's number in the sample texts


def test_a_starter_for_a_country_without_bundled_numbers_assumes_none(tmp_path):
    target = tmp_path / "plan.yaml"
    assert run("init", str(target), "--team", "meetup", "--country", "IS").exit_code == 0
    assert "emergency_services:" not in target.read_text(encoding="utf-8").replace("# emergency_services:", "")
    errors = [p for p in check_plan(target).problems if p.severity == "error"]
    assert len(errors) == 1 and "has no emergency number" in errors[0].message


def test_init_refuses_an_unknown_country_or_locale(tmp_path):
    result = run("init", str(tmp_path / "a.yaml"), "--country", "XX")
    assert result.exit_code == 1 and "`XX` is not a two-letter country code" in result.output
    for tag in ("not a tag", "xx-XX", "en-US{{7*7}}", 'en-US"><script>', "en_US@euro", "und"):
        result = run("init", str(tmp_path / "b.yaml"), "--locale", tag)
        assert result.exit_code == 1 and f"error: `{tag}` is not a locale\n  hint: use a language and country" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("locale, phrase", [("ja-JP", "会場に確認"), ("ar-EG", "أكّده مع مكان الفعالية"), ("de-CH", "bestätigen"),
                                            ("es-MX", "confírmalo"), ("fr-MA", "à confirmer"), ("pt-BR", "confirme com o local"),
                                            ("en-US", "confirm with the venue")])
def test_the_comments_a_starter_for_a_place_adds_are_in_its_language(tmp_path, locale, phrase):
    from generator.init import place_words

    target = tmp_path / "plan.yaml"
    assert run("init", str(target), "--team", "meetup", "--locale", locale).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert phrase in text and f"locale: {locale}" in text
    assert place_words(locale)["intro"][0].split("{")[0].strip() in text


# --- a starter in the place's language, with the place's numbers (issue 27, point 6) --------------------------------

SHIPPED = ["en-US", "de-DE", "es-ES", "fr-FR", "pt-BR", "ja-JP", "ar-EG"]
COUNTRIES = ["JP", "EG", "FR", "DE", "BR", "US", "GB", "MA", "KR", "CH"]
# English words that no sentence in the other shipped languages uses (`in`, `a`, `an`, `on`, `for` are German,
# French, Spanish or Portuguese words too)
ENGLISH = re.compile(r"\b(the|and|of|to|is|are|with|your|you|this|that|if|it|be|when|who|what|from|by|or)\b",
                     re.IGNORECASE)
NOT_PROSE = re.compile(r"(?m)^\s*(?:- )?[a-z_]+: [a-z-]+$|^\s*(?:- )?[a-z_]+:(?=\s|$)|`[^`]*`|CHANGE ME|https?://\S+|\S+@example\.org|example\.org|\b[A-Z][a-z]+/[A-Za-z_]+\b|"
                       r"\{\{[^}]*\}\}|\{[a-z_]+\}|\bIANA\b|\bSignal\b|YYYY-MM-DD|\S+\.(?:yaml|json|md)\b|output/")


def starter_texts(text: str) -> list[str]:
    """The comments and sample texts of a starter as written (the catalogs' units), keys and values of data left out."""
    from generator.starter_texts import rewrite

    found: list[str] = []
    rewrite(text, lambda english: found.append(english))
    return found


def _written(tmp_path, team, country, locale) -> tuple[Path, str]:
    target = tmp_path / f"{team}-{locale}-{country}.yaml"
    write_starter(target, team, country=country, locale=locale)
    return target, target.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", SHIPPED)
@pytest.mark.parametrize("team", list(TEAMS))
def test_a_starter_in_its_own_country_and_language_passes_check(tmp_path, team, locale):
    country = locale.split("-")[1]
    target, _text = _written(tmp_path, team, country, locale)
    problems = check_plan(target).problems
    expected = ("PLACEHOLDER", "REVIEW-DATE", *(("TEAM-REACH",) if "    # phone:" in _text else ()))  # no sample number there
    assert not [str(p) for p in problems if p.severity == "error" or p.rule not in expected]
    first = _text.splitlines()[2].split(":")[0].split("：")[0]  # `# Vorlage`, `# ひな形`: check knows the starter by it
    assert any(p.rule == "PLACEHOLDER" and "example.org" in p.message and first in p.message for p in problems)


@pytest.mark.slow
@pytest.mark.parametrize("locale", SHIPPED)
def test_every_starter_for_every_locale_and_country_passes_check(tmp_path, locale):
    for country in COUNTRIES:
        for team in TEAMS:
            target, text = _written(tmp_path, team, country, locale)
            problems = check_plan(target).problems
            # where no sample number exists for the country the phones are left commented out: nobody to call yet
            expected = ("PLACEHOLDER", "REVIEW-DATE", *(("TEAM-REACH",) if "    # phone:" in text else ()))
            unexpected = [str(p) for p in problems if p.severity == "error" or p.rule not in expected]
            assert not unexpected, (team, country)
            if country != "US":  # no American sample number outside the US (+1 312 555 01xx)
                assert "+1 " not in text and "555-01" not in text and "(312)" not in text, (team, country)


@pytest.mark.parametrize("locale", ["de-DE", "es-ES", "fr-FR", "pt-BR", "ja-JP", "ar-EG"])
@pytest.mark.parametrize("team", list(TEAMS))
def test_a_starters_comments_and_sample_texts_are_in_its_language(tmp_path, team, locale):
    _target, text = _written(tmp_path, team, locale.split("-")[1], locale)
    for piece in starter_texts(text):
        prose = NOT_PROSE.sub(" ", piece)
        assert not ENGLISH.search(prose), (team, locale, piece)
        if locale in ("ja-JP", "ar-EG"):  # nothing in Latin letters but names of things (Signal, IANA, THIS-FILE)
            assert not re.search(r"[A-Za-z]{4,}", prose.replace("THIS-FILE", "")), (team, locale, piece)
    assert f"locale: {locale}" in text


def test_an_english_starter_stays_as_it_is_and_en_us_spells_the_us_way(tmp_path):
    assert render_starter("meetup", tmp_path / "a.yaml")[0].splitlines()[1:] == starter_path("meetup").read_text(
        encoding="utf-8").splitlines()[1:]
    _target, text = _written(tmp_path, "meetup", "US", "en-US")
    texts = " ".join(starter_texts(text))
    assert "Meetup organizers" in texts and "behavior" in texts and "organis" not in texts and "behaviour" not in texts
    _target, british = _written(tmp_path, "meetup", "GB", "en-GB")
    assert "Meetup organisers" in british


def test_every_catalog_of_starter_texts_is_complete_and_keeps_marks_placeholders_and_code():
    from babel.messages.pofile import read_po

    from generator.starter_catalogs import english_messages
    from generator.starter_texts import locale_dir

    wanted = list(english_messages())
    names = sorted(path.stem for path in locale_dir().glob("*.po"))
    assert names == ["ar", "de", "en_US", "es", "fr", "ja", "pt_BR"]
    code = re.compile(r"`[^`]*`|\{[a-z_]+\}|\{\{[^}]*\}\}")
    for name in names:
        with (locale_dir() / f"{name}.po").open("rb") as handle:
            catalog = read_po(handle)
        ids = [m.id for m in catalog if m.id]
        assert ids == wanted, f"{name}.po is stale: run python -m generator.starter_catalogs"
        for message in catalog:
            if not message.id or (name == "en_US" and not message.string):
                continue  # en_US holds only the texts it spells another way
            english, text = message.id, message.string
            assert text, f"{name}.po does not translate {english!r}"
            assert text.count("CHANGE ME") == english.count("CHANGE ME"), (name, english)
            assert sorted(code.findall(text)) == sorted(code.findall(english)), (name, english)
            prose = code.sub(" ", text)
            if name == "fr":  # a narrow no-break space before : ; ? ! (not a plain space, nor none after a word)
                assert not re.search(r"(?<=\w) ?[:;?!](?=\s|$)", prose.replace("\u202f", "")) or "\u202f" in prose, english
                assert not re.search(r"[ \u00a0][:;?!]", prose), (name, english)
            if name == "ja":  # full-width punctuation after Japanese text
                assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff][.,:;!?()]", prose), (name, text)


def test_fictional_ranges_are_numbers_of_their_country():
    import phonenumbers

    from generator.init import fictional_ranges

    for country, known in fictional_ranges().items():
        assert known["source"]
        for end in ("first", "last"):
            number = phonenumbers.parse(known[end])
            assert phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == country, known[end]


@pytest.mark.parametrize("country, prefix", [("FR", "+33 1 99 00 "), ("GB", "+44 20 7946 0"), ("US", "+1 312-555-01"),
                                             ("AU", "+61 2 5550 "), ("DE", "+49 30 23125")])
def test_sample_numbers_come_from_the_countrys_range_for_fiction(tmp_path, country, prefix):
    target, text = _written(tmp_path, "meetup", country, None)
    phones = re.findall(r'(?:phone|number): "(\+[^"]+)"', text)
    assert phones and all(phone.startswith(prefix) for phone in phones), phones
    assert len(set(phones)) == len(phones)
    assert not [p for p in check_plan(target).problems if p.severity == "error"]


def test_without_a_range_for_fiction_a_number_waits_as_a_marked_placeholder(tmp_path):
    target, text = _written(tmp_path, "conference", "JP", "ja-JP")
    assert not re.search(r'^\s*(?:- )?(?:phone|number): "\+', text, re.MULTILINE)  # no number that may be someone's
    placeholders = [line for line in text.splitlines() if '"+81 ..."' in line]
    assert placeholders and all(line.lstrip().startswith("#") and "CHANGE ME" in line for line in placeholders)
    problems = check_plan(target).problems
    flagged = {p.line for p in problems if p.rule == "PLACEHOLDER"}
    assert all(text.splitlines().index(line) + 1 in flagged for line in placeholders)
    # the hotline, which needs its number, waits whole; the e-mail channel stays
    assert "#   label: 行動規範ホットライン（電話とメッセージ）" in text
    plan = check_plan(target).plan
    assert [c.kind.value for c in plan.reporting.channels] == ["email", "in-person"]


def test_an_events_starter_in_the_places_language(tmp_path):
    shared = tmp_path / "policy.yaml"
    shutil.copy(ROOT / "plans" / "network" / "policy.yaml", shared)
    target = tmp_path / "event.yaml"
    result = run("init", str(target), "--team", "meetup", "--extends", str(shared), "--country", "DE", "--locale", "de-DE")
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "# Vorlage: eine Veranstaltung eines Netzwerks. Sie erweitert den gemeinsamen Plan policy.yaml:" in text
    assert "`- {id: x, remove: true}`" in text
    for piece in starter_texts(text):
        assert not ENGLISH.search(NOT_PROSE.sub(" ", piece)), piece


@pytest.mark.slow
def test_starters_in_every_shipped_language_build(tmp_path):
    """init, check, build for each shipped locale, each in another country (one per team in turn)."""
    places = list(zip(SHIPPED, ["US", "DE", "MA", "CH", "BR", "JP", "EG"], strict=True))
    for index, (locale, country) in enumerate(places):
        team = list(TEAMS)[index % len(TEAMS)]
        assert run("init", f"plans/{locale}.yaml", "--team", team, "--country", country, "--locale", locale,
                   cwd=tmp_path).exit_code == 0
    result = run("build", "plans", "--jobs", "2", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    for locale, _country in places:
        assert (tmp_path / "output" / locale / "volunteer.pdf").read_bytes().startswith(b"%PDF")
