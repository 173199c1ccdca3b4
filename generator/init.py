"""`init`: write a commented starter plan for one of the seed's three kinds of team.

The starters live in templates/starters/*.yaml so they ship in the wheel with the
other templates. Each passes `check` and builds as it is; every value the organizer
must replace starts with "CHANGE ME" (or has a "# CHANGE ME" comment next to it
where the value must stay a valid number, date, link or address).

`--country`/`--locale` move a starter to a place (`for_place`): the English starter is the
one structure, and its comments and sample texts come from the catalogs of starter texts
(generator/starter_texts.py, templates/starters/locale/*.po).

This module imports nothing from the printing side: `init` stays fast.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .paths import templates_dir

TEAMS = {
    "foundation": "an open source project's foundation: a board member and two people from under-represented groups, all three on every report",
    "meetup": "a meetup: two user-group leaders who handle problems on the spot",
    "conference": "a conference: co-chair, content-committee chair and three community members, deciding together above minor impact or risk",
}
DEFAULT_TEAM = "conference"
DEFAULT_PATH = Path("plans/my-event.yaml")
PLACEHOLDER = "CHANGE ME"
MODELINE = "# yaml-language-server: $schema="
SCHEMA_FILE = "plan.schema.json"


class InitError(UserError):
    """The starter cannot be written (the file exists, the folder cannot be created)."""


@dataclass(frozen=True)
class Written:
    path: Path
    schema: str  # what the `$schema=` line points at
    placeholders: int  # lines holding CHANGE ME
    schema_written: Path | None = None  # the schema file written next to the plan, if one was


def starter_path(team: str) -> Path:
    if team not in TEAMS:
        raise InitError(f"unknown team `{team}`; choose one of: {', '.join(TEAMS)}")
    return templates_dir() / "starters" / f"{team}.yaml"


def starter_text(team: str) -> str:
    return starter_path(team).read_text(encoding="utf-8")


def schema_reference(target: Path) -> str:
    """What the plan's `$schema=` line should say so an editor finds the schema from `target`.

    yaml-language-server resolves a relative path against the YAML file itself. A
    `schema/plan.schema.json` in the plan's folder or one above it (a checkout, or a
    project that keeps its own copy) is used as a relative path; otherwise the schema
    is written next to the plan (`plan.schema.json`, see `write_starter`), which keeps
    working when the folder is shared or the Python environment moves. A path into
    the installed package would break on both.
    """
    folder = target.resolve().parent
    for parent in (folder, *folder.parents):
        candidate = parent / "schema" / SCHEMA_FILE
        if candidate.is_file():
            return _relative(candidate, folder)
    return SCHEMA_FILE


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def render_starter(team: str, target: Path, country: str | None = None, locale: str | None = None,
                   extends: SharedPlan | None = None) -> tuple[str, str]:
    """The starter's text with its `$schema=` line pointing where it works from `target`: an event's starter when
    it `extends` a shared plan, for a place: see `for_place`."""
    text = starter_text(team)
    if extends is not None:
        text = event_starter_text(text, extends, locale=locale)
    if country or locale:
        text = for_place(text, country, locale, _SAMPLE_REGION.get(team, "US"))
    schema = schema_reference(target)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines[0] = f"{MODELINE}{schema}\n"
    else:
        lines.insert(0, f"{MODELINE}{schema}\n")
    return "".join(lines), schema


# The sections an event writes itself when it extends a shared plan; the rest comes from the shared plan.
EVENT_SECTIONS = ("waivers", "event", "venues", "roles", "responders", "rota")
_EVENT_HEADER = """\
#
# Starter plan: one event of a network. It extends the shared plan {shared}: the
# reporting channels, procedure, assessment, responses, scenarios and the rest
# come from there, and this file holds only what is this event's own (the event,
# its venues, its team and its rota).
#
# How to use it:
#   1. Replace every value marked CHANGE ME. `incident-guide check THIS-FILE` lists
#      the ones still left as warnings.
#   2. To change a shared part for this event only, write it here: a mapping
#      merges key by key, a list item with the same `id` replaces the shared one,
#      `- {{id: x, remove: true}}` drops one, other lists replace the shared list.
#      `incident-guide show THIS-FILE` prints the merged plan and where each value
#      comes from.
#   3. `incident-guide build THIS-FILE` writes the guides into output/.
#
# This file is not a public document: it holds your responders' phone numbers and
# e-mail addresses. The numbers below are fictional, the e-mail addresses use
# example.org: replace them all.
"""
_EVENT_REFERENCES = """\
#
# CHANGE ME: the shared plan refers to these ids (its reporting chain, escalations and
# spokespeople); give your roles or responders these ids, or override those parts here:
#   {references}
"""


@dataclass(frozen=True)
class SharedPlan:
    """What an event's starter needs to know of the shared plan it extends."""

    path: str  # relative to the event's plan
    references: list[str] = field(default_factory=list)  # role and responder ids it uses and leaves to each event
    has_roles: bool = False  # it defines the roles: the event's starter writes none of its own
    leads: bool = True  # its team has a lead (`team.decides: lead`, the default): else no responder is `role: lead`


def read_shared_plan(shared: Path, path: str) -> SharedPlan:
    """The ids a shared plan refers to (its chain, escalations, spokespeople) and does not define, its roles and its team."""
    from .plan.extends import load_plan

    try:
        data = load_plan(shared, shared.parent).data
    except UserError:
        return SharedPlan(path)
    def ids(value: Any) -> list[Any]:  # a list of ids as written; anything else (a number, a text) holds none
        return value if isinstance(value, list) else []

    def items(key: str) -> list[dict[str, Any]]:
        return [item for item in ids(data.get(key)) if isinstance(item, dict)]

    found: list[Any] = []
    reporting, communication, team = data.get("reporting"), data.get("communication"), data.get("team")
    if isinstance(reporting, dict):
        found += ids(reporting.get("chain"))
    for scenario in items("scenarios"):
        found += ids(scenario.get("escalate_to"))
    if isinstance(communication, dict):
        found += ids(communication.get("spokespeople"))
    defined = {str(item.get("id")) for key in ("roles", "responders") for item in items(key)}
    references = [ident for ident in dict.fromkeys(str(i) for i in found if isinstance(i, (str, int))) if ident not in defined]
    decides = team.get("decides", "lead") if isinstance(team, dict) else "lead"
    return SharedPlan(path, references, has_roles=bool(items("roles")), leads=decides == "lead")


def event_header(references: bool = True) -> str:
    """The opening comments of an event's starter, with `{shared}` and `{references}` to fill in (and translate)."""
    return _EVENT_HEADER + (_EVENT_REFERENCES if references else "")


def event_starter_text(starter: str, shared: SharedPlan, locale: str | None = None) -> str:
    """A team's starter text cut down to the event's own sections, extending the shared plan."""
    lines = starter.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line[:1].isalpha() and ":" in line]
    own = [section for section in EVENT_SECTIONS if not (section == "roles" and shared.has_roles)]
    kept: list[str] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        if lines[start].split(":", 1)[0] in own:
            kept.extend(lines[start:end])
    body = "".join(kept).rstrip("\n") + "\n"
    if not shared.leads:  # the team decides together or by vote: nobody is its lead
        body = re.sub(r"^(\s+role: )lead\b", r"\1responder", body, flags=re.MULTILINE)
    from .starter_texts import translate

    header = translate(event_header(bool(shared.references)), locale).format(shared=shared.path, references=", ".join(shared.references))
    return f"{MODELINE}\n{header}format: 1\nextends: {json.dumps(shared.path)}\n\n{body}"


def resolve_target(path: Path | None) -> Path:
    """The file to write: PATH, or PATH/my-event.yaml when PATH is an existing folder."""
    if path is None:
        return DEFAULT_PATH
    if path.is_dir():
        return path / DEFAULT_PATH.name
    return path


def write_starter(path: Path | None, team: str = DEFAULT_TEAM, extends: Path | None = None,
                  country: str | None = None, locale: str | None = None) -> Written:
    """Write the starter for `team` at `path` (for `country` and `locale` when given); never replaces an existing file.
    With `extends` (a shared plan), an event's starter that extends it: only the event's own sections."""
    country, locale = _place(country, locale)
    target = resolve_target(path)
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise InitError(f"{target}: a plan file name must end in .yaml (e.g. {target.with_suffix('.yaml')})")
    if target.exists() or target.is_symlink():
        raise InitError(f"{target} already exists; not overwriting it. Choose another file name, or delete it first")
    event_of = None
    if extends is not None:
        if not extends.is_file():
            raise InitError(f"{extends}: there is no shared plan here to extend")
        event_of = read_shared_plan(extends, _relative(extends.resolve(), target.parent.resolve()))
    text, schema = render_starter(team, target, country, locale, event_of)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        in_the_way = next((p for p in (target.parent, *target.parent.parents) if p.exists() and not p.is_dir()), target.parent)
        raise InitError(f"{in_the_way}: cannot make the plan's folder: a file is in the way") from None
    except OSError as exc:
        raise InitError(f"{target.parent}: cannot make the plan's folder: {exc.strerror or exc}") from None
    # 0600: the plan will hold responders' phone numbers; nobody else needs to read it.
    if not _write_new(target, text, 0o600, "plan"):
        raise InitError(f"{target} already exists; not overwriting it. Choose another file name, or delete it first")
    placeholders = sum(PLACEHOLDER in line for line in text.splitlines())
    try:
        schema_written = _write_schema_next_to(target) if schema == SCHEMA_FILE else None
    except InitError:
        target.unlink()  # a plan whose first line names a schema that is not there
        raise
    return Written(target, schema, placeholders, schema_written)


def _write_new(path: Path, text: str, mode: int, what: str) -> bool:
    """Write a new file (False if it exists: O_EXCL, so one made since a check is not replaced); never leave half of one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise InitError(f"{path}: cannot write the {what}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:  # a full disk, a quota
        path.unlink(missing_ok=True)
        raise InitError(f"{path}: cannot write the {what}: {exc.strerror or exc}") from None
    return True


def _write_schema_next_to(target: Path) -> Path | None:
    """The JSON Schema as `plan.schema.json` beside the plan; an existing file is left as it is."""
    from .plan.schema import (
        plan_schema_text,  # the model, not the printing side
    )

    path = target.parent / SCHEMA_FILE
    return path if _write_new(path, plan_schema_text(), 0o644, "schema") else None


# --- a starter for a place: `init --country JP --locale ja-JP` ------------------------

_PHONE_LINE = re.compile(r"^(?P<lead>\s*(?:- )?(?:phone|number): )(?P<value>\"[^\"]*\"|[^#\n]*?)(?P<rest>\s*(?:#.*)?)$")
_SAMPLE_REGION = {"conference": "GB", "meetup": "US", "foundation": "US"}


def _place(country: str | None, locale: str | None) -> tuple[str | None, str | None]:
    """Both, checked; the country of a locale that names one (ja-JP) when only the locale is given."""
    import phonenumbers

    if country is not None:
        country = country.upper()
        if country not in phonenumbers.SUPPORTED_REGIONS:
            raise InitError(f"`{country}` is not a two-letter country code; use the ISO code, e.g. JP, EG or CH")
    if locale is not None:
        from .plan.language import parse_tag

        try:
            parse_tag(locale)
        except ValueError as exc:
            message, _, hint = str(exc).partition("\nhint: ")
            raise InitError(message, hint=hint or None) from None
        if country is None:
            from .plan.language import language_region

            country = language_region(locale)
    return country, locale


def place_words(locale: str | None) -> dict[str, Any]:
    """The comments `for_place` writes, in the locale's language where a catalog ships for it, else in English."""
    import json

    words: dict[str, Any] = json.loads((templates_dir() / "starters" / "place.json").read_text(encoding="utf-8"))
    language = (locale or "en").split("-")[0].lower()
    return {**words["en"], **words.get(language, {})}


def for_place(text: str, country: str | None, locale: str | None, sample: str = "US") -> str:
    """The starter moved to `country` and `locale`: its country, time zone, locale and paper, the country's emergency
    services from the bundled list (each marked CHANGE ME to be confirmed), its comments and sample texts in the
    locale's language (generator/starter_texts.py), and its sample phone numbers in the country's range for fiction
    (generator/data/fictional_numbers.json) or, where none is known, left as marked placeholders; the starter's
    own short service numbers (101, 988) are left out."""
    from .starter_texts import translate

    words = place_words(locale)
    text = translate(_place_lines(text, country, locale, words, sample), locale)
    return _place_numbers(text, country, sample, words) if country else text


def for_place_english(text: str, country: str, sample: str = "US") -> str:
    """The English lines `for_place` keeps for `country` before they are translated (the catalogs' message ids); the
    comments it adds itself (from place.json, already in the locale's language) are written as NUL characters."""
    blank = {key: [PLACE_MARK] * len(value) if isinstance(value, list) else PLACE_MARK
             for key, value in place_words(None).items()}
    return _place_lines(text, country, None, blank, sample)


PLACE_MARK = "\x00"


def _place_lines(text: str, country: str | None, locale: str | None, words: dict[str, Any], sample: str) -> str:
    import phonenumbers
    from phonenumbers import timezone as number_zones

    from .plan.emergency import emergency_data, usual_services

    if country and country != sample:  # the sample numbers will not be that country's any more
        text = re.sub(r"\s*\n# \((?:US 555-01xx|UK drama range)\)|\s*\((?:US 555-01xx|UK drama range)\)", "", text)
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        pad = line[:indent]
        if country and stripped.startswith("country: "):
            out.append(f"{pad}country: {country}  # {words['country']}\n")
            continue
        if country and stripped.startswith("timezone: "):
            example = phonenumbers.example_number(country)
            zones = [z for z in (number_zones.time_zones_for_number(example) if example else ()) if "/" in z]
            out.append(f"{pad}timezone: {zones[0] if zones else 'Etc/UTC'}  # {words['timezone']}\n")
            continue
        if locale and stripped.startswith("languages: "):
            out.append(f"{pad}languages: [{locale.split('-')[0].lower()}]\n")
            out.append(f"{pad}locale: {locale}  # {words['locale']}\n")
            continue
        if country and stripped.startswith("emergency_number: "):
            out += _emergency_lines(pad, country, emergency_data(), usual_services(country), words)
            continue
        if country and (stripped.startswith("# The emergency numbers here") or stripped.startswith("# different numbers, list")):
            continue
        if country:  # the starter's prose names its own country's number; elsewhere it would send people to a wrong one
            line = re.sub(r"\b(Dial|Call) (911|999|112)\b", r"\1 the emergency number", line)
        out.append(line)
    if country:
        from .render.paper import PAGE_SIZES, usual_paper  # no printing library is loaded

        paper = PAGE_SIZES[usual_paper(country)]
        note = [words["intro"][0], words["intro"][1], words["paper"]]
        out[_after_header(out):_after_header(out)] = ["#\n"] + [f"# {line.format(country=country, paper=paper)}\n" for line in note]
    return "".join(out)


def fictional_ranges() -> dict[str, dict[str, str]]:
    """Per country, the first and last number of the range its numbering authority keeps for fiction, and the source."""
    ranges: dict[str, dict[str, str]] = json.loads((Path(__file__).parent / "data" / "fictional_numbers.json")
                                                   .read_text(encoding="utf-8"))["ranges"]
    return ranges


def _fictional(country: str, count: int) -> str | None:
    """The `count`th sample number of `country` (from 0), from its range for fiction; None where none is known."""
    import phonenumbers

    known = fictional_ranges().get(country)
    if known is None:
        return None
    first, last = (phonenumbers.parse(known[end]) for end in ("first", "last"))
    national = int(first.national_number or 0) + 1 + count
    if national > int(last.national_number or 0):
        return None
    number = phonenumbers.PhoneNumber(country_code=first.country_code, national_number=national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _place_numbers(text: str, country: str, sample: str, words: dict[str, Any]) -> str:
    """Phone numbers for `country`: the starter's own in international form where `country` is the starter's, else
    numbers from the country's range for fiction, else marked placeholders in comments; short service numbers dropped."""
    import phonenumbers

    lines = text.splitlines(keepends=True)
    out: list[str] = []
    given: dict[str, str] = {}  # the starter's number -> the one written for the place
    skip_indent: int | None = None  # leaving out the rest of a list item
    hold_indent: int | None = None  # writing the rest of a list item as a comment
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if skip_indent is not None:
            if line.strip() and indent > skip_indent:
                continue
            skip_indent = None
        if hold_indent is not None:
            if not line.strip() or indent > hold_indent:
                out.append(f"{' ' * hold_indent}# {line[hold_indent:]}" if line.strip() else line)
                continue
            hold_indent = None
        match = _PHONE_LINE.match(line.rstrip("\n"))
        if not (match and match.group("value").strip()):
            out.append(line)
            continue
        value = match.group("value").strip().strip('"')
        try:
            number = phonenumbers.parse(value, sample)
            full = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            full = False
        start = len(out) - 1
        while start >= 0 and not out[start].lstrip().startswith("- "):
            start -= 1
        if not full:  # a short service number of the starter's country: leave its whole list item out
            skip_indent = len(out[start]) - len(out[start].lstrip(" "))
            del out[start:]
            continue
        if country == sample:
            shown: str | None = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        else:
            shown = given.get(value) or _fictional(country, len(given))
        lead = match.group("lead")
        if shown is not None:
            given[value] = shown
            out.append(f'{lead}"{shown}"{match.group("rest")}\n')
            continue
        key = lead.strip().removeprefix("- ").rstrip(": ")
        code = phonenumbers.country_code_for_region(country)
        placeholder = f'{lead}"+{code} ..."  # {words["phone-placeholder"].format(country=country)}\n'
        item = out[start:] if start >= 0 else []
        if key != "number" and not any(held.strip().removeprefix("- ") == "kind: phone" for held in item):
            out.append(f"{' ' * indent}# {placeholder[indent:]}")  # an optional phone: the line waits in a comment
            continue
        # a number its list item cannot do without: the whole item waits in a comment until the organizer writes it
        hold_indent = len(item[0]) - len(item[0].lstrip(" "))
        del out[start:]
        pad = " " * hold_indent
        out.append(f"{pad}# {words['item-placeholder'].format(country=country)}\n")
        out += [f"{pad}# {held[hold_indent:]}" for held in item]
        out.append(f"{pad}# {placeholder[hold_indent:]}")
    return _empty_lists_out("".join(out))


def _empty_lists_out(text: str) -> str:
    """A list key (`numbers:`) whose every item now waits in a comment is written as a comment too."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not (stripped.endswith(":") and not stripped.startswith(("#", "-"))):
            continue
        indent = len(line) - len(line.lstrip(" "))
        following = []
        for after in lines[index + 1:]:
            if after.strip() and len(after) - len(after.lstrip(" ")) <= indent:
                break
            following.append(after)
        if following and all(not after.strip() or after.strip().startswith("#") for after in following):
            lines[index] = f"{line[:indent]}# {line[indent:]}"
    return "".join(lines)


def _emergency_lines(pad: str, country: str, data: dict[str, Any], services: Sequence[tuple[str, Sequence[object]]],
                     words: dict[str, Any]) -> list[str]:
    if not services:
        first, second, third = (line.format(country=country) for line in words["no-data"])
        return [f"{pad}# {first}\n", f"{pad}# {second}\n", f"{pad}# emergency_services:\n",
                f'{pad}#   - {{number: "...", services: [police]}}\n', f"{pad}# {third}\n"]
    lines = [f"{pad}# {words['emergency-from'].format(country=country, source='generator/data/emergency_numbers.json', date=data['date'])}\n",
             f"{pad}# {words['emergency-confirm']}\n", f"{pad}emergency_services:\n"]
    for number, reaches in services:
        names = ", ".join(getattr(service, "value", str(service)) for service in reaches)
        lines.append(f'{pad}  - {{number: "{number}", services: [{names}]}}  # {words["confirm"]}\n')
    return lines


def _after_header(lines: list[str]) -> int:
    """Where the first blank line after the opening comments is (the paper note goes there)."""
    for index, line in enumerate(lines):
        if not line.startswith("#"):
            return index
    return len(lines)
