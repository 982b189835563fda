"""/career end to end through the loopback Discord."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, start_bot, stop_bot


async def test_paths_open_from_the_menu_and_step_with_buttons(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, content: Content
) -> None:
    reply = await discord.slash("career paths", member=server.alice)
    assert reply.ephemeral
    assert "Routes into music production" in reply.text
    paths = content.career.paths
    opened = await discord.select(reply.message, [paths[2].id], member=server.alice)
    assert paths[2].name in opened.text
    assert "Steps" in opened.text and "Downsides" in opened.text
    for path in paths[3:]:
        stepped = await discord.click(reply.message, "Next", member=server.alice)
        assert path.name in stepped.text
    assert reply.message.buttons()[1]["disabled"] is True  # Next, on the last path
    back = await discord.click(reply.message, "Previous", member=server.alice)
    assert paths[-2].name in back.text


async def test_tips_another_save_saved_and_unsave(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    choices = await discord.autocomplete("career tip", "topic", member=server.alice, topic="netw")
    assert [c["value"] for c in choices] == ["networking"]
    reply = await discord.slash(
        "career tip", member=server.alice, topic="networking", level="beginner"
    )
    assert reply.ephemeral
    assert "Networking · beginner" in reply.text
    first = reply.text
    another = await discord.click(reply.message, "Another", member=server.alice)
    assert another.message.id == reply.message.id
    assert another.text != first and "Networking · beginner" in another.text
    tip_id = reply.message.embeds[0]["footer"]["text"].split()[-1]

    saved = await discord.click(reply.message, "Save", member=server.alice)
    assert saved.ephemeral and tip_id in saved.text
    listing = await discord.slash("career saved", member=server.alice)
    assert tip_id in listing.text
    assert "No saved" not in (await discord.slash("career saved", member=server.alice)).text
    removed = await discord.slash("career unsave", member=server.alice, tip=tip_id)
    assert "Removed" in removed.text
    empty = await discord.slash("career saved", member=server.alice)
    assert "no saved tips" in empty.text


def png_of(reply_message: object) -> Image.Image:
    attachment = reply_message.attachments[0]  # type: ignore[attr-defined]
    return Image.open(io.BytesIO(attachment.data))


async def test_skill_map_picture_changes_with_progress(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    before = await discord.slash("career skills", member=server.alice)
    assert before.ephemeral
    picture = before.message.attachments[0]
    assert picture.filename == "skill-map.png"
    image = png_of(before.message)
    assert image.format == "PNG" and image.size[0] == 600 and image.size[1] > 300
    assert "0 of 15 done" in before.text

    choices = await discord.autocomplete("career mark", "skill", member=server.alice, skill="mast")
    assert [c["value"] for c in choices] == ["mastering"]
    marked = await discord.slash(
        "career mark", member=server.alice, skill="mastering", state="done"
    )
    assert "Mastering" in marked.text
    near_miss = await discord.slash(
        "career mark", member=server.alice, skill="masterin", state="done"
    )
    assert "Did you mean **Mastering**" in near_miss.text

    after = await discord.slash("career skills", member=server.alice)
    assert "1 of 15 done" in after.text
    assert "✅ Mastering" in after.text
    assert after.message.attachments[0].data != picture.data


async def test_next_steps_gear_and_portfolio(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    steps = await discord.slash("career next", member=server.alice)
    assert "Learn next" in steps.text and "A path that fits" in steps.text
    overview = await discord.slash("career gear", member=server.alice)
    assert "studio tech stack" in overview.text
    daws = await discord.slash("career gear", member=server.alice, category="daws")
    assert "Ableton Live" in daws.text
    portfolio = await discord.slash("career portfolio", member=server.alice)
    assert portfolio.message.embeds[0]["footer"]["text"].startswith("Page 1 of ")


async def test_moderator_commands_are_refused_to_members(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    tips = discord.add_channel(server.guild, "tips")
    attempts = [
        ("career community", {}),
        ("career daily", {"channel": tips, "time": "09:00"}),
        ("career tips add", {"topic": "networking", "level": "beginner"}),
        ("career tips remove", {"tip": "g1"}),
    ]
    for command, options in attempts:
        refused = await discord.slash(command, member=server.alice, **options)
        assert refused.ephemeral
        assert "Only moderators" in refused.text, command

    chart = await discord.slash("career community", member=server.moderator)
    assert png_of(chart.message).format == "PNG"
    assert "Where the community stands" in chart.text


async def test_guild_tips_are_added_edited_and_removed_by_modal(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    form = await discord.slash(
        "career tips add", member=server.moderator, topic="networking", level="beginner"
    )
    added = await discord.submit(
        form, {"The tip": "Bring two finished loops to every meetup."}, member=server.moderator
    )
    assert "Added the tip `g" in added.text
    tip_id = added.text.split("`")[1]
    listed = await discord.slash("career tips list", member=server.alice)
    assert "Bring two finished loops" in listed.text

    edit = await discord.slash(
        "career tips edit", member=server.moderator, tip=tip_id, level="advanced"
    )
    field = edit.modal["components"][0]
    assert (field.get("component") or field["components"][0])["value"].startswith("Bring two")
    await discord.submit(edit, {"The tip": "Bring three finished loops."}, member=server.moderator)
    listed = await discord.slash("career tips list", member=server.alice)
    assert "three finished loops" in listed.text and "advanced" in listed.text

    gone = await discord.slash("career tips remove", member=server.moderator, tip=tip_id)
    assert "Removed" in gone.text
    assert (
        "no tips of its own" in (await discord.slash("career tips list", member=server.alice)).text
    )


async def test_tip_of_the_day_posts_once_across_restart_and_downtime(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    tips = discord.add_channel(server.guild, "tips")
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    bot, task = await start_bot(discord, database, clock, content)
    try:
        await discord.slash("settings timezone", member=server.moderator, zone="Europe/Berlin")
        done = await discord.slash(
            "career daily", member=server.moderator, channel=tips, time="09:00"
        )
        assert "09:00 (Europe/Berlin)" in done.text

        clock.set(datetime(2026, 11, 23, 8, 1, tzinfo=UTC))  # 09:01 Berlin
        [first] = await discord.wait_for_messages(tips, 1)
        assert "Tip of the day" in first.text
        assert first.nonce is not None

        saved = await discord.click(first, "Save", member=server.bob)
        assert "Saved tip" in saved.text
    finally:
        await stop_bot(bot, task)

    # Restart the same day: nothing new.
    bot, task = await start_bot(discord, database, clock, content)
    try:
        clock.advance(timedelta(hours=2))
        await bot.scheduler.run_due()
        assert len(discord.channel_messages(tips)) == 1
    finally:
        await stop_bot(bot, task)

    # Down all of Tuesday; back on Wednesday evening: one late post for Wednesday.
    clock.set(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))
    bot, task = await start_bot(discord, database, clock, content)
    try:
        posts = await discord.wait_for_messages(tips, 2)
        await bot.scheduler.run_due()
        assert len(discord.channel_messages(tips)) == 2
        assert posts[0].embeds[0]["description"] != posts[1].embeds[0]["description"]
    finally:
        await stop_bot(bot, task)


@pytest.mark.parametrize("kind", ["paths", "tips", "gear", "portfolio", "next"])
def test_every_content_item_renders_within_discords_limits(kind: str, content: Content) -> None:
    from bot.content.career import Level
    from bot.services.careers.guidance import NextSteps
    from bot.services.careers.tip_pick import TipCard
    from cogs.career import render
    from loopback.limits import check_embeds

    career = content.career
    embeds = {
        "paths": lambda: (
            [render.paths_overview(career)]
            + [render.path_detail(career, path) for path in career.paths]
        ),
        "tips": lambda: (
            [
                render.tip(
                    career, TipCard(t.id, t.topic, t.level, t.text), heading="Tip of the day · "
                )
                for t in career.tips
            ]
            + render.tip_pages(
                career, [TipCard(t.id, t.topic, Level(t.level), t.text) for t in career.tips], "All"
            )
        ),
        "gear": lambda: (
            [render.gear_overview(career)]
            + [render.gear_category(category) for category in career.gear]
        ),
        "portfolio": lambda: render.portfolio(career),
        "next": lambda: [
            render.next_steps(NextSteps(career.skills[:3], path, challenge))
            for path in career.paths
            for challenge in content.challenges.challenges[:10]
        ],
    }[kind]()
    problems = [p for embed in embeds for p in check_embeds([embed.to_dict()])]
    assert problems == []
    assert len(embeds) > 0
