import asyncio
import contextlib
import io
import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import QuizServices
from bot.checks import is_moderator, moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.content.quiz import DIFFICULTIES, TYPE_IDS
from bot.errors import InvalidInput, NotAllowed
from bot.services.core.periods import PERIODS, Period
from bot.services.core.role_safety import beyond_setter, grant_blockers, unsafe_role_reasons
from bot.services.quiz.ear import EAR_TOPIC
from bot.services.quiz.live import LiveClosing
from bot.services.quiz.rounds import RoundQuestion
from bot.services.quiz.rules import ANSWER_WINDOW
from bot.services.quiz.solo import UnfinishedRound
from bot.ui import delivery
from bot.ui.embeds import truncate
from bot.ui.pages import PageSource, key_among, send_pages
from bot.ui.roles import bot_facts, role_facts, setter_top_position
from bot.ui.text import member_text, plural
from cogs.quiz import render
from cogs.quiz.views import (
    GuildQuestionForm,
    question_files,
    question_view,
    result_view,
    resume_view,
    solo_resume_view,
    type_chart_file,
    type_step_view,
)

log = logging.getLogger(__name__)

TYPE_CHOICES = [
    app_commands.Choice(name=type_id.replace("-", " ").title(), value=type_id)
    for type_id in TYPE_IDS
]
DIFFICULTY_CHOICES = [app_commands.Choice(name=level, value=level) for level in DIFFICULTIES]
JOB = "quiz-rounds"
BOARD = "quiz-board"


async def _privately(interaction: discord.Interaction, **message: Any) -> None:
    """Answer ``interaction`` privately: as a follow-up if it was deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(**message, ephemeral=True)
    else:
        await interaction.response.send_message(**message, ephemeral=True)


"""The leaderboard's page source, by period and topic."""


@app_commands.guild_only()
class QuizCog(
    commands.GroupCog,
    name="Quiz",
    group_name="quiz",
    group_description="Which producer are you? Knowledge quizzes and leaderboards.",
):
    def __init__(self, bot: ProducerBot, services: QuizServices) -> None:
        self.bot = bot
        self.services = services
        self._wakeups: set[asyncio.Task[None]] = set()
        bot.page_sources[BOARD] = PageSource(self._board)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.register(JOB, self._run_due)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(JOB)
        for task in self._wakeups:
            task.cancel()

    # -- the producer-type quiz -----------------------------------------------------------

    @app_commands.command(name="type", description="Which of the five producer types are you?")
    async def type_quiz(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        unfinished = await self.services.types.unfinished(guild_id, interaction.user.id)
        if unfinished is not None:
            await interaction.response.send_message(
                embed=render.type_unfinished(unfinished),
                view=resume_view(unfinished),
                ephemeral=True,
            )
            return
        step = await self.services.types.start(guild_id, interaction.user.id)
        await interaction.response.send_message(
            embed=render.type_question(step), view=type_step_view(step), ephemeral=True
        )

    @app_commands.command(name="me", description="Your latest producer-type result and history.")
    async def me(self, interaction: discord.Interaction) -> None:
        profile = await self.services.types.profile(
            require_guild_id(interaction), interaction.user.id
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(
            embed=render.type_profile(profile, self.bot.content),
            file=await type_chart_file(interaction, profile.latest),
            view=result_view(profile.latest),
            ephemeral=True,
        )

    @app_commands.command(
        name="stats",
        description="This server's producer types as a chart, and your ear-training levels.",
    )
    async def stats(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        counts = await self.services.types.distribution(guild_id)
        embed, bars = render.type_stats(counts, self.bot.content)
        embeds = [
            embed,
            render.ear_levels(await self.services.ear.standings(guild_id, interaction.user.id)),
        ]
        if not bars:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        png = await self.bot.renders.run(interaction.user.id, render.stats_chart, bars)
        chart = discord.File(io.BytesIO(png), render.STATS_CHART)
        await interaction.followup.send(embeds=embeds, file=chart, ephemeral=True)

    @app_commands.command(name="roles", description="Set the role members of a type may take.")
    @app_commands.rename(producer_type="type")
    @app_commands.describe(
        producer_type="The producer type",
        role="The role to hand out; leave empty to stop handing one out",
    )
    @app_commands.choices(producer_type=TYPE_CHOICES)
    @moderator_only
    async def roles(
        self,
        interaction: discord.Interaction,
        producer_type: str,
        role: discord.Role | None = None,
    ) -> None:
        if role is not None and isinstance(interaction.user, discord.Member):
            facts = role_facts(role)
            reasons = unsafe_role_reasons(facts, "/quiz roles")
            reasons += beyond_setter(facts, setter_top_position(interaction.user))
            if reasons:
                raise InvalidInput(" ".join(reasons))
        await self.services.types.set_role(
            require_guild_id(interaction),
            producer_type,
            role.id if role else None,
            interaction.user.id,
        )
        name = self.bot.content.quiz.type(producer_type).name
        if role is None:
            await interaction.response.send_message(
                f"Members of {name} get no role from the quiz now.", ephemeral=True
            )
            return
        text = f"Members whose latest result is {name} can now take {role.mention}."
        guild = interaction.guild
        if guild is not None and (
            blockers := grant_blockers(role_facts(role), bot_facts(guild), "/quiz roles")
        ):
            text += "\nBut I can't hand it out yet:\n" + "\n".join(f"• {b}" for b in blockers)
        await interaction.response.send_message(text, ephemeral=True)

    # -- knowledge quizzes ----------------------------------------------------------------

    async def _topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=topic_id)
            for topic_id, name in self.services.bank.search_topics(current)[:25]
        ]

    @app_commands.command(
        name="skills", description="A solo knowledge or ear-training round with a timer."
    )
    @app_commands.describe(
        topic="Pick a topic (start typing), or leave empty for all",
        length="How many questions (3 to 20)",
    )
    @app_commands.autocomplete(topic=_topics)
    async def skills(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        length: app_commands.Range[int, 3, 20] = 5,
    ) -> None:
        if topic == EAR_TOPIC:  # the audio may take a moment to make
            await interaction.response.defer(ephemeral=True, thinking=True)
        asked = await self.services.solo.start(
            require_guild_id(interaction), interaction.user.id, topic, length
        )
        if isinstance(asked, UnfinishedRound):
            embed = render.solo_unfinished(asked, self.services.bank.topic_name(asked.topic))
            await _privately(interaction, embed=embed, view=solo_resume_view(asked, topic, length))
            return
        embed, files, view = (
            self._question_embed(asked),
            await question_files(asked.question),
            question_view(asked),
        )
        await _privately(interaction, embed=embed, files=files, view=view)

    def _question_embed(self, asked: RoundQuestion) -> discord.Embed:
        return render.knowledge_question(asked, self.services.bank.topic_name(asked.topic))

    @app_commands.command(name="live", description="Run a live quiz round in this channel.")
    @app_commands.describe(
        topic="Pick a topic (start typing), or leave empty for all",
        questions="How many questions (1 to 15)",
    )
    @app_commands.autocomplete(topic=_topics)
    @moderator_only
    async def live(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        questions: app_commands.Range[int, 1, 15] = 5,
    ) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise InvalidInput("Live rounds run in a server text channel or thread.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = require_guild_id(interaction)
        asked = await self.services.live.start(
            guild_id, channel.id, interaction.user.id, topic, questions
        )
        try:
            await delivery.with_retries(lambda: self._post_question(channel, guild_id, asked))
        except (discord.HTTPException, *delivery.TRANSIENT) as error:
            await self.services.live.cancel(guild_id, asked.round_id)
            if not isinstance(error, discord.Forbidden):
                raise NotAllowed("Discord is having trouble: try again in a few minutes.") from None
            raise NotAllowed(
                "I may not post in this channel. A moderator can give me View Channel, Send "
                "Messages and Embed Links here, or start the round in another channel."
            ) from None
        await interaction.followup.send(
            f"Live round started: {plural(asked.total, 'question')}, "
            f"{ANSWER_WINDOW.seconds} seconds each. "
            "Results and the podium follow in the channel.",
            ephemeral=True,
        )

    @app_commands.command(name="add", description="Add a question to this server's quiz.")
    @app_commands.describe(topic="The topic it belongs to", difficulty="How hard it is")
    @app_commands.autocomplete(topic=_topics)
    @app_commands.choices(difficulty=DIFFICULTY_CHOICES)
    @moderator_only
    async def add(self, interaction: discord.Interaction, topic: str, difficulty: str) -> None:
        self.services.bank.check_topic(topic)
        await interaction.response.send_modal(
            GuildQuestionForm.shown(topic=topic, difficulty=difficulty)
        )

    async def _own_questions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        member, guild_id = interaction.user, interaction.guild_id
        if guild_id is None or not isinstance(member, discord.Member):
            return []
        if not is_moderator(member, await self.bot.services.guild_settings.get(guild_id)):
            return []
        return [
            app_commands.Choice(name=truncate(question.prompt, 100), value=question.key)
            for question in await self.services.bank.search(guild_id, current)
        ]

    @app_commands.command(name="remove", description="Remove one of this server's questions.")
    @app_commands.describe(question="The question to remove (start typing)")
    @app_commands.autocomplete(question=_own_questions)
    @moderator_only
    async def remove(self, interaction: discord.Interaction, question: str) -> None:
        removed = await self.services.bank.remove(require_guild_id(interaction), question)
        await interaction.response.send_message(
            f"Removed: **{member_text(removed.prompt)}**", ephemeral=True
        )

    @app_commands.command(name="leaderboard", description="Who knows their craft best here.")
    @app_commands.describe(
        topic="Pick a topic (start typing), or leave empty for all",
        period="This week, this month, or all time",
    )
    @app_commands.autocomplete(topic=_topics)
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        period: Period = "all",
    ) -> None:
        key = period if topic is None else f"{period}-{topic}"
        await send_pages(interaction, BOARD, key)

    async def _board(self, interaction: discord.Interaction, key: str) -> list[discord.Embed]:
        """The leaderboard for ``key``: the period, then the topic if any (``all-mixing``)."""
        period, _, topic = key.partition("-")
        board = await self.services.board.leaderboard(
            require_guild_id(interaction),
            interaction.user.id,
            topic or None,
            key_among(period, PERIODS),
        )
        return render.leaderboard_pages(board, self.services.bank.topic_name(board.topic))

    # -- live rounds in the background ----------------------------------------------------

    async def _post_question(
        self, channel: discord.abc.Messageable, guild_id: int, asked: RoundQuestion
    ) -> None:
        message = await channel.send(
            embed=self._question_embed(asked),
            files=await question_files(asked.question),
            view=question_view(asked),
        )
        await self.services.live.attach_message(
            guild_id, asked.round_id, asked.position, message.id
        )
        self._wake_at(asked.deadline)

    def _wake_at(self, deadline: datetime) -> None:
        """Run the scheduler right after ``deadline`` instead of at its next tick. Only a
        shortcut: the scheduler finds due questions from the database anyway."""
        delay = (deadline - self.bot.clock.now()).total_seconds() + 0.5

        async def wake() -> None:
            await asyncio.sleep(max(delay, 0))
            await self.bot.scheduler.run_due()

        task = asyncio.create_task(wake())
        self._wakeups.add(task)
        task.add_done_callback(self._wakeups.discard)

    async def _run_due(self, now: datetime) -> None:
        for closing in await self.services.live.close_due(now):
            channel = self.bot.get_channel(closing.channel_id)
            if isinstance(channel, discord.TextChannel | discord.Thread):
                try:
                    await self._post_closing(channel, closing)
                    continue
                except delivery.TRANSIENT:
                    log.warning("live round %s: Discord kept failing", closing.round_id)
                    await self._end_early(channel, closing)
                    continue
                except discord.HTTPException:
                    log.warning("live round %s could not post", closing.round_id, exc_info=True)
            await self.services.live.cancel(closing.guild_id, closing.round_id)
        await self.services.solo.expire_idle(now)

    async def _end_early(
        self, channel: discord.TextChannel | discord.Thread, closing: LiveClosing
    ) -> None:
        """Discord stayed down: the round ends with the points of the questions asked so
        far, and the channel is told so if Discord takes the message."""
        standings = await self.services.live.finish_early(closing.guild_id, closing.round_id)
        podium = render.live_podium(replace(closing, standings=standings, next=None))
        note = (
            f"Discord kept failing, so this round ended after question {closing.position + 1} "
            f"of {closing.total}. The points of the questions asked count."
        )
        try:
            await delivery.with_retries(lambda: channel.send(note, embed=podium))
        except discord.HTTPException:
            log.warning("live round %s ended early; the channel was not told", closing.round_id)

    async def _post_closing(
        self, channel: discord.TextChannel | discord.Thread, closing: LiveClosing
    ) -> None:
        """Each step is retried on its own while Discord fails in a way that may pass, so a
        retry never posts a step twice."""
        topic = self.services.bank.topic_name(closing.topic)
        if closing.message_id is not None:
            with contextlib.suppress(discord.NotFound):  # a moderator deleted the question
                question = channel.get_partial_message(closing.message_id)
                embed = render.live_closed_question(closing, topic)
                await delivery.with_retries(lambda: question.edit(embed=embed, view=None))
        results = render.live_results(closing)
        await delivery.with_retries(lambda: channel.send(embed=results))
        if closing.next is not None:
            following = closing.next
            await delivery.with_retries(
                lambda: self._post_question(channel, closing.guild_id, following)
            )
        else:
            podium = render.live_podium(closing)
            await delivery.with_retries(lambda: channel.send(embed=podium))
