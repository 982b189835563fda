"""Forms named by their custom id (a challenge entry, feedback on one, a suggestion, a
server's quiz question or tip, a mentor's offer, a moderator's new, edited or moved queued
challenge, a profile section, feedback on a mentorship): discord.py keeps nothing per
opening, a form opened before a restart is answered after it, a form opens with the member's
current choices, a moderator's form is checked when it is sent, and a forged or unknown form
custom id gets a sentence, not silence."""

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.ui.expired import EXPIRED
from bot.ui.forms import UNUSABLE
from loopback.interactions import Reply
from loopback.server import LoopbackDiscord
from tests.audio_signals import encode, progression
from tests.e2e.helpers import Server, post_today, running_bot, set_up_challenges, thread_of

WAV = encode(progression(0, False, seconds=1.0, rate=22050), 22050, "wav")


async def test_forms_opened_before_a_restart_are_answered_after_it(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    async with running_bot(discord, database, clock, content) as bot:
        channel = await set_up_challenges(discord, server, bot)
        post = await post_today(discord, server, channel)
        done = await discord.slash("challenge submit", member=server.bob, link="https://e.com/b")
        assert "is in" in done.text
        [bob_entry] = discord.channel_messages(thread_of(discord, post))
        entry_form = await discord.click(post, "Submit", member=server.alice)
        again = await discord.click(post, "Submit", member=server.moderator)
        feedback_form = await discord.click(bob_entry, "Feedback", member=server.alice)
        assert entry_form.modal["custom_id"] == again.modal["custom_id"]  # one form, shared
        assert not bot._connection._view_store._modals, "discord.py keeps no form per opening"

    async with running_bot(discord, database, clock, content):
        take = discord.upload("take.wav", WAV, "audio/wav")
        entered = await discord.submit(
            entry_form, {"Audio file": [take], "Notes": "after a restart"}, member=server.alice
        )
        assert entered.ephemeral and "is in" in entered.text, entered.text
        posted = discord.channel_messages(thread_of(discord, post))[-1]
        assert "after a restart" in posted.text or "after a restart" in str(posted.embeds)
        assert any(file.data == WAV for file in posted.attachments)

        review = {"Your feedback": "Punchy drums; the hats could sit back."}
        sent = await discord.submit(feedback_form, review, member=server.alice)
        assert "feedback is posted" in sent.text


QUESTION = {
    "Question": "Who registers our co-op's songs?",
    "Correct answer": "The co-op's publisher",
    "Three wrong answers, one per line": "The drummer\nThe venue\nNobody",
    "Why the answer is right": "The publisher files every song the co-op releases.",
}


async def test_suggestion_question_and_tip_forms_outlive_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    mona = server.moderator
    async with running_bot(discord, database, clock, content) as bot:
        await discord.slash("settings channel", member=mona, feature="suggestions", channel=board)
        tip = await discord.slash(
            "career tips add", member=mona, topic="networking", level="beginner"
        )
        added = await discord.submit(tip, {"The tip": "Bring two loops to meetups."}, member=mona)
        tip_id = added.text.split("`")[1]
        suggestion = await discord.slash("suggest", member=server.alice)
        question = await discord.slash("quiz add", member=mona, topic="business", difficulty="easy")
        new_tip = await discord.slash(
            "career tips add", member=mona, topic="wellbeing", level="advanced"
        )
        edit = await discord.slash("career tips edit", member=mona, tip=tip_id, level="advanced")
        assert not bot._connection._view_store._modals, "discord.py keeps no form per opening"

    async with running_bot(discord, database, clock, content) as bot:
        idea = {"Title": "Stem swaps", "Your idea": "Trade stems each month."}
        sent = await discord.submit(suggestion, idea, member=server.alice)
        assert sent.ephemeral and "Stem swaps" in discord.channel_messages(board)[-1].text
        asked = await discord.submit(question, QUESTION, member=mona)
        assert "Added to 💼" in asked.text, asked.text
        fresh = await discord.submit(new_tip, {"The tip": "Rest your ears hourly."}, member=mona)
        assert "Added the tip" in fresh.text, fresh.text
        changed = await discord.submit(edit, {"The tip": "Bring three loops."}, member=mona)
        assert changed.ephemeral and "Updated" in changed.text, changed.text
        tips = {
            (card.topic, card.level, card.text)
            for card in await bot.services.career.guild_tips(server.guild.id)
        }
        assert {
            ("networking", "advanced", "Bring three loops."),
            ("wellbeing", "advanced", "Rest your ears hourly."),
        } <= tips


async def test_a_moderators_form_is_refused_once_the_role_is_gone(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    mona = server.moderator
    question = await discord.slash("quiz add", member=mona, topic="business", difficulty="easy")
    tip = await discord.slash("career tips add", member=mona, topic="networking", level="beginner")
    roles = list(mona.role_ids)
    mona.role_ids.clear()
    refused = [
        await discord.submit(question, QUESTION, member=mona),
        await discord.submit(tip, {"The tip": "Never mind."}, member=mona),
    ]
    assert all(reply.ephemeral and "Only moderators" in reply.text for reply in refused)
    assert await bot.services.career.guild_tips(server.guild.id) == []
    mona.role_ids.extend(roles)
    kept = await discord.submit(question, QUESTION, member=mona)
    assert "Added to 💼" in kept.text


async def test_forged_and_unknown_forms_are_answered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    post = await post_today(discord, server, await set_up_challenges(discord, server, bot))
    form = await discord.click(post, "Submit", member=server.alice)
    answers = {"Or a link to your track": "https://e.com/a"}
    for custom_id, expected in (
        ("challenge:entry:0", UNUSABLE),
        ("challenge:entry:x1", UNUSABLE),
        ("challenge:entry:99999", "does not exist"),
        ("old:form:1", EXPIRED),
    ):
        form.record.callback_data["custom_id"] = custom_id
        reply = await discord.submit(form, answers, member=server.alice)
        assert reply.ephemeral and expected in reply.text, (custom_id, reply.text)
    assert not discord.channel_messages(thread_of(discord, post))


async def test_forged_tip_and_question_forms_are_answered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    mona = server.moderator
    tip = await discord.slash("career tips add", member=mona, topic="networking", level="beginner")
    for custom_id, expected in (
        ("career:tip-form:cooking:beginner", "no tip topic `cooking`"),
        ("career:tip-form:networking:wizard", "level"),
        ("career:tip-edit:g999:networking:beginner", "no tip with that id"),
        ("career:tip-form:net working:beginner", UNUSABLE),
    ):
        tip.record.callback_data["custom_id"] = custom_id
        reply = await discord.submit(tip, {"The tip": "A forged tip, long enough."}, member=mona)
        assert reply.ephemeral and expected in reply.text, (custom_id, reply.text)
    question = await discord.slash("quiz add", member=mona, topic="business", difficulty="easy")
    question.record.callback_data["custom_id"] = "quiz:question-form:cooking:easy"
    reply = await discord.submit(question, QUESTION, member=mona)
    assert reply.ephemeral and "not a quiz topic" in reply.text, reply.text
    assert await bot.services.career.guild_tips(server.guild.id) == []


OFFER = {
    "Topics you can teach": ["mixing-basics", "mastering"],
    "How many mentees": ["3"],
    "When you are available": "Weekday evenings",
    "How requests reach you": ["thread"],
}
HOOK = {
    "Title": "Eight-bar hook",
    "Brief": "Write an eight-bar vocal hook over four chords.",
    "Skill it trains": ["music-theory"],
    "Difficulty": ["easy"],
    "Hours to submit (1 to 168)": "36",
}


def shown(form: Reply, label: str) -> str | list[str]:
    """What the form's input ``label`` shows at its opening: its text, or a select's
    preselected option values."""
    [field] = [c["component"] for c in form.modal["components"] if c.get("label") == label]
    if field["type"] == 4:
        return str(field.get("value", ""))
    return [option["value"] for option in field["options"] if option.get("default")]


async def test_offer_and_challenge_forms_opened_before_a_restart_are_answered_after_it(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    mona = server.moderator
    async with running_bot(discord, database, clock, content) as bot:
        await set_up_challenges(discord, server, bot, queued=0)
        schedule = bot.services.challenges.schedule
        card = schedule.card("Day 3", "Make a beat.", "sound-design", "easy", 24)
        item = await schedule.add(server.guild.id, mona.id, card, "2026-11-26")
        offer = await discord.slash("mentor offer", member=server.alice)
        add = await discord.slash("challenge add", member=mona, date="2026-12-24")
        queue = await discord.slash("challenge queue", member=mona)
        await discord.select(queue.message, [str(item.id)], member=mona)
        edit = await discord.click(queue.message, "Edit", member=mona)
        await discord.select(queue.message, [str(item.id)], member=mona)
        move = await discord.click(queue.message, "Move", member=mona)
        assert not bot._connection._view_store._modals, "discord.py keeps no form per opening"

    async with running_bot(discord, database, clock, content) as bot:
        offered = await discord.submit(offer, OFFER, member=server.alice)
        assert offered.ephemeral and "2 topics with 3 places" in offered.text, offered.text
        mentor = await bot.services.mentoring.offer_of(server.guild.id, server.alice.id)
        assert mentor is not None and not mentor.dm_requests
        assert set(mentor.topics) == {"mixing-basics", "mastering"}

        added = await discord.submit(add, HOOK, member=mona)
        assert "Scheduled **Eight-bar hook** for Thu 24 Dec 2026" in added.text, added.text
        await discord.submit(edit, {"Title": "Nine-bar hook"}, member=mona)
        assert "`Thu 26 Nov` **Nine-bar hook**" in queue.message.text, queue.message.text
        await discord.submit(move, {"New date (YYYY-MM-DD), or next / end": "end"}, member=mona)
        titles = [
            i.card.title for i in await bot.services.challenges.schedule.queue(server.guild.id)
        ]
        assert titles == ["Eight-bar hook", "Nine-bar hook"]  # dated first, then the queue's end


async def test_the_offer_form_shows_a_mentors_current_choices(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    new = await discord.slash("mentor offer", member=server.bob)
    assert shown(new, "Topics you can teach") == []
    assert shown(new, "How many mentees") == ["2"]
    assert shown(new, "How requests reach you") == ["dm"]
    await discord.submit(new, OFFER, member=server.bob)

    again = await discord.slash("mentor offer", member=server.bob)
    assert sorted(shown(again, "Topics you can teach")) == ["mastering", "mixing-basics"]
    assert shown(again, "How many mentees") == ["3"]
    assert shown(again, "When you are available") == "Weekday evenings"
    assert shown(again, "How requests reach you") == ["thread"]
    kept = await discord.submit(again, {}, member=server.bob)  # sent as it opened
    assert "2 topics with 3 places" in kept.text, kept.text
    mentor = await bot.services.mentoring.offer_of(server.guild.id, server.bob.id)
    assert mentor is not None and not mentor.dm_requests and mentor.capacity == 3


async def test_a_challenge_form_is_refused_once_the_moderator_role_is_gone(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    mona = server.moderator
    await set_up_challenges(discord, server, bot, queued=0)
    add = await discord.slash("challenge add", member=mona)
    roles = list(mona.role_ids)
    mona.role_ids.clear()
    refused = await discord.submit(add, HOOK, member=mona)
    assert refused.ephemeral and "Only moderators" in refused.text, refused.text
    assert await bot.services.challenges.schedule.queue(server.guild.id) == []
    mona.role_ids.extend(roles)
    kept = await discord.submit(add, HOOK, member=mona)
    assert "Scheduled **Eight-bar hook** at the end of the queue" in kept.text, kept.text


async def test_forged_challenge_and_offer_forms_are_answered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    mona = server.moderator
    await set_up_challenges(discord, server, bot, queued=0)
    other = discord.add_guild("Other Lab")
    schedule = bot.services.challenges.schedule
    await bot.services.challenges.settings.setup(
        other.id, discord.default_channel(other).id, "09:00", "UTC"
    )
    card = schedule.card("Theirs", "Make a beat.", "sound-design", "easy", 24)
    theirs = await schedule.add(other.id, other.owner_id, card, None)

    add = await discord.slash("challenge add", member=mona)
    for custom_id, expected in (
        ("challenge:add-form:2026/12/24", UNUSABLE),
        ("challenge:add-form:someday", "Give the date as YYYY-MM-DD"),
        ("challenge:edit-form:0", UNUSABLE),
        ("challenge:edit-form:x1", UNUSABLE),
        ("challenge:edit-form:99999", "no longer in this server's queue"),
        (f"challenge:edit-form:{theirs.id}", "no longer in this server's queue"),
        (f"challenge:move-form:{theirs.id}", "no longer in this server's queue"),
        ("challenge:move-form:99999999999999999999", UNUSABLE),
        ("mentor:offer-form:1", EXPIRED),
    ):
        add.record.callback_data["custom_id"] = custom_id
        reply = await discord.submit(add, HOOK, member=mona)
        assert reply.ephemeral and expected in reply.text, (custom_id, reply.text)
    assert await schedule.queue(server.guild.id) == []
    assert await schedule.queue(other.id) == [theirs]
    undated = await discord.slash("challenge add", member=mona, date="24/12/2026")
    assert undated.ephemeral and "Give the date as YYYY-MM-DD" in undated.text  # before typing

    offer = await discord.slash("mentor offer", member=server.alice)
    forged = {**OFFER, "How many mentees": ["99"]}  # a value the form does not offer
    reply = await discord.submit(offer, forged, member=server.alice)
    assert reply.ephemeral and "Take between 1 and 5 mentees" in reply.text, reply.text
    assert await bot.services.mentoring.offer_of(server.guild.id, server.alice.id) is None


async def ended_mentorship(server: Server, bot: ProducerBot) -> None:
    """Bob mentors Alice (ended by the caller with ``/mentor end``)."""
    guild_id, alice, bob = server.guild.id, server.alice, server.bob
    mentoring = bot.services.mentoring
    await mentoring.offer(guild_id, bob.id, ["mastering"], 2, "Evenings", True)
    sent = await mentoring.request(guild_id, alice.id, bob.id, "Hi!", None)
    await mentoring.accept(guild_id, sent.request.id, bob.id)


async def test_the_profile_panel_and_mentorship_feedback_outlive_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    alice, bob = server.alice, server.bob
    async with running_bot(discord, database, clock, content) as bot:
        panel = await discord.slash("profile edit", member=alice)
        about = await discord.click(panel.message, "About you", member=alice)
        await ended_mentorship(server, bot)
        ended = await discord.slash("mentor end", member=alice, options={"member": bob})
        assert not bot._connection._view_store._modals, "discord.py keeps no form per opening"

    async with running_bot(discord, database, clock, content) as bot:
        saved = await discord.submit(
            about, {"What you do": ["beatmaker"], "Time zone": "Europe/Berlin"}, member=alice
        )
        assert "Saved." in saved.text and "Europe/Berlin" in saved.text, saved.text
        assert "Europe/Berlin" in panel.message.text  # the panel shows the new card
        again = await discord.click(panel.message, "About you", member=alice)
        assert shown(again, "What you do") == ["beatmaker"]
        assert shown(again, "Time zone") == "Europe/Berlin"
        skills = await discord.click(panel.message, "Skills & goals", member=alice)
        await discord.submit(skills, {"Skills you want to learn": ["mastering"]}, member=alice)
        profile = await bot.services.profiles.get(server.guild.id, alice.id)
        assert profile.roles == ("beatmaker",) and profile.goals == ("mastering",)
        not_hers = await discord.click(panel.message, "Links", member=bob)
        assert not_hers.ephemeral and "belong to someone else" in not_hers.text

        form = await discord.click(ended.message, "Leave feedback", member=alice)
        assert shown(form, "Rating") == ["5"]
        thanks = await discord.submit(
            form, {"Anything the moderators should know?": "Kind and clear"}, member=alice
        )
        assert "only the moderators" in thanks.text, thanks.text
        [feedback] = await bot.services.safety.all_feedback(server.guild.id)
        assert feedback.rating == 5 and feedback.comment == "Kind and clear"
        refused = await discord.click(ended.message, "Leave feedback", member=bob)
        assert "belong to someone else" in refused.text


async def test_forged_profile_and_feedback_forms_are_answered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    alice = server.alice
    panel = await discord.slash("profile edit", member=alice)
    form = await discord.click(panel.message, "Links", member=alice)
    form.record.callback_data["custom_id"] = "profile:form:nothing"
    reply = await discord.submit(form, {}, member=alice)
    assert reply.ephemeral and UNUSABLE in reply.text, reply.text
    assert not (await bot.services.profiles.get(server.guild.id, alice.id)).exists

    await ended_mentorship(server, bot)
    ended = await discord.slash("mentor end", member=alice, options={"member": server.bob})
    opened = await discord.click(ended.message, "Leave feedback", member=alice)
    for custom_id, expected in (
        ("mentorship:feedback-form:1:x", UNUSABLE),
        (f"mentorship:feedback-form:{server.guild.id}:4242", "only give feedback on your own"),
    ):
        opened.record.callback_data["custom_id"] = custom_id
        reply = await discord.submit(opened, {"Rating": ["3"]}, member=alice)
        assert reply.ephemeral and expected in reply.text, (custom_id, reply.text)
    assert await bot.services.safety.all_feedback(server.guild.id) == []
