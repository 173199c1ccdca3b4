"""Contact details: each responder's own, and none written where readers who may not see it read."""

from __future__ import annotations

from collections.abc import Iterator

from ...plan.pastes import find_pastes, paste_hint, paste_message, paste_pattern
from ..context import Context
from ..registry import Finding, rule


@rule("SHARED-CONTACT", "error", "Two responders have the same phone number or e-mail address.", items=("responders",),
      bad="""
          responders:
            - {id: ana, name: Ana Example, phone: 020 7946 0001, email: ana@example.org}
            - {id: ben, name: Ben Example, phone: 020 7946 0001, email: Ana@example.org}
          """,
      good="""
          responders:
            - {id: ana, name: Ana Example, phone: 020 7946 0001, email: ana@example.org}
            - {id: ben, name: Ben Example, phone: 020 7946 0002, email: ben@example.org}
          """)
def shared_contact(context: Context) -> Iterator[Finding]:
    """Two responders have the same phone number or e-mail address (compared without regard
    to case), so a call meant for one reaches the other.
    """
    responders = context.plan.responders
    for name, what, norm in (("phone", "phone number", str), ("email", "e-mail address", str.lower)):
        first: dict[str, int] = {}
        for index, responder in enumerate(responders):
            value = getattr(responder, name)
            if not value:
                continue
            key = norm(value)
            if key in first:
                other = responders[first[key]]
                yield Finding(("responders", index, name),
                              f"`{responder.id}` has the same {what} as `{other.id}` (line {context.line(('responders', first[key], name))}); "
                              f"each responder needs their own so a call or message reaches the right person",
                              subjects=(("responders", first[key]),))
            else:
                first[key] = index


@rule("PRIVATE-PASTE", "error", "A secret its readers may not see (a phone, e-mail, chat handle, hidden name, note or private "
      "link) is written into a field they read; names of roles, places and organizations, and public web addresses, are labels.",
      waivable=False,
      bad="""
          roles:
            - id: volunteers
              name: Volunteers
              kind: volunteers
              duties: [Call the responder on duty, or e-mail Ana at ana@example.org.]
          responders:
            - {id: ana, name: Ana Example, email: ana@example.org}
          """,
      good="""
          roles:
            - id: volunteers
              name: Volunteers
              kind: volunteers
              duties: [Call the responder on duty, or e-mail Ana at ana@example.org.]
          responders:
            - {id: ana, name: Ana Example, email: ana@example.org, visibility: {email: volunteer}}
          """)
def private_paste(context: Context) -> Iterator[Finding]:
    """A secret some readers may not see is written into the text of a field they do read:
    a responder-only e-mail, chat handle or phone number typed into a volunteer duty, or a
    responder's name (volunteer-level) in text on the public sheet. Left in, it would be
    printed in a guide for the wrong readers, so `check` points at the paste itself, names
    whose value it is and who reads the field.

    What counts as secret: phone numbers, e-mail addresses and chat handles; a responder's
    name where the plan hides it (from the public always, from volunteers with
    `visibility: {name: responder}`); private links (a reporting channel's `link`, a
    `records` resource's `link`, a web address in `communication.secure_channel`); and notes
    and other text of four words or more above the field's readers (a responder's `notes`, a
    responder-only resource's `notes`). Labels never count, whatever their length: names of
    roles, teams, resources, venue contacts, places, rooms, channels, scenarios and
    organizations (`name`, `label`, `title`, `term`, `organiser`, `address`), and public web
    addresses (the `link` of a resource, number or contact). "The lead incident responders"
    in a public channel's label, or a crisis line's web page in a volunteer number's note, is
    not a paste.

    Remove the secret from the text, or, if those readers may see it after all, lower its
    audience with the key the hint names: `visibility:` on a responder, `audience:` on an
    item that takes one (a channel, resource, number, contact, room, scenario, response,
    timeline...), `report_form_audience:` for the report form. A responder's fields can be
    lowered to `volunteer`, never to `public`; when nothing in a plan can show the value to
    those readers (a role's duty to the public, a relationship's note), the hint says so.
    The build's leak check reports anything that still reaches a guide the same way.
    """
    from ...render.leaks import guide_words  # the guide's own words in the plan's locale: not pastes

    for paste in find_pastes(context.plan, guide_words(context.plan)):
        start, end = context.source.span(paste.path, paste_pattern(paste.secret))
        yield Finding(paste.path, paste_message(context.plan, paste), hint=paste_hint(context.plan, paste), at=start, end=end)
