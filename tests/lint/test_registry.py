"""A lint rule is one declaration: its id, severity, where it may be waived, its documentation and its check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.lint import RULES, lint
from generator.lint.registry import Finding, rule
from generator.plan.load import load_text
from generator.plan.validate import validate

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture
def registry():
    """RULES as it was before the test declared its own."""
    before = dict(RULES)
    yield RULES
    RULES.clear()
    RULES.update(before)


def lines(text: str) -> list[str]:
    loaded = load_text(text, "plan.yaml")
    return [str(p) for p in lint(validate(loaded), loaded.source, today=dt.date(2027, 6, 1))]


def test_a_declared_rule_runs_and_its_findings_carry_its_id_severity_and_waivers(registry):
    @rule("VENUE-EXAMPLE-NAME", "error", "A venue still has the example's name.", items=("venues",),
          bad="""
              venues:
                - {id: hall, name: Example Hall}
              """,
          good="""
              venues:
                - {id: hall, name: Conference Centre}
              """)
    def venue_example_name(context):
        """A venue has its real name."""
        for index, venue in enumerate(context.plan.venues):
            if venue.name.startswith("Example"):
                yield Finding(("venues", index, "name"), f"`{venue.name}` is the example's name")

    declared = registry["VENUE-EXAMPLE-NAME"]
    assert declared.check is venue_example_name and declared.explanation == "A venue has its real name."
    assert declared.bad == "venues:\n  - {id: hall, name: Example Hall}\n"
    assert declared.waived_where == "can be waived on a venue, or for the whole plan"
    assert lines(BASE) == ["plan.yaml:16:11: error: `Example Hall` is the example's name [VENUE-EXAMPLE-NAME]"]
    on_the_venue = BASE.replace("    name: Example Hall\n", "    name: Example Hall\n    waivers: [{rule: VENUE-EXAMPLE-NAME, reason: Its name is its own.}]\n")
    assert lines(on_the_venue) == []
    on_a_responder = BASE.replace("    name: Ana Example\n", "    name: Ana Example\n    waivers: [{rule: VENUE-EXAMPLE-NAME, reason: Not on a responder.}]\n")
    assert [line.split(": ", 2)[2] for line in lines(on_a_responder)] == [
        "`Example Hall` is the example's name [VENUE-EXAMPLE-NAME]",
        "VENUE-EXAMPLE-NAME cannot apply to a responder; waive it on a venue, or move this waiver to the top-level `waivers:` to "
        "switch it off for the whole plan [WAIVER-RULE]"]


def test_a_rule_id_is_declared_once(registry):
    with pytest.raises(AssertionError, match="TEAM-SIZE is declared twice"):
        rule("TEAM-SIZE", "warning", "Again.", bad="{}", good="{}")(lambda context: [])


def test_where_each_rule_may_be_waived_is_said_from_its_declaration():
    assert RULES["TEAM-SIZE"].waived_where == "can be waived for the whole plan"
    assert RULES["SHIFT-OVERLAP"].waived_where == "can be waived on a shift or a responder, or for the whole plan"
    assert RULES["PLACEHOLDER"].waived_where == "can be waived on any item, or for the whole plan"
    assert RULES["PRIVATE-PASTE"].waived_where == "cannot be waived"
