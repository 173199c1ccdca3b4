"""Channels as communities run them (#22 point 4): a note on every channel, any member as a channel,
chat without a link, a call on request without a number, links apart from the next word."""

from pathlib import Path

import pytest

from generator.assets import AssetPolicy
from generator.errors import UserError
from generator.paths import templates_dir
from generator.plan.load import load_text
from generator.plan.validate import validate
from generator.render.edition import EDITIONS, make_edition
from generator.render.extract import visible_text as _visible_text
from generator.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
CHANNEL = """    - kind: email
      label: Report by e-mail
      email: conduct@example.org
      staffed_by: [ana, ben]
"""


def plan_with(channels: str, extra: str = ""):
    assert MINIMAL.count(CHANNEL) == 1
    text = MINIMAL.replace(CHANNEL, CHANNEL + channels)
    if extra:
        text = text.replace("responders:\n", extra + "responders:\n", 1)
    return validate(load_text(text, "plan.yaml"))


def visible_text(html: str) -> str:
    """The page's text with its white space squeezed, as a reader sees it."""
    return " ".join(_visible_text(html).split())


def page(plan, edition: str) -> str:
    spec = EDITIONS[edition]
    return render_html(make_edition(plan, spec.audience, spec.name), policy=AssetPolicy(ROOT, templates_dir()), template=spec.template)


NOTE = """    - kind: email
      label: Write to the board
      email: board@example.org
      note: Also if you cannot find the right contact; answered within 72 hours.
      audience: public
"""


@pytest.mark.parametrize("edition", ["public", "volunteer", "responder"])
def test_a_channel_note_prints_with_the_channel(edition):
    text = visible_text(page(plan_with(NOTE), edition))
    assert "board@example.org Also if you cannot find the right contact; answered within 72 hours." in text


def test_a_chat_channel_needs_no_link_and_a_call_on_request_no_number():
    plan = plan_with("""    - kind: chat
      label: Message a member on our chat
      audience: public
    - kind: phone
      label: A call on request
      note: Ask for a call by e-mail and we ring you back.
      audience: public
""")
    text = visible_text(page(plan, "public"))
    assert "Message a member on our chat" in text
    assert "A call on request" in text and "Ask for a call by e-mail and we ring you back." in text


def test_a_phone_channel_without_number_or_note_is_still_an_error():
    with pytest.raises(UserError) as caught:
        plan_with("""    - kind: phone
      label: Phone
""")
    assert "a `phone` channel needs `phone` (or, for a call on request, a `note` saying how to ask for one)" in str(caught.value.problems[0])


ANY_MEMBER = """    - kind: any-member
      label: E-mail any member directly
      staffed_by: [ana, ben]
      audience: public
"""


def test_any_member_lists_the_members_each_edition_may_see():
    plan = plan_with(ANY_MEMBER)
    volunteer = visible_text(page(plan, "volunteer"))
    assert "E-mail any member directly" in volunteer and "Ana Example" in volunteer and "Ben Example" in volunteer
    assert "ana@example.org" not in volunteer  # e-mails are for responders in a team that does not publish itself
    assert "ana@example.org" in visible_text(page(plan, "responder"))
    public = visible_text(page(plan, "public"))
    assert "E-mail any member directly" in public and "Ana Example" not in public
    assert "Cai Example" not in volunteer.split("E-mail any member directly")[1].split("Code of conduct")[0]


def test_any_member_of_a_published_team_lists_their_addresses_on_the_public_sheet():
    plan = plan_with(ANY_MEMBER, extra="team: {published: true}\n")
    public = visible_text(page(plan, "public"))
    assert "Ana Example ana@example.org" in public
    assert "020 7946 0001" not in public


def test_a_link_is_apart_from_the_next_word_on_the_public_sheet():
    plan = plan_with("""    - kind: chat
      label: Chat
      link: https://chat.example.org/
      where: Send a direct message to a responder.
      audience: public
""")
    text = visible_text(page(plan, "public"))
    assert "chat.example.org Send a direct message" in text


def test_any_member_of_a_published_team_says_how_to_recognise_each_one():
    """The members' list of the channel stands for the team's list on the public sheet: what it said of each member
    (a role, a lanyard) is said there."""
    with_looks = MINIMAL.replace("    fallback: ben\n", "    fallback: ben\n    how_to_recognise: Conference organiser, red lanyard\n", 1)
    assert with_looks != MINIMAL
    every_member = ANY_MEMBER.replace("      staffed_by: [ana, ben]\n", "")  # the whole team: listed with the channel alone
    text = with_looks.replace(CHANNEL, CHANNEL + every_member).replace("responders:\n", "team: {published: true}\nresponders:\n", 1)
    public = visible_text(page(validate(load_text(text, "plan.yaml")), "public"))
    assert "Ana Example ana@example.org Conference organiser, red lanyard" in public


def test_a_channel_with_nothing_to_follow_its_label_has_no_colon_and_a_note_sits_under_its_address():
    """'Message the team on the event's Discord:' ended in a colon with nothing after it; a note ran on from the
    address it follows ('conduct@example.org The best way…')."""
    plan = plan_with("""    - kind: chat
      label: Message the team on the event's Discord
      note: Moderators answer within an hour.
      audience: volunteer
""")
    html = page(plan, "volunteer")
    cover = html[html.index('id="channels-title"'):]
    cover = cover[:cover.index("</section>")]
    assert "Message the team on the event&#39;s Discord</strong>:" not in cover and "Discord</strong> " in cover
    assert '<span class="channel-note">Moderators answer within an hour.</span>' in cover
    assert ".channels .channel-note { display: block; }" in (ROOT / "templates" / "css" / "base.css").read_text(encoding="utf-8")
