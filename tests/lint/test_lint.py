"""The lint rules: each fires at the right place on a plan that breaks it and stays silent on one that does not.

Every bad plan is the minimal valid plan in tests/fixtures/lint/minimal.yaml with its
YAML text edited, so line and column numbers are those an organizer would see.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import PlanError
from generator.lint import RULES, lint
from generator.plan.load import load_text
from generator.plan.validate import validate

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_text(encoding="utf-8")
TODAY = dt.date(2027, 6, 1)


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, f"expected exactly one {old!r} in the plan"
        text = text.replace(old, new)
    return text


def problems(text: str, today: dt.date = TODAY):
    loaded = load_text(text, "plan.yaml")
    return lint(validate(loaded), loaded.source, today=today)


def lines(text: str, today: dt.date = TODAY) -> list[str]:
    return [str(p) for p in problems(text, today)]


# SHIFT-COVERAGE's hint to a plan without on-call hours
HOURS_HINT = '\n  hint: if the team is on call only some hours of each day, say which: `event.on_call_hours: {start: "08:00", end: "23:00"}`'
# ... to a gap at the event's very start or end
OPENS_HINT = HOURS_HINT.replace("hint: ", 'hint: if the event opens later on its first day, say when: `event.opens: "12:00"`; ')
CLOSES_HINT = HOURS_HINT.replace("hint: ", 'hint: if the event closes earlier on its last day, say when: `event.closes: "14:00"`; ')


def fired(text: str, rule: str, today: dt.date = TODAY) -> list[str]:
    return [str(p) for p in problems(text, today) if p.rule == rule]


def move_day(text: str, day: str, next_day: str) -> str:
    return text.replace("2027-06-10", next_day).replace("2027-06-09", day)


# Plan variants used by several tests --------------------------------------------

EVE = """  - id: eve
    name: Eve Example
    phone: 020 7946 0005
    email: eve@example.org
"""
CAI_AND_DEV = """  - id: cai
    name: Cai Example
    phone: 020 7946 0003
    email: cai@example.org
  - id: dev
    name: Dev Example
    phone: 020 7946 0004
    email: dev@example.org
"""
TWO_LEADERS = edit(
    BASE,
    (CAI_AND_DEV, ""),
    ("lead: ana, responders: [cai]}\n  - {start: 2027-06-09 08:00", "lead: ana, responders: [ben]}\n  - {start: 2027-06-09 08:00"),
    ("lead: ben, responders: [dev]", "lead: ben, responders: [ana]"),
    ("16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]", "16:00, end: 2027-06-10 00:00, lead: ben, responders: [ana]"),
)
ONE_RESPONDER = edit(
    BASE,
    ("""    fallback: ben
  - id: ben
    name: Ben Example
    role: lead
    phone: 020 7946 0002
    email: ben@example.org
    fallback: ana
""" + CAI_AND_DEV, "\n"),
    ("""  - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
  - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
  - {start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]}
""", "  - {start: 2027-06-09 00:00, end: 2027-06-10 00:00, lead: ana}\n"),
)


# the minimal plan with volunteers, who read the volunteer guide
WITH_HELPERS = edit(BASE, ("    duties: [Hears appeals.]\n",
                           "    duties: [Hears appeals.]\n  - {id: helpers, name: Helpers, kind: volunteers, duties: [Welcome people.]}\n"))


def with_channel(line: str) -> str:
    return edit(BASE, ("      phone: 020 7946 0100\n", "      phone: 020 7946 0100\n" + line))


def relationship(kind: str, other: str = "cai") -> str:
    return edit(BASE, ("    fallback: ben\n", f"    fallback: ben\n    relationships:\n      - {{with: {other}, kind: {kind}}}\n"))


# Each rule: (rule, bad plan, the exact lines it prints, a plan where it is silent) ------

CASES = [
    pytest.param(
        "POLICY-UNSTATED", BASE.replace("policy: {}\n", ""),
        ["plan.yaml:3:1: warning: the guides no longer print the tool's own policy sentences, and this plan states none: "
         "`cover.no-safety-room` (who to ask for a quiet place when the plan has no safety room, on the volunteer guide); "
         "`desk.no-safety-room` (who to ask for a quiet place when the plan has no safety room, on the desk sheet of a plan with a rota); "
         "`escalation.intro` (how a report passes up the chain); "
         "`leads.intro-backup` (that volunteers call the lead on shift first, then the backup after a few minutes); "
         "`poster.lede` (the poster's promise that the team listens in confidence); "
         "`protocol.then` (that a volunteer calls the lead on shift and never resolves a report alone); "
         "`public.lede` (the public sheet's promise to listen, keep reports private and keep the person informed); "
         "`public.no-channels` (where to ask for the team when the plan lists no public way to report); "
         "`rota.intro` (that the lead on each shift is the volunteers' first call) [POLICY-UNSTATED]\n"
         "  hint: write the ones your team stands by under `policy:`, in your own words (docs/wording.md has the earlier "
         "English text; `incident-guide init` writes them into a new plan); `policy: {}` says none"],
        BASE, id="POLICY-UNSTATED"),
    pytest.param(
        "CHAIN-ORDER", BASE.replace("  chain: [response-team, board]", "  chain: [board, board]\n  appeals:\n    to: [response-team]\n    how: Write to us within a week."),
        ["plan.yaml:64:3: warning: the chain never reaches the response team: no role in it is of kind `response-team` or "
         "`lead`, so reports pass it by; add the team's role to the chain [CHAIN-ORDER]",
         "plan.yaml:64:18: warning: `board` is in the chain twice; a report passes up the chain once, each role one step: "
         "name it once [CHAIN-ORDER]",
         "plan.yaml:66:10: warning: `response-team` (kind `response-team`) would hear appeals against its own decisions; "
         "appeals go to a role outside the team, e.g. of kind `board` or `partner` [CHAIN-ORDER]"],
        BASE, id="CHAIN-ORDER"),
    pytest.param(
        "POLICY-ELSEWHERE", BASE.replace("policy: {}\n", "policy:\n  protocol.then-tell: Then tell the organizers. Never try to resolve a report alone.\n"),
        ["plan.yaml:80:3: warning: `protocol.then-tell` is printed only in a plan without a rota, and its guides print "
         "`protocol.then` in its place: state that one [POLICY-ELSEWHERE]"],
        BASE.replace("policy: {}\n", "policy:\n  protocol.then: Then call the lead on shift. Never try to resolve a report alone.\n"),
        id="POLICY-ELSEWHERE"),
    pytest.param(
        "TEAM-MINIMUM", ONE_RESPONDER,
        ["plan.yaml:32:1: error: the team has 1 responder; add at least one more so nobody handles a report alone "
         "and a report about a responder has someone to go to [TEAM-MINIMUM]"],
        TWO_LEADERS, id="TEAM-MINIMUM"),
    pytest.param(
        "TEAM-SIZE", TWO_LEADERS,
        ["plan.yaml:32:1: warning: the team has 2 responders; add a third so the team can rotate and step aside when conflicted [TEAM-SIZE]"],
        BASE, id="TEAM-SIZE-two"),
    pytest.param(
        "TEAM-SIZE", edit(BASE, ("    email: dev@example.org\n", "    email: dev@example.org\n" + EVE + EVE.replace("eve", "fay").replace("Eve", "Fay").replace("0005", "0006"))),
        ["plan.yaml:32:1: warning: the team has 6 responders; a team this large is hard to keep in step; keep three to five "
         "responders and make the others volunteers (a role in `roles:`, not responders), or waive this rule saying why "
         "the team needs them all [TEAM-SIZE]"],
        edit(BASE, ("    email: dev@example.org\n", "    email: dev@example.org\n" + EVE)), id="TEAM-SIZE-six"),
    pytest.param(
        "TEAM-REACH", edit(WITH_HELPERS, *[(f"    phone: 020 7946 000{n}\n", f"    phone: 020 7946 000{n}\n    visibility: {{phone: responder}}\n")
                                          for n in range(1, 5)]),
        ["plan.yaml:33:1: warning: volunteers can reach no responder: none has a phone, e-mail or chat handle volunteers may "
         "see, so the volunteer guide lists names only [TEAM-REACH]\n  hint: give the leads a phone, or let volunteers see an "
         "address or handle (`visibility: {chat: volunteer}` on each responder), or set `team: {organizers_respond: true}` "
         "if only the responders take reports"],
        edit(WITH_HELPERS, ("    phone: 020 7946 0001\n", "    phone: 020 7946 0001\n    visibility: {phone: responder, email: volunteer}\n")),
        id="TEAM-REACH"),
    pytest.param(
        "TEAM-REACH", edit(WITH_HELPERS, ("    phone: 020 7946 0002\n", "    phone: 020 7946 0002\n    visibility: {phone: responder}\n")),
        ["plan.yaml:40:9: warning: `ben` leads shifts, but volunteers may see no phone, e-mail or chat handle of theirs: the "
         "on-call table gives their name only [TEAM-REACH]\n  hint: give them a phone volunteers may see, or let volunteers "
         "see an address or handle (`visibility: {chat: volunteer}`)"],
        WITH_HELPERS, id="TEAM-REACH-lead"),
    pytest.param(
        "TEAM-CONFLICT", relationship("partner"),
        ["plan.yaml:57:78: error: `cai` and `ana` are partners (line 40) and are on the same shift, which `ana` leads; move one of them to another shift [TEAM-CONFLICT]",
         "plan.yaml:59:78: error: `cai` and `ana` are partners (line 40) and are on the same shift, which `ana` leads; move one of them to another shift [TEAM-CONFLICT]"],
        relationship("partner", "dev"), id="TEAM-CONFLICT-shift"),
    pytest.param(
        "TEAM-CONFLICT", edit(TWO_LEADERS, ("    fallback: ben\n", "    fallback: ben\n    relationships: [{with: ben, kind: family}]\n")),
        ["plan.yaml:33:5: error: `ana` and `ben` are family and make up the whole team: nobody independent can take a report "
         "about either of them; add an independent responder [TEAM-CONFLICT]",
         "plan.yaml:48:78: error: `ben` and `ana` are family (line 39) and are on the same shift, which `ana` leads; move one of them to another shift [TEAM-CONFLICT]",
         "plan.yaml:49:78: error: `ana` and `ben` are family (line 39) and are on the same shift, which `ben` leads; move one of them to another shift [TEAM-CONFLICT]",
         "plan.yaml:50:78: error: `ana` and `ben` are family (line 39) and are on the same shift, which `ben` leads; move one of them to another shift [TEAM-CONFLICT]"],
        edit(TWO_LEADERS, ("    fallback: ben\n", "    fallback: ben\n    relationships: [{with: ben, kind: other, note: Former colleagues.}]\n")),
        id="TEAM-CONFLICT-whole-team"),
    pytest.param(
        "TEAM-CONFLICT", edit(BASE, ("    fallback: ben\n", "    fallback: ben\n    relationships:\n"
                                     "      - {with: ben, kind: conflict}\n      - {with: cai, kind: conflict}\n      - {with: dev, kind: conflict}\n"),
                              ("lead: ana, responders: [cai]}\n  - {start: 2027-06-09 08:00", "lead: ben, responders: [cai]}\n  - {start: 2027-06-09 08:00"),
                              ("16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]", "16:00, end: 2027-06-10 00:00, lead: ben, responders: [cai]")),
        ["plan.yaml:33:5: error: every other responder has declared a partner, family or conflict relationship with `ana`: "
         "nobody independent can take a report about them; add an independent responder [TEAM-CONFLICT]"],
        BASE, id="TEAM-CONFLICT-nobody-independent"),
    pytest.param(
        "LEAD-FALLBACK", edit(BASE, ("    fallback: ana\n", "")),
        ["plan.yaml:41:11: warning: `ben` is a lead but has no `fallback`; name the responder who takes over when a report "
         "involves them (`fallback: ID`) [LEAD-FALLBACK]"],
        BASE, id="LEAD-FALLBACK-missing"),
    pytest.param(
        "LEAD-FALLBACK", edit(BASE, ("lead: ben, responders: [dev]", "lead: dev, responders: [ben]")),
        ["plan.yaml:49:9: warning: `dev` leads shifts but has no `fallback`; name the responder who takes over when a report "
         "involves them (`fallback: ID`) [LEAD-FALLBACK]"],
        edit(BASE, ("lead: ben, responders: [dev]", "lead: dev, responders: [ben]"), ("    email: dev@example.org\n", "    email: dev@example.org\n    fallback: ana\n")),
        id="LEAD-FALLBACK-shift-lead"),
    pytest.param(
        "LEAD-FALLBACK", relationship("family", "ben"),
        ["plan.yaml:38:15: warning: `ana`'s fallback `ben` is not independent: they are family (line 40); choose another fallback [LEAD-FALLBACK]",
         "plan.yaml:46:15: warning: `ben`'s fallback `ana` is not independent: they are family (line 40); choose another fallback [LEAD-FALLBACK]"],
        relationship("other", "ben"), id="LEAD-FALLBACK-conflicted"),
    pytest.param(
        "SHIFT-STAFFING", edit(BASE, ("lead: ben, responders: [dev]", "lead: ben, responders: []"),
                               ("16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]", "16:00, end: 2027-06-10 00:00, lead: ana, responders: [ana, cai, cai]")),
        ["plan.yaml:56:77: error: the shift 2027-06-09 08:00 to 16:00 BST has only its lead `ben`; add at least one more "
         "responder to `responders` so nobody takes a report alone [SHIFT-STAFFING]",
         "plan.yaml:57:78: error: `ana` is this shift's lead; each person appears once on a shift [SHIFT-STAFFING]",
         "plan.yaml:57:88: error: `cai` is listed earlier on this shift; each person appears once on a shift [SHIFT-STAFFING]"],
        BASE, id="SHIFT-STAFFING"),
    pytest.param(
        "SHIFT-STAFFING", edit(BASE, ("lead: ben, responders: [dev]}", "lead: ben}")),
        ["plan.yaml:56:60: error: the shift 2027-06-09 08:00 to 16:00 BST has only its lead `ben`; add at least one more "
         "responder to `responders` so nobody takes a report alone [SHIFT-STAFFING]"],
        BASE, id="SHIFT-STAFFING-no-key"),
    pytest.param(
        "SHIFT-COVERAGE", edit(BASE, ("start: 2027-06-09 00:00", "start: 2027-06-09 01:00"), ("end: 2027-06-09 16:00", "end: 2027-06-09 15:30"),
                               ("end: 2027-06-10 00:00", "end: 2027-06-09 23:00")),
        ["plan.yaml:55:13: error: nobody is on call from 2027-06-09 00:00 to 01:00 BST (1 hour); the event day starts at 00:00: "
         "start this shift earlier or add one before it [SHIFT-COVERAGE]" + OPENS_HINT,
         "plan.yaml:56:36: error: nobody is on call from 2027-06-09 15:30 to 16:00 BST (30 minutes); end this shift later or "
         "add one before the shift on line 57 [SHIFT-COVERAGE]" + HOURS_HINT,
         "plan.yaml:57:36: error: nobody is on call from 2027-06-09 23:00 to 2027-06-10 00:00 BST (1 hour); the last event day "
         "ends at 24:00: end this shift later or add one after it [SHIFT-COVERAGE]" + CLOSES_HINT],
        BASE, id="SHIFT-COVERAGE-gaps"),
    pytest.param(
        "SHIFT-COVERAGE", BASE.split("rota:")[0] + "rota: []\n\nreporting:" + BASE.split("reporting:")[1],
        ["plan.yaml:54:1: error: nobody is on call during the event (2027-06-09): the rota has no shifts; add shifts from "
         "00:00 on the first day to 24:00 on the last, or remove `rota:` if the team has no rota [SHIFT-COVERAGE]"],
        BASE, id="SHIFT-COVERAGE-empty-rota"),
    pytest.param(
        "SHIFT-OVERLAP", edit(BASE, ("start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana", "start: 2027-06-09 15:00, end: 2027-06-10 00:00, lead: ben")),
        ["plan.yaml:57:60: error: `ben` is on two shifts at once: this one (2027-06-09 15:00 to 2027-06-10 00:00 BST) overlaps "
         "the one on line 56 (2027-06-09 08:00 to 16:00 BST); take them off one of them [SHIFT-OVERLAP]"],
        # back to back is not an overlap
        edit(BASE, ("start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana", "start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ben")),
        id="SHIFT-OVERLAP"),
    pytest.param(
        "SHIFT-LONG", edit(BASE, ("lead: ben, responders: [dev]", "lead: ben, responders: [cai]")),
        ["plan.yaml:56:78: warning: `cai` is on call for 24 hours without a break of an hour (2027-06-09 00:00 to 2027-06-10 00:00 BST); "
         "give them a break or split the stretch, at most 12 hours in a row [SHIFT-LONG]"],
        BASE, id="SHIFT-LONG"),
    pytest.param(
        "SHIFT-CLOCK-CHANGE", move_day(BASE, "2027-03-28", "2027-03-29").replace("2027-03-28 08:00", "2027-03-28 01:30"),
        ["plan.yaml:55:36: warning: the shift ends at 2027-03-28 01:30, a time that does not exist in Europe/London (the clocks "
         "go forward); it is read as 02:30 BST: write 02:30 if that is meant [SHIFT-CLOCK-CHANGE]",
         "plan.yaml:56:13: warning: the shift starts at 2027-03-28 01:30, a time that does not exist in Europe/London (the clocks "
         "go forward); it is read as 02:30 BST: write 02:30 if that is meant [SHIFT-CLOCK-CHANGE]"],
        move_day(BASE, "2027-03-28", "2027-03-29").replace("2027-03-28 08:00", "2027-03-28 02:30"), id="SHIFT-CLOCK-CHANGE-spring"),
    pytest.param(
        "SHIFT-CLOCK-CHANGE", move_day(BASE, "2027-10-31", "2027-11-01").replace("2027-10-31 08:00", "2027-10-31 01:30"),
        ["plan.yaml:55:36: warning: the shift ends at 2027-10-31 01:30, a time that happens twice in Europe/London (the clocks go "
         "back); it is read as the first, 01:30 BST: to mean the second (GMT), write `2027-10-31 01:30+00:00` [SHIFT-CLOCK-CHANGE]",
         "plan.yaml:56:13: warning: the shift starts at 2027-10-31 01:30, a time that happens twice in Europe/London (the clocks go "
         "back); it is read as the first, 01:30 BST: to mean the second (GMT), write `2027-10-31 01:30+00:00` [SHIFT-CLOCK-CHANGE]"],
        # an explicit offset says which 01:30 is meant
        move_day(BASE, "2027-10-31", "2027-11-01").replace("2027-10-31 08:00", "2027-10-31 01:30+01:00"), id="SHIFT-CLOCK-CHANGE-fall"),
    pytest.param(
        "CHANNEL-STAFFED", edit(with_channel("      staffed_by: [eve]\n"), ("    email: dev@example.org\n", "    email: dev@example.org\n" + EVE)),
        ["plan.yaml:68:19: error: nobody answers `Hotline`: `eve` is never on call during the event; put them on the rota, or "
         "empty `staffed_by` so whoever is on call answers it [CHANNEL-STAFFED]"],
        with_channel("      staffed_by: [ana, ben]\n"), id="CHANNEL-STAFFED"),
    pytest.param(
        "CHANNEL-GAP", with_channel("      staffed_by: [dev]\n"),
        ["plan.yaml:64:19: warning: nobody answers `Hotline` from 2027-06-09 00:00 to 08:00 BST and 1 more gap: `dev` is not on "
         "call then; add someone on call then to `staffed_by`, or empty it so whoever is on call answers [CHANNEL-GAP]"],
        with_channel("      staffed_by: [ana, ben]\n"), id="CHANNEL-GAP"),
    pytest.param(
        "CHANNEL-PRIVATE-PHONE", edit(BASE, ("      phone: 020 7946 0100\n", '      phone: "+44 20 7946 0002"\n')),
        ["plan.yaml:63:14: warning: this phone line is `ben`'s own phone: reports go unanswered when they are off shift and "
         "their number becomes public; use a shared number that is passed to whoever is on call [CHANNEL-PRIVATE-PHONE]"],
        BASE, id="CHANNEL-PRIVATE-PHONE"),
    pytest.param(
        "CHANNEL-PRIVATE-PHONE", edit(BASE, ("    - kind: phone\n      label: Hotline\n      phone: 020 7946 0100\n",
                                             "    - kind: email\n      label: Write to us\n      email: Ana@example.org\n")),
        ["plan.yaml:63:14: warning: this address is `ana`'s own: reports about them reach them, reports wait while they are "
         "away, and their address becomes public; use a shared address the team reads [CHANNEL-PRIVATE-PHONE]"],
        BASE, id="CHANNEL-PRIVATE-PHONE-email"),
    pytest.param(
        "CHANNEL-INDEPENDENT", edit(BASE, ("    - kind: phone\n      label: Hotline\n      phone: 020 7946 0100\n",
                                           "    - kind: email\n      label: Write to us\n      email: conduct@example.org\n      staffed_by: [ana, ben]\n"),
                                    ("    fallback: ben\n", "    fallback: ben\n    relationships: [{with: ben, kind: partner}]\n")),
        ["plan.yaml:61:3: warning: a report about `ana` can only reach `ana` and `ben` (a declared conflict): every channel is "
         "staffed by them; add someone independent to a channel's `staffed_by`, or a channel the whole team or the board "
         "answers [CHANNEL-INDEPENDENT]",
         "plan.yaml:61:3: warning: a report about `ben` can only reach `ben` and `ana` (a declared conflict): every channel is "
         "staffed by them; add someone independent to a channel's `staffed_by`, or a channel the whole team or the board "
         "answers [CHANNEL-INDEPENDENT]"],
        edit(BASE, ("    - kind: phone\n      label: Hotline\n      phone: 020 7946 0100\n",
                    "    - kind: email\n      label: Write to us\n      email: conduct@example.org\n      staffed_by: [ana, cai]\n")),
        id="CHANNEL-INDEPENDENT"),
    pytest.param(
        "CHANNEL-ANY-MEMBER", with_channel("    - {kind: any-member, label: Write to any of us, audience: public}\n"),
        ["plan.yaml:64:14: warning: this channel is public, but the team is not: the public sheet and poster print it with "
         "nobody to contact; publish the team (`team: {published: true}`), or make the channel `audience: volunteer` and "
         "give the public a shared address or number [CHANNEL-ANY-MEMBER]"],
        with_channel("    - {kind: any-member, label: Write to any of us, audience: volunteer}\n"), id="CHANNEL-ANY-MEMBER"),
    pytest.param(
        "TEXT-CUT", edit(BASE, ("applies_when: Someone hesitates to report.", "applies_when: Someone asks in #help to report.")),
        ["plan.yaml:74:35: warning: the text stops before ` #help`: YAML reads ` #` and the rest of the line as a comment "
         "[TEXT-CUT]\n  hint: put the whole text in quotes if the rest belongs to it; a comment has a space after `#`"],
        edit(BASE, ("applies_when: Someone hesitates to report.", 'applies_when: "Someone asks in #help to report."  # quoted')),
        id="TEXT-CUT"),
    pytest.param(
        "CHAIN-END", edit(BASE, ("chain: [response-team, board]", "chain: [board, response-team]")),
        ["plan.yaml:64:18: warning: the reporting chain ends at `response-team` (kind `response-team`) and no role outside "
         "the response team hears appeals: reports about a responder and appeals need somewhere to go; end the chain with a "
         "role of kind `board` or `partner`, or name one in `reporting.appeals.to` [CHAIN-END]"],
        BASE, id="CHAIN-END"),
    pytest.param(
        "SCENARIO-ESCALATION", edit(BASE, ("    escalate_to: [response-team]\n", "")),
        ["plan.yaml:72:9: warning: scenario `unsure` has no `escalate_to`; name who to call when it happens (a role such as "
         "`lead`, or a responder) [SCENARIO-ESCALATION]"],
        BASE, id="SCENARIO-ESCALATION"),
    pytest.param(
        "SCENARIO-DECISION", edit(BASE, ("    impact: low\n", "    impact: high\n")),
        ["plan.yaml:72:9: warning: scenario `unsure` is high impact but only scripted; set `handling: team-decision` so the "
         "team decides together, or waive with the reason a script is enough [SCENARIO-DECISION]"],
        edit(BASE, ("    impact: low\n    risk: low\n", "    impact: high\n    risk: high\n    handling: team-decision\n")),
        id="SCENARIO-DECISION"),
    pytest.param(
        "SCENARIO-DECISION", edit(BASE, ("    impact: low\n    risk: low\n", "    impact: low\n    risk: high\n    handling: scripted\n")),
        ["plan.yaml:77:15: warning: scenario `unsure` is high risk but only scripted; set `handling: team-decision` so the "
         "team decides together, or waive with the reason a script is enough [SCENARIO-DECISION]"],
        BASE, id="SCENARIO-DECISION-handling"),
    pytest.param(
        "VENUE-ADDRESS", edit(BASE, ("    address:\n      - 1 Example Street\n      - London SE1 9ZZ\n", "    address: [Example Hall]\n")),
        ["plan.yaml:17:14: error: the address of `hall` is not a street address emergency services can find: write the "
         "building number and street, the town and the postcode, one line each [VENUE-ADDRESS]"],
        BASE, id="VENUE-ADDRESS-one-line"),
    pytest.param(
        "VENUE-ADDRESS", edit(BASE, ("      - 1 Example Street\n", "      - Example Street\n"), ("London SE1 9ZZ", "London")),
        ["plan.yaml:18:7: error: the address of `hall` is not a street address emergency services can find: write the "
         "building number and street, the town and the postcode, one line each [VENUE-ADDRESS]"],
        edit(BASE, ("      - 1 Example Street\n", "      - Example Street\n")), id="VENUE-ADDRESS-no-number"),
    pytest.param(
        "EMERGENCY-NUMBER", edit(BASE, ('    emergency_number: "999"\n', '    emergency_number: "112"\n')),
        ["plan.yaml:21:23: warning: `112` is not one of the usual emergency numbers in GB (every service 999); print the "
         "numbers people there know [EMERGENCY-NUMBER]"],
        BASE, id="EMERGENCY-NUMBER"),
    pytest.param(
        "SHARED-CONTACT", edit(BASE, ("    phone: 020 7946 0003\n    email: cai@example.org", "    phone: 020 7946 0001\n    email: Ana@Example.org")),
        ["plan.yaml:47:12: error: `cai` has the same phone number as `ana` (line 36); each responder needs their own so a "
         "call or message reaches the right person [SHARED-CONTACT]",
         "plan.yaml:48:12: error: `cai` has the same e-mail address as `ana` (line 37); each responder needs their own so a "
         "call or message reaches the right person [SHARED-CONTACT]"],
        BASE, id="SHARED-CONTACT"),
    pytest.param(
        "PRIVATE-PASTE", edit(BASE, ("duties: [Take reports and respond.]", "duties: [Take reports and respond; ask ana@example.org.]")),
        ["plan.yaml:26:44: error: Ana Example's e-mail (responder only) appears in a duty of the role “Response team”, which "
         "volunteers read [PRIVATE-PASTE]\n  hint: remove it from this text, or, if volunteers may see it, lower its audience "
         "(`visibility: {email: volunteer}` on `ana`)"],
        edit(BASE, ("duties: [Take reports and respond.]", "duties: [Take reports and respond; ask ana@example.org.]"),
             ("    fallback: ben\n", "    fallback: ben\n    visibility: {email: volunteer}\n")), id="PRIVATE-PASTE-email"),
    pytest.param(
        "PRIVATE-PASTE", edit(BASE, ("    email: cai@example.org\n", "    email: cai@example.org\n    chat: 'Signal: cai.07'\n"
                                     "    visibility: {phone: responder}\n"),
                              ("  do_not: [Promise a particular outcome.]\n",
                               "  do_not: [Promise a particular outcome.]\n  do:\n    - |\n      Tell Cai at +44 20 7946 0003\n"
                               "      or on Signal: cai.07.\n"),
                              ("  chain: [response-team, board]\n", "  chain: [response-team, board]\n"
                               "  recognise_responders: Ask Dev Example at the desk.\n")),
        ["plan.yaml:67:29: error: Dev Example's name (volunteers and responders only) appears in the text on recognising "
         "responders (`reporting.recognise_responders`), which is on the public sheet [PRIVATE-PASTE]\n  hint: remove it "
         "from this text: responders are never listed on the public sheet (a public channel can give a number or address)",
         "plan.yaml:75:19: error: Cai Example's phone number (responder only) appears in one of the things to do (`taking_reports.do[0]`), "
         "which volunteers read [PRIVATE-PASTE]\n  hint: remove it from this text, or, if volunteers may see it, lower its "
         "audience (`visibility: {phone: volunteer}` on `cai`)",
         "plan.yaml:76:13: error: Cai Example's chat handle (responder only) appears in one of the things to do (`taking_reports.do[0]`), "
         "which volunteers read [PRIVATE-PASTE]\n  hint: remove it from this text, or, if volunteers may see it, lower its "
         "audience (`visibility: {chat: volunteer}` on `cai`)"],
        BASE, id="PRIVATE-PASTE-phone-handle-name"),
    pytest.param(
        "TEAM-LANGUAGES", edit(BASE, ("languages: [en]", "languages: [en, cy]")),
        ["plan.yaml:10:19: warning: no responder speaks `cy`, one of the event's languages; add `cy` to the `languages` of a "
         "responder who speaks it, or find one [TEAM-LANGUAGES]"],
        # en-GB and cy-GB count as en and cy; responders who list nothing speak the first language
        edit(BASE, ("languages: [en]", "languages: [en-GB, cy]"), ("    email: dev@example.org\n", "    email: dev@example.org\n    languages: [cy-GB]\n")),
        id="TEAM-LANGUAGES"),
    pytest.param(
        "LOCALE-CATALOG", edit(BASE, ("  languages: [en]", "  languages: [en]\n  locale: it-IT")),
        ["plan.yaml:11:11: warning: incident-guide has no catalog for Italian (Italy) (`it-IT`): the guides' own headings, "
         "labels and instructions will be in English; the plan's text prints as you wrote it [LOCALE-CATALOG]\n"
         "  hint: locales with every word translated: en-US, en-GB, de-DE, es-ES, fr-FR, pt-BR, ja-JP, ar-EG; or write "
         "the words in `wording:` (docs/wording.md)"],
        edit(BASE, ("  languages: [en]", "  languages: [en]\n  locale: it-IT")) + "\nwaivers:\n  - rule: LOCALE-CATALOG\n"
        "    reason: Our own Italian words are under wording.\n", id="LOCALE-CATALOG"),
    pytest.param(
        "REVIEW-DATE", edit(BASE, ("last_reviewed: 2027-05-01", "last_reviewed: 2026-06-08")),
        ["plan.yaml:12:18: warning: the plan was last reviewed on 2026-06-08, more than a year before the event starts "
         "(2027-06-09); read it through with the team and update `last_reviewed` [REVIEW-DATE]"],
        edit(BASE, ("last_reviewed: 2027-05-01", "last_reviewed: 2026-06-09")), id="REVIEW-DATE-old"),
    pytest.param(
        "REVIEW-DATE", edit(BASE, ("  last_reviewed: 2027-05-01\n", "")),
        ["plan.yaml:5:1: warning: the plan has no `last_reviewed` date; read it through with the team and write the date "
         "in `event.last_reviewed` [REVIEW-DATE]"],
        BASE, id="REVIEW-DATE-missing"),
    pytest.param(
        "PLACEHOLDER", edit(BASE, ("name: Minimal Meetup Conference", 'name: "TODO: the name of your event"'), ("Take reports and respond.", "CHANGE ME")),
        ["plan.yaml:6:9: warning: `TODO: the name of your event` is a placeholder; replace it with the real value [PLACEHOLDER]",
         "plan.yaml:26:14: warning: `CHANGE ME` is a placeholder; replace it with the real value [PLACEHOLDER]"],
        edit(BASE, ("name: Minimal Meetup Conference", "name: Todo festival"), ("Take reports and respond.", "Change meeting rooms if asked.")),
        id="PLACEHOLDER"),
    pytest.param(
        # at the character, once per value; emoji (with their joiners and variation selectors) are drawn
        "GLYPH-MISSING", edit(BASE, ("name: Minimal Meetup Conference", "name: Minimal Meetup Conference \u0b85\u0b85"),
                              ("name: Ana Example", "name: Ana \U0001f308 Example \u1200")),
        ["plan.yaml:6:35: warning: no bundled font can draw \u0b85 (U+0B85 TAMIL LETTER A); the printed guide would show "
         "an empty box in its place [GLYPH-MISSING]\n  hint: write it another way, or add a font for its script "
         "(templates/fonts/README)",
         "plan.yaml:34:25: warning: no bundled font can draw \u1200 (U+1200 ETHIOPIC SYLLABLE HA); the printed guide would "
         "show an empty box in its place [GLYPH-MISSING]\n  hint: write it another way, or add a font for its script "
         "(templates/fonts/README)"],
        edit(BASE, ("name: Ana Example", "name: Ana \U0001f308 Example \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f9ff"
                                         " \U0001f44b\U0001f3fd 1\ufe0f\u20e3")),
        id="GLYPH-MISSING"),
    pytest.param(
        "WAIVER-RULE", BASE + "\nwaivers:\n  - {rule: team-size, reason: lower case}\n  - {rule: SHIFT-LONGG, reason: a typo in the id}\n"
                              "  - {rule: WAIVER-UNUSED, reason: not a rule to waive}\n",
        ["plan.yaml:82:12: error: `team-size` is not a rule that can be waived; use a rule id from docs/rules.md [WAIVER-RULE]\n"
         "  hint: did you mean `TEAM-SIZE`?",
         "plan.yaml:83:12: error: `SHIFT-LONGG` is not a rule that can be waived; use a rule id from docs/rules.md [WAIVER-RULE]\n"
         "  hint: did you mean `SHIFT-LONG`?",
         "plan.yaml:84:12: error: `WAIVER-UNUSED` is not a rule that can be waived; use a rule id from docs/rules.md [WAIVER-RULE]"],
        BASE + "\nwaivers:\n  - {rule: PLACEHOLDER, reason: The starter plan still has placeholders.}\n", id="WAIVER-RULE-unknown"),
    pytest.param(
        "WAIVER-RULE", edit(BASE, ("    email: dev@example.org\n", "    email: dev@example.org\n    waivers:\n"
                                   "      - {rule: TEAM-SIZE, reason: Four is fine.}\n      - {rule: SCENARIO-DECISION, reason: Wrong place.}\n")),
        ["plan.yaml:54:16: error: TEAM-SIZE cannot apply to a responder; move this waiver to the top-level `waivers:` to "
         "switch it off for the whole plan [WAIVER-RULE]",
         "plan.yaml:55:16: error: SCENARIO-DECISION cannot apply to a responder; waive it on a scenario, or move this waiver "
         "to the top-level `waivers:` to switch it off for the whole plan [WAIVER-RULE]"],
        BASE, id="WAIVER-RULE-wrong-place"),
    pytest.param(
        "WAIVER-UNUSED", BASE + "\nwaivers:\n  - rule: TEAM-SIZE\n    reason: Two leaders run it.\n",
        ["plan.yaml:82:11: warning: nothing in this plan breaks TEAM-SIZE; remove this waiver [WAIVER-UNUSED]"],
        TWO_LEADERS + "\nwaivers:\n  - rule: TEAM-SIZE\n    reason: Two leaders run it.\n", id="WAIVER-UNUSED"),
    pytest.param(
        "WAIVER-UNUSED", edit(BASE, ("lead: ben, responders: [dev]}", "lead: ben, responders: [dev], waivers: [{rule: SHIFT-LONG, reason: A long night on purpose.}]}")),
        ["plan.yaml:56:101: warning: nothing on this shift breaks SHIFT-LONG; remove this waiver [WAIVER-UNUSED]"],
        edit(BASE, ("lead: ben, responders: [dev]}", "lead: ben, responders: [cai], waivers: [{rule: SHIFT-LONG, reason: A long night on purpose.}]}")),
        id="WAIVER-UNUSED-item"),
]


def test_the_minimal_plan_is_clean():
    assert lines(BASE) == []


@pytest.mark.parametrize(("rule", "bad", "expected", "good"), CASES)
def test_rule_fires_on_bad_plan_and_not_on_good(rule, bad, expected, good):
    assert fired(bad, rule) == expected
    assert fired(good, rule) == []


def test_every_rule_has_a_case():
    # SHARED-LANGUAGE and SHARED-REPLACED need a shared plan beside the plan: their cases are in tests/plan/test_extends.py
    assert {case.values[0] for case in CASES} == set(RULES) - {"SHARED-LANGUAGE", "SHARED-REPLACED"}


def test_severity_is_the_rules():
    for case in CASES:
        rule = case.values[0]
        for line in case.values[2]:
            assert f": {RULES[rule].severity}: " in line


# --- daylight saving time -----------------------------------------------------------

SPRING = move_day(BASE, "2027-03-28", "2027-03-29")  # Europe/London: 01:00 GMT -> 02:00 BST
FALL = move_day(BASE, "2027-10-31", "2027-11-01")  # Europe/London: 02:00 BST -> 01:00 GMT


def test_clock_change_days_are_covered_by_midnight_to_midnight_shifts():
    assert lines(SPRING) == []  # the first shift is 7 hours long
    assert lines(FALL) == []  # the first shift is 9 hours long


def test_gap_on_spring_forward_day_is_two_hours_not_three():
    plan = SPRING.replace("start: 2027-03-28 00:00", "start: 2027-03-28 03:00")
    assert fired(plan, "SHIFT-COVERAGE") == [
        "plan.yaml:55:13: error: nobody is on call from 2027-03-28 00:00 GMT to 03:00 BST (2 hours); the event day starts "
        "at 00:00: start this shift earlier or add one before it [SHIFT-COVERAGE]" + OPENS_HINT]


def test_gap_on_fall_back_day_is_four_hours_not_three():
    plan = FALL.replace("start: 2027-10-31 00:00", "start: 2027-10-31 03:00")
    assert fired(plan, "SHIFT-COVERAGE") == [
        "plan.yaml:55:13: error: nobody is on call from 2027-10-31 00:00 BST to 03:00 GMT (4 hours); the event day starts "
        "at 00:00: start this shift earlier or add one before it [SHIFT-COVERAGE]" + OPENS_HINT]


def test_handover_at_a_time_that_does_not_exist_leaves_no_gap():
    # 01:00 does not exist on 28 March; it is read as 02:00 BST, the same moment as 02:00
    plan = SPRING.replace("end: 2027-03-28 08:00", "end: 2027-03-28 01:00").replace("start: 2027-03-28 08:00", "start: 2027-03-28 02:00")
    assert fired(plan, "SHIFT-COVERAGE") == []
    assert fired(plan, "SHIFT-CLOCK-CHANGE") == [
        "plan.yaml:55:36: warning: the shift ends at 2027-03-28 01:00, a time that does not exist in Europe/London (the "
        "clocks go forward); it is read as 02:00 BST: write 02:00 if that is meant [SHIFT-CLOCK-CHANGE]"]


def test_repeated_hour_between_first_and_second_occurrence_is_a_gap():
    plan = FALL.replace("end: 2027-10-31 08:00", "end: 2027-10-31 01:30").replace("start: 2027-10-31 08:00", "start: 2027-10-31 01:30+00:00")
    assert fired(plan, "SHIFT-COVERAGE") == [
        "plan.yaml:55:36: error: nobody is on call from 2027-10-31 01:30 BST to 01:30 GMT (1 hour); end this shift later or "
        "add one before the shift on line 56 [SHIFT-COVERAGE]" + HOURS_HINT]
    # the start written with an offset is not ambiguous; the end without one is
    assert [line.split(": warning")[0] for line in fired(plan, "SHIFT-CLOCK-CHANGE")] == ["plan.yaml:55:36"]


def test_new_york_spring_forward_and_fall_back():
    ny = BASE.replace("timezone: Europe/London", "timezone: America/New_York")
    spring = move_day(ny, "2027-03-14", "2027-03-15").replace("2027-03-14 08:00", "2027-03-14 02:30")
    assert fired(spring, "SHIFT-COVERAGE") == []
    assert fired(spring, "SHIFT-CLOCK-CHANGE")[0] == (
        "plan.yaml:55:36: warning: the shift ends at 2027-03-14 02:30, a time that does not exist in America/New_York (the "
        "clocks go forward); it is read as 03:30 EDT: write 03:30 if that is meant [SHIFT-CLOCK-CHANGE]")
    fall = move_day(ny, "2027-11-07", "2027-11-08").replace("start: 2027-11-07 16:00", "start: 2027-11-07 17:00")
    assert fired(fall, "SHIFT-COVERAGE") == [
        "plan.yaml:56:36: error: nobody is on call from 2027-11-07 16:00 to 17:00 EST (1 hour); end this shift later or add "
        "one before the shift on line 57 [SHIFT-COVERAGE]" + HOURS_HINT]


def test_long_stretch_is_counted_in_real_hours():
    # 00:00 to 12:00 is 13 hours on the day clocks go back, 11 on the day they go forward
    half_day = "{start: DAY 00:00, end: DAY 12:00, lead: ana, responders: [cai]}\n  - {start: DAY 12:00, end: NEXT 00:00, lead: ben, responders: [dev]}"
    for day, next_day, expected in (("2027-10-31", "2027-11-01", ["13 hours"]), ("2027-03-28", "2027-03-29", [])):
        plan = move_day(BASE, day, next_day)
        rota = plan[plan.index("rota:\n") + 6: plan.index("\n\nreporting:")]
        plan = plan.replace(rota, "  - " + half_day.replace("NEXT", next_day).replace("DAY", day))
        found = [re.search(r"for (\d+ hours)", line).group(1) for line in fired(plan, "SHIFT-LONG")]
        assert found == expected * 2  # ana and cai


def test_a_short_break_does_not_end_a_stretch():
    plan = edit(BASE, ("lead: ben, responders: [dev]", "lead: ben, responders: [dev, cai]"),
                ("start: 2027-06-09 08:00, end: 2027-06-09 16:00", "start: 2027-06-09 08:30, end: 2027-06-09 16:00"))
    assert [line for line in fired(plan, "SHIFT-LONG") if "`cai`" in line] == [
        "plan.yaml:56:83: warning: `cai` is on call for 24 hours without a break of an hour (2027-06-09 00:00 to "
        "2027-06-10 00:00 BST); give them a break or split the stretch, at most 12 hours in a row [SHIFT-LONG]"]
    plan = plan.replace("start: 2027-06-09 08:30, end: 2027-06-09 16:00", "start: 2027-06-09 09:00, end: 2027-06-09 16:00")
    assert [line for line in fired(plan, "SHIFT-LONG") if "`cai`" in line] == [
        "plan.yaml:57:78: warning: `cai` is on call for 15 hours without a break of an hour (2027-06-09 09:00 to "
        "2027-06-10 00:00 BST); give them a break or split the stretch, at most 12 hours in a row [SHIFT-LONG]"]


def test_shift_ending_before_it_starts_after_an_offset_is_a_validation_error():
    plan = FALL.replace("end: 2027-10-31 08:00", "end: 2027-10-30 22:30+00:00")
    with pytest.raises(PlanError) as caught:
        problems(plan)
    assert [str(p) for p in caught.value.problems] == [
        "plan.yaml:55:36: error: the shift ends (2027-10-30 23:30) before it starts (2027-10-31 00:00) in Europe/London time"]


def test_times_with_an_offset_become_wall_clock_times_of_the_event():
    plan = validate(load_text(FALL.replace("start: 2027-10-31 08:00", "start: 2027-10-31 01:30+00:00")
                              .replace("end: 2027-10-31 08:00", "end: 2027-10-31 01:30"), "plan.yaml"))
    second = plan.rota[1].start
    assert (second.tzinfo, second.hour, second.minute, second.fold) == (None, 1, 30, 1)
    assert plan.event.utc(second) == dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)
    assert plan.event.utc(plan.rota[0].end) == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)


# --- waivers ------------------------------------------------------------------------

def test_top_level_waivers_switch_rules_off_for_the_whole_plan():
    assert {p.rule for p in problems(TWO_LEADERS)} == {"TEAM-SIZE", "SHIFT-LONG"}
    waived = TWO_LEADERS + ("\nwaivers:\n  - rule: TEAM-SIZE\n    reason: Two user-group leaders run this meetup together.\n"
                            "  - rule: SHIFT-LONG\n    reason: Both are on call by phone; the meetup itself is three hours.\n")
    assert lines(waived) == []


def test_an_item_waiver_covers_that_item_only():
    both_long = edit(BASE, ("lead: ben, responders: [dev]", "lead: ben, responders: [cai]"),
                     ("16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]", "16:00, end: 2027-06-10 00:00, lead: ben, responders: [dev]"))
    assert [p.rule for p in problems(both_long)] == ["SHIFT-LONG", "SHIFT-LONG"]  # cai 00-16, ben 08-24
    waived = edit(both_long, ("    email: cai@example.org\n", "    email: cai@example.org\n    waivers:\n"
                              "      - {rule: SHIFT-LONG, reason: Cai is on call from home and asked for the long day.}\n"))
    assert [p.message.split(" is on call")[0] for p in problems(waived)] == ["`ben`"]


def test_a_waiver_needs_a_reason():
    for waiver, expected in (
        ("  - rule: TEAM-SIZE\n", "plan.yaml:82:5: error: `reason` is missing from `waivers[0]`\n  hint: a waiver needs a reason: "
                                  "say why the rule does not apply here; the responder guide prints it"),
        ('  - {rule: TEAM-SIZE, reason: " "}\n', "plan.yaml:82:31: error: `waivers[0].reason` is empty"),
    ):
        with pytest.raises(PlanError) as caught:
            problems(BASE + "\nwaivers:\n" + waiver)
        assert [str(p) for p in caught.value.problems] == [expected]


def test_waivers_are_on_the_model_for_the_responder_guide():
    plan = validate(load_text(TWO_LEADERS + "\nwaivers:\n  - {rule: TEAM-SIZE, reason: Two leaders.}\n", "plan.yaml"))
    assert [(site.kind, site.item, site.path, site.waiver.rule, site.waiver.reason) for site in plan.all_waivers()] == [
        (None, None, ("waivers", 0), "TEAM-SIZE", "Two leaders.")]
    plan = validate(load_text((ROOT / "plans" / "complete-conference.yaml").read_text(encoding="utf-8"), "plan.yaml"))
    [site] = plan.all_waivers()
    assert site.item is plan.scenarios[site.scope[1]] and site.item.title == "A banned person tries to come in"
    assert (site.kind, site.scope[0], site.path[2:], site.waiver.rule) == ("scenarios", "scenarios", ("waivers", 0), "SCENARIO-DECISION")


def test_waivers_are_for_responders_only():
    from generator.plan.model import Audience
    from generator.render.edition import cut
    text = edit(BASE + "\nwaivers:\n  - {rule: PLACEHOLDER, reason: Starter plan.}\n",
                ("      phone: 020 7946 0100\n", "      phone: 020 7946 0100\n      audience: public\n      waivers: [{rule: PLACEHOLDER, reason: The channel is known.}]\n"))
    plan = validate(load_text(text, "plan.yaml"))
    for audience in (Audience.public, Audience.volunteer):
        edition = cut(plan, audience)
        assert edition.waivers == [] and edition.reporting.channels[0].waivers == [] and edition.all_waivers() == []
    assert [(site.kind, site.path, site.waiver.reason) for site in cut(plan, Audience.responder).all_waivers()] == [
        (None, ("waivers", 0), "Starter plan."), ("channels", ("reporting", "channels", 0, "waivers", 0), "The channel is known.")]


# --- rules in general ---------------------------------------------------------------

def test_online_community_without_dates_compares_review_with_today():
    online = edit(BASE, ("  kind: conference\n  starts: 2027-06-09\n", "  kind: online-community\n"))
    assert fired(online, "REVIEW-DATE", today=dt.date(2028, 5, 1)) == []
    assert fired(online, "REVIEW-DATE", today=dt.date(2028, 5, 2)) == [
        "plan.yaml:11:18: warning: the plan was last reviewed on 2027-05-01, more than a year before today (2028-05-02); "
        "read it through with the team and update `last_reviewed` [REVIEW-DATE]"]
    assert fired(online, "SHIFT-COVERAGE") == []  # no event days, nothing to cover


def test_scenario_levels_come_from_the_assessment():
    levels = ("assessment:\n  impact_levels: [{id: minor, name: Minor}, {id: major, name: Major}, {id: severe, name: Severe}]\n"
              "  risk_levels: [{id: minor, name: Minor}, {id: severe, name: Severe}]\n\nscenarios:")
    plan = edit(BASE, ("scenarios:", levels), ("    impact: low\n    risk: low\n", "    impact: major\n    risk: minor\n"))
    assert fired(plan, "SCENARIO-DECISION") == []
    plan = plan.replace("    impact: major\n", "    impact: severe\n")
    assert fired(plan, "SCENARIO-DECISION") == [
        "plan.yaml:76:9: warning: scenario `unsure` is high impact but only scripted; set `handling: team-decision` so the team "
        "decides together, or waive with the reason a script is enough [SCENARIO-DECISION]"]


def test_problems_are_sorted_by_position():
    found = problems(edit(BASE, ("languages: [en]", "languages: [en, cy]"), ("  last_reviewed: 2027-05-01\n", "")))
    assert [(p.line, p.column) for p in found] == sorted((p.line, p.column) for p in found)


def test_example_plans_pass_strict_check(example_plans_today):
    plans = sorted((ROOT / "plans").glob("*.yaml"))
    assert plans
    result = CliRunner().invoke(main, ["check", "--strict", *map(str, plans)])
    assert result.exit_code == 0, result.output


def test_check_takes_today_from_the_lint_module(monkeypatch, tmp_path):
    """The pin used by the example-plan tests (conftest.example_plans_today) reaches `check`."""
    import generator.lint as lint_module

    path = tmp_path / "online.yaml"
    path.write_text(edit(BASE, ("  kind: conference\n  starts: 2027-06-09\n", "  kind: online-community\n")), encoding="utf-8")
    monkeypatch.setattr(lint_module, "_today", lambda: dt.date(2028, 5, 1))
    assert CliRunner().invoke(main, ["check", "--strict", str(path)]).exit_code == 0
    monkeypatch.setattr(lint_module, "_today", lambda: dt.date(2028, 5, 2))
    late = CliRunner().invoke(main, ["check", "--strict", str(path)])
    assert late.exit_code == 1
    assert "more than a year before today (2028-05-02)" in late.output


def test_cli_strict_fails_on_warnings_and_json_carries_rule_ids(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(TWO_LEADERS, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(path)]).exit_code == 0
    strict = runner.invoke(main, ["check", "--strict", str(path)])
    assert strict.exit_code == 1
    assert f"{path}:32:1: warning: the team has 2 responders" in strict.output
    data = json.loads(runner.invoke(main, ["check", "--format", "json", str(path)]).output)
    assert sorted(p["rule"] for p in data["plans"][0]["problems"]) == ["SHIFT-LONG", "SHIFT-LONG", "TEAM-SIZE"]
    assert data["plans"][0]["problems"][0]["path"] == "responders"


def test_a_missing_glyph_is_located_in_json_and_a_responder_may_waive_it(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(edit(BASE, ("name: Ana Example", 'name: "Ana \U0001f308 \u1200"  # Ethiopic')), encoding="utf-8")
    data = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(path)]).output)
    [found] = [p for p in data["plans"][0]["problems"] if p["rule"] == "GLYPH-MISSING"]
    assert (found["severity"], found["line"], found["column"], found["path"]) == ("warning", 34, 18, "responders.0.name")
    assert "U+1200 ETHIOPIC SYLLABLE HA" in found["message"]
    waived = edit(BASE, ("name: Ana Example\n", "name: Ana \u1200\n    waivers: [{rule: GLYPH-MISSING, reason: Prints in HTML.}]\n"))
    assert fired(waived, "GLYPH-MISSING") == [] and fired(waived, "WAIVER-UNUSED") == []


@pytest.mark.parametrize("pasted", ["ana@**example**.org", "ANA&#64;example.org", "020 7946 **0001**", "020&#32;7946&#32;0001",
                                    "ana@<!-- -->example.org", "ana@<b></b>example.org", "020 <span>7946</span> 0001"])
def test_a_paste_split_by_markup_or_entities_is_located_at_the_paste(pasted):
    text = edit(BASE, ("  chain: [response-team, board]", f'  recognise_responders: "Orange lanyards, or ask {pasted} now."\n  chain: [response-team, board]'))
    [paste] = [p for p in problems(text) if p.rule == "PRIVATE-PASTE"]
    line = text.splitlines()[paste.line - 1]
    assert line[paste.column - 1:].startswith(pasted), (line, paste.column)


def test_a_description_every_responder_wears_pasted_into_the_public_text_gets_a_hint_that_can_be_followed():
    # the organizers' own words for what every responder wears, written in a description and the public text alike
    text = edit(BASE, ("    email: ana@example.org\n", "    email: ana@example.org\n    how_to_recognise: Green lanyard and cap\n"),
                ("  chain: [response-team, board]", "  recognise_responders: Every responder wears a green lanyard and cap.\n"
                                                    "  chain: [response-team, board]"))
    [paste] = [p for p in problems(text) if p.rule == "PRIVATE-PASTE"]
    assert "description (volunteers and responders only) appears in the text on recognising responders" in paste.message
    assert paste.hint is not None and "keep each responder's `how_to_recognise` for what is theirs alone" in paste.hint


@pytest.mark.parametrize(("locale", "name"), [("he-IL", "Hebrew (Israel)"), ("pt-PT", "Portuguese (Portugal)"),
                                              ("ko-KR", "Korean (South Korea)")])
def test_a_locale_without_a_catalog_warns_that_the_words_will_be_english(locale, name):
    text = edit(BASE, ("  languages: [en]", f"  languages: [en]\n  locale: {locale}"))
    [warning] = fired(text, "LOCALE-CATALOG")
    assert warning.startswith(f"plan.yaml:11:11: warning: incident-guide has no catalog for {name} (`{locale}`): ")
    assert "will be in English" in warning
    assert ("right to left" in warning) == (locale == "he-IL")


@pytest.mark.parametrize("locale", ["ja-JP", "ar-MA", "fr-CA", "en-AU", "de-CH"])
def test_a_locale_with_a_catalog_or_in_english_is_quiet(locale):
    assert fired(edit(BASE, ("  languages: [en]", f"  languages: [en]\n  locale: {locale}")), "LOCALE-CATALOG") == []
    assert fired(BASE, "LOCALE-CATALOG") == []


def test_a_large_committee_without_a_rota_gets_no_team_size_warning():
    """TEAM-SIZE's "too large" is for rota teams: a six-member committee that reads every report together is not warned."""
    six = edit(BASE, ("    email: dev@example.org\n", "    email: dev@example.org\n" + EVE + EVE.replace("eve", "fay").replace("Eve", "Fay").replace("0005", "0006")))
    assert fired(six, "TEAM-SIZE")  # on a rota it is
    committee = edit(six, ("""rota:
  - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}
  - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}
  - {start: 2027-06-09 16:00, end: 2027-06-10 00:00, lead: ana, responders: [cai]}
""", ""))
    assert fired(committee, "TEAM-SIZE") == []


def test_the_first_call_on_a_shift_of_a_team_without_a_lead_needs_no_fallback():
    """Nobody leads a team that decides together: when a report involves the first call, the others decide."""
    together = edit(BASE, ("    role: lead\n    phone: 020 7946 0001", "    phone: 020 7946 0001"),
                    ("    role: lead\n    phone: 020 7946 0002", "    phone: 020 7946 0002"),
                    ("    fallback: ana\n", ""), ("    fallback: ben\n", ""), ("\nrota:\n", "\nteam: {decides: together}\n\nrota:\n"))
    assert fired(together, "LEAD-FALLBACK") == []
    assert fired(together.replace("team: {decides: together}", "team: {decides: lead}"), "LEAD-FALLBACK")


def test_an_event_that_opens_at_noon_and_closes_after_lunch_is_covered_from_opening_to_closing():
    """A festival whose gates open at 12:00 on its first day and close at 14:00 on its last needs no night shift before
    it opens (nor a plan-wide waiver); a gap after it opens is still one."""
    two_days = edit(BASE, ("  starts: 2027-06-09\n", "  starts: 2027-06-09\n  ends: 2027-06-10\n  opens: \"12:00\"\n  closes: \"14:00\"\n"),
                    ("  - {start: 2027-06-09 00:00, end: 2027-06-09 08:00, lead: ana, responders: [cai]}\n"
                     "  - {start: 2027-06-09 08:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}\n", "  - {start: 2027-06-09 12:00, end: 2027-06-09 16:00, lead: ben, responders: [dev]}\n"),
                    ("end: 2027-06-10 00:00, lead: ana, responders: [cai]}\n", "end: 2027-06-10 00:00, lead: ana, responders: [cai]}\n"
                     "  - {start: 2027-06-10 00:00, end: 2027-06-10 14:00, lead: ben, responders: [dev]}\n"))
    assert fired(two_days, "SHIFT-COVERAGE") == []
    late = two_days.replace("start: 2027-06-09 12:00", "start: 2027-06-09 13:00")
    assert fired(late, "SHIFT-COVERAGE") == [
        "plan.yaml:58:13: error: nobody is on call from 2027-06-09 12:00 to 13:00 BST (1 hour); the event opens at 12:00: "
        "start this shift earlier or add one before it [SHIFT-COVERAGE]" + HOURS_HINT]
    closes_early = two_days.replace('closes: "14:00"', 'closes: "15:00"')
    assert [line.split(";")[0] for line in fired(closes_early, "SHIFT-COVERAGE")] == [
        "plan.yaml:60:36: error: nobody is on call from 2027-06-10 14:00 to 15:00 BST (1 hour)"]


def test_an_hour_off_between_long_shifts_day_after_day_is_no_rest():
    """11 hours on, one off, for three days: no stretch is over 12 hours, and nobody rests."""
    days = edit(BASE, ("  starts: 2027-06-09\n", "  starts: 2027-06-09\n  ends: 2027-06-11\n"))
    rota = "".join(f"  - {{start: 2027-06-{d:02d} {h:02d}:00, end: 2027-06-{d + (h + 11) // 24:02d} {(h + 11) % 24:02d}:00, lead: ana, responders: [cai]}}\n"
                   for d, h in ((9, 0), (9, 12)))
    text = days[:days.index("rota:\n") + len("rota:\n")] + rota + days[days.index("\nreporting:"):]
    assert [line.split(" (the longest")[0] for line in fired(text, "SHIFT-LONG")] == [
        "plan.yaml:56:60: warning: `ana` has no 6 hours off in a row in the 24 hours from 2027-06-09 00:00 to 2027-06-10 00:00 BST",
        "plan.yaml:56:78: warning: `cai` has no 6 hours off in a row in the 24 hours from 2027-06-09 00:00 to 2027-06-10 00:00 BST"]


def test_a_shifts_waiver_covers_a_quiet_hour_not_the_days_after_it():
    three_days = edit(BASE, ("  starts: 2027-06-09\n", "  starts: 2027-06-09\n  ends: 2027-06-11\n"),
                      ("end: 2027-06-10 00:00, lead: ana, responders: [cai]}",
                       "end: 2027-06-09 23:00, lead: ana, responders: [cai], waivers: [{rule: SHIFT-COVERAGE, reason: The last hour is quiet.}]}"))
    assert [line.split(";")[0] for line in fired(three_days, "SHIFT-COVERAGE")] == [
        "plan.yaml:58:36: error: nobody is on call from 2027-06-09 23:00 to 2027-06-12 00:00 BST (49 hours)"]
    one_day = edit(BASE, ("end: 2027-06-10 00:00, lead: ana, responders: [cai]}",
                          "end: 2027-06-09 23:00, lead: ana, responders: [cai], waivers: [{rule: SHIFT-COVERAGE, reason: The last hour is quiet.}]}"))
    assert fired(one_day, "SHIFT-COVERAGE") == []


@pytest.mark.parametrize("reason", [".", "n/a", "typo", "ok ok"])
def test_a_waiver_says_why_in_a_sentence(reason):
    with pytest.raises(PlanError, match="does not say why the rule does not apply here"):
        problems(BASE + f"\nwaivers:\n  - {{rule: TEAM-SIZE, reason: '{reason}'}}\n")
    assert fired(BASE + "\nwaivers:\n  - {rule: TEAM-SIZE, reason: '二人で運営します。'}\n", "WAIVER-RULE") == []


def test_no_waiver_makes_a_team_of_one_safe():
    waived = ONE_RESPONDER + "\nwaivers:\n  - {rule: TEAM-MINIMUM, reason: We are a very small meetup.}\n"
    assert fired(waived, "TEAM-MINIMUM") and fired(waived, "WAIVER-RULE")


@pytest.mark.parametrize(("change", "message"), [('closes: "00:00"', "cannot close at 00:00"), ('opens: "24:00"', "cannot open at 24:00")])
def test_midnight_at_the_wrong_end_of_the_day_is_an_error_not_a_day_without_cover(change, message):
    with pytest.raises(PlanError, match=message):
        problems(edit(BASE, ("  starts: 2027-06-09\n", f"  starts: 2027-06-09\n  {change}\n")))


def test_on_call_hours_outside_the_opening_hours_are_an_error():
    text = edit(BASE, ("  starts: 2027-06-09\n", '  starts: 2027-06-09\n  opens: "18:00"\n  on_call_hours: {start: "08:00", end: "17:00"}\n'))
    assert [line.split(";")[0] for line in fired(text, "SHIFT-COVERAGE")] == [
        "plan.yaml:10:3: error: the on-call hours (08:00 to 17:00) are all outside the hours the event is open (from 18:00 to 24:00)"]


def test_a_text_of_many_entities_around_a_paste_is_checked_at_once_not_tried_every_way():
    """A note pasted after forty `&a;` (or `&nbsp;`) had the locating pattern try every way to split them between
    letters and marks: minutes per text. Run in a process of its own, stopped after a minute if it hangs."""
    note = "Speaks for the team in any public statement, as the board liaison."
    plan = edit(BASE, ("    fallback: ben\n", f"    fallback: ben\n    notes: {note}\n", ),
                ("    - Do you need anything right now?\n", f"    - \"{'&a;' * 40} {note}\"\n"))
    script = ("import sys; sys.path.insert(0, 'tests/lint'); from test_lint import fired; "
              "print(fired(sys.stdin.read(), 'PRIVATE-PASTE'))")
    done = subprocess.run([sys.executable, "-c", script], input=plan, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert "PRIVATE-PASTE" in done.stdout, done.stderr
