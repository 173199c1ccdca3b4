"""Upkeep: the plan is read through every year, and states the policy the guides no longer print by default."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...plan.model import Plan
from ...plan.policy import POLICY
from ..context import Context
from ..registry import Finding, rule


@rule("REVIEW-DATE", "warning", "The plan has no `last_reviewed` date, or it is more than a year old.",
      bad="""
          event:
            starts: 2027-06-09
            last_reviewed: 2026-03-01
          """,
      good="""
          event:
            starts: 2027-06-09
            last_reviewed: 2027-04-20
          """)
def review_date(context: Context) -> Iterator[Finding]:
    """The team reads the plan through before each event and records the date in
    `event.last_reviewed`. The rule fires when the date is missing, or is more than a year
    before the event starts. For a plan without event dates (an online community) the
    date is compared with the day `check` runs.
    """
    event = context.plan.event
    if event.last_reviewed is None:
        yield Finding(("event",), "the plan has no `last_reviewed` date; read it through with the team and write the date in "
                      "`event.last_reviewed`", at_key=True)
        return
    reference = event.starts or context.today
    try:
        year_before = reference.replace(year=reference.year - 1)
    except ValueError:  # 29 February
        year_before = reference.replace(year=reference.year - 1, day=28)
    if event.last_reviewed < year_before:
        when = f"the event starts ({event.starts})" if event.starts else f"today ({context.today})"
        yield Finding(("event", "last_reviewed"), f"the plan was last reviewed on {event.last_reviewed}, more than a year before {when}; "
                      "read it through with the team and update `last_reviewed`")


@rule("POLICY-UNSTATED", "warning", "The plan has no `policy:`, so sentences the guides printed by default before (promises, "
      "what volunteers do, advice) are no longer printed; the warning names them.",
      bad="""
          format: 1
          event:
            name: Example Summit
          """,
      good="""
          format: 1
          policy:
            public.lede: Tell us if something makes you or someone else feel unsafe. We read every report within a day.
            escalation.intro: Any member of the committee can take a report; contact whoever you reach first.
          """)
def policy_unstated(context: Context) -> Iterator[Finding]:
    """What the team promises and asks of people is the plan's to say: "we will keep you
    informed", "never try to resolve a report alone", "pass a report up the chain one step
    at a time". The guides print those sentences only from the plan's `policy:` (the ids
    marked `policy` in [wording.md](wording.md)); a sentence the plan does not state is not
    printed. Earlier versions printed the tool's own sentence instead.

    The rule fires for a plan that has no `policy:` key at all (one written before the
    change) and names each sentence its guides have a place for and no longer print. Write
    the ones your team stands by under `policy:`, in your own words; `policy: {}` says the
    plan states none on purpose, and silences the warning.

    The public sheet of the plan below no longer promises "will keep you informed".
    """
    plan = context.plan
    if "policy" in plan.model_fields_set:
        return
    from ...render.html import unstated_policy  # renders the guides: only for plans without `policy:`

    unstated = unstated_policy(plan)
    if not unstated:
        return
    names = "; ".join(f"`{ident}` ({POLICY[ident]})" for ident in unstated)
    yield Finding(("format",), f"the guides no longer print the tool's own policy sentences, and this plan states none: {names}",
                  hint="write the ones your team stands by under `policy:`, in your own words (docs/wording.md has "
                       "the earlier English text; `incident-guide init` writes them into a new plan); `policy: {}` says none",
                  at_key=True)


# Policy sentences said one way or another by the plan's shape: (id, whether this plan's guides print it, the id
# they print in its place, the shape that prints the id).
_SHAPED: tuple[tuple[str, Callable[[Plan], bool], str | None, str], ...] = (
    ("protocol.then", lambda plan: bool(plan.rota), "protocol.then-tell", "a plan with a rota"),
    ("protocol.then-tell", lambda plan: not plan.rota, "protocol.then", "a plan without a rota"),
    ("form.not-public", lambda plan: bool(plan.rota), "form.not-public-team", "a plan with a rota"),
    ("form.not-public-team", lambda plan: not plan.rota, "form.not-public", "a plan without a rota"),
    ("responses.intro", lambda plan: plan.assessment is not None, "responses.intro-no-assessment", "a plan with an `assessment`"),
    ("responses.intro-no-assessment", lambda plan: plan.assessment is None, "responses.intro", "a plan without an `assessment`"),
    ("rota.intro", lambda plan: bool(plan.rota), None, "a plan with a rota"),
    ("leads.intro-backup", lambda plan: bool(plan.rota), None, "a plan with a rota"),
)


@rule("POLICY-ELSEWHERE", "warning", "A policy sentence the plan states is one its guides never print: it is for a plan of "
      "another shape (with a rota, or without one); the warning names the sentence they print instead.",
      bad="""
          rota: []
          policy:
            protocol.then: Then call the lead on shift. Never try to resolve a report alone.
          """,
      good="""
          rota: []
          policy:
            protocol.then-tell: Then tell the organizers. Never try to resolve a report alone.
          """)
def policy_elsewhere(context: Context) -> Iterator[Finding]:
    """Some sentences of the policy are said one way by a plan with a rota ("then call the
    lead on shift", `protocol.then`) and another by a plan without one ("then tell the
    team", `protocol.then-tell`); the report form's hand-in line and the responses'
    introduction too (with or without an `assessment`). A plan that states the one its
    guides have no place for prints nothing there: the rule names the sentence to state
    instead.
    """
    for ident, printed, instead, shape in _SHAPED:
        if ident in context.plan.policy and not printed(context.plan):
            where = (f"its guides print `{instead}` in its place: state that one" if instead
                     else "this plan's guides have no place for it")
            yield Finding(("policy", ident), f"`{ident}` is printed only in {shape}, and {where}", at_key=True)
