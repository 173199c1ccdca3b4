"""The guide's policy sentences: what the team or a volunteer does or must never do, a promise, advice or a deadline.

Those are the plan's to say, not the tool's. A message id listed here prints only the plan's own
text, from `policy:` (or `wording:`); a plan that says nothing prints nothing in its place. The
starters carry today's sentences as plan text (see templates/starters/), and the catalogs keep the
translations the starters are written from. Every other message of the guide is a label (headings,
table heads, navigation, instructions about the paper itself) and stays the tool's, `wording:` can
reword it. docs/wording.md marks each message with its kind (`python -m generator.render.catalogs`).

The emergency sentences (who to call when someone is in danger) are sorted separately:
EMERGENCY lists them, and they still print by themselves.

This module imports nothing: the plan's validation reads it.
"""

from __future__ import annotations

# id -> what the sentence says, in a few words (check's note names it).
POLICY: dict[str, str] = {
    "public.lede": "the public sheet's promise to listen, keep reports private and keep the person informed",
    "poster.lede": "the poster's promise that the team listens in confidence",
    "public.include-intro": "whether the details of a report are required",
    "public.no-channels": "where to ask for the team when the plan lists no public way to report",
    "protocol.then": "that a volunteer calls the lead on shift and never resolves a report alone",
    "protocol.then-tell": "who a volunteer tells, and that they never resolve a report alone",
    "escalation.intro": "how a report passes up the chain",
    "leads.intro-backup": "that volunteers call the lead on shift first, then the backup after a few minutes",
    "cover.no-safety-room": "who to ask for a quiet place when the plan has no safety room, on the volunteer guide",
    "desk.no-safety-room": "who to ask for a quiet place when the plan has no safety room, on the desk sheet of a plan with a rota",
    "desk.no-safety-room-team": "who to ask for a quiet place when the plan has no safety room, on the desk sheet of a plan without a rota",
    "responses.intro": "how the team chooses a response, by impact and risk",
    "responses.intro-no-assessment": "how the team chooses a response",
    "form.intro": "that the report form stays with the response team",
    "form.how-to-fill": "how the report form is filled in with the person reporting (by hand, in private, in their words)",
    "form.not-public": "who the filled-in report form goes to in a plan with a rota",
    "form.not-public-team": "who the filled-in report form goes to in a plan without a rota",
    "rota.intro": "that the lead on each shift is the volunteers' first call",
}

# Who reads each sentence (the edition it prints in): the private-paste rule checks its text at that level.
PUBLIC_POLICY = frozenset({"public.lede", "poster.lede", "public.include-intro", "public.no-channels"})
RESPONDER_POLICY = frozenset({"responses.intro", "responses.intro-no-assessment", "rota.intro"})


def audience(ident: str) -> str:
    """`public`, `volunteer` or `responder`: the widest readership of the sentence `ident`."""
    if ident in PUBLIC_POLICY or ident not in POLICY:
        return "public"  # an unknown id is refused by validation; until then it is read by everyone
    return "responder" if ident in RESPONDER_POLICY else "volunteer"


# Sentences about emergencies (numbers, local emergency services, who to call first): still printed
# by the tool while they are rewritten; to be sorted with the emergency services of each venue.
EMERGENCY: frozenset[str] = frozenset({
    "cards.emergency", "cover.address", "cover.address-days", "cover.emergency-here", "cover.emergency-local",
    "cover.emergency-when-then", "cover.then-call", "cover.then-tell", "form.danger", "form.danger-local",
    "protocol.danger", "protocol.danger-local", "public.emergency", "public.emergency-local", "seal.notice.emergency",
})


def kind(ident: str) -> str:
    """`policy`, `emergency` (a policy sentence still printed by the tool) or `label`."""
    if ident in POLICY:
        return "policy"
    return "emergency" if ident in EMERGENCY else "label"
