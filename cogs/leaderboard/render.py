"""The weekly leaderboard post and the champion announcement. Members appear as mentions
inside embeds, which show their names and never ping."""

import io
from collections.abc import Callable
from datetime import timedelta

import discord

from bot.charts import ACCENT, Bar, ranked_boards
from bot.services.community.weekly_board import Board
from bot.services.quiz.rules import Ranked
from bot.ui.embeds import BRAND_COLOUR
from bot.ui.text import plural

MEDALS = ("🥇", "🥈", "🥉")
PICTURE = "leaderboard.png"
QUIZ_COLOUR = "#F0B232"


def _week(board: Board) -> str:
    end = board.week + timedelta(days=6)
    return f"{board.week:%-d %b} to {end:%-d %b %Y}"


def _lines(ranked: list[Ranked]) -> str:
    if not ranked:
        return "Nobody scored here last week."
    return "\n".join(
        f"{MEDALS[r.rank - 1] if r.rank <= len(MEDALS) else f'{r.rank}.'} <@{r.user_id}> · "
        f"{plural(r.points, 'point')}"
        for r in ranked
    )


def board_embed(board: Board) -> discord.Embed:
    embed = discord.Embed(
        title="🏆 Last week's leaders",
        description=f"The week of {_week(board)}. Well played, everyone!",
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Challenges", value=_lines(board.challenges), inline=False)
    embed.add_field(name="Quiz", value=_lines(board.quiz), inline=False)
    embed.set_image(url=f"attachment://{PICTURE}")
    embed.set_footer(
        text="Posted weekly on Mondays. Your own place: /challenge leaderboard, /quiz leaderboard"
    )
    return embed


def board_picture(board: Board, name_of: Callable[[int], str]) -> bytes:
    """The same leaders as a picture, by display name (CPU work: draw it in turn)."""

    def bars(ranked: list[Ranked], colour: str) -> list[Bar]:
        return [Bar(f"{r.rank}. {name_of(r.user_id)}", r.points, colour) for r in ranked]

    return ranked_boards(
        [
            ("Challenges", bars(board.challenges, ACCENT)),
            ("Quiz", bars(board.quiz, QUIZ_COLOUR)),
        ],
        title="Last week's leaders",
        subtitle=f"The week of {_week(board)}",
    )


def board_file(png: bytes) -> discord.File:
    return discord.File(io.BytesIO(png), filename=PICTURE)
