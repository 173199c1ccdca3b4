"""A lint rule is one declaration: its id, severity, summary, where it may be waived, its documentation and its check.

    @rule("TEAM-SIZE", "warning", "The team has two responders, or more than five on a rota.",
          bad="...", good="...")
    def team_size(context: Context) -> Iterator[Finding]:
        \"\"\"What the rule asks for, in the words of docs/rules.md.\"\"\"
        ...
        yield Finding(("responders",), "the team has 2 responders; ...", at_key=True)

The check yields what it found without naming the rule again; `lint` gives each finding the
rule's id and severity. RULES (in declaration order, which is the order of docs/rules.md)
is what `check`, the waivers, the SARIF report and scripts/make_rules.py read.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..plan.model import ITEM_KINDS

Severity = Literal["error", "warning"]

# what each kind of item that carries `waivers:` is called in messages and docs
ITEM_WORDS = {"venues": "a venue", "responders": "a responder", "rota": "a shift", "channels": "a channel", "scenarios": "a scenario"}


@dataclass(frozen=True)
class Finding:
    """One thing a check found: where (a path in the plan), what to change; the rule is the check's."""

    path: tuple[Any, ...]
    message: str
    hint: str | None = None
    at_key: bool = False
    subjects: tuple[tuple[Any, ...], ...] = ()  # item paths whose waivers may also switch this finding off
    plan_wide: bool = False  # only a waiver for the whole plan switches it off (more than any one item's exception)
    at: tuple[int, int] | None = None  # a position of its own (a comment, a character inside a value), not the value's
    end: tuple[int, int] | None = None  # where that position's text ends, when known


Check = Callable[[Any], Iterable[Finding]]  # takes a lint.context.Context (not imported: context reads the waivers, which read RULES)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # one sentence: SARIF's shortDescription
    check: Check
    items: tuple[str, ...] = ()  # item kinds whose own `waivers:` may switch it off (the plan always may)
    waivable: bool = True
    after_waivers: bool = False  # runs once the other rules' findings are waived (it reads which waivers were used)
    explanation: str = ""  # docs/rules.md: the check's docstring
    bad: str = ""  # docs/rules.md: YAML that breaks the rule...
    good: str = ""  # ...and the same YAML mended
    also: tuple[tuple[str, str], ...] = ()  # docs/rules.md: more examples, (caption, YAML)

    @property
    def waived_where(self) -> str:
        """Where a waiver may switch the rule off, in the words of docs/rules.md."""
        if not self.waivable:
            return "cannot be waived"
        if not self.items:
            return "can be waived for the whole plan"
        places = "any item" if set(self.items) == set(ITEM_KINDS) else " or ".join(ITEM_WORDS[kind] for kind in self.items)
        return f"can be waived on {places}, or for the whole plan"


RULES: dict[str, Rule] = {}


def rule(ident: str, severity: Severity, summary: str, *, bad: str, good: str, also: Mapping[str, str] | None = None,
         items: Iterable[str] = (), waivable: bool = True, after_waivers: bool = False) -> Callable[[Check], Check]:
    """Declare the decorated check as the rule `ident`; its docstring is the rule's explanation in docs/rules.md."""
    def declare(check: Check) -> Check:
        assert ident not in RULES, f"{ident} is declared twice"
        RULES[ident] = Rule(ident, severity, summary, check, tuple(items), waivable, after_waivers,
                            inspect.cleandoc(check.__doc__ or ""), _block(bad), _block(good),
                            tuple((caption, _block(example)) for caption, example in (also or {}).items()))
        return check
    return declare


def _block(text: str) -> str:
    """A YAML example as written in a triple-quoted string: its common indentation and the blank first line dropped."""
    return textwrap.dedent(text).lstrip("\n")
