"""/mentor, /block and /report end to end through the loopback Discord."""

from datetime import timedelta

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from loopback.interactions import Reply
from loopback.server import LoopbackDiscord
from loopback.state import BOT_PERMISSIONS
from loopback.world import (
    CREATE_PRIVATE_THREADS,
    MANAGE_CHANNELS,
    MANAGE_GUILD,
    VIEW_CHANNEL,
    Member,
)
from tests.e2e.helpers import (
    Server,
    eventually,
    offer,
    private_threads,
    request_notice,
    start_bot,
    stop_bot,
)


async def describe(bot: ProducerBot, server: Server, member: Member, **fields: list[str]) -> None:
    service = bot.services.profiles
    guild = server.guild.id
    await service.save_skills(
        guild, member.id, fields.get("skills", []), fields.get("goals", []), []
    )
    await service.save_scene(guild, member.id, fields.get("genres", []), fields.get("daws", []))


async def test_find_ranks_mentors_with_reasons_and_excludes_paused_and_blocked(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    carol = discord.add_member(server.guild, "carol")
    dave = discord.add_member(server.guild, "dave")
    await describe(
        bot, server, server.alice, goals=["mixing-basics", "mastering"], daws=["ableton-live"]
    )
    await describe(bot, server, server.bob, daws=["ableton-live"], genres=["lo-fi"])
    done = await offer(discord, server.bob, ["mixing-basics", "mastering"])
    assert done.ephemeral and "mentor for 2 topics" in done.text
    await offer(discord, carol, ["sound-design", "mastering"])
    await offer(discord, dave, ["mixing-basics"])

    choices = await discord.autocomplete("mentor find", "skill", member=server.alice, skill="mast")
    assert [c["value"] for c in choices] == ["mastering"]
    found = await discord.slash("mentor find", member=server.alice)
    assert found.ephemeral
    fields = found.message.embeds[0]["fields"]
    assert f"<@{server.bob.id}>" in fields[0]["value"]
    assert "covers 2 of your goals" in fields[0]["value"]
    assert "same DAW (Ableton Live)" in fields[0]["value"]
    assert found.message.pings.nobody

    await discord.slash("mentor pause", member=server.bob)
    await discord.slash("block", member=dave, options={"member": server.alice})
    found = await discord.slash("mentor find", member=server.alice, skill="mastering")
    assert f"<@{carol.id}>" in found.text
    assert f"<@{server.bob.id}>" not in found.text and f"<@{dave.id}>" not in found.text
    listing = await discord.slash("mentor list", member=server.alice)
    assert "paused" in listing.text and "Mentors (3)" in listing.text


async def test_request_is_accepted_after_a_restart_and_opens_the_intro_thread(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    bot, task = await start_bot(discord, database, clock, content)
    try:
        await describe(
            bot, server, server.alice, goals=["mastering"], daws=["fl-studio"], genres=["trap"]
        )
        await describe(
            bot, server, server.bob, skills=["mastering"], daws=["fl-studio"], genres=["trap"]
        )
        await offer(discord, server.bob, ["mastering", "mixing-basics"])
        asked = await discord.slash(
            "mentor request",
            member=server.alice,
            options={"mentor": server.bob, "message": "Help with loudness? @everyone"},
        )
        assert asked.ephemeral and "by DM" in asked.text
        notice = request_notice(discord, server.bob)
        assert "Help with loudness" in notice.text and notice.pings.nobody
    finally:
        await stop_bot(bot, task)

    bot, task = await start_bot(discord, database, clock, content)
    try:
        refused = await discord.click(notice, "Accept", member=server.alice)
        assert "Only the mentor" in (await refused.wait_followups(1))[0].text
        accepted = await discord.click(notice, "Accept", member=server.bob)
        assert "You accepted" in accepted.text and not notice.buttons()
        [thread] = private_threads(discord)
        assert thread.thread_members >= {server.alice.id, server.bob.id}
        [intro] = discord.channel_messages(thread)
        assert intro.pings.users == {server.alice.id, server.bob.id}
        assert not intro.pings.everyone and not intro.pings.roles
        cards = [e for e in intro.embeds if e["title"] == "Producer profile"]
        assert {c["description"].split("\n")[0] for c in cards} == {
            f"<@{server.alice.id}>",
            f"<@{server.bob.id}>",
        }
        starters = intro.embeds[-1]["description"].splitlines()[1:]
        assert len(starters) == 3
        assert any("knows Mastering" in s for s in starters)
        assert any("Trap" in s for s in starters) and any("FL Studio" in s for s in starters)

        signed = await discord.slash(
            "mentor signoff",
            member=server.bob,
            options={"mentee": server.alice, "skill": "mastering"},
        )
        assert "verified" in signed.text
        skills = await discord.slash("career skills", member=server.alice)
        assert "Mastering (verified: mentor sign-off)" in skills.text
        not_mentor = await discord.slash(
            "mentor signoff",
            member=server.alice,
            options={"mentee": server.bob, "skill": "mastering"},
        )
        assert "Only the mentor" in not_mentor.text

        mine = await discord.slash("mentor mine", member=server.alice)
        assert "You are the mentee" in mine.text and "(running)" in mine.text
        ended = await discord.slash(
            "mentor end", member=server.alice, options={"member": server.bob}
        )
        form = await discord.click(ended.message, "Leave feedback", member=server.alice)
        thanks = await discord.submit(
            form,
            {"Rating": ["4"], "Anything the moderators should know?": "Very helpful"},
            member=server.alice,
        )
        assert "only the moderators" in thanks.text
        assert "Only moderators" in (await discord.slash("mentor feedback", member=server.bob)).text
        feedback = await discord.slash("mentor feedback", member=server.moderator)
        assert "★★★★☆" in feedback.text and "Very helpful" in feedback.text
        profile = await discord.slash(
            "profile view", member=server.alice, options={"member": server.bob}
        )
        assert "Has mentored 1 member" in profile.text
    finally:
        await stop_bot(bot, task)


async def test_decline_blocks_the_pair_for_30_days_and_pending_requests_are_limited(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    mentors = [server.bob, *(discord.add_member(server.guild, f"m{n}") for n in range(4))]
    for mentor in mentors:
        await offer(discord, mentor, ["mastering"])
    await discord.slash("mentor request", member=server.alice, options={"mentor": server.bob})
    declined = await discord.click(
        request_notice(discord, server.bob), "Decline", member=server.bob
    )
    assert "declined" in declined.text
    [told] = await discord.wait_for_messages(discord.dm_channel(server.alice.user), 1)
    assert "can't take you on" in told.text and told.pings.nobody

    clock.advance(REQUEST_COOLDOWN)
    again = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob}
    )
    assert "declined your request recently" in again.text and again.ephemeral
    for mentor in mentors[1:4]:
        clock.advance(REQUEST_COOLDOWN)
        sent = await discord.slash(
            "mentor request", member=server.alice, options={"mentor": mentor}
        )
        assert "on its way" in sent.text
    hasty = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": mentors[4]}
    )
    assert "again in 30 seconds" in hasty.text and hasty.ephemeral
    clock.advance(REQUEST_COOLDOWN)
    full = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": mentors[4]}
    )
    assert "already have 3 requests waiting" in full.text
    await discord.click(request_notice(discord, mentors[1]), "Decline", member=mentors[1])
    clock.advance(REQUEST_COOLDOWN)
    freed = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": mentors[4]}
    )
    assert "on its way" in freed.text

    clock.advance(timedelta(days=29))
    still = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob}
    )
    assert "declined your request recently" in still.text
    clock.advance(timedelta(days=2))  # 31 days on; unanswered requests have lapsed as well
    allowed = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob}
    )
    assert "on its way" in allowed.text


async def test_closed_dms_fall_back_to_a_private_thread_and_are_not_retried(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    carol = discord.add_member(server.guild, "carol")
    await offer(discord, server.bob, ["mastering"])
    server.bob.user.dms_open = False
    sent = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob}
    )
    assert "private thread" in sent.text
    [thread] = private_threads(discord)
    assert server.bob.id in thread.thread_members and server.alice.id not in thread.thread_members
    [notice] = discord.channel_messages(thread)
    assert notice.pings.users == {server.bob.id}
    await discord.slash("mentor request", member=carol, options={"mentor": server.bob})
    refused = [r for r in discord.requests if r.status == 403 and r.path.endswith("/messages")]
    assert len(refused) == 1  # remembered: the second request did not try the DM again
    assert len(private_threads(discord)) == 2
    accepted = await discord.click(notice, "Accept", member=server.bob)
    assert "You accepted" in accepted.text


async def test_block_and_report(discord: LoopbackDiscord, server: Server, bot: ProducerBot) -> None:
    await offer(discord, server.alice, ["mastering"])
    blocked = await discord.slash("block", member=server.alice, options={"member": server.bob})
    assert blocked.ephemeral and "Blocked" in blocked.text
    refused = await discord.slash(
        "mentor request", member=server.bob, options={"mentor": server.alice}
    )
    assert "can't send a request" in refused.text
    assert (
        f"<@{server.alice.id}>" not in (await discord.slash("mentor find", member=server.bob)).text
    )
    await discord.slash("unblock", member=server.alice, options={"member": server.bob})
    assert f"<@{server.alice.id}>" in (await discord.slash("mentor find", member=server.bob)).text

    reason = "Sent me spam links @everyone <@&1>"
    unset = await discord.slash(
        "report", member=server.bob, options={"member": server.alice, "reason": reason}
    )
    assert "no channel for reports" in unset.text
    log = discord.add_channel(server.guild, "mod-log")
    await discord.dispatch("CHANNEL_CREATE", log.to_json(), server.guild.id)
    await discord.slash("settings channel", member=server.moderator, feature="mod-log", channel=log)
    done = await discord.slash(
        "report", member=server.bob, options={"member": server.alice, "reason": reason}
    )
    assert done.ephemeral and "moderators" in done.text
    [posted] = await discord.wait_for_messages(log, 1)  # sent after the answer
    assert "Sent me spam links" in posted.text and f"<@{server.alice.id}>" in posted.text
    assert posted.pings.nobody


@pytest.mark.usefixtures("bot")
async def test_mentor_commands_need_a_mentor_offer(
    discord: LoopbackDiscord, server: Server
) -> None:
    paused = await discord.slash("mentor pause", member=server.alice)
    assert "not a mentor here yet" in paused.text
    nobody = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob}
    )
    assert "not offering mentoring" in nobody.text
    yourself = await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.alice}
    )
    assert "your own mentor" in yourself.text


async def accept_request(discord: LoopbackDiscord, mentee: Member, mentor: Member) -> Reply:
    await discord.slash("mentor request", member=mentee, options={"mentor": mentor})
    return await discord.click(request_notice(discord, mentor), "Accept", member=mentor)


async def test_mentor_role_and_a_private_channel_when_threads_are_not_allowed(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    """Without Create Private Threads the pair meets in a channel only they (and the bot)
    can see; without Manage Channels too, by DM, and the moderators hear of it once. The
    mentor role comes with the first running mentorship and goes with the last."""
    guild, carol = server.guild, discord.add_member(server.guild, "carol")
    log = discord.add_channel(guild, "mod-log")
    await discord.slash("settings channel", member=server.moderator, feature="mod-log", channel=log)
    bot_role = discord.bot_role(guild)
    bot_role.position = 50  # above the roles it hands out, as the owner would arrange
    discord.set_permissions(bot_role, BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS | MANAGE_CHANNELS)
    mentor_role = discord.add_role(guild, "Mentor", position=10)
    powerful = discord.add_role(guild, "Helpers", permissions=MANAGE_GUILD, position=11)

    refused = await discord.slash("mentor role", member=server.alice, options={"role": mentor_role})
    assert "Only moderators" in refused.text
    unsafe = await discord.slash("mentor role", member=server.owner, options={"role": powerful})
    assert "never hand out roles with moderator powers" in unsafe.text
    above = await discord.slash(
        "mentor role", member=server.moderator, options={"role": mentor_role}
    )
    assert "not below your own highest role" in above.text
    chosen = await discord.slash("mentor role", member=server.owner, options={"role": mentor_role})
    assert chosen.ephemeral and mentor_role.mention in chosen.text

    await offer(discord, server.bob, ["mastering"])
    accepted = await accept_request(discord, server.alice, server.bob)
    [room] = [c for c in guild.channels.values() if c.name.startswith("mentoring-")]
    assert room.mention in accepted.text and not private_threads(discord)
    hidden = {int(o["id"]): (int(o["allow"]), int(o["deny"])) for o in room.overwrites}
    assert hidden[guild.id][1] & VIEW_CHANNEL  # @everyone can't see it
    for user_id in (server.alice.id, server.bob.id, discord.bot_user.id):
        assert hidden[user_id][0] & VIEW_CHANNEL
    assert len(hidden) == 4
    [intro] = discord.channel_messages(room)
    assert intro.pings.users == {server.alice.id, server.bob.id} and not intro.pings.roles
    assert mentor_role.id in server.bob.role_ids

    discord.set_permissions(bot_role, BOT_PERMISSIONS & ~CREATE_PRIVATE_THREADS)
    for mentee in (carol, server.moderator):
        if mentee is server.moderator:
            await discord.slash("mentor end", member=carol, options={"member": server.bob})
        accepted = await accept_request(discord, mentee, server.bob)
        assert "by DM" in accepted.text
        assert any("meet your mentee" in m.text for m in discord.dms(mentee.user))
    [alert] = discord.channel_messages(log)
    assert "Create Private Threads" in alert.embeds[0]["description"] and alert.pings.nobody

    def looked_up() -> int:  # how often the bot fetched bob to check his mentor role
        return sum(r.path.endswith(f"/members/{server.bob.id}") for r in discord.requests)

    before = looked_up()
    await discord.slash("mentor end", member=server.alice, options={"member": server.bob})
    await eventually(lambda: looked_up() > before, "the bot looked bob up after the end")
    assert mentor_role.id in server.bob.role_ids  # still mentoring the moderator
    await discord.slash("mentor end", member=server.bob, options={"member": server.moderator})
    await eventually(
        lambda: mentor_role.id not in server.bob.role_ids, "bob's mentor role was taken away"
    )
