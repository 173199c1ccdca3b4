"""Policy sentences belong to the plan: the guides print them only as the plan states them (issue 23, point 1)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.check import check_plan
from generator.errors import PlanError
from generator.init import TEAMS, starter_path
from generator.messages import PLACEHOLDER, english_messages
from generator.plan.language import SHIPPED
from generator.plan.model import Audience
from generator.plan.policy import EMERGENCY, POLICY, kind
from generator.plan.validate import read_plan
from generator.render.edition import EDITIONS, drill_spec, make_edition
from generator.render.html import render_html, unstated_policy
from generator.render.locale import Localizer, plan_localizer

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "plans"


def pages(plan, loc=None) -> dict[str, str]:
    """Every edition the plan has, on screen and on paper, as HTML (the volunteer drill kit too)."""
    out = {}
    for spec in (*EDITIONS.values(), drill_spec(Audience.volunteer)):
        if not spec.exists_for(plan):
            continue
        spec = spec.for_plan(plan)
        edition = make_edition(plan, spec.audience, spec.name)
        for medium in ("screen", "print"):
            out[f"{spec.name}-{spec.audience.value} ({medium})"] = render_html(edition, medium=medium, template=spec.template, loc=loc)
    return out


def visible(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text)


def fragments(text: str) -> list[str]:
    """The parts of a message between its placeholders that say something (not a bare `.`)."""
    return [part.strip() for part in PLACEHOLDER.split(text)[::2] if len(part.strip()) >= 8]


def without_policy(plan):
    wording = {ident: text for ident, text in plan.wording.items() if ident not in POLICY}
    return plan.model_copy(update={"policy": {}, "wording": wording})


def with_locale(plan, tag):
    return plan.model_copy(update={"event": plan.event.model_copy(update={"locale": tag})})


def test_the_sorted_list_names_only_messages_the_guides_have():
    known = english_messages()
    assert set(POLICY) <= set(known) and EMERGENCY <= set(known)
    assert not set(POLICY) & EMERGENCY
    assert {kind(ident) for ident in known} == {"label", "policy", "emergency"}
    # the examples are sorted as policy (or left to the emergency rework), never as labels
    for ident in ("protocol.then", "escalation.intro", "public.include-intro", "public.lede", "cover.no-safety-room",
                  "cover.emergency-local", "protocol.danger-local"):
        assert kind(ident) != "label", ident
    reference = (ROOT / "docs" / "wording.md").read_text(encoding="utf-8")
    for ident in POLICY:
        assert f"| `{ident}` | policy |" in reference


@pytest.mark.parametrize("tag", SHIPPED)
def test_a_plan_stating_no_policy_prints_none_of_the_tools_policy_sentences(tag):
    """Over the sorted list: no policy message of the tool, in the locale's words or in English, in any edition."""
    checked = {"complete-conference": SHIPPED, "online-community": ("en-GB", "ja-JP", "ar-EG"), "foundation-team": ("en-GB", "fr-FR")}
    loc = Localizer(tag)
    english = english_messages()
    texts = {ident: {english[ident], loc.words.get(ident, english[ident])} for ident in POLICY}
    others = " | ".join(text for ident in english if ident not in POLICY  # "Then tell {who}." is also an emergency sentence's
                        for text in (english[ident], loc.words.get(ident, english[ident])))
    seen_places = set()
    for name, tags in checked.items():
        if tag not in tags:
            continue
        plan = without_policy(with_locale(read_plan(PLANS / f"{name}.yaml"), tag))
        own = str(plan.model_dump(mode="json"))  # the plan's own text may say the same (a role's step does)
        for where, page in pages(plan).items():
            text = visible(page)
            for ident, variants in texts.items():
                for variant in variants:
                    for fragment in fragments(variant):
                        if fragment.strip(" .") in own or fragment in others:
                            continue
                        assert fragment not in text, f"{name} ({tag}), {where}: the tool's `{ident}` printed: {fragment!r}"
        seen_places.update(unstated_policy(plan))
    # the plans above have a place for these sentences, so the test looked where they used to print
    assert {"public.lede", "poster.lede", "escalation.intro", "protocol.then", "responses.intro"} <= seen_places


def test_a_policy_sentence_the_plan_states_prints_as_written():
    plan = without_policy(read_plan(PLANS / "complete-conference.yaml"))
    stated = plan.model_copy(update={"policy": {
        "escalation.intro": "Contact *any* committee member immediately.",
        "public.lede": "Tell us. We read every report within a day.",
        "rota.intro": "All times are {zone}.",
    }})
    responder = render_html(make_edition(stated, Audience.responder))
    assert "Contact <em>any</em> committee member immediately." in responder
    assert "Pass a report up this chain" not in responder
    assert re.search(r"All times are [^{<]+\.", responder)
    assert '<p class="lede">Tell us. We read every report within a day.</p>' in render_html(make_edition(stated, Audience.public))


def test_without_the_sentence_nothing_stands_in_its_place():
    """No empty paragraph, no safety-room heading over nothing; the zone of the rota's times stays (a label)."""
    plan = without_policy(read_plan(PLANS / "foundation-team.yaml"))
    public = render_html(make_edition(plan, Audience.public))
    assert '<p class="lede">' not in public and "<p></p>" not in public
    volunteer = render_html(make_edition(plan, Audience.volunteer))
    assert "<p></p>" not in volunteer and '<p class="callout"><strong>' in volunteer
    conference = without_policy(read_plan(PLANS / "complete-conference.yaml"))
    responder = render_html(make_edition(conference, Audience.responder))
    assert "<p></p>" not in responder and "Times are" not in responder
    assert "<p>(times British Summer Time)</p>" in responder  # the rota still says which clock its times are in


@pytest.mark.parametrize("team", TEAMS)
def test_a_starters_guides_read_as_today(team):
    """The starter states today's sentences: its guides are the same as the tool printed them by default."""
    plan = read_plan(starter_path(team))
    assert unstated_policy(plan) == []
    today = Localizer(plan.locale, dict(plan_localizer(plan).overrides))  # every sentence from the catalogs, as before
    bare = without_policy(plan)
    now, before = pages(plan), pages(bare, loc=Localizer(bare.locale, {}))
    assert now.keys() == before.keys()
    for where in now:
        assert now[where] == before[where], f"{team}: {where} differs from the default wording"
    assert today.words == Localizer(plan.locale).words
    for ident, text in plan.policy.items():
        english = english_messages()[ident]
        assert text == today.words.get(ident, english), ident


@pytest.mark.parametrize("name", sorted(p.stem for p in PLANS.glob("*.yaml")))
def test_example_plans_state_what_their_guides_said(name):
    plan = read_plan(PLANS / f"{name}.yaml")
    assert unstated_policy(plan) == [], f"plans/{name}.yaml leaves out sentences its guides printed"
    loc = Localizer(plan.locale)
    for ident, text in plan.policy.items():  # in the plan's own language
        english = english_messages()[ident]
        assert text == loc.words.get(ident, english), ident


def _plan_file(tmp_path, extra: str, drop_policy: bool = True) -> Path:
    text = (PLANS / "complete-conference.yaml").read_text(encoding="utf-8")
    if drop_policy:
        text = text[:text.index("\n# What the team promises")] + "\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_a_plan_without_policy_hears_what_is_no_longer_printed(tmp_path, example_plans_today):
    result = check_plan(_plan_file(tmp_path, ""))
    notes = [p for p in result.problems if p.rule == "POLICY-UNSTATED"]
    assert len(notes) == 1 and notes[0].severity == "warning"
    assert (notes[0].line, notes[0].column) == (next(n for n, line in enumerate(_plan_file(tmp_path, "").read_text().splitlines(), 1)
                                                     if line.startswith("format:")), 1)
    for ident in ("public.lede", "escalation.intro", "protocol.then", "rota.intro"):
        assert f"`{ident}`" in notes[0].message
    assert "desk.no-safety-room" not in notes[0].message  # the plan has a safety room: no place for that sentence
    assert "policy:" in (notes[0].hint or "")
    assert result.ok()
    said_none = check_plan(_plan_file(tmp_path, "policy: {}\n"))
    assert not [p for p in said_none.problems if p.rule == "POLICY-UNSTATED"]
    full = check_plan(PLANS / "complete-conference.yaml")
    assert not [p for p in full.problems if p.rule == "POLICY-UNSTATED"]


def test_a_label_under_policy_is_a_located_error_with_a_hint(tmp_path):
    path = _plan_file(tmp_path, "policy:\n  toc.title: In this guide\n  public.leed: Tell us.\n  rota.intro: Times are {zones}.\n")
    with pytest.raises(PlanError) as caught:
        read_plan(path)
    problems = {p.message: p for p in caught.value.problems}
    label = problems["`toc.title` is not a policy sentence of the guide"]
    assert label.hint == "`toc.title` is a label: reword it under `wording:`"
    assert problems["`public.leed` is not a policy sentence of the guide"].hint == "did you mean `public.lede`?"
    placeholder = problems["`{zones}` is not a value this sentence can fill in"]
    assert placeholder.hint == "the values it can fill in: {zone}"
    lines = path.read_text().splitlines()
    assert label.line == next(n for n, line in enumerate(lines, 1) if "toc.title" in line)


def test_a_policy_sentence_is_checked_for_pastes_where_it_prints(tmp_path, example_plans_today):
    """public.lede is on the public sheet: a responder's e-mail there is a paste; a volunteer-level role's name
    in the volunteer guide's protocol sentence is not (`protocol.then` is read by volunteers)."""
    path = _plan_file(tmp_path, "policy:\n"
                      "  public.lede: Tell us, or write to amara@example.org.\n"
                      "  protocol.then: Then call the lead responder on shift.\n")
    # in Japanese the English sentence is not the tool's own vocabulary, so the role's name in it is looked at
    path.write_text(path.read_text().replace("  languages: [en, el]\n", "  languages: [en, el]\n  locale: ja-JP\n", 1))
    pastes = [p for p in check_plan(path).problems if p.rule == "PRIVATE-PASTE"]
    assert [p.path for p in pastes] == [("policy", "public.lede")]
    lines = path.read_text().splitlines()
    assert pastes[0].line == next(n for n, line in enumerate(lines, 1) if "public.lede" in line)


@pytest.mark.parametrize("written", ['{zone"}', "{ zone }", "{Zone}", "{zone"])
def test_a_mistyped_value_to_fill_in_is_a_located_error_not_printed_as_typed(tmp_path, written):
    path = _plan_file(tmp_path, f"policy:\n  rota.intro: 'Times are {written}.'\nwording:\n  toc.title: 'In this guide {{pages}}'\n")
    with pytest.raises(PlanError) as caught:
        read_plan(path)
    problems = {p.message: p for p in caught.value.problems}
    mistyped = next(p for message, p in problems.items()
                    if message.startswith(f"`{written}") and message.endswith("` is not a value to fill in, and would print as it is"))
    assert mistyped.hint == "write a value as {name}; the values this sentence can fill in: {zone}"
    assert problems["`{pages}` is not a value this sentence can fill in"].hint == "the values it can fill in: none"
