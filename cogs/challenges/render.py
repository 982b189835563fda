"""Embeds and texts of the challenge feature, all within Discord's limits."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

import discord

from bot.content.career import CareerContent
from bot.services.challenges.common import ChallengeCard, ChallengeSettings, PostInfo, days_text
from bot.services.challenges.entries import Entry, FeedbackNote
from bot.services.challenges.posting import Nudge, Reminder
from bot.services.challenges.rules import RULES, Streak
from bot.services.challenges.schedule import PlannedDay, QueueItem
from bot.services.challenges.scores import HistoryEntry, Leaderboard, Results
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text, plural

MEDALS = ("🥇", "🥈", "🥉")
PER_PAGE = 10
PLAN_PER_PAGE = 7


def _feedback(count: int) -> str:
    return plural(count, "piece of feedback", "pieces of feedback")


def when(moment: datetime) -> str:
    """A Discord timestamp: every member sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:f> (<t:{int(moment.timestamp())}:R>)"


def jump(guild_id: int, channel_id: int, message_id: int | None) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id or ''}".rstrip("/")


def _details(embed: discord.Embed, career: CareerContent, skill: str, difficulty: str) -> None:
    embed.add_field(name="Skill", value=career.skill(skill).name)
    embed.add_field(name="Difficulty", value=difficulty.title())


def challenge(career: CareerContent, post: PostInfo, *, closed: bool = False) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"🎛️ {post.cadence.title()} challenge · {member_text(post.title)}", 256),
        description=member_text(post.brief),
        colour=discord.Colour.dark_grey() if closed else BRAND_COLOUR,
    )
    _details(embed, career, post.skill, post.difficulty)
    if post.constraints:
        embed.add_field(name="Constraints", value=truncate(post.constraints, 1024), inline=False)
    deadline = "Closed: see the results below." if closed else when(post.deadline_at)
    embed.add_field(name="Deadline", value=deadline, inline=False)
    how = "Entries, votes and feedback are in the thread."
    if not closed:
        how = "Press **Submit** (or use `/challenge submit`). " + how
    embed.set_footer(text=f"{how} · Challenge of {post.local_date:%a %d %b %Y}")
    return embed


def entry_heading(entry: Entry) -> str:
    title = truncate(member_text(entry.post.title), 80)
    if entry.label:  # blind: the author is revealed with the results
        verb = "New take" if entry.replaced_message_id else "Entry"
        return f"🎧 {verb}: **Entry {entry.label}** for **{title}**"
    verb = "New take" if entry.replaced_message_id else "Entry"
    return f"🎧 {verb} by <@{entry.user_id}> for **{title}**"


@dataclass(frozen=True, slots=True)
class Analysed:
    """What the analysis of an entry's file gave: its card, listening-copy line and picture."""

    card: str
    copy_line: str | None = None


PICTURE = "report.png"


def entry_file_name(item: Entry, original: str) -> str:
    """The file's name in the re-post: in a blind challenge, the entry's letter (a file
    name often says who made it)."""
    if item.label:
        return f"entry-{item.label}{PurePosixPath(original).suffix.lower()}"
    return original


def copy_file_name(item: Entry, original: str) -> str:
    return f"listening-copy-{PurePosixPath(entry_file_name(item, original)).stem}.mp3"


def entry(
    item: Entry, *, file_lost: bool = False, analysed: Analysed | None = None
) -> discord.Embed:
    """The entry's card; ``file_lost`` when its upload was interrupted before the re-post;
    ``analysed`` adds the file's technical report and picture."""
    notes = member_text(item.notes or "") or "*No notes.*"
    embed = discord.Embed(description=notes, colour=BRAND_COLOUR)
    if item.link:
        embed.add_field(name="Listen", value=member_text(item.link), inline=False)
    if item.file_name:
        name = truncate(member_text(entry_file_name(item, item.file_name)), 900)
        if file_lost:
            name += "\n*The upload was interrupted: submit the file again to share it.*"
        embed.add_field(name="File", value=name, inline=False)
    if analysed:
        embed.add_field(name="Technical report", value=truncate(analysed.card, 1024), inline=False)
        embed.set_image(url=f"attachment://{PICTURE}")
    if analysed and analysed.copy_line:
        embed.add_field(
            name="Listening copy",
            value=f"{analysed.copy_line} The original file is attached too.",
            inline=False,
        )
    embed.set_footer(text="Vote for the takes you like (one vote each), and leave feedback.")
    return embed


REPLACED = "🎧 ~~This take was replaced by a newer one from the same member.~~"


def feedback(note: FeedbackNote) -> tuple[str, discord.Embed]:
    link = jump(note.post.guild_id, note.post.entries_channel_id, note.entry_message_id)
    if note.receiver_label:
        heading = f"💬 Feedback from <@{note.author_id}> for [Entry {note.receiver_label}]({link})"
    else:
        heading = (
            f"💬 Feedback from <@{note.author_id}> for <@{note.receiver_id}>'s [entry]({link})"
        )
    embed = discord.Embed(description=member_text(note.text), colour=BRAND_COLOUR)
    embed.set_footer(text="The entry's author can mark it helpful (it earns points).")
    return heading, embed


def results(career: CareerContent, outcome: Results) -> discord.Embed:
    post = outcome.post
    lines = [
        f"{MEDALS[p.place - 1]} {_label(outcome, p.user_id)}<@{p.user_id}>: "
        f"{plural(p.votes, 'vote')}"
        + (f" · [listen]({jump(post.guild_id, post.entries_channel_id, p.message_id)})")
        for p in outcome.podium
    ]
    if not lines:
        lines = ["No entry received a vote, so there is no podium this time."]
    embed = discord.Embed(
        title=truncate(f"🏁 Results · {member_text(post.title)}", 256),
        description="\n".join(lines),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Entries", value=str(outcome.entries))
    embed.add_field(name="Skill", value=career.skill(post.skill).name)
    if outcome.labels:
        ordered = sorted(outcome.labels.items(), key=lambda item: (len(item[1]), item[1]))
        reveal = "\n".join(f"Entry {label}: <@{user}>" for user, label in ordered)
        embed.add_field(name="Who made which entry", value=truncate(reveal, 1024), inline=False)
    if outcome.feedback_required:
        embed.add_field(
            name="Podium rule",
            value=f"Entries placed after giving {_feedback(outcome.feedback_required)}.",
            inline=False,
        )
    embed.set_footer(text="Points are in: see /challenge leaderboard and /challenge streak.")
    return embed


def _label(outcome: Results, user_id: int) -> str:
    label = outcome.labels.get(user_id)
    return f"Entry {label} · " if label else ""


def reminder(item: Reminder) -> str:
    ping = f"<@&{item.role_id}> " if item.role_id else ""
    link = jump(item.post.guild_id, item.post.channel_id, item.post.message_id)
    hours = f"{item.hours_left} hour{'s' * (item.hours_left != 1)}"
    title = member_text(item.post.title)
    return f"⏰ {ping}{hours} left for today's challenge **{title}**: {link}"


def nudge(item: Nudge, guild_name: str) -> str:
    link = jump(item.post.guild_id, item.post.channel_id, item.post.message_id)
    cover = (
        "A streak freeze will cover it if you miss it, but you'll use it up."
        if item.freezes
        else "Miss it and your streak starts over."
    )
    return (
        f"🔥 Your {item.streak}-day challenge streak in **{truncate(guild_name, 100)}** is at "
        f"risk: **{member_text(item.post.title)}** closes {when(item.post.deadline_at)}. {cover}\n"
        f"{link}\n"
        "(Turn these off with `/challenge streakdm enabled:False`.)"
    )


def rules() -> discord.Embed:
    embed = discord.Embed(title="Challenge rules and points", colour=BRAND_COLOUR)
    embed.description = "\n\n".join(RULES)
    return embed


def streak(name: str, value: Streak) -> discord.Embed:
    embed = discord.Embed(title=f"🔥 {truncate(name, 200)}'s streak", colour=BRAND_COLOUR)
    embed.add_field(name="Current", value=f"{value.current} day{'s' * (value.current != 1)}")
    embed.add_field(name="Best", value=str(value.best))
    embed.add_field(name="Freezes banked", value=str(value.freezes))
    return embed


def _pages(
    title: str, lines: list[str], per_page: int, empty: str, header: str = ""
) -> list[discord.Embed]:
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[empty]]
    lead = [header] if header else []
    return [
        discord.Embed(title=title, description="\n".join([*lead, *chunk]), colour=BRAND_COLOUR)
        for chunk in chunks
    ]


def leaderboard(board: Leaderboard) -> list[discord.Embed]:
    heading = {"week": "this week", "month": "this month", "all": "all time"}[board.period]
    lines = [f"**{s.rank}.** <@{s.user_id}> · {plural(s.points, 'point')}" for s in board.standings]
    pages = _pages(f"🏆 Challenge leaderboard, {heading}", lines, PER_PAGE, "No points yet.")
    mine = (
        f"You: #{board.mine.rank} with {plural(board.mine.points, 'point')}"
        if board.mine
        else "You have no points in this period yet."
    )
    for page in pages:
        page.set_footer(text=mine)
    return pages


def history(user_id: int, entries: list[HistoryEntry]) -> list[discord.Embed]:
    lines = []
    for item in entries:
        place = f" · {MEDALS[item.place - 1]}" if item.place else ""
        state = (
            "open"
            if item.open
            else f"{plural(item.votes, 'vote')} · {plural(item.points, 'point')}{place}"
        )
        lines.append(f"`{item.local_date}` **{truncate(member_text(item.title), 80)}** · {state}")
    return _pages(
        "🎧 Challenge history", lines, PER_PAGE, "No entries yet.", f"Entries of <@{user_id}>:"
    )


def settings(value: ChallengeSettings) -> str:
    state = "paused" if value.paused else "on"
    parts = [
        f"Challenges are **{state}**: posted in <#{value.channel_id}> at {value.post_time} "
        f"({value.timezone}) {days_text(value.weekdays)}."
    ]
    if value.reminder_hours:
        role = f", mentioning <@&{value.reminder_role_id}>" if value.reminder_role_id else ""
        parts.append(f"Reminder {value.reminder_hours} h before the deadline{role}.")
    if value.champion_role_id:
        parts.append(f"The month's top member gets <@&{value.champion_role_id}>.")
    if value.feedback_required:
        parts.append(f"Podium after {_feedback(value.feedback_required)}.")
    if value.blind_voting:
        parts.append("Blind voting: entries show no author until the results.")
    return " ".join(parts)


def card_line(day: date | None, card: ChallengeCard, source: str) -> str:
    label = f"`{day:%a %d %b}`" if day else "`queued`"
    return f"{label} **{truncate(member_text(card.title), 80)}** · {card.difficulty} · {source}"


def plan(
    value: ChallengeSettings, days: list[PlannedDay], queue: list[QueueItem]
) -> list[discord.Embed]:
    lines = [
        card_line(d.local_date, d.card, "scheduled" if d.item_id else "from the bank") for d in days
    ]
    later = [item for item in queue if item.id not in {d.item_id for d in days}]
    lines += [card_line(item.local_date, item.card, "scheduled") for item in later]
    pages = _pages("🗓️ Coming challenges", lines, PLAN_PER_PAGE, "No challenge days ahead.")
    for page in pages:
        page.add_field(name="Settings", value=truncate(settings(value), 1024), inline=False)
    return pages


def queue_option(item: QueueItem) -> discord.SelectOption:
    day = f"{item.local_date:%a %d %b}" if item.local_date else "queued"
    return discord.SelectOption(
        label=truncate(item.card.title, 100), value=str(item.id), description=day
    )


def champion(user_id: int, month: str, role_id: int) -> str:
    """``month`` as ``2026-12``."""
    named = datetime.strptime(month, "%Y-%m").strftime("%B %Y")
    return (
        f"👑 Congratulations <@{user_id}>: the challenge champion of {named}, with the most "
        f"points this month, now holds <@&{role_id}>!"
    )
