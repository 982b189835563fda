"""The quiz's buttons and form. Every button is a ``DynamicItem`` whose custom id names the
session or round and the question, so a click works after a restart: the state is in the
database, and the service checks that the presser may use it."""

import asyncio
import io
from typing import Any

import discord

from bot.app import QuizServices
from bot.checks import producer_bot, require_guild_id
from bot.errors import NotAllowed, NotFound
from bot.services.core.role_safety import grant_blockers
from bot.services.quiz import ear
from bot.services.quiz.bank import (
    CHOICE_MAX,
    EXPLANATION_MAX,
    PROMPT_MAX,
    Question,
    QuestionDraft,
)
from bot.services.quiz.producer_type import TypeResult, TypeStep
from bot.services.quiz.rounds import RoundQuestion
from bot.services.quiz.solo import SoloFeedback, UnfinishedRound
from bot.ui.buttons import IdButton
from bot.ui.embeds import truncate
from bot.ui.errors import reports_errors
from bot.ui.forms import IdForm, Submitted
from bot.ui.roles import bot_facts, role_facts
from bot.ui.text import member_text
from bot.ui.views import PersistentButtons
from cogs.quiz import render

Button = discord.ui.Button[Any]


def quiz_services(interaction: discord.Interaction) -> QuizServices:
    return producer_bot(interaction).services.quiz


def _button(custom_id: str, label: str, style: discord.ButtonStyle, **options: Any) -> Button:
    return discord.ui.Button(label=truncate(label, 80), style=style, custom_id=custom_id, **options)


# -- the producer-type quiz -------------------------------------------------------------------


class TypeAnswerButton(
    IdButton, template="quiz:type:{session_id:id}:{position:index}:{answer:index}"
):
    def __init__(self, session_id: int, position: int, answer: int, label: str = "?") -> None:
        custom_id = self.custom_id_for(session_id=session_id, position=position, answer=answer)
        super().__init__(_button(custom_id, label, discord.ButtonStyle.primary), row=0)
        self.session_id, self.position, self.answer = session_id, position, answer

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        outcome = await quiz_services(interaction).types.answer(
            require_guild_id(interaction),
            self.session_id,
            interaction.user.id,
            self.position,
            self.answer,
        )
        if isinstance(outcome, TypeStep):
            await interaction.edit_original_response(
                embed=render.type_question(outcome), view=type_step_view(outcome)
            )
            return
        await interaction.edit_original_response(
            embed=render.type_result(outcome, producer_bot(interaction).content),
            attachments=[await type_chart_file(interaction, outcome)],
            view=result_view(outcome),
        )


class TypeBackButton(IdButton, template="quiz:back:{session_id:id}:{position:index}"):
    def __init__(self, session_id: int, position: int, *, disabled: bool = False) -> None:
        custom_id = self.custom_id_for(session_id=session_id, position=position)
        button = _button(custom_id, "Back", discord.ButtonStyle.secondary, disabled=disabled)
        super().__init__(button, row=1)
        self.session_id, self.position = session_id, position

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        step = await quiz_services(interaction).types.back(
            require_guild_id(interaction), self.session_id, interaction.user.id, self.position
        )
        await interaction.response.edit_message(
            embed=render.type_question(step), view=type_step_view(step)
        )


class TypeResumeButton(IdButton, template="quiz:resume:{session_id:id}"):
    def __init__(self, session_id: int, label: str = "Continue") -> None:
        custom_id = self.custom_id_for(session_id=session_id)
        super().__init__(_button(custom_id, label, discord.ButtonStyle.primary))
        self.session_id = session_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        step = await quiz_services(interaction).types.resume(
            require_guild_id(interaction), self.session_id, interaction.user.id
        )
        await interaction.response.edit_message(
            embed=render.type_question(step), view=type_step_view(step)
        )


class TypeRestartButton(IdButton, template="quiz:restart:{session_id:id}"):
    """Start over: the unfinished quiz ``session_id`` is dropped, as the member chose."""

    def __init__(self, session_id: int) -> None:
        custom_id = self.custom_id_for(session_id=session_id)
        super().__init__(_button(custom_id, "Start over", discord.ButtonStyle.secondary))
        self.session_id = session_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        step = await quiz_services(interaction).types.start(
            require_guild_id(interaction), interaction.user.id
        )
        await interaction.response.edit_message(
            embed=render.type_question(step), view=type_step_view(step)
        )


def resume_view(step: TypeStep) -> discord.ui.View:
    label = f"Continue from question {step.position + 1}"
    return PersistentButtons(
        TypeResumeButton(step.session_id, label), TypeRestartButton(step.session_id)
    )


def type_step_view(step: TypeStep) -> discord.ui.View:
    answers = [
        TypeAnswerButton(step.session_id, step.position, index, answer.text)
        for index, answer in enumerate(step.question.answers)
    ]
    back = TypeBackButton(step.session_id, step.position, disabled=step.position == 0)
    return PersistentButtons(*answers, back)


async def type_chart_file(interaction: discord.Interaction, result: TypeResult) -> discord.File:
    """The result's bar chart, drawn off the event loop."""
    bot = producer_bot(interaction)
    png = await bot.renders.run(interaction.user.id, render.type_chart, result, bot.content)
    return discord.File(io.BytesIO(png), render.TYPE_CHART)


class TakeRoleButton(IdButton, template="quiz:role:{result_id:id}"):
    """Gives the member the role moderators set for their newest result's type."""

    def __init__(self, result_id: int) -> None:
        custom_id = self.custom_id_for(result_id=result_id)
        super().__init__(_button(custom_id, "Take my role", discord.ButtonStyle.success))
        self.result_id = result_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild, member = interaction.guild, interaction.user
        if guild is None or not isinstance(member, discord.Member):
            raise NotFound("I can't see this server right now; try again in a minute.")
        reward = await quiz_services(interaction).types.reward(guild.id, member.id, self.result_id)
        role = guild.get_role(reward.role_id)
        if role is None:
            raise NotFound(
                "The role for this type no longer exists. A moderator can choose another "
                "with `/quiz roles`."
            )
        if role in member.roles:
            await interaction.followup.send(f"You already have **{role.name}**.", ephemeral=True)
            return
        facts = bot_facts(guild)
        blockers = grant_blockers(role_facts(role), facts, "/quiz roles")
        if blockers:
            raise NotAllowed(
                f"I can't give you **{role.name}** yet. A moderator needs to fix this first:\n"
                + "\n".join(f"• {reason}" for reason in blockers)
            )
        others = [
            held
            for held in member.roles
            if held.id in reward.other_role_ids
            and not grant_blockers(role_facts(held), facts, "/quiz roles")
        ]
        try:
            await member.add_roles(role, reason="Producer-type quiz reward")
            if others:
                await member.remove_roles(*others, reason="Producer-type quiz: type changed")
        except discord.Forbidden:
            raise NotAllowed(
                f"Discord refused to give you **{role.name}**. A moderator should check that "
                "my role has Manage Roles and sits above it in Server Settings → Roles."
            ) from None
        await interaction.followup.send(f"Done: you now have **{role.name}**.", ephemeral=True)


def result_view(result: TypeResult) -> discord.ui.View:
    """A "Take my role" button when moderators set a role for the result's type."""
    return PersistentButtons(TakeRoleButton(result.id)) if result.role_id else PersistentButtons()


# -- knowledge rounds -------------------------------------------------------------------------


class _ChoiceButton(IdButton):
    """A lettered answer button of a knowledge round."""

    def __init__(self, round_id: int, position: int, choice: int) -> None:
        custom_id = self.custom_id_for(round_id=round_id, position=position, choice=choice)
        label = render.LETTERS[choice]
        super().__init__(_button(custom_id, label, discord.ButtonStyle.primary))
        self.round_id, self.position, self.choice = round_id, position, choice


class SoloAnswerButton(
    _ChoiceButton, template="quiz:solo:{round_id:id}:{position:index}:{choice:index}"
):
    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        feedback = await quiz_services(interaction).solo.answer(
            require_guild_id(interaction),
            self.round_id,
            self.position,
            interaction.user.id,
            self.choice,
        )
        await interaction.response.edit_message(
            embeds=render.solo_feedback(feedback), view=feedback_view(feedback)
        )
        if feedback.next_key is not None:
            prepare_audio(feedback.next_key)


class SoloNextButton(IdButton, template="quiz:next:{round_id:id}:{position:index}"):
    def __init__(self, round_id: int, position: int) -> None:
        custom_id = self.custom_id_for(round_id=round_id, position=position)
        super().__init__(_button(custom_id, "Next question", discord.ButtonStyle.primary))
        self.round_id, self.position = round_id, position

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        asked = await quiz_services(interaction).solo.next(
            require_guild_id(interaction), self.round_id, self.position, interaction.user.id
        )
        await show_question(interaction, asked)


ALL_TOPICS = "all"
"""The topic field of a restart button that asks for every topic (no topic id is "all")."""


async def show_question(interaction: discord.Interaction, asked: RoundQuestion) -> None:
    """Replace the message the pressed button is on with the round's question ``asked``."""
    services = quiz_services(interaction)
    embeds = [render.knowledge_question(asked, services.bank.topic_name(asked.topic))]
    if not ear.is_ear_key(asked.question.key):
        await interaction.response.edit_message(
            embeds=embeds, attachments=[], view=question_view(asked)
        )
        return
    await interaction.response.defer()  # the audio may take a moment to make
    await interaction.edit_original_response(
        embeds=embeds,
        attachments=await question_files(asked.question),
        view=question_view(asked),
    )


class SoloResumeButton(IdButton, template="quiz:continue:{round_id:id}"):
    def __init__(self, round_id: int, label: str = "Continue") -> None:
        custom_id = self.custom_id_for(round_id=round_id)
        super().__init__(_button(custom_id, label, discord.ButtonStyle.primary))
        self.round_id = round_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        asked = await quiz_services(interaction).solo.resume(
            require_guild_id(interaction), self.round_id, interaction.user.id
        )
        await show_question(interaction, asked)


class SoloRestartButton(IdButton, template="quiz:over:{round_id:id}:{length:index}:{topic:word}"):
    """Start over: close the open round ``round_id`` and start one with the options of the
    command that offered it."""

    def __init__(self, round_id: int, length: int, topic: str) -> None:
        custom_id = self.custom_id_for(round_id=round_id, length=length, topic=topic)
        super().__init__(_button(custom_id, "Start over", discord.ButtonStyle.secondary))
        self.round_id, self.length, self.topic = round_id, length, topic

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        topic = None if self.topic == ALL_TOPICS else self.topic
        asked = await quiz_services(interaction).solo.restart(
            require_guild_id(interaction), self.round_id, interaction.user.id, topic, self.length
        )
        await show_question(interaction, asked)


def solo_resume_view(
    unfinished: UnfinishedRound, topic: str | None, length: int
) -> discord.ui.View:
    """Continue the open round, or start over with ``topic`` and ``length``."""
    label = f"Continue from question {unfinished.position + 1}"
    return PersistentButtons(
        SoloResumeButton(unfinished.round_id, label),
        SoloRestartButton(unfinished.round_id, length, topic or ALL_TOPICS),
    )


def feedback_view(feedback: SoloFeedback) -> discord.ui.View:
    if feedback.summary is not None:
        return PersistentButtons()
    return PersistentButtons(SoloNextButton(feedback.round_id, feedback.position))


class LiveAnswerButton(
    _ChoiceButton, template="quiz:live:{round_id:id}:{position:index}:{choice:index}"
):
    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        # One short write unit (answers at the same moment share a commit): far inside
        # Discord's three seconds, so the answer is the reply, without a deferral.
        receipt = await quiz_services(interaction).live.answer(
            require_guild_id(interaction),
            self.round_id,
            self.position,
            interaction.user.id,
            self.choice,
        )
        await interaction.response.send_message(
            f"🔒 Locked in for question {receipt.position + 1}: **{member_text(receipt.choice)}**. "
            "The results come when the time is up.",
            ephemeral=True,
        )


_preparing: set[asyncio.Task[bytes]] = set()
"""Audio being made ahead of the Next button (kept so the tasks are not collected)."""


def prepare_audio(key: str) -> None:
    """Start making the audio of question ``key`` off the event loop, into the cache, so the
    Next button finds it ready; nothing for a question without audio."""
    if ear.is_ear_key(key):
        task = asyncio.create_task(asyncio.to_thread(ear.render_audio, key))
        _preparing.add(task)
        task.add_done_callback(_preparing.discard)


async def question_files(question: Question) -> list[discord.File]:
    """The audio of an ear-training question (made off the event loop, or taken from the
    cache of recent ones), else none."""
    if not ear.is_ear_key(question.key):
        return []
    audio = await asyncio.to_thread(ear.render_audio, question.key)
    return [discord.File(io.BytesIO(audio), ear.AUDIO_FILE)]


def question_view(asked: RoundQuestion) -> discord.ui.View:
    button = SoloAnswerButton if asked.kind == "solo" else LiveAnswerButton
    count = len(asked.question.choices)
    return PersistentButtons(*(button(asked.round_id, asked.position, i) for i in range(count)))


DYNAMIC_ITEMS = (
    TypeAnswerButton,
    TypeBackButton,
    TypeResumeButton,
    TypeRestartButton,
    TakeRoleButton,
    SoloAnswerButton,
    SoloNextButton,
    SoloResumeButton,
    SoloRestartButton,
    LiveAnswerButton,
)


class GuildQuestionForm(
    IdForm,
    title="Add a quiz question",
    template="quiz:question-form:{topic:word}:{difficulty:word}",
    moderators=True,
):
    """A question of the server's own for ``topic`` at ``difficulty``."""

    def __init__(self, topic: str, difficulty: str) -> None:
        self.topic, self.difficulty = topic, difficulty

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        paragraph = discord.TextStyle.paragraph
        return [
            (
                "Question",
                discord.ui.TextInput[Any](
                    custom_id="prompt", style=paragraph, max_length=PROMPT_MAX
                ),
            ),
            (
                "Correct answer",
                discord.ui.TextInput[Any](custom_id="correct", max_length=CHOICE_MAX),
            ),
            (
                "Three wrong answers, one per line",
                discord.ui.TextInput[Any](
                    custom_id="wrong", style=paragraph, max_length=3 * CHOICE_MAX + 2
                ),
            ),
            (
                "Why the answer is right",
                discord.ui.TextInput[Any](
                    custom_id="explanation", style=paragraph, max_length=EXPLANATION_MAX
                ),
            ),
        ]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        draft = QuestionDraft(
            self.topic,
            self.difficulty,
            *(submitted.text(field) for field in ("prompt", "correct", "wrong", "explanation")),
        )
        bank = quiz_services(interaction).bank
        question = await bank.add(require_guild_id(interaction), interaction.user.id, draft)
        await interaction.response.send_message(
            f"Added to {bank.topic_name(question.topic)}: **{member_text(question.prompt)}** "
            f"(answer: {member_text(question.correct_choice)}).",
            ephemeral=True,
        )
