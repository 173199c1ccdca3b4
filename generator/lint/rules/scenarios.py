"""Scenarios: each says whom to call, and the serious ones are decided by the team, not read from a script."""

from __future__ import annotations

from collections.abc import Iterator

from ...plan.model import DEFAULT_LEVELS, Handling
from ..context import Context
from ..registry import Finding, rule


@rule("SCENARIO-ESCALATION", "warning", "A scenario has no `escalate_to`.", items=("scenarios",),
      bad="""
          scenarios:
            - id: unsure
              title: An unsure reporter
              applies_when: Someone hesitates to report.
              impact: low
              risk: low
              steps: [Listen without pressure.]
          """,
      good="""
          scenarios:
            - id: unsure
              title: An unsure reporter
              applies_when: Someone hesitates to report.
              impact: low
              risk: low
              steps: [Listen without pressure.]
              escalate_to: [response-team]
          """)
def scenario_escalation(context: Context) -> Iterator[Finding]:
    """Every scenario says who to call (`escalate_to`: role or responder ids). Ids that do
    not exist are already an error when the plan is read.
    """
    for index, scenario in enumerate(context.plan.scenarios):
        if not scenario.escalate_to:
            yield Finding(("scenarios", index, "id"), f"scenario `{scenario.id}` has no `escalate_to`; name who to call when it happens "
                          "(a role such as `lead`, or a responder)")


@rule("SCENARIO-DECISION", "warning", "A high-impact or high-risk scenario is only scripted, not a team decision.", items=("scenarios",),
      bad="""
          scenarios:
            - id: weapon
              title: Someone threatens violence
              applies_when: A weapon is seen or violence is threatened.
              impact: high
              risk: high
              steps: [Call 999, move people away.]
              escalate_to: [lead]
          """,
      good="""
          scenarios:
            - id: weapon
              title: Someone threatens violence
              applies_when: A weapon is seen or violence is threatened.
              impact: high
              risk: high
              handling: team-decision
              steps: [Call 999, move people away.]
              escalate_to: [lead]
          """)
def scenario_decision(context: Context) -> Iterator[Finding]:
    """A scenario at the highest impact or the highest risk level is decided by the team
    (`handling: team-decision`), not handled from a script alone. "Highest" is the last
    level in `assessment.impact_levels` / `assessment.risk_levels`, or `high` in a plan
    without an assessment. When the script really is enough (the decision was taken
    beforehand), waive it on the scenario and say so.
    """
    assessment = context.plan.assessment
    high_impact = assessment.impact_levels[-1].id if assessment and assessment.impact_levels else DEFAULT_LEVELS[-1]
    high_risk = assessment.risk_levels[-1].id if assessment and assessment.risk_levels else DEFAULT_LEVELS[-1]
    for index, scenario in enumerate(context.plan.scenarios):
        path = ("scenarios", index)
        high = [what for what, level, top in (("impact", scenario.impact, high_impact), ("risk", scenario.risk, high_risk))
                if level == top]
        if high and scenario.handling == Handling.scripted:
            where = path + ("handling",) if path + ("handling",) in context.source.values else path + ("id",)
            yield Finding(where, f"scenario `{scenario.id}` is high {' and high '.join(high)} but only scripted; set "
                          "`handling: team-decision` so the team decides together, or waive with the reason a script is enough")
