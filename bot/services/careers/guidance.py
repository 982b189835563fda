"""Career guidance: tips without repeats, saved tips, guild tips, the skill map and next
steps. Plain async code on the database; no discord imports."""

import difflib
import functools
import random
from dataclasses import dataclass, replace

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.content import Content
from bot.content.career import CareerPath, Level, Skill
from bot.content.challenges import Challenge
from bot.content.skills import Tier
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotFound
from bot.models.careers import GuildTip, SavedTip, SeenTip, SkillProgress
from bot.models.challenges import ChallengePost, ChallengeSubmission
from bot.services.careers.progress import SkillState, set_states, verify
from bot.services.careers.tip_pick import (
    SEEN_TIPS,
    TipCard,
    describe_choice,
    guild_card,
    guild_tip_number,
    guild_tips_query,
    neighbours,
    record_seen,
)
from bot.services.quiz.producer_type import TypeQuizService

TIP_TEXT_MIN, TIP_TEXT_MAX = 10, 500
TIER_ORDER = (Tier.FOUNDATIONAL, Tier.ADVANCED, Tier.PROFESSIONAL)


@dataclass(frozen=True, slots=True)
class SkillStatus:
    skill: Skill
    state: SkillState
    verified_by: str | None


@dataclass(frozen=True, slots=True)
class SkillTally:
    """How many members stand where on one skill ("done" without the verified ones)."""

    skill: Skill
    learning: int
    done: int
    verified: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class NextSteps:
    skills: list[Skill]
    path: CareerPath
    exercise: Challenge | None
    producer_type: str | None = None
    """The name of the member's producer type, when the path was chosen from it."""


class CareerService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        content: Content,
        rng: random.Random | None = None,
        producer_types: TypeQuizService | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._career = content.career
        self._quiz = content.quiz
        self._challenges = content.challenges
        self._rng = rng or random.Random()
        self._producer_types = producer_types

    # -- tips ------------------------------------------------------------------------------

    def check_topic(self, topic: str | None) -> None:
        """``InvalidInput`` unless ``topic`` is a tip topic (or None, for any)."""
        if topic is not None and topic not in {t.id for t in self._career.topics}:
            names = ", ".join(t.id for t in self._career.topics)
            raise InvalidInput(f"There is no tip topic `{topic}`. Topics: {names}.")

    @functools.lru_cache(maxsize=256)  # noqa: B019  (one service per bot, kept for its life)
    def _built_in_tips(self, topic: str | None, level: Level | None) -> tuple[TipCard, ...]:
        """The content's tips of a choice as cards, built once: content does not change."""
        tips = self._career.tips_for(topic, level)
        return tuple(TipCard(tip.id, tip.topic, tip.level, tip.text) for tip in tips)

    def tip_pool(
        self,
        connection: Connection,
        guild_id: int,
        topic: str | None = None,
        level: Level | None = None,
    ) -> list[TipCard]:
        """Built-in tips plus this guild's own, filtered by topic and level."""
        pool = list(self._built_in_tips(topic, level))
        query = guild_tips_query(topic is not None, level is not None)
        values = {"guild_id": guild_id, "topic": topic, "level": level.value if level else None}
        pool += [guild_card(row) for row in connection.execute(query, values)]
        return pool

    async def next_tip(
        self, guild_id: int, user_id: int, topic: str | None = None, level: Level | None = None
    ) -> TipCard:
        """A tip the member has not seen yet. Once every tip of the choice has been seen,
        a neighbouring level's unseen tip of the same topic is offered, saying so; only when
        those are seen too does the choice start over (saying so as well). One unit of work
        in one hop: the reads and the write take well under a millisecond."""
        self.check_topic(topic)
        return await self._database.run(
            lambda connection: self._pick_tip(connection, guild_id, user_id, topic, level),
            write=True,
        )

    def _pick_tip(
        self,
        connection: Connection,
        guild_id: int,
        user_id: int,
        topic: str | None,
        level: Level | None,
    ) -> TipCard:
        # Every tip the member has seen, read once (cheaper than asking about the pool's).
        seen = set(connection.scalars(SEEN_TIPS, {"guild_id": guild_id, "user_id": user_id}).all())

        def unseen_of(pool: list[TipCard]) -> list[TipCard]:
            return [tip for tip in pool if tip.id not in seen]

        note = ""
        pool = self.tip_pool(connection, guild_id, topic, level)
        if not pool:
            raise NotFound("There are no tips for that choice yet. Try another level.")
        unseen = unseen_of(pool)
        choice = describe_choice(self._career.topic(topic).name if topic else None, level)
        if not unseen and level is not None:
            for neighbour in neighbours(level):
                unseen = unseen_of(self.tip_pool(connection, guild_id, topic, neighbour))
                if unseen:
                    note = (
                        f"You have seen every {choice}, so here is one from the "
                        f"{neighbour.value} level."
                    )
                    break
        if not unseen:
            note = f"You have seen every {choice}: they start over now."
            ids = [tip.id for tip in pool]
            mine = (SeenTip.guild_id == guild_id) & (SeenTip.user_id == user_id)
            connection.execute(delete(SeenTip).where(mine, SeenTip.tip_id.in_(ids)))
        tip = self._rng.choice(unseen or pool)
        connection.execute(
            record_seen(connection.dialect.name),
            {
                "guild_id": guild_id,
                "user_id": user_id,
                "tip_id": tip.id,
                "topic": tip.topic,
                "seen_at": self._clock.now(),
            },
        )
        return replace(tip, note=note)

    async def find_tip(self, session: AsyncSession, guild_id: int, tip_id: str) -> TipCard:
        number = guild_tip_number(tip_id)
        if number is not None:
            row = await session.scalar(
                select(GuildTip).where(GuildTip.guild_id == guild_id, GuildTip.id == number)
            )
            if row is not None:
                return guild_card(row)
        else:
            for tip in self._career.tips:
                if tip.id == tip_id:
                    return TipCard(tip.id, tip.topic, tip.level, tip.text)
        raise NotFound("That tip no longer exists.")

    async def save_tip(self, guild_id: int, user_id: int, tip_id: str) -> TipCard:
        async with self._database.write() as session:
            tip = await self.find_tip(session, guild_id, tip_id)
            await insert_or_update(
                session,
                SavedTip,
                keys={"guild_id": guild_id, "user_id": user_id, "tip_id": tip.id},
                insert_values={"saved_at": self._clock.now()},
                update_values={},
            )
        return tip

    async def unsave_tip(self, guild_id: int, user_id: int, tip_id: str) -> None:
        async with self._database.write() as session:
            result = await session.execute(
                delete(SavedTip).where(
                    SavedTip.guild_id == guild_id,
                    SavedTip.user_id == user_id,
                    SavedTip.tip_id == tip_id,
                )
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound("That tip is not in your saved tips.")

    async def saved_tips(self, guild_id: int, user_id: int) -> list[TipCard]:
        """Saved tips, newest first; tips deleted since are left out."""

        def saved(connection: Connection) -> list[TipCard]:
            ids = connection.scalars(
                select(SavedTip.tip_id)
                .where(SavedTip.guild_id == guild_id, SavedTip.user_id == user_id)
                .order_by(SavedTip.saved_at.desc(), SavedTip.tip_id)
            )
            by_id = {tip.id: tip for tip in self.tip_pool(connection, guild_id)}
            return [by_id[tip_id] for tip_id in ids if tip_id in by_id]

        return await self._database.run(saved)

    # -- guild tips ------------------------------------------------------------------------

    def _clean_tip(self, topic: str, level: str, text: str) -> tuple[str, Level, str]:
        self.check_topic(topic)
        try:
            chosen = Level(level)
        except ValueError:
            raise InvalidInput("The level must be beginner, intermediate or advanced.") from None
        cleaned = " ".join(text.split())
        if not TIP_TEXT_MIN <= len(cleaned) <= TIP_TEXT_MAX:
            raise InvalidInput(f"A tip needs between {TIP_TEXT_MIN} and {TIP_TEXT_MAX} characters.")
        return topic, chosen, cleaned

    def check_tip(self, topic: str, level: str, text: str) -> None:
        """Raise ``InvalidInput`` unless a tip with these fields could be saved."""
        self._clean_tip(topic, level, text)

    async def add_guild_tip(
        self, guild_id: int, author_id: int, topic: str, level: str, text: str
    ) -> TipCard:
        topic, chosen, cleaned = self._clean_tip(topic, level, text)
        async with self._database.write() as session:
            row = GuildTip(
                guild_id=guild_id,
                topic=topic,
                level=chosen.value,
                text=cleaned,
                author_id=author_id,
                created_at=self._clock.now(),
            )
            session.add(row)
            await session.flush()
            return guild_card(row)

    async def _guild_tip_row(self, session: AsyncSession, guild_id: int, tip_id: str) -> GuildTip:
        number = guild_tip_number(tip_id)
        row = None
        if number is not None:
            row = await session.scalar(
                select(GuildTip)
                .where(GuildTip.guild_id == guild_id, GuildTip.id == number)
                .with_for_update()
            )
        if row is None:
            raise NotFound("This server has no tip with that id (built-in tips can't be edited).")
        return row

    async def edit_guild_tip(
        self, guild_id: int, tip_id: str, topic: str, level: str, text: str
    ) -> TipCard:
        topic, chosen, cleaned = self._clean_tip(topic, level, text)
        async with self._database.write() as session:
            row = await self._guild_tip_row(session, guild_id, tip_id)
            row.topic, row.level, row.text = topic, chosen.value, cleaned
            return guild_card(row)

    async def remove_guild_tip(self, guild_id: int, tip_id: str) -> TipCard:
        async with self._database.write() as session:
            row = await self._guild_tip_row(session, guild_id, tip_id)
            card = guild_card(row)
            await session.delete(row)
            await session.execute(
                delete(SavedTip).where(SavedTip.guild_id == guild_id, SavedTip.tip_id == tip_id)
            )
        return card

    async def guild_tips(self, guild_id: int) -> list[TipCard]:
        async with self._database.read() as session:
            rows = await session.scalars(
                select(GuildTip).where(GuildTip.guild_id == guild_id).order_by(GuildTip.id)
            )
            return [guild_card(row) for row in rows]

    # -- skills ----------------------------------------------------------------------------

    def resolve_skill(self, query: str) -> Skill:
        """A skill by id or name, forgiving case; near misses get a suggestion."""
        wanted = query.strip().lower()
        for skill in self._career.skills:
            if wanted in (skill.id, skill.name.lower()):
                return skill
        names = {skill.name.lower(): skill for skill in self._career.skills}
        names.update({skill.id: skill for skill in self._career.skills})
        close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.5)
        hint = f" Did you mean **{names[close[0]].name}**?" if close else ""
        raise InvalidInput(f"There is no skill called `{query}`.{hint}")

    def search_skills(self, query: str, limit: int = 25) -> list[Skill]:
        needle = query.strip().lower()
        return [
            skill
            for skill in self._career.skills
            if needle in skill.name.lower() or needle in skill.id
        ][:limit]

    async def mark_skill(
        self, guild_id: int, user_id: int, skill_query: str, state: SkillState
    ) -> SkillStatus:
        """Set where the member stands; anything but "done" clears a verification (it was
        evidence for a skill the member no longer claims)."""
        skill = self.resolve_skill(skill_query)
        async with self._database.write() as session:
            await set_states(session, guild_id, user_id, {skill.id: state}, self._clock.now())
            verified = await session.scalar(
                select(SkillProgress.verified_by).where(
                    SkillProgress.guild_id == guild_id,
                    SkillProgress.user_id == user_id,
                    SkillProgress.skill_id == skill.id,
                )
            )
        return SkillStatus(skill, state, verified)

    async def verify_skill(self, guild_id: int, user_id: int, skill_id: str, source: str) -> None:
        """Mark a skill done with peer evidence (a mentor's sign-off)."""
        skill = self._career.skill(skill_id)
        async with self._database.write() as session:
            await verify(session, guild_id, user_id, skill.id, source, self._clock.now())

    async def skill_map(self, guild_id: int, user_id: int) -> list[SkillStatus]:
        async with self._database.read() as session:
            rows = await session.execute(
                select(
                    SkillProgress.skill_id, SkillProgress.state, SkillProgress.verified_by
                ).where(SkillProgress.guild_id == guild_id, SkillProgress.user_id == user_id)
            )
            known = {skill_id: (state, verified) for skill_id, state, verified in rows.all()}
        result = []
        for skill in self._career.skills:
            state, verified = known.get(skill.id, (SkillState.NOT_STARTED.value, None))
            result.append(SkillStatus(skill, SkillState(state), verified))
        return result

    async def community(self, guild_id: int) -> list[SkillTally]:
        """How many members are learning, have done (verified or not) or skipped each skill
        in this guild."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(
                    SkillProgress.skill_id,
                    SkillProgress.state,
                    func.count(),
                    func.count(SkillProgress.verified_by),
                )
                .where(SkillProgress.guild_id == guild_id)
                .group_by(SkillProgress.skill_id, SkillProgress.state)
            )
            counts: dict[tuple[str, str], tuple[int, int]] = {
                (skill_id, state): (count, checked) for skill_id, state, count, checked in rows
            }
        tallies = []
        for skill in self._career.skills:
            done, checked = counts.get((skill.id, SkillState.DONE.value), (0, 0))
            tallies.append(
                SkillTally(
                    skill,
                    counts.get((skill.id, SkillState.LEARNING.value), (0, 0))[0],
                    done - checked,
                    checked,
                    counts.get((skill.id, SkillState.SKIPPED.value), (0, 0))[0],
                )
            )
        return tallies

    async def next_steps(self, guild_id: int, user_id: int) -> NextSteps:
        """Three skills to learn next (foundational first, ones already begun before new
        ones), the path that fits (the member's producer type's, once they took the quiz;
        otherwise the route their progress points to), and one exercise."""
        statuses = await self.skill_map(guild_id, user_id)
        open_skills = [
            s for s in statuses if s.state in (SkillState.LEARNING, SkillState.NOT_STARTED)
        ]
        open_skills.sort(
            key=lambda s: (TIER_ORDER.index(s.skill.tier), s.state != SkillState.LEARNING)
        )
        chosen = [status.skill for status in open_skills[:3]]
        exercise = await self._fresh_exercise(guild_id, user_id, chosen)
        result = (
            await self._producer_types.latest(guild_id, user_id) if self._producer_types else None
        )
        if result is not None:
            producer_type = self._quiz.type(result.primary)
            path = self._career.path(producer_type.path)
            return NextSteps(chosen, path, exercise, producer_type.name)
        return NextSteps(chosen, self._fitting_path(statuses), exercise)

    async def _fresh_exercise(
        self, guild_id: int, user_id: int, skills: list[Skill]
    ) -> Challenge | None:
        """The first built-in challenge for ``skills`` (in that order) that the member has
        not entered yet in this server."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(ChallengePost.bank_id, ChallengePost.title)
                .join(ChallengeSubmission, ChallengeSubmission.post_id == ChallengePost.id)
                .where(
                    ChallengeSubmission.guild_id == guild_id,
                    ChallengeSubmission.user_id == user_id,
                )
            )
            entered = {value for row in rows.all() for value in row if value}
        for skill in skills:
            for challenge in self._challenges.for_skill(skill.id):
                if challenge.id not in entered and challenge.title not in entered:
                    return challenge
        return None

    def _fitting_path(self, statuses: list[SkillStatus]) -> CareerPath:
        active = {s.skill.id for s in statuses if s.state in (SkillState.LEARNING, SkillState.DONE)}
        routes = self._career.paths_of("route")
        return max(routes, key=lambda path: len(active & set(path.skills)))
