"""Forms named by their custom id (a challenge entry, feedback on one): discord.py keeps
nothing per opening, a form opened before a restart is answered after it, and a forged or
unknown form custom id gets a sentence, not silence."""

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.ui.expired import EXPIRED
from bot.ui.forms import UNUSABLE
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
