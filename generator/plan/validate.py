"""Step 2, validate: loaded data to a `Plan`, with every problem in plain words and at its position."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import PlanError, Problem, closest, did_you_mean, quoted
from .emergency import check_emergency, check_venue
from .fields import CountryNeeded, phone_region
from .load import LoadedPlan, SourceMap
from .model import DEFAULT_LEVELS, FORMAT_VERSION, Plan, Venue

# A value to fill in, mistyped ("{zone\"}", "{ zone }", "{Zone}"): a brace before a letter that PLACEHOLDER does not read
_NEAR_PLACEHOLDER = re.compile(r"\{\s*[A-Za-z_][^{}\n]{0,30}\}?")

def read_plan(path: str | Path, root: str | Path | None = None) -> Plan:
    """Load and validate a plan file (with the shared plans it extends, inside `root`); raises PlanError with every problem found."""
    from .extends import load_plan

    return validate(load_plan(path, root))


def validate(loaded: LoadedPlan) -> Plan:
    """The typed plan; raises PlanError with the loader's problems (if it kept going) and every validation problem."""
    data, source = loaded.data, loaded.source
    early = list(loaded.problems)
    data = migrate(data, source)
    try:
        plan = Plan.model_validate(data, context={"region": _region(data), "region_unknown": _country_given(data) and not _region(data)})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        found = early + _not_reported([_problem(error, source) for error in _without_typo_echoes(errors)], early)
        found += _not_reported(_references_despite(data, source), found)
        raise PlanError(found + _not_reported(_emergency_despite(data, source), found)) from None
    problems = early + check_references(plan, source) + check_team(plan, source) + check_files(plan, source) + check_emergency(plan, source)
    if problems:
        raise PlanError(problems)
    return plan


def _not_reported(found: list[Problem], early: list[Problem]) -> list[Problem]:
    """Drop a validation problem about a value the loader already reported (a bad date read as text)."""
    places = {p.path for p in early} | {(p.line, p.column) for p in early}
    return [p for p in found if p.path not in places and (p.line, p.column) not in places]


def _without_typo_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "`timezone` is missing" when the same mapping has `time_zone:`: the typo's hint says it all."""
    typos = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = _clean(error["loc"])
            close = closest(str(loc[-1]), _allowed_keys(loc[:-1]))
            if close:
                typos.add(loc[:-1] + (close,))
    return [e for e in errors if not (e["type"] == "missing" and _clean(e["loc"]) in typos)]


def _clean(loc: Iterable[Any]) -> tuple[str | int, ...]:
    return tuple(part for part in loc if isinstance(part, (str, int)))


def migrate(data: dict[str, Any], source: SourceMap) -> dict[str, Any]:
    """Bring an older plan format up to FORMAT_VERSION. Version 1 is the first, so nothing to do yet."""
    version = data.get("format")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise PlanError([source.problem(("format",), f"this plan is format {version}, but this incident-guide reads format {FORMAT_VERSION}; upgrade incident-guide")])
    return data


def _country_given(data: dict[str, Any]) -> Any:
    """The country phone numbers are read in: the first venue's, else the event's (as written)."""
    venues = data.get("venues")
    if isinstance(venues, list) and venues and isinstance(venues[0], dict):
        return venues[0].get("country")
    event = data.get("event")
    return event.get("country") if isinstance(event, dict) else None


def _region(data: dict[str, Any]) -> str | None:
    """The country of phone numbers, as `Plan.region` will say it, from the plan as written."""
    event = data.get("event")
    languages = event.get("languages") if isinstance(event, dict) else None
    language = languages[0] if isinstance(languages, list) and languages else None
    return phone_region(_country_given(data), language, venues=bool(data.get("venues")))


# --- pydantic's errors in plain words ---------------------------------------

_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false", "float_type": "a number",
    "int_from_float": "a whole number", "list_type": "a list (lines starting with `- `)", "dict_type": "a mapping (`key: value` lines)",
    "model_type": "a mapping (`key: value` lines)", "model_attributes_type": "a mapping (`key: value` lines)",
}


def _problem(error: ErrorDetails, source: SourceMap) -> Problem:
    loc = _clean(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = _name(loc)
    at_key = False
    hint = None
    # what an event gives: a top-level section, the country a phone number is read in (`check` of a shared plan alone)
    needs_event = kind == "missing" and len(loc) == 1 or isinstance(ctx.get("error"), CountryNeeded)

    if kind == "extra_forbidden":
        at_key = True
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key {_show(loc[-1])} in {_name(loc[:-1]) or 'the plan'}"
        typo = did_you_mean(str(loc[-1]), allowed)
        if typo:
            hint = typo
        elif " " in str(loc[-1]).strip():
            hint = "this looks like text rather than a key: inside `{...}` a comma ends the value, so put text with commas in quotes"
        elif loc[-1] == "id" and len(loc) > 1 and isinstance(loc[-2], int):  # an item of a list whose items have no id
            hint = (f"items of {_name(loc[:-2])} have no `id`: remove it (an event that extends a shared plan and changes "
                    "this list writes the whole list)")
        elif _belongs(str(loc[-1])):
            hint = f"`{loc[-1]}` belongs under " + " or ".join(f"`{place}`" for place in _belongs(str(loc[-1]))) + "; indent it there"
        elif allowed:
            hint = "allowed here: " + ", ".join(f"`{key}`" for key in allowed)
    elif kind == "missing":
        message = f"`{loc[-1]}` is missing from {_name(loc[:-1]) or 'the plan'}"
        if loc[-1] == "reason" and "waivers" in loc:
            hint = "a waiver needs a reason: say why the rule does not apply here; the responder guide prints it"
        loc = loc[:-1]
        at_key = True  # point at `event:` rather than at the first key inside it
    elif value is None and (kind in _TYPE_WORDS or kind in _DATE_KINDS or kind in ("enum", "literal_error")):
        message = f"{name} has no value"
        hint = "write the value after the colon"
    elif kind in _TYPE_WORDS:
        message = f"{name} should be {_TYPE_WORDS[kind]}, not {_show(value)}"
        if kind == "string_type" and not isinstance(value, (dict, list)):
            hint = "put the value in quotes to make it text"
    elif kind == "enum":
        message = f"{name} is {_show(value)}; use one of: " + str(ctx.get("expected", "")).replace("'", "`")
        hint = did_you_mean(str(value), re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "`")
        message = f"{name} is {_show(value)}; it must be {expected}"
        if isinstance(value, str) and value.strip() == expected:
            hint = "write it without quotes"
    elif kind == "string_pattern_mismatch":
        if "languages" in loc:
            message = f"{name} is {_show(value)}, which is not a language code"
            hint = "use a code such as `en`, `de` or `pt-BR`"
        elif loc and loc[-1] == "country":
            message = f"{name} is {_show(value)}; use a two-letter country code in capitals, e.g. GB or US"
        elif ":" in str(ctx.get("pattern", "")):  # a wall-clock time (ClockTime)
            message = f"{name} is {_show(value)}, which is not a time of day"
            hint = 'write it as HH:MM with two digits for the hour, in quotes: "08:00", "23:30", or "24:00" for midnight at the end of the day'
        else:
            message = f"{name} is {_show(value)}; ids use lower-case letters, digits and dashes (e.g. `ana` or `main-hall`)"
    elif kind in ("too_short", "string_too_short"):
        minimum = ctx.get("min_length", 1)
        if kind == "string_too_short":
            message = f"{name} is empty"
        else:
            message = f"{name} needs at least {minimum} item{'s' if minimum != 1 else ''}"
    elif kind in ("too_long", "string_too_long"):
        message = f"{name} is too long (at most {ctx.get('max_length')} {'characters' if kind == 'string_too_long' else 'items'})"
    elif kind in _DATE_KINDS:
        wanted = "a date and time (YYYY-MM-DD HH:MM)" if kind.startswith("datetime") else "a date (YYYY-MM-DD)"
        message = f"{name} is {_show(value)}, not {wanted}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        message = f"{name} is {_show(value)}; it must be {'at least' if 'greater' in kind else 'at most'} {ctx.get('ge', ctx.get('le'))}"
    elif kind == "value_error" and str(error.get("msg", "")).startswith("value is not a valid email address"):
        reason = str(ctx.get("reason", "")).rstrip(".")
        reason = "; ".join(part[:1].lower() + part[1:] for part in reason.split(". ")).replace("email", "e-mail")
        message = f"{name}: {_show(value)} is not an e-mail address" + (f" ({reason})" if reason else "")
    elif kind in ("value_error", "assertion_error"):
        text = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        text, _, hint_text = text.partition("\nhint: ")
        hint = hint_text or None
        if text.startswith("@"):
            field, _, text = text[1:].partition(": ")
            loc = loc + (field,)
            message = text
        else:
            message = f"{name}: {text}" if name else text
    else:
        message = f"{name}: {error['msg'][:1].lower()}{error['msg'][1:]}"
    return source.problem(loc, message, at_key=at_key, hint=hint, needs_event=needs_event)


_DATE_KINDS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_future", "date_past",
               "datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"}


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _name(loc: tuple[str | int, ...]) -> str:
    """responders[2].phone, the way an organizer reads the YAML; a shift by its place, counted from 1."""
    if len(loc) >= 2 and loc[0] == "rota" and isinstance(loc[1], int):
        shift = f"the {_ordinal(loc[1] + 1)} shift in `rota`"
        return f"{_name(loc[2:])} of {shift}" if len(loc) > 2 else shift
    text = ""
    for part in loc:
        part = part if isinstance(part, int) else " ".join(str(part).split())[:40]
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"`{text}`" if text else ""


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return quoted({True: "true", False: "false", None: "empty"}[value] if isinstance(value, (bool, type(None))) else value)


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    model = _model_at(Plan, loc)
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _belongs(key: str) -> list[str]:
    """Where in the plan a key is allowed (`reporting` for `appeals`), for a key written at the wrong depth."""
    found: list[str] = []
    seen: set[type] = set()
    queue: list[tuple[type[BaseModel], str]] = [(Plan, "")]
    while queue:
        model, where = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            spelled = field.alias or name
            if spelled == key and where:
                found.append(where)
            inner = _unwrap(field.annotation, list_item=True)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                is_list = typing.get_origin(_unwrap(field.annotation, list_item=False)) is list
                queue.append((inner, f"{where}.{spelled}" if where else spelled + ("[]" if is_list else "")))
    return found[:2]


def _model_at(annotation: Any, loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    for part in loc:
        annotation = _unwrap(annotation, list_item=isinstance(part, int))
        if isinstance(part, int):
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        field = next((f for n, f in annotation.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        annotation = field.annotation
    annotation = _unwrap(annotation, list_item=False)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any, list_item: bool) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is list and list_item:
            annotation = typing.get_args(annotation)[0]
            list_item = False
        else:
            return annotation


# --- references between parts of the plan ------------------------------------

def _references_despite(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """The reference problems of a plan that failed validation, so one run shows them too.

    Best effort: the plan is taken as written, without validation; if it is too broken
    for that (a missing section, a list item that is not a mapping), this finds nothing
    and the reference problems show once the rest is fixed.
    """
    try:
        return check_references(_as_written(Plan, data), source)
    except Exception:  # the unvalidated plan may break any assumption; validation already reported why
        return []


def _emergency_despite(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """The emergency-number problems of each venue that is valid on its own, in a plan that failed validation
    elsewhere (a wrong phone number must not hide a wrong emergency number until it is fixed)."""
    venues = data.get("venues") if isinstance(data, dict) else None
    context = {"region": _region(data), "region_unknown": False}
    found: list[Problem] = []
    for index, raw in enumerate(venues if isinstance(venues, list) else []):
        try:
            venue = Venue.model_validate(raw, context=context)
            found += check_venue(venue, index, source)
        except Exception:  # the venue may break any assumption; validation already reported why
            continue
    return found


Written = TypeVar("Written", bound=BaseModel)


def _as_written(model: type[Written], data: Any) -> Written:
    if not isinstance(data, dict):
        raise TypeError("not a mapping")
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        raw, single, item = data[key], _unwrap(field.annotation, False), _unwrap(field.annotation, True)
        if isinstance(raw, list) and isinstance(item, type) and issubclass(item, BaseModel):
            # an entry that is not a mapping stays as written (a scenario step in plain text)
            values[name] = [_as_written(item, entry) if isinstance(entry, dict) else entry for entry in raw]
        elif isinstance(single, type) and issubclass(single, BaseModel) and not isinstance(raw, str):
            values[name] = _as_written(single, raw)
        else:
            values[name] = raw
    return model.model_construct(**values)


def check_files(plan: Plan, source: SourceMap) -> list[Problem]:
    """The files the plan names outside its prose (the logo) can be printed: asked of the renderer's own policy."""
    from ..assets import AssetPolicy, RefusedResource
    from ..paths import templates_dir

    if not plan.event.logo:
        return []
    try:
        AssetPolicy(Path(source.file).parent, templates_dir()).picture(plan.event.logo)
    except RefusedResource as refused:
        return [source.problem(("event", "logo"), f"the logo {quoted(plan.event.logo)} cannot be used: {refused.reason}",
                               hint="put a PNG, JPEG, GIF or WebP file in the plan's folder and name it relative to the plan, "
                                    "e.g. `logo: logo.png`")]
    return []


def check_team(plan: Plan, source: SourceMap) -> list[Problem]:
    """The team's shape agrees with its members: no lead in a team that decides together, nobody public in an unpublished team."""
    problems: list[Problem] = []
    decides = plan.team.decides.value
    for index, responder in enumerate(plan.responders):
        if decides != "lead" and responder.role.value == "lead":
            how = "together" if decides == "together" else "by vote"
            problems.append(source.problem(("responders", index, "role"), f"the team decides {how} (`team.decides: {decides}`), so nobody is its lead",
                                           hint="make them `role: responder`, or set `team.decides: lead`"))
        for name, audience in responder.visibility.items():
            if audience.value == "public" and not plan.team.published:
                problems.append(source.problem(("responders", index, "visibility", name),
                                               f"a responder's `{name}` can be shown to `volunteer` or `responder`, not `public`: "
                                               "responders are never listed on the public sheet unless the team publishes its members",
                                               hint="set `team: {published: true}` if the team lists its members publicly; to give the public "
                                                    "a number or address to use, add a reporting channel with `audience: public`"))
    return problems


# What an event defines for each kind of id a shared plan may refer to
_DEFINED_BY = {"responder id": "a responder", "role id": "a role", "role or responder id": "a role or responder",
               "impact level": "an impact level (`assessment.impact_levels`)", "risk level": "a risk level (`assessment.risk_levels`)"}


def check_references(plan: Plan, source: SourceMap) -> list[Problem]:
    """Ids are unique and every id used somewhere names something that exists."""
    problems: list[Problem] = []

    def unique(items: list[Any], path: str, what: str) -> set[str]:
        counts = Counter(item.id for item in items)
        for index, item in enumerate(items):
            if counts[item.id] > 1 and [i.id for i in items].index(item.id) != index:
                problems.append(source.problem((path, index, "id"), f"{what} id `{item.id}` is used twice; ids must be unique"))
        return set(counts)

    responder_ids = unique(plan.responders, "responders", "responder")
    role_ids = unique(plan.roles, "roles", "role")
    unique(plan.venues, "venues", "venue")
    unique(plan.scenarios, "scenarios", "scenario")
    both = responder_ids & role_ids
    for index, role in enumerate(plan.roles):
        if role.id in both:
            problems.append(source.problem(("roles", index, "id"), f"role id `{role.id}` is also a responder id; escalation targets would be ambiguous"))
    people_and_roles = responder_ids | role_ids

    def must_exist(value: str, allowed: set[str], path: tuple[str | int, ...], what: str) -> None:
        if value not in allowed:
            hint = did_you_mean(value, sorted(allowed)) or f"known: {', '.join(sorted(allowed)) or 'none'}"
            found = source.problem(path, f"`{value}` is not a known {what}", hint=hint)
            if found.file != source.file:  # in the shared plan, which expects each event to define the id
                found = replace(found, hint=f"the shared plan refers to `{value}`, which each event that extends it defines: give "
                                            f"{_DEFINED_BY[what]} in {source.file} the id `{value}`, or write this part there ({hint})")
            problems.append(found)

    for index, responder in enumerate(plan.responders):
        for rel_index, relation in enumerate(responder.relationships):
            must_exist(relation.with_, responder_ids, ("responders", index, "relationships", rel_index, "with"), "responder id")
            if relation.with_ == responder.id:
                problems.append(source.problem(("responders", index, "relationships", rel_index, "with"), "a responder cannot have a relationship with themselves"))
        if responder.fallback:
            must_exist(responder.fallback, responder_ids, ("responders", index, "fallback"), "responder id")
            if responder.fallback == responder.id:
                problems.append(source.problem(("responders", index, "fallback"), "a responder cannot be their own fallback"))
    for index, shift in enumerate(plan.rota):
        if isinstance(shift.start, dt.datetime) and isinstance(shift.end, dt.datetime) \
                and plan.event.utc(shift.end) <= plan.event.utc(shift.start):  # after a clock change, or one time with an offset
            problems.append(source.problem(("rota", index, "end"), f"the shift ends ({shift.end:%Y-%m-%d %H:%M}) before it starts "
                                           f"({shift.start:%Y-%m-%d %H:%M}) in {plan.event.timezone} time"))
        if isinstance(shift.start, dt.datetime) and isinstance(shift.end, dt.datetime):
            problems += _shift_dates(plan, index, shift.start, shift.end, source)
        must_exist(shift.lead, responder_ids, ("rota", index, "lead"), "responder id")
        for r_index, rid in enumerate(shift.responders):
            must_exist(rid, responder_ids, ("rota", index, "responders", r_index), "responder id")
    for index, channel in enumerate(plan.reporting.channels):
        for r_index, rid in enumerate(channel.staffed_by):
            must_exist(rid, responder_ids, ("reporting", "channels", index, "staffed_by", r_index), "responder id")
    for index, rid in enumerate(plan.reporting.chain):
        must_exist(rid, role_ids, ("reporting", "chain", index), "role id")
    if plan.reporting.appeals:
        for index, rid in enumerate(getattr(plan.reporting.appeals, "to", [])):  # plain text as written has no `to`
            must_exist(rid, role_ids, ("reporting", "appeals", "to", index), "role id")

    leveled = plan.assessment is not None and bool(plan.assessment.impact_levels)  # an assessment of questions alone has none
    impacts = {level.id for level in plan.assessment.impact_levels} if plan.assessment and leveled else set(DEFAULT_LEVELS)
    risks = {level.id for level in plan.assessment.risk_levels} if plan.assessment and leveled else set(DEFAULT_LEVELS)
    if plan.assessment:
        seen = set()
        for index, cell in enumerate(plan.assessment.matrix):
            must_exist(cell.impact, impacts, ("assessment", "matrix", index, "impact"), "impact level")
            must_exist(cell.risk, risks, ("assessment", "matrix", index, "risk"), "risk level")
            if (cell.impact, cell.risk) in seen:
                problems.append(source.problem(("assessment", "matrix", index), f"the matrix has two cells for impact `{cell.impact}` and risk `{cell.risk}`"))
            seen.add((cell.impact, cell.risk))
    for index, scenario in enumerate(plan.scenarios):
        if scenario.impact is not None:
            must_exist(scenario.impact, impacts, ("scenarios", index, "impact"), "impact level")
        if scenario.risk is not None:
            must_exist(scenario.risk, risks, ("scenarios", index, "risk"), "risk level")
        for t_index, target in enumerate(scenario.escalate_to):
            must_exist(target, people_and_roles, ("scenarios", index, "escalate_to", t_index), "role or responder id")
    if plan.communication:
        for index, who in enumerate(plan.communication.spokespeople):
            must_exist(who, people_and_roles, ("communication", "spokespeople", index), "role or responder id")
    if plan.wording or plan.policy:
        from ..messages import PLACEHOLDER, english_messages  # the source catalog: every known id
        from .policy import POLICY

        known = english_messages()
        for ident in plan.wording:
            if ident not in known:
                problems.append(source.problem(("wording", ident), f"`{ident}` is not a message id of the guide", at_key=True,
                                               hint=did_you_mean(ident, sorted(known)) or "the ids are listed in docs/wording.md"))
        for ident in plan.policy:
            if ident not in POLICY:
                hint = (f"`{ident}` is a label: reword it under `wording:`" if ident in known
                        else did_you_mean(ident, sorted(POLICY)) or "the policy sentences are marked `policy` in docs/wording.md")
                problems.append(source.problem(("policy", ident), f"`{ident}` is not a policy sentence of the guide", at_key=True, hint=hint))
        for section, texts in (("wording", plan.wording), ("policy", plan.policy)):
            for ident, text in texts.items():
                if ident not in (POLICY if section == "policy" else known):
                    continue
                names = sorted(set(PLACEHOLDER.findall(known.get(ident, ""))))
                allowed = ", ".join(f"{{{name}}}" for name in names) or "none"
                unknown = sorted(set(PLACEHOLDER.findall(text)) - set(names))
                if unknown:
                    problems.append(source.problem((section, ident), f"`{{{unknown[0]}}}` is not a value this sentence can fill in",
                                                   hint=f"the values it can fill in: {allowed}"))
                elif misspelt := _NEAR_PLACEHOLDER.search(PLACEHOLDER.sub("", text)):
                    problems.append(source.problem((section, ident), f"`{misspelt.group()}` is not a value to fill in, and "
                                                   "would print as it is", hint=f"write a value as {{name}}; the values this "
                                                   f"sentence can fill in: {allowed}"))
    days = set(plan.event.days)
    for v_index, venue in enumerate(plan.venues):
        for r_index, room in enumerate(venue.rooms):
            for d_index, day in enumerate(room.days):
                if days and day not in days:
                    span = f"from {plan.event.starts} to {plan.event.ends}" if plan.event.ends and plan.event.ends != plan.event.starts else f"on {plan.event.starts} only"
                    problems.append(source.problem(("venues", v_index, "rooms", r_index, "days", d_index), f"{day} is not a day of the event (it is {span})"))
                elif venue.days and day not in venue.days:
                    used = ", ".join(str(d) for d in sorted(venue.days))
                    problems.append(source.problem(("venues", v_index, "rooms", r_index, "days", d_index),
                                                   f"{day} is not a day the venue `{venue.id}` is used (its days: {used})"))
    return problems


# A shift's dates far from the event's, or a shift of weeks, are a typo ("2072" for "2027"); a waiver of the
# coverage rules must not let one through: every guide would lay out every day from one date to the other.
SHIFT_SLACK = dt.timedelta(days=180)  # a month out is SHIFT-COVERAGE's to say; a year out is a typo
LONGEST_SHIFT = dt.timedelta(days=14)


def _shift_dates(plan: Plan, index: int, start: dt.datetime, end: dt.datetime, source: SourceMap) -> list[Problem]:
    days = plan.event.days
    if days:
        first = dt.datetime.combine(days[0], dt.time()) - SHIFT_SLACK
        last = dt.datetime.combine(days[-1], dt.time()) + dt.timedelta(days=1) + SHIFT_SLACK
        span = f"{days[0]} to {days[-1]}" if len(days) > 1 else f"{days[0]}"
        for key, moment in (("start", start), ("end", end)):
            if not first <= moment <= last:
                return [source.problem(("rota", index, key), f"the shift {'starts' if key == 'start' else 'ends'} on "
                                       f"{moment:%Y-%m-%d}, months from the event's days ({span}); check the date's year")]
    if end - start > LONGEST_SHIFT:
        return [source.problem(("rota", index, "end"), f"the shift lasts {(end - start).days} days; a shift is at most "
                               f"{LONGEST_SHIFT.days} days: check its dates, or split it")]
    return []
