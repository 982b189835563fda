"""The statements behind entries and votes, built once (module constants, or once per set of
columns or per dialect): the units of work in ``entries`` only bind values to them."""

import functools

from sqlalchemy import Executable, bindparam, delete, func, insert, select, update

from bot.db.upsert import insert_of
from bot.models.challenges import ChallengePost, ChallengeSubmission, ChallengeVote
from bot.services.challenges.common import POST

VOTE_TARGET = (
    select(
        ChallengeSubmission.user_id,
        ChallengeSubmission.message_id,
        ChallengePost.deadline_at,
        ChallengePost.skill,
    )
    .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
    .where(
        ChallengeSubmission.guild_id == bindparam("guild_id"),
        ChallengeSubmission.id == bindparam("submission_id"),
    )
)
OPEN_POST = (
    POST.where(
        ChallengePost.guild_id == bindparam("guild"),
        ChallengePost.message_id.is_not(None),
        ChallengePost.deadline_at > bindparam("now"),
    )
    .order_by(ChallengePost.local_date.desc())
    .limit(1)
)
TAKE = (
    select(
        ChallengeSubmission.id,
        ChallengeSubmission.message_id,
        ChallengeSubmission.stale_message_id,
        ChallengeSubmission.blind_label,
    )
    .where(
        ChallengeSubmission.guild_id == bindparam("guild"),
        ChallengeSubmission.post_id == bindparam("post"),
        ChallengeSubmission.user_id == bindparam("user"),
    )
    .with_for_update()
)
CLEAR_VOTES = delete(ChallengeVote).where(ChallengeVote.submission_id == bindparam("entry"))
NEW_ENTRY = insert(ChallengeSubmission)
TAKEN_LABELS = select(ChallengeSubmission.blind_label).where(
    ChallengeSubmission.post_id == bindparam("post"),
    ChallengeSubmission.blind_label.is_not(None),
)
VOTES = select(func.count()).where(ChallengeVote.submission_id == bindparam("submission_id"))


@functools.cache
def set_entry(names: tuple[str, ...]) -> Executable:
    """An update of these columns of one entry, built once per set of columns (bound
    parameters of an update may not take the table's column names)."""
    columns = ChallengeSubmission.__table__.c
    return (
        update(ChallengeSubmission)
        .where(
            ChallengeSubmission.guild_id == bindparam("entry_guild"),
            ChallengeSubmission.id == bindparam("entry_id"),
        )
        .values({name: bindparam(f"new_{name}", type_=columns[name].type) for name in names})
    )


@functools.cache
def ballot(dialect: str) -> Executable:
    """One member's vote, or no row if they already cast it; built once per dialect."""
    columns = ChallengeVote.__table__.c
    names = ("guild_id", "submission_id", "voter_id", "voted_at")
    return (
        insert_of(dialect)(ChallengeVote)
        .values({name: bindparam(name, type_=columns[name].type) for name in names})
        .on_conflict_do_nothing()
        .returning(ChallengeVote.voter_id)
    )
