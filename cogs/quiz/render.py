"""Embeds and charts of the quiz. Pure functions of service results and content."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import discord

from bot.charts import Bar, bar_chart
from bot.content import Content
from bot.services.quiz.bank import Question
from bot.services.quiz.ear import is_ear_key
from bot.services.quiz.ear.staircase import Standing
from bot.services.quiz.leaderboard import Leaderboard
from bot.services.quiz.live import LiveClosing
from bot.services.quiz.producer_type import TypeProfile, TypeResult, TypeStep
from bot.services.quiz.rounds import RoundQuestion
from bot.services.quiz.rules import MAX_POINTS
from bot.services.quiz.solo import SoloFeedback, UnfinishedRound
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text, plural

LETTERS = "ABCDE"
MEDALS = ("🥇", "🥈", "🥉")
TYPE_CHART = "producer-type.png"
STATS_CHART = "server-types.png"
LEADERBOARD_PAGE = 10
EAR_HINT = "\n\n🎧 Play the attached audio, on headphones if you can. Two clips: a pause between."
PERIOD_NAMES = {"week": "this week", "month": "this month", "all": "all time"}


def timestamp(moment: datetime, style: str = "R") -> str:
    """A Discord timestamp that each member sees in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


# -- the producer-type quiz -------------------------------------------------------------------


def type_question(step: TypeStep) -> discord.Embed:
    embed = discord.Embed(
        title="Which producer are you?", description=step.question.prompt, colour=BRAND_COLOUR
    )
    embed.set_footer(text=f"Question {step.position + 1} of {step.total}")
    return embed


def type_unfinished(step: TypeStep) -> discord.Embed:
    answered = plural(step.position, "question")
    return discord.Embed(
        title="Which producer are you?",
        description=(
            f"You have an unfinished quiz: you answered {answered} of {step.total}. Continue "
            f"from question {step.position + 1}, or start over (your answers so far are "
            "then dropped)."
        ),
        colour=BRAND_COLOUR,
    )


def solo_unfinished(unfinished: UnfinishedRound, topic_name: str) -> discord.Embed:
    return discord.Embed(
        title=f"Knowledge round · {topic_name}",
        description=(
            f"You have a round in progress: question {unfinished.position + 1} of "
            f"{unfinished.total} is next. Continue it, or start over (questions left "
            "unanswered in it then count as missed)."
        ),
        colour=BRAND_COLOUR,
    )


def type_chart(result: TypeResult, content: Content) -> bytes:
    """The five percentages as a bar chart (CPU work: call it in a thread)."""
    bars = [Bar(content.quiz.type(type_id).name, percent) for type_id, percent in result.ranking]
    return bar_chart(bars, title="Your producer-type lens", value_label="%", maximum=100)


def type_result(result: TypeResult, content: Content) -> discord.Embed:
    primary = content.quiz.type(result.primary)
    secondary = content.quiz.type(result.secondary)
    percents = dict(result.ranking)
    embed = discord.Embed(
        title=f"{primary.emoji} You lean to {primary.name}",
        description=(
            f"*{primary.tagline}*\n\n{primary.description}\n\n"
            f"Read this as a lens, not a verdict: most producers mix types. Yours are "
            f"**{primary.name}** ({percents[primary.id]} %) and **{secondary.name}** "
            f"({percents[secondary.id]} %)."
        ),
        colour=BRAND_COLOUR,
    )
    embed.add_field(
        name="Your mix",
        value="\n".join(
            f"{content.quiz.type(type_id).name}: {percent} %" for type_id, percent in result.ranking
        ),
        inline=True,
    )
    embed.add_field(name="Strengths", value="\n".join(f"• {s}" for s in primary.strengths))
    embed.add_field(name="Watch out for", value="\n".join(f"• {b}" for b in primary.blind_spots))
    embed.add_field(name="A well-known example", value=primary.example, inline=False)
    path = content.career.path(primary.path)
    skills = ", ".join(content.career.skill(skill).name for skill in primary.skills)
    embed.add_field(
        name="What to do next",
        value=truncate(
            f"{primary.next_steps}\n\nSkills that suit you: {skills}. See the "
            f"**{path.name}** route with `/career paths`, your skill map with `/career skills`, "
            "and three skills to start with in `/career next`.",
            1024,
        ),
        inline=False,
    )
    embed.set_image(url=f"attachment://{TYPE_CHART}")
    embed.set_footer(text="Retake it any time with /quiz type; /quiz me shows your latest.")
    embed.timestamp = result.created_at
    return embed


def type_profile(profile: TypeProfile, content: Content) -> discord.Embed:
    embed = type_result(profile.latest, content)
    if profile.history:
        lines = [
            f"{timestamp(result.created_at, 'd')}: {content.quiz.type(result.primary).name} "
            f"{result.ranking[0][1]} %, {content.quiz.type(result.secondary).name} "
            f"{result.ranking[1][1]} %"
            for result in profile.history
        ]
        embed.add_field(name="Earlier results", value="\n".join(lines), inline=False)
    return embed


def type_stats(counts: dict[str, int], content: Content) -> tuple[discord.Embed, list[Bar]]:
    total = sum(counts.values())
    embed = discord.Embed(title="Producer types in this server", colour=BRAND_COLOUR)
    if not total:
        embed.description = "Nobody has taken `/quiz type` here yet. Be the first!"
        return embed, []
    embed.description = "\n".join(
        f"{content.quiz.type(type_id).emoji} {content.quiz.type(type_id).name}: "
        f"{count} ({round(100 * count / total)} %)"
        for type_id, count in counts.items()
    )
    embed.set_footer(text=f"{plural(total, 'member')}, by their latest result")
    embed.set_image(url=f"attachment://{STATS_CHART}")
    bars = [
        Bar(content.quiz.type(type_id).name, 100 * count / total)
        for type_id, count in counts.items()
    ]
    return embed, bars


def ear_levels(standings: Sequence[Standing]) -> discord.Embed:
    """Where the member stands on each ear-training kind's staircase."""
    embed = discord.Embed(title="Your ear training", colour=BRAND_COLOUR)
    embed.set_footer(text="Two right answers in a row: a level up. A miss: a level down.")
    if not standings:
        embed.description = (
            "No ear-training answers yet. Start with `/quiz skills topic:ear-training`: every "
            "kind starts easy, and the levels are earned."
        )
        return embed
    embed.description = "\n".join(
        f"**{standing.name}**: level {standing.level} of {standing.top} ({standing.now_asks})"
        + (
            f"; best passed: level {standing.best} ({standing.best_asks})"
            if standing.best
            else "; no level passed yet"
        )
        for standing in standings
    )
    return embed


def stats_chart(bars: Sequence[Bar]) -> bytes:
    return bar_chart(
        bars, title="Producer types in this server", value_label="% of members", maximum=100
    )


# -- knowledge rounds -------------------------------------------------------------------------


def shown(question: Question) -> Question:
    """``question`` with its texts made inert if the guild's moderators wrote it (the bot's
    own questions and drills are shown as written)."""
    if not question.moderators_own:
        return question
    return replace(
        question,
        prompt=member_text(question.prompt),
        choices=[member_text(choice) for choice in question.choices],
        explanation=member_text(question.explanation),
    )


def knowledge_question(asked: RoundQuestion, topic_name: str) -> discord.Embed:
    question = shown(asked.question)
    live = asked.kind == "live"
    embed = discord.Embed(
        title=f"{'Live quiz' if live else 'Quiz'} · Question {asked.position + 1} of {asked.total}",
        description=(
            f"**{question.prompt}**\n\n"
            + "\n".join(f"**{LETTERS[i]}** {choice}" for i, choice in enumerate(question.choices))
            + (EAR_HINT if is_ear_key(question.key) else "")
            + f"\n\nTime is up {timestamp(asked.deadline)}."
        ),
        colour=BRAND_COLOUR,
    )
    footer = f"{topic_name} · {question.difficulty}"
    if live:
        footer += " · one answer per member; faster right answers score more"
    else:
        footer += f" · {asked.correct_so_far} right so far"
    embed.set_footer(text=footer)
    return embed


def solo_feedback(feedback: SoloFeedback) -> list[discord.Embed]:
    question = shown(feedback.question)
    if feedback.choice is None:
        verdict = "⏱️ Too late: the answer window had closed, so this one counts as missed."
        colour = discord.Colour.orange()
    elif feedback.correct:
        verdict, colour = f"✅ Right! +{feedback.points} points", discord.Colour.green()
    else:
        verdict, colour = "❌ Not quite.", discord.Colour.red()
    text = f"{verdict}\nThe answer is **{question.correct_choice}**.\n\n{question.explanation}"
    if question.source:
        text += f"\n\n*Source: {question.source}*"
    embed = discord.Embed(title=truncate(question.prompt, 256), description=text, colour=colour)
    embed.set_footer(text=f"Question {feedback.position + 1} of {feedback.total}")
    embeds = [embed]
    if feedback.summary is not None:
        summary = feedback.summary
        done = discord.Embed(
            title="Round complete",
            description=(
                f"You got **{summary.correct} of {summary.total}** right, for "
                f"**{plural(summary.points, 'point')}**. A right answer earns up to "
                f"{MAX_POINTS} points, more the faster it comes."
            ),
            colour=BRAND_COLOUR,
        )
        if summary.missed:
            done.description = (
                f"{done.description}\n{plural(summary.missed, 'missed question')} will come "
                "back in a later `/quiz skills` round, so they stick."
            )
        done.set_footer(text="/quiz leaderboard shows how you compare.")
        embeds.append(done)
    return embeds


def live_closed_question(closing: LiveClosing, topic_name: str) -> discord.Embed:
    question = shown(closing.question)
    embed = discord.Embed(
        title=f"Live quiz · Question {closing.position + 1} of {closing.total} (closed)",
        description=f"**{question.prompt}**\n\n"
        + "\n".join(
            f"{'✅' if i == question.answer else '▫️'} **{LETTERS[i]}** {choice}: "
            f"{closing.counts[i]}"
            for i, choice in enumerate(question.choices)
        ),
        colour=discord.Colour.dark_grey(),
    )
    embed.set_footer(text=topic_name)
    return embed


def live_results(closing: LiveClosing) -> discord.Embed:
    question = shown(closing.question)
    answered = sum(closing.counts)
    right = closing.counts[question.answer]
    text = (
        f"The answer is **{question.correct_choice}**. {right} of "
        f"{plural(answered, 'member')} got it right.\n\n{question.explanation}"
    )
    if closing.fastest is not None:
        user_id, took = closing.fastest
        text += f"\n\n⚡ Fastest: <@{user_id}> in {took.total_seconds():.1f} s"
    embed = discord.Embed(
        title=f"Question {closing.position + 1} of {closing.total}: results",
        description=truncate(text, 4096),
        colour=BRAND_COLOUR,
    )
    if closing.next is not None:
        embed.set_footer(text="Next question below.")
    return embed


def live_podium(closing: LiveClosing) -> discord.Embed:
    embed = discord.Embed(title="🏁 Live quiz: final podium", colour=discord.Colour.gold())
    podium = [e for e in closing.standings if e.rank <= len(MEDALS) and e.points > 0]
    embed.description = (
        "\n".join(
            f"{MEDALS[entry.rank - 1]} <@{entry.user_id}>: {plural(entry.points, 'point')}"
            for entry in podium
        )
        or "Nobody scored this round. Maybe next time!"
    )
    players = plural(len(closing.standings), "player")
    embed.set_footer(text=f"{players} · /quiz leaderboard shows the season")
    return embed


def leaderboard_pages(board: Leaderboard, topic_name: str) -> list[discord.Embed]:
    title = f"🏆 Leaderboard · {topic_name} · {PERIOD_NAMES[board.period]}"
    if board.me is None:
        mine = "You have no points here yet: try `/quiz skills`."
    else:
        mine = f"#{board.me.rank} of {len(board.entries)} with {plural(board.me.points, 'point')}"
    chunks = [
        board.entries[start : start + LEADERBOARD_PAGE]
        for start in range(0, len(board.entries), LEADERBOARD_PAGE)
    ] or [[]]
    pages = []
    for chunk in chunks:
        lines = [
            f"**#{entry.rank}** <@{entry.user_id}>: {plural(entry.points, 'point')}"
            + (" ← you" if board.me and entry.user_id == board.me.user_id else "")
            for entry in chunk
        ]
        embed = discord.Embed(
            title=title,
            description="\n".join(lines) or "No points in this period yet.",
            colour=BRAND_COLOUR,
        )
        embed.add_field(name="Your rank", value=mine, inline=False)
        embed.set_footer(text="Each question counts once: your best answer")
        pages.append(embed)
    return pages
