"""Waivers switch a rule off: the top-level `waivers:` for the whole plan, or the `waivers:` of one
responder, shift, channel, scenario or venue for that item only.

Each needs a reason (the responder guide prints it). A waiver naming an unknown rule, or a rule
that cannot apply where it is written, is an error (WAIVER-RULE); one that no longer matches
anything is a warning (WAIVER-UNUSED). Both rules are declared in rules/waivers.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import did_you_mean
from ..plan.model import Plan, WaiverSite
from .registry import ITEM_WORDS, RULES, Finding


@dataclass
class Waiver:
    rule: str
    scope: tuple[Any, ...] | None  # item path, or None for the whole plan
    kind: str | None  # item kind, or None for the whole plan
    path: tuple[Any, ...]  # where the waiver is written
    used: bool = False


def fault(site: WaiverSite) -> tuple[str, str | None] | None:
    """Why the waiver at `site` cannot switch anything off (the message and a hint), or None when it can."""
    kind, rule_id = site.kind, site.waiver.rule
    rule = RULES.get(rule_id)
    if rule is None or not rule.waivable:
        waivable = sorted(r.id for r in RULES.values() if r.waivable)
        return (f"`{rule_id}` is not a rule that can be waived; use a rule id from docs/rules.md",
                did_you_mean(rule_id.upper(), waivable))  # `team-size` gets TEAM-SIZE
    if kind is not None and kind not in rule.items:
        places = [ITEM_WORDS[k] for k in rule.items]
        return (f"{rule_id} cannot apply to {ITEM_WORDS[kind]}; "
                + (f"waive it on {' or '.join(places)}, or " if places else "")
                + "move this waiver to the top-level `waivers:` to switch it off for the whole plan"), None
    return None


def valid_waivers(plan: Plan) -> list[Waiver]:
    return [Waiver(site.waiver.rule, site.scope if site.item is not None else None, site.kind, site.path)
            for site in plan.all_waivers() if fault(site) is None]


def waived(rule: str, finding: Finding, waivers: list[Waiver]) -> bool:
    """Whether a waiver switches the finding off; every waiver that does is marked used."""
    found = False
    for waiver in waivers:
        if waiver.rule != rule:
            continue
        if waiver.scope is None or not finding.plan_wide and (finding.path[: len(waiver.scope)] == waiver.scope
                                                               or waiver.scope in finding.subjects):
            waiver.used = found = True
    return found


def kind_word(kind: str) -> str:
    """`shift` for "rota": what one item of that kind is called."""
    return ITEM_WORDS[kind].split(" ", 1)[1]
