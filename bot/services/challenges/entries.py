"""Members' side of a challenge: entries (one per member, replaceable until the deadline,
shown under a random letter in a blind challenge), votes (one per member and entry,
counted by the database), feedback and "helpful" marks, and the opt-in "streak at risk"
DM."""

import json
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy import (
    Connection,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.challenges import (
    ChallengeFeedback,
    ChallengeMember,
    ChallengePost,
    ChallengeSubmission,
)
from bot.services.careers.progress import verify, verify_now
from bot.services.challenges import entry_statements as statements
from bot.services.challenges.common import ChallengeClosed, PostInfo, post_by_id
from bot.services.challenges.rules import HELPFUL_POINTS
from bot.services.challenges.scores import award
from bot.shards import EVERY_SHARD, Shards

LINK_MAX = 500
NOTES_MAX = 1000
FEEDBACK_MIN, FEEDBACK_MAX = 10, 1000
AUDIO_MAX_BYTES = 10 * 1024 * 1024
"""Discord's upload limit in a server without boosts (boosted servers allow more: the limit
of each upload comes with its interaction). The bot re-posts the file."""
AUDIO_SUFFIXES = frozenset(
    {".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff"}
)
VOTED_BY = "votes on a challenge entry"
"""The evidence that verifies an entry's skill once another member voted for it."""
REVIEWED_BY = "feedback on a challenge entry"
"""The evidence once another member gave the entry feedback."""
REPAIR_AFTER = timedelta(minutes=2)
"""An entry still half-done this long after it came in was interrupted: repair it."""
REPAIR_WINDOW = timedelta(days=1)
"""Repairs stop a day after the challenge's deadline (a thread closed to the bot for good
must not hold the batch forever)."""
REPAIR_BATCH = 50


@dataclass(frozen=True, slots=True)
class AudioFile:
    filename: str
    content_type: str | None
    size: int
    limit: int = AUDIO_MAX_BYTES
    """The upload limit where the file was sent, in bytes."""


@dataclass(frozen=True, slots=True)
class Entry:
    submission_id: int
    user_id: int
    post: PostInfo
    link: str | None
    file_name: str | None
    notes: str | None
    replaced_message_id: int | None
    label: str | None = None
    """In a blind challenge, the letter the entry is shown under instead of its author."""


@dataclass(frozen=True, slots=True)
class HalfDone:
    """An entry to finish: re-post it if ``message_id`` is None, and strike the earlier
    take's re-post (``entry.replaced_message_id``) if there is one."""

    entry: Entry
    message_id: int | None


@dataclass(frozen=True, slots=True)
class FeedbackNote:
    id: int
    submission_id: int
    author_id: int
    receiver_id: int
    text: str
    helpful: bool
    post: PostInfo
    entry_message_id: int | None
    receiver_label: str | None = None
    """The entry's letter in a blind challenge: its author stays unnamed."""


def labels(count: int) -> list[str]:
    """The first ``count`` entry labels: A to Z, then AA, AB…"""
    letters = string.ascii_uppercase
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(count)]


LABEL_TRIES = 5


def check_link(text: str) -> str:
    """A web link to a track: http or https, with a host, of sane length."""
    link = text.strip()
    parts = urlsplit(link)
    if len(link) > LINK_MAX or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"Give the track's link as a full web address starting with https:// (at most "
            f"{LINK_MAX} characters)."
        )
    return link


def _mebibytes(size: int, places: int = 0) -> str:
    return f"{size / 2**20:.{places}f} MiB"


def check_audio(file: AudioFile) -> None:
    """An audio file (by extension and, when given, type) within the upload limit."""
    is_audio = PurePosixPath(file.filename.lower()).suffix in AUDIO_SUFFIXES and (
        file.content_type is None or file.content_type.startswith("audio/")
    )
    if not is_audio:
        kinds = ", ".join(sorted(suffix.lstrip(".") for suffix in AUDIO_SUFFIXES))
        raise InvalidInput(f"`{file.filename}` is not an audio file I take ({kinds}).")
    if file.size > file.limit:
        raise InvalidInput(
            f"`{file.filename}` is {_mebibytes(file.size, 2)}, more than this server's upload "
            f"limit of {_mebibytes(file.limit)}. Share a link instead, or export a smaller "
            "file (an MP3 at 320 kbps takes about 2.3 MiB a minute)."
        )


class ChallengeEntryService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        shards: Shards = EVERY_SHARD,
    ) -> None:
        """``shards`` limits the repair of half-done entries to this process's guilds."""
        self._database = database
        self._clock = clock
        self._shards = shards

    async def open_post(self, guild_id: int) -> PostInfo:
        """The newest challenge of the guild that still takes entries."""
        keys = {"guild": guild_id, "now": self._clock.now()}
        post = await self._database.run(
            lambda connection: connection.execute(statements.OPEN_POST, keys).first()
        )
        if post is None:
            raise NotFound("There is no open challenge right now: watch for the next post.")
        return PostInfo(*tuple(post))

    async def submit(
        self,
        guild_id: int,
        user_id: int,
        post_id: int,
        *,
        link: str | None,
        notes: str | None,
        file: AudioFile | None,
        analysis: dict[str, float | int | str | None] | None = None,
    ) -> Entry:
        """Enter ``post``, or replace the member's entry (its votes are cleared: they were
        for the old take). The entry's skill is verified only once other members vote for
        the entry or give it feedback: entering alone proves nothing. ``analysis`` is the
        file's technical report. In a blind challenge a new entry draws a free letter at
        random (the database keeps letters unique within the challenge). One write unit."""
        link = check_link(link) if link and link.strip() else None
        notes = (notes or "").strip() or None
        if notes is not None and len(notes) > NOTES_MAX:
            raise InvalidInput(f"Keep your notes within {NOTES_MAX} characters.")
        if file is not None:
            check_audio(file)
        if link is None and file is None:
            raise InvalidInput("Attach an audio file or give a link to your track (or both).")
        now = self._clock.now()
        file_name = file.filename if file else None
        take = {
            "link": link,
            "notes": notes,
            "message_id": None,
            "submitted_at": now,
            "file_name": file_name,
            "analysis": json.dumps(analysis) if analysis else None,
        }

        def unit(connection: Connection) -> Entry:
            post = post_by_id(connection, guild_id, post_id)
            if post.message_id is None or now >= post.deadline_at:
                raise ChallengeClosed()
            member = {"guild": guild_id, "post": post.id, "user": user_id}
            earlier = connection.execute(statements.TAKE, member).first()
            if earlier is not None:
                entry_id, message_id, stale_message_id, label = earlier
                # The earlier take's re-post, kept until it is struck through (even across
                # a crash between this commit and the strike).
                replaced = message_id or stale_message_id
                connection.execute(statements.CLEAR_VOTES, {"entry": entry_id})
                changes = take | {"stale_message_id": replaced}
                connection.execute(
                    statements.set_entry(tuple(changes)),
                    {"entry_guild": guild_id, "entry_id": entry_id}
                    | {f"new_{name}": value for name, value in changes.items()},
                )
                return Entry(entry_id, user_id, post, link, file_name, notes, replaced, label)
            for _ in range(LABEL_TRIES):
                label = self._free_label(connection, post.id) if post.blind else None
                row: dict[str, object] = {"guild_id": guild_id, "post_id": post.id}
                row |= (
                    {"user_id": user_id} | take | {"stale_message_id": None, "blind_label": label}
                )
                try:
                    with connection.begin_nested():
                        result = connection.execute(statements.NEW_ENTRY, row)
                except IntegrityError:
                    if not post.blind:
                        raise InvalidInput(
                            "Another entry of yours arrived at the same moment. Submit again "
                            "to replace it."
                        ) from None
                    continue  # another entry drew the same letter: draw again
                [new_id] = result.inserted_primary_key or (None,)
                assert new_id is not None
                return Entry(new_id, user_id, post, link, file_name, notes, None, label)
            raise InvalidInput("Many entries arrived at once. Please submit again.")

        return await self._database.run(unit, write=True)

    @staticmethod
    def _free_label(connection: Connection, post_id: int) -> str:
        taken = set(connection.execute(statements.TAKEN_LABELS, {"post": post_id}).scalars())
        free = [label for label in labels(max(26, len(taken) + 1)) if label not in taken]
        return random.choice(free)

    async def attach(self, guild_id: int, submission_id: int, message_id: int) -> None:
        """Remember the message that re-posts the entry (attachment URLs expire)."""
        await self._set(guild_id, submission_id, message_id=message_id)

    async def struck(self, guild_id: int, submission_id: int) -> None:
        """The earlier take's re-post is struck through: nothing is left to repair."""
        await self._set(guild_id, submission_id, stale_message_id=None)

    async def _set(self, guild_id: int, submission_id: int, **values: int | None) -> None:
        """One write unit on the entry's row (it joins the group commit)."""
        statement = statements.set_entry(tuple(values))
        keys: dict[str, int | None] = {"entry_guild": guild_id, "entry_id": submission_id}
        keys |= {f"new_{name}": value for name, value in values.items()}
        await self._database.run(lambda c: c.execute(statement, keys), write=True)

    async def half_done(self, now: datetime) -> list[HalfDone]:
        """Entries a crash or an outage left half-done, ``REPAIR_AFTER`` after they came in:
        not re-posted yet, or with an earlier take's re-post not struck through."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(ChallengeSubmission, ChallengePost)
                .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
                .where(
                    or_(
                        ChallengeSubmission.message_id.is_(None),
                        ChallengeSubmission.stale_message_id.is_not(None),
                    ),
                    ChallengeSubmission.submitted_at <= now - REPAIR_AFTER,
                    ChallengePost.deadline_at > now - REPAIR_WINDOW,
                    self._shards.holds(ChallengeSubmission.guild_id),
                )
                .order_by(ChallengeSubmission.submitted_at, ChallengeSubmission.id)
                .limit(REPAIR_BATCH)
            )
            return [
                HalfDone(
                    Entry(
                        row.id,
                        row.user_id,
                        PostInfo.of(post),
                        row.link,
                        row.file_name,
                        row.notes,
                        row.stale_message_id,
                        row.blind_label,
                    ),
                    row.message_id,
                )
                for row, post in rows.all()
            ]

    async def _entry(
        self, session: AsyncSession, guild_id: int, submission_id: int
    ) -> tuple[ChallengeSubmission, ChallengePost]:
        row = (
            await session.execute(
                select(ChallengeSubmission, ChallengePost)
                .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
                .where(
                    ChallengeSubmission.guild_id == guild_id,
                    ChallengeSubmission.id == submission_id,
                )
            )
        ).first()
        if row is None:
            raise NotFound("That entry no longer exists.")
        submission, post = row
        return submission, post

    async def vote(self, guild_id: int, submission_id: int, voter_id: int, message_id: int) -> int:
        """Count one vote of ``voter_id`` for the entry shown in ``message_id``; returns
        the entry's votes. One write unit of work: the checks, the ballot (its primary key
        keeps it to one vote per member) and the count."""
        now = self._clock.now()

        def unit(connection: Connection) -> int:
            keys = {"guild_id": guild_id, "submission_id": submission_id}
            target = connection.execute(statements.VOTE_TARGET, keys).first()
            if target is None:
                raise NotFound("That entry no longer exists.")
            author, shown_in, deadline, skill = target
            if author == voter_id:
                raise NotAllowed("You can't vote for your own entry.")
            if now >= deadline:
                raise ChallengeClosed()
            if shown_in not in (None, message_id):
                raise NotAllowed("This take was replaced: vote on the newer post in the thread.")
            ballot = keys | {"voter_id": voter_id, "voted_at": now}
            if (
                connection.execute(statements.ballot(connection.dialect.name), ballot).first()
                is None
            ):
                raise NotAllowed("You already voted for this entry.")
            verify_now(connection, guild_id, author, skill, VOTED_BY, now)
            return int(connection.execute(statements.VOTES, keys).scalar_one())

        try:
            return await self._database.run(unit, write=True)
        except IntegrityError:  # the entry was deleted since it was read
            raise NotFound("That entry no longer exists.") from None

    async def give_feedback(
        self, guild_id: int, submission_id: int, author_id: int, text: str
    ) -> FeedbackNote:
        text = text.strip()
        if not FEEDBACK_MIN <= len(text) <= FEEDBACK_MAX:
            raise InvalidInput(
                f"Write between {FEEDBACK_MIN} and {FEEDBACK_MAX} characters of feedback."
            )
        async with self._database.write() as session:
            entry, post = await self._entry(session, guild_id, submission_id)
            if entry.user_id == author_id:
                raise NotAllowed("Feedback is for others' entries, not your own.")
            row = ChallengeFeedback(
                guild_id=guild_id,
                submission_id=entry.id,
                author_id=author_id,
                text=text,
                helpful=False,
                created_at=self._clock.now(),
            )
            try:
                async with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                raise NotAllowed("You already left feedback on this entry.") from None
            await verify(session, guild_id, entry.user_id, post.skill, REVIEWED_BY, row.created_at)
            return self._note(row, entry, post)

    @staticmethod
    def _note(
        row: ChallengeFeedback, entry: ChallengeSubmission, post: ChallengePost
    ) -> FeedbackNote:
        return FeedbackNote(
            row.id,
            entry.id,
            row.author_id,
            entry.user_id,
            row.text,
            row.helpful,
            PostInfo.of(post),
            entry.message_id,
            entry.blind_label,
        )

    async def attach_feedback(self, guild_id: int, feedback_id: int, message_id: int) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(ChallengeFeedback)
                .where(ChallengeFeedback.guild_id == guild_id, ChallengeFeedback.id == feedback_id)
                .values(message_id=message_id)
            )

    async def mark_helpful(self, guild_id: int, feedback_id: int, user_id: int) -> FeedbackNote:
        """The entry's author marks feedback helpful; its writer earns the points once."""
        async with self._database.write() as session:
            row = await session.scalar(
                select(ChallengeFeedback)
                .where(ChallengeFeedback.guild_id == guild_id, ChallengeFeedback.id == feedback_id)
                .with_for_update()
            )
            if row is None:
                raise NotFound("That feedback no longer exists.")
            entry, post = await self._entry(session, guild_id, row.submission_id)
            if entry.user_id != user_id:
                raise NotAllowed("Only the entry's author can mark its feedback helpful.")
            row.helpful = True
            source = f"feedback:{row.id}:helpful"
            now = self._clock.now()
            await award(session, guild_id, [(row.author_id, source, HELPFUL_POINTS)], now)
            return self._note(row, entry, post)

    async def set_nudges(self, guild_id: int, user_id: int, enabled: bool) -> None:
        """Opt in or out of the "streak at risk" DM (opting in tries DMs again)."""
        async with self._database.write() as session:
            await insert_or_update(
                session,
                ChallengeMember,
                keys={"guild_id": guild_id, "user_id": user_id},
                insert_values={},
                update_values={"risk_dm": enabled, "dm_closed": False},
            )

    async def dms_closed(self, guild_id: int, user_id: int) -> None:
        """The member's DMs are closed (Discord error 50007): stop trying."""
        async with self._database.write() as session:
            await session.execute(
                update(ChallengeMember)
                .where(ChallengeMember.guild_id == guild_id, ChallengeMember.user_id == user_id)
                .values(dm_closed=True)
            )
