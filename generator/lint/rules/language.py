"""Languages: someone speaks each of the event's, shared texts are translated, and the guides' own words exist in the locale."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context, item_name, strings
from ..registry import Finding, rule


@rule("TEAM-LANGUAGES", "warning", "No responder speaks one of the event's languages.",
      bad="""
          event: {languages: [en, cy]}
          responders:
            - {id: ana, name: Ana Example, languages: [en]}
          """,
      good="""
          event: {languages: [en, cy]}
          responders:
            - {id: ana, name: Ana Example, languages: [en, cy]}
          """)
def team_languages(context: Context) -> Iterator[Finding]:
    """Someone on the team speaks each of `event.languages`. Languages match on their main
    part (`en-GB` counts as `en`). A responder who lists no `languages` is taken to speak
    the event's first language.
    """
    wanted = context.plan.event.languages
    spoken = set()
    for responder in context.plan.responders:
        # a responder who lists no languages is taken to speak the event's main (first) language
        for tag in responder.languages or wanted[:1]:
            spoken.add(tag.split("-")[0].lower())
    for index, tag in enumerate(wanted):
        if tag.split("-")[0].lower() not in spoken:
            yield Finding(("event", "languages", index),
                          f"no responder speaks `{tag}`, one of the event's languages; add `{tag}` to the `languages` of a "
                          "responder who speaks it, or find one")


@rule("SHARED-LANGUAGE", "warning", "Texts from a shared plan (`extends`) are in another language than the event's locale "
      "(a stop-word and script heuristic).",
      bad="""
          extends: policy.yaml  # in English
          event: {locale: de-DE}
          # no German scenarios: the shared English ones are printed in a German guide
          """,
      good="""
          extends: policy.yaml
          event: {locale: de-DE}
          scenarios:
            - id: following  # the same id as the shared scenario: replaces it
              title: Jemand folgt einer Person oder bedrängt sie
          """)
def shared_language(context: Context) -> Iterator[Finding]:
    """An event that extends a shared plan (see [networks.md](networks.md)) and is in
    another language than the shared plan translates its texts. This rule lists, in one
    warning at `event.locale`, the shared items whose texts still look like another
    language: `scenarios[following]`, `procedure`, `communication`... The language is
    guessed by a simple heuristic, no model: Arabic or Japanese script, otherwise the
    most common short words of English, German, French, Spanish and Portuguese ("the",
    "und", "les", "para"...), at least three of them and twice as many as any other
    language's. A short label or a name is never flagged.
    """
    source = context.source
    if not source.files:
        return
    from ...plan.language import other_language

    locale = context.plan.locale
    items: dict[str, list[str]] = {}
    for path, value in strings(context.plan):
        if source.file_of(path) == source.file:
            continue
        found = other_language(value, locale)
        if found:
            items.setdefault(found, [])
            name = item_name(context.plan, path)
            if name not in items[found]:
                items[found].append(name)
    for language, names in items.items():
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        where = ("event", "locale") if ("event", "locale") in source.values else ("event",)
        yield Finding(where, f"shared texts look {language}, not {locale.split('-')[0]} like this event: {shown}",
                      hint="translate each in this plan: an item with the same `id` replaces the shared one, a section replaces "
                           "its texts key by key (`incident-guide show` prints the merged plan)")


@rule("SHARED-REPLACED", "warning", "An event's item replaces a shared item with the same `id` and leaves out keys the "
      "shared one has, which the guides then do not print.",
      bad="""
          extends: policy.yaml  # its scenario `barred-person` has handling, impact, risk and escalate_to
          scenarios:
            - id: barred-person  # translated: title and steps only
              title: Una persona que tiene prohibida la entrada
              steps: [Avisá a la persona responsable.]
          """,
      good="""
          extends: policy.yaml
          scenarios:
            - id: barred-person
              title: Una persona que tiene prohibida la entrada
              steps: [Avisá a la persona responsable.]
              handling: team-decision
              impact: high
              risk: high
              escalate_to: [lead]
          """)
def shared_replaced(context: Context) -> Iterator[Finding]:
    """An item of an event's plan with the same `id` as one of its shared plan's replaces it whole (see
    [networks.md](networks.md)); nothing of the shared item is kept. An event that translates a shared
    scenario or role and writes only its texts therefore drops the rest: the team decision, the impact
    and risk, whom to call, who may see it. This rule names, at the event's item, the keys the shared
    item had and the event's does not; write the ones that still hold, or waive the rule where leaving
    them out is meant.
    """
    for path, keys in context.source.left_out.items():
        if context.source.file_of(path) != context.source.file:
            continue  # replaced inside a shared plan that extends another: that plan's own check says so
        shown = ", ".join(f"`{key}`" for key in keys)
        yield Finding(path + ("id",), f"{item_name(context.plan, path)} replaces the shared item with its id whole, leaving out "
                      f"{shown}, which the shared one gives",
                      hint="write them here too if they still hold for this event (`incident-guide show` prints the shared "
                           "plan's values), or waive this rule")


@rule("LOCALE-CATALOG", "warning", "The guides' locale has no catalog of the tool's own words: they print in English.",
      bad="""
          event:
            locale: he-IL
          """,
      good="""
          event:
            locale: he-IL
          waivers:
            - rule: LOCALE-CATALOG
              reason: The headings are in our own Hebrew words under `wording:`.
          """)
def locale_catalog(context: Context) -> Iterator[Finding]:
    """The guides' locale (`event.locale`, or the first of `event.languages` in the venue's
    country) has no catalog of the tool's own words, so headings, labels and instructions
    print in English while dates, numbers and the page direction follow the locale (a
    Hebrew or Persian plan is still laid out right to left). The locales with every word
    translated are en-GB, en-US, de-DE, es-ES, fr-FR, pt-BR, ja-JP and ar-EG (any country
    with those languages too). Choose one of them, or give the words your team uses in
    `wording:` (docs/wording.md) and waive the rule.
    """
    from ...plan.language import SHIPPED
    from ...render.locale import Localizer

    plan = context.plan
    loc = Localizer(plan.locale)
    if loc.has_catalog:
        return
    name = loc.babel.get_display_name("en") or plan.locale
    path = ("event", "locale") if plan.event.locale else ("event", "languages", 0)
    direction = " (laid out right to left)" if loc.direction == "rtl" else ""
    yield Finding(path, f"incident-guide has no catalog for {name} (`{plan.locale}`): the guides' own headings, labels and "
                  f"instructions will be in English; the plan's text prints as you wrote it{direction}",
                  hint=f"locales with every word translated: {', '.join(SHIPPED)}; or write the words in `wording:` "
                       "(docs/wording.md)")
