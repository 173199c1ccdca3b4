"""Step 3, lint: policy rules on a valid plan, the way a linter catches bugs.

A plan can be valid and still fail people at 11 pm on the second night: a shift
with no second responder, a couple covering each other's reports, a hotline nobody
answers. Every rule has a stable id (`TEAM-SIZE`), one severity, a message that
says what to change, and the position of the node to change.

Each rule is one declaration (registry.py): its id, severity, summary, where it may
be waived, its documentation with a bad and a good example, and its check. The
rules live in rules/, by topic; docs/rules.md is written from them by
scripts/make_rules.py. Waivers (waivers.py) switch a rule off for the plan or one item.
"""

from __future__ import annotations

import datetime as dt

from ..errors import Problem
from ..plan.load import SourceMap
from ..plan.model import Plan
from . import rules as _rules  # noqa: F401  (declares every rule)
from .context import Context
from .registry import RULES, Finding, Rule
from .waivers import waived

__all__ = ["RULES", "Rule", "lint"]


def lint(plan: Plan, source: SourceMap, *, today: dt.date | None = None) -> list[Problem]:
    """Every rule's findings on `plan`, minus the waived ones, sorted by position.

    `today` only matters for a plan without event dates (REVIEW-DATE); it defaults
    to the current date.
    """
    context = Context(plan, source, today or _today())
    problems = []
    for rule in sorted(RULES.values(), key=lambda r: r.after_waivers):  # WAIVER-UNUSED last: it reads which waivers were used
        for finding in rule.check(context):
            if not (rule.waivable and waived(rule.id, finding, context.waivers)):
                problems.append(_problem(source, rule, finding))
    return sorted(problems, key=lambda p: (p.line, p.column, p.rule or ""))


def _today() -> dt.date:
    """Today's date, for REVIEW-DATE on a plan without event dates (tests pin it)."""
    return dt.date.today()


def _problem(source: SourceMap, rule: Rule, finding: Finding) -> Problem:
    if finding.at:
        end = finding.end
        return source.located(finding.path, *finding.at, finding.message, hint=finding.hint, severity=rule.severity, rule=rule.id,
                              end_line=end and end[0], end_column=end and end[1])
    return source.problem(finding.path, finding.message, at_key=finding.at_key, hint=finding.hint,
                          severity=rule.severity, rule=rule.id)
