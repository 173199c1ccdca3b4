"""The waivers themselves: each names a rule it may switch off where it is written, and still switches something off."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..registry import Finding, rule
from ..waivers import fault, kind_word


@rule("WAIVER-RULE", "error", "A waiver names an unknown rule, or a rule that cannot apply where the waiver is.", waivable=False,
      bad="""
          responders:
            - id: ana
              name: Ana Example
              waivers:
                - {rule: TEAM-SIZE, reason: Two leaders run the meetup.}
          """,
      good="""
          waivers:
            - {rule: TEAM-SIZE, reason: Two leaders run the meetup.}
          """)
def waiver_rule(context: Context) -> Iterator[Finding]:
    """A waiver names a rule that does not exist (the message suggests the closest one), a
    rule that cannot be waived, or a rule that cannot apply where the waiver is written
    (for example `TEAM-SIZE` on a responder: it is about the whole plan).
    """
    for site in context.plan.all_waivers():
        wrong = fault(site)
        if wrong:
            message, hint = wrong
            yield Finding(site.path + ("rule",), message, hint=hint)


@rule("WAIVER-UNUSED", "warning", "A waiver switches off a rule that nothing breaks there.", waivable=False, after_waivers=True,
      bad="""
          responders:  # three responders: TEAM-SIZE has nothing to say
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
            - {id: ben, name: Ben Example, role: lead, fallback: ana}
            - {id: cai, name: Cai Example}
          waivers:
            - {rule: TEAM-SIZE, reason: Two leaders run the meetup.}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, role: lead, fallback: ben}
            - {id: ben, name: Ben Example, role: lead, fallback: ana}
            - {id: cai, name: Cai Example}
          """)
def waiver_unused(context: Context) -> Iterator[Finding]:
    """A waiver switches off a rule that nothing breaks where it is written, perhaps because
    the plan was fixed since. Remove the waiver, so the guide does not list an exception
    that no longer exists.
    """
    for waiver in context.waivers:
        if not waiver.used:
            where = f"on this {kind_word(waiver.kind)}" if waiver.kind else "in this plan"
            yield Finding(waiver.path + ("rule",), f"nothing {where} breaks {waiver.rule}; remove this waiver")
