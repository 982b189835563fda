"""Progress that means something, end to end through the loopback Discord: verification
needs other members' evidence, the skill map is the one record of a member's skills, and
the skill map is drawn as a map."""

import io

from PIL import Image

from bot.charts import BODY_TEXT, PHONE_WIDTH, SMALLEST_TEXT_KEY, WIDTH
from bot.client import ProducerBot
from bot.content import Content
from bot.content.career import Level
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, post_today, set_up_challenges, thread_of

SOUND_DESIGN = "Sound design and synthesis"


async def test_an_entry_verifies_its_skill_only_once_others_vote_or_give_feedback(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    post = await post_today(discord, server, channel)
    thread = thread_of(discord, post)
    for member in (server.alice, server.bob):
        entered = await discord.slash(
            "challenge submit", member=member, link=f"https://example.com/{member.id}"
        )
        assert "is in" in entered.text
    alice_entry, bob_entry = discord.channel_messages(thread)

    # Entering alone proves nothing: nobody has heard the take yet.
    unheard = await discord.slash("career skills", member=server.alice)
    assert f"⬜ {SOUND_DESIGN}" in unheard.text and "(verified" not in unheard.text

    # Another member's vote is the evidence.
    await discord.click(alice_entry, "Vote", member=server.bob)
    voted = await discord.slash("career skills", member=server.alice)
    assert f"{SOUND_DESIGN} (verified: votes on a challenge entry)" in voted.text

    # So is feedback from another member.
    form = await discord.click(bob_entry, "Feedback", member=server.alice)
    await discord.submit(
        form, {"Your feedback": "Lovely pads, the kick is buried."}, member=server.alice
    )
    reviewed = await discord.slash("career skills", member=server.bob)
    assert f"{SOUND_DESIGN} (verified: feedback on a challenge entry)" in reviewed.text

    # Resetting the skill clears its verification; marking it done again does not restore it.
    await discord.slash("career mark", member=server.alice, skill="sound-design", state="learning")
    await discord.slash("career mark", member=server.alice, skill="sound-design", state="done")
    reset = await discord.slash("career skills", member=server.alice)
    assert f"✅ {SOUND_DESIGN}" in reset.text and "(verified" not in reset.text


async def test_the_profile_and_the_skill_map_are_one_record(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    panel = await discord.slash("profile edit", member=server.alice)
    form = await discord.click(panel.message, "Skills & goals", member=server.alice)
    await discord.submit(
        form,
        {
            "Skills you have": ["daw-operation"],
            "Skills you want to learn": ["mastering"],
            "You are looking for": [],
        },
        member=server.alice,
    )
    skills = await discord.slash("career skills", member=server.alice)
    assert "✅ DAW operation" in skills.text and "🟨 Mastering" in skills.text

    # Marked on the map, shown on the profile.
    await discord.slash("career mark", member=server.alice, skill="recording", state="done")
    await discord.slash("career mark", member=server.alice, skill="mastering", state="done")
    card = await discord.slash("profile view", member=server.alice)
    have = next(f for f in card.message.embeds[0]["fields"] if f["name"].startswith("Skills"))
    assert "DAW operation" in have["value"] and "Mastering" in have["value"]
    assert "Mic technique and recording fundamentals" in have["value"]

    # Taken off the profile, back to not started on the map.
    form = await discord.click(panel.message, "Skills & goals", member=server.alice)
    await discord.submit(
        form,
        {
            "Skills you have": ["mastering"],
            "Skills you want to learn": [],
            "You are looking for": [],
        },
        member=server.alice,
    )
    after = await discord.slash("career skills", member=server.alice)
    assert "⬜ DAW operation" in after.text and "✅ Mastering" in after.text


def _picture(reply: object) -> Image.Image:
    return Image.open(io.BytesIO(reply.message.attachments[0].data))  # type: ignore[attr-defined]


async def test_the_skill_map_is_a_map_and_the_community_sees_every_state(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    before = await discord.slash("career skills", member=server.alice)
    for member, state in (
        (server.alice, "learning"),
        (server.bob, "done"),
        (server.moderator, "skipped"),
    ):
        await discord.slash("career mark", member=member, skill="mastering", state=state)
    after = await discord.slash("career skills", member=server.alice)
    picture = _picture(after)
    assert picture.size[0] == WIDTH and picture.size[1] > picture.size[0]  # tiers, top down
    assert int(picture.info[SMALLEST_TEXT_KEY]) * PHONE_WIDTH / WIDTH >= BODY_TEXT
    assert after.message.attachments[0].data != before.message.attachments[0].data
    names = [field["name"] for field in after.message.embeds[0]["fields"]]
    assert names == ["Foundational", "Advanced", "Professional"]
    assert "🟨 Mastering" in after.text and "⏭️ skipped" in after.text

    community = await discord.slash("career community", member=server.moderator)
    assert "**Mastering**: 1 learning, 1 done, 0 verified, 1 skipped" in community.text
    assert _picture(community).size[0] == WIDTH


async def test_next_steps_never_suggest_a_challenge_the_member_entered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, content: Content
) -> None:
    first = await discord.slash("career next", member=server.alice)
    suggested = next(
        c for c in content.challenges.for_skill("music-theory") if c.title in first.text
    )
    channel = await set_up_challenges(discord, server, bot, queued=0)
    schedule = bot.services.challenges.schedule
    card = schedule.card(
        suggested.title, suggested.brief, suggested.skill, suggested.difficulty, 24
    )
    await schedule.add(server.guild.id, server.moderator.id, card, None)
    await post_today(discord, server, channel)
    await discord.slash("challenge submit", member=server.alice, link="https://example.com/a")

    after = await discord.slash("career next", member=server.alice)
    assert "Try this:" in after.text and suggested.title not in after.text
    # Bob did not enter it: it is still his suggestion.
    assert suggested.title in (await discord.slash("career next", member=server.bob)).text


async def test_tips_that_run_out_say_so_and_widen_to_the_neighbouring_level(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, content: Content
) -> None:
    options = {"topic": "getting-started", "level": "advanced"}
    advanced = len(content.career.tips_for("getting-started", Level.ADVANCED))
    intermediate = len(content.career.tips_for("getting-started", Level.INTERMEDIATE))
    shown = []
    for _ in range(advanced):
        tip = await discord.slash("career tip", member=server.alice, **options)
        assert "Getting started · advanced" in tip.text and "seen every" not in tip.text
        shown.append(tip.text)
    assert len(set(shown)) == advanced  # no repeats while unseen ones remain

    for _ in range(intermediate):
        wider = await discord.slash("career tip", member=server.alice, **options)
        assert (
            "You have seen every advanced tip on Getting started, so here is one from the "
            "intermediate level." in wider.text
        )
        assert "Getting started · intermediate" in wider.text

    again = await discord.slash("career tip", member=server.alice, **options)
    assert "You have seen every advanced tip on Getting started: they start over" in again.text
    assert "Getting started · advanced" in again.text
