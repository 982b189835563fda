"""The composition root: settings -> database -> clock -> content -> every service, built once.

``build_services`` is the only place a service is constructed; the bot receives the result
and each cog takes the services it uses from it. Reading this file tells what depends on what.
"""

import logging
import random
import time
from dataclasses import dataclass

from bot.clock import Clock, ScaledClock, SystemClock
from bot.content import Content, load_content_async
from bot.db.engine import Database
from bot.services.careers.daily_tip import DailyTipService
from bot.services.careers.guidance import CareerService
from bot.services.challenges.entries import ChallengeEntryService
from bot.services.challenges.posting import ChallengePostingService
from bot.services.challenges.schedule import ChallengeScheduleService
from bot.services.challenges.scores import ChallengeScoreService
from bot.services.challenges.settings import ChallengeSettingsService
from bot.services.community.mentoring import MentoringService
from bot.services.community.networking import NetworkService
from bot.services.community.profiles import ProfileService
from bot.services.community.safety import SafetyService
from bot.services.community.suggestions import SuggestionService
from bot.services.community.weekly_board import WeeklyBoardService
from bot.services.core.alerts import AlertService
from bot.services.core.cooldowns import CooldownService
from bot.services.core.guild_settings import GuildSettingsService
from bot.services.core.overview import OverviewService
from bot.services.core.privacy import PrivacyService
from bot.services.core.send_budget import FANOUT_RATE, SendThrottle
from bot.services.quiz.bank import QuestionBank
from bot.services.quiz.ear.staircase import EarLevels
from bot.services.quiz.leaderboard import LeaderboardService
from bot.services.quiz.live import LiveRounds
from bot.services.quiz.producer_type import TypeQuizService
from bot.services.quiz.rounds import Rounds
from bot.services.quiz.solo import SoloRounds
from bot.settings import Settings
from bot.shards import EVERY_SHARD, Shards

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChallengeServices:
    """Daily skill challenges: settings, the queue, posting and results, entries, scores."""

    settings: ChallengeSettingsService
    schedule: ChallengeScheduleService
    posting: ChallengePostingService
    entries: ChallengeEntryService
    scores: ChallengeScoreService


@dataclass(frozen=True, slots=True)
class QuizServices:
    """The producer-type quiz, the question bank, solo and live rounds, leaderboards, and
    each member's ear-training levels."""

    types: TypeQuizService
    bank: QuestionBank
    ear: EarLevels
    solo: SoloRounds
    live: LiveRounds
    board: LeaderboardService


@dataclass(frozen=True, slots=True)
class Services:
    """Every service of the bot, each built once on one database and clock."""

    guild_settings: GuildSettingsService
    alerts: AlertService
    cooldowns: CooldownService
    privacy: PrivacyService
    fanout: SendThrottle
    """Paces scheduled sends (daily posts, introductions), shared by all processes."""
    career: CareerService
    daily_tips: DailyTipService
    quiz: QuizServices
    challenges: ChallengeServices
    profiles: ProfileService
    safety: SafetyService
    mentoring: MentoringService
    networking: NetworkService
    suggestions: SuggestionService
    weekly_board: WeeklyBoardService
    overview: OverviewService


@dataclass(frozen=True, slots=True)
class App:
    """What the bot runs on: the parts below services, and the services."""

    database: Database
    clock: Clock
    content: Content
    shards: Shards
    services: Services


def build_services(
    database: Database,
    clock: Clock,
    content: Content,
    *,
    shards: Shards = EVERY_SHARD,
    fanout_rate: float = FANOUT_RATE,
    rng: random.Random | None = None,
) -> Services:
    """Every service, wired together. ``shards`` limits scheduled work to this process's
    guilds; ``rng`` makes tips and rounds repeatable in tests."""
    rng = rng or random.Random()
    guild_settings = GuildSettingsService(database, clock)
    types = TypeQuizService(database, clock, content.quiz)
    bank = QuestionBank(database, clock, content.quiz, rng)
    rounds = Rounds(bank)
    career = CareerService(database, clock, content, rng, producer_types=types)
    schedule = ChallengeScheduleService(database, clock, content.challenges, content.career)
    scores = ChallengeScoreService(database, clock)
    profiles = ProfileService(database, clock, content)
    safety = SafetyService(database, clock)
    return Services(
        guild_settings=guild_settings,
        alerts=AlertService(database, clock),
        cooldowns=CooldownService(database, clock),
        privacy=PrivacyService(database, clock),
        fanout=SendThrottle(database, fanout_rate),
        career=career,
        daily_tips=DailyTipService(database, clock, career),
        quiz=QuizServices(
            types=types,
            bank=bank,
            ear=EarLevels(database),
            solo=SoloRounds(database, clock, rounds, rng),
            live=LiveRounds(database, clock, rounds, rng),
            board=LeaderboardService(database, clock, bank, guild_settings),
        ),
        challenges=ChallengeServices(
            settings=ChallengeSettingsService(database, clock),
            schedule=schedule,
            posting=ChallengePostingService(database, clock, schedule, scores, shards.owns),
            entries=ChallengeEntryService(database, clock, shards),
            scores=scores,
        ),
        profiles=profiles,
        safety=safety,
        mentoring=MentoringService(database, clock, profiles, career, safety),
        networking=NetworkService(database, clock, profiles, guild_settings, safety, shards),
        suggestions=SuggestionService(database, clock),
        weekly_board=WeeklyBoardService(database, clock, shards),
        overview=OverviewService(database, guild_settings),
    )


def build_clock(settings: Settings) -> Clock:
    """The system clock, or a rehearsal clock when ``CLOCK_START`` is set."""
    if settings.clock_start is None:
        return SystemClock()
    anchor = time.time() if settings.clock_anchor is None else settings.clock_anchor
    log.warning(
        "rehearsal clock: %s at %.0f, %gx", settings.clock_start, anchor, settings.clock_speed
    )
    return ScaledClock(settings.clock_start, settings.clock_speed, anchor)


def assemble(
    database: Database,
    clock: Clock,
    content: Content,
    *,
    shards: Shards = EVERY_SHARD,
    fanout_rate: float = FANOUT_RATE,
) -> App:
    """An application from parts that are already built (tests, the try-it mode)."""
    services = build_services(database, clock, content, shards=shards, fanout_rate=fanout_rate)
    return App(database, clock, content, shards, services)


async def build_app(settings: Settings) -> App:
    """The application the settings describe. Raises ``ContentError`` for bad content."""
    content = await load_content_async(settings.data_dir)
    shards = Shards(settings.shard_count or 1, tuple(settings.shard_ids) or None)
    return assemble(
        Database.from_url(settings.database_url),
        build_clock(settings),
        content,
        shards=shards,
        fanout_rate=settings.fanout_rate,
    )
