"""All read-only content from ``data/``, loaded and validated once at start-up."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.content.base import ContentError
from bot.content.career import CareerContent, load_career
from bot.content.challenges import ChallengeBank, load_challenges
from bot.content.quiz import QuizContent, load_quiz

__all__ = ["Content", "ContentError", "load_content", "load_content_async"]


@dataclass(frozen=True, slots=True)
class Content:
    career: CareerContent
    quiz: QuizContent
    challenges: ChallengeBank


def load_content(data_dir: Path) -> Content:
    """Load and validate every content file; raises ``ContentError`` naming the problem."""
    if not data_dir.is_dir():
        raise ContentError(f"content folder {data_dir} does not exist")
    return Content(
        career=load_career(data_dir),
        quiz=load_quiz(data_dir),
        challenges=load_challenges(data_dir),
    )


async def load_content_async(data_dir: Path) -> Content:
    """``load_content`` off the event loop (it reads and parses files)."""
    return await asyncio.to_thread(load_content, data_dir)
