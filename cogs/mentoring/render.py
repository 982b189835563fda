"""Embeds for mentors, suggestions, requests and mentorships."""

import discord

from bot.services.community.matching import Suggestion
from bot.services.community.mentoring import MentorInfo, Pairing, Ranked, RequestInfo
from bot.services.community.profiles import DAWS, GENRES
from bot.services.community.safety import FeedbackInfo
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text, plural
from cogs.profiles.render import names

PER_PAGE = 5


def pages(title: str, entries: list[tuple[str, str]], empty: str) -> list[discord.Embed]:
    """``(name, value)`` fields, five to a page."""
    if not entries:
        return [discord.Embed(title=title, colour=BRAND_COLOUR, description=empty)]
    result = []
    for start in range(0, len(entries), PER_PAGE):
        embed = discord.Embed(title=title, colour=BRAND_COLOUR)
        for name, value in entries[start : start + PER_PAGE]:
            embed.add_field(name=truncate(name, 256), value=truncate(value, 1024), inline=False)
        result.append(embed)
    return result


def mentor_line(mentor: MentorInfo, skill_names: dict[str, str]) -> str:
    state = "paused" if mentor.paused else f"{mentor.free_places} of {mentor.capacity} places free"
    return (
        f"<@{mentor.user_id}> · {state}\nTopics: {names(mentor.topics, skill_names)}\n"
        f"Available: {member_text(mentor.availability)}"
    )


def mentor_pages(mentors: list[MentorInfo], skill_names: dict[str, str]) -> list[discord.Embed]:
    entries = [(f"Mentor {n}", mentor_line(m, skill_names)) for n, m in enumerate(mentors, 1)]
    return pages(f"Mentors ({len(mentors)})", entries, "Nobody offers mentoring here yet.")


def reasons(suggestion: Suggestion, skill_names: dict[str, str]) -> str:
    """Why a mentor is suggested, in plain words."""
    found = []
    if suggestion.covered:
        count = len(suggestion.covered)
        found.append(
            f"covers {count} of your goals ({names(suggestion.covered, skill_names)})"
            if count > 1
            else f"covers your goal {names(suggestion.covered, skill_names)}"
        )
    if suggestion.genres:
        noun = "genre" if len(suggestion.genres) == 1 else "genres"
        found.append(f"shares your {noun} {names(suggestion.genres, GENRES)}")
    if suggestion.daws:
        found.append(f"same DAW ({names(suggestion.daws, DAWS)})")
    if suggestion.hours_apart is not None:
        hours = round(suggestion.hours_apart)
        found.append(
            "shares your time zone"
            if hours == 0
            else f"a time zone {plural(hours, 'hour')} from yours"
        )
    if suggestion.experience_gap is not None and suggestion.experience_gap > 0:
        found.append("more experienced than you")
    found.append(plural(suggestion.free_places, "free place"))
    return ", ".join(found)


def suggestion_pages(ranked: list[Ranked], skill_names: dict[str, str]) -> list[discord.Embed]:
    entries = [
        (
            f"{number}. Suggested mentor",
            f"<@{r.mentor.user_id}>\n**Why:** {reasons(r.suggestion, skill_names)}\n"
            f"Available: {member_text(r.mentor.availability)}",
        )
        for number, r in enumerate(ranked, 1)
    ]
    return pages(
        "Mentors for you",
        entries,
        "No mentor fits right now. Add goals with `/profile edit`, or try `/mentor list`.",
    )


def request_embed(request: RequestInfo) -> discord.Embed:
    text = f"<@{request.mentee_id}> would like you as their mentor."
    message = member_text(request.message)
    if message:
        text += f"\n\n>>> {message}"
    embed = discord.Embed(title="A mentoring request", colour=BRAND_COLOUR, description=text)
    embed.set_footer(text="Their profile is below. Accept or decline with the buttons.")
    return embed


def mine_pages(
    user_id: int, pairings: list[Pairing], requests: list[RequestInfo]
) -> list[discord.Embed]:
    entries = []
    for p in pairings:
        role = "mentor" if p.mentor_id == user_id else "mentee"
        other = p.mentee_id if role == "mentor" else p.mentor_id
        since = discord.utils.format_dt(p.started_at, "d")
        until = f" to {discord.utils.format_dt(p.ended_at, 'd')}" if p.ended_at else " (running)"
        where = f"\nThread: <#{p.thread_id}>" if p.thread_id else ""
        entries.append((f"You are the {role}", f"with <@{other}> since {since}{until}{where}"))
    for r in requests:
        asked = r.mentee_id == user_id
        who = f"to <@{r.mentor_id}>" if asked else f"from <@{r.mentee_id}>"
        entries.append(("Request you sent" if asked else "Request to you", f"{who}: {r.status}"))
    return pages("Your mentoring", entries, "No mentorships or requests yet: try `/mentor find`.")


def feedback_pages(feedback: list[FeedbackInfo]) -> list[discord.Embed]:
    entries = [
        (
            f"{'★' * f.rating}{'☆' * (5 - f.rating)} from "
            + ("the mentor" if f.author_id == f.mentor_id else "the mentee"),
            f"Mentor <@{f.mentor_id}>, mentee <@{f.mentee_id}>\n"
            + (member_text(f.comment) or "(no comment)"),
        )
        for f in feedback
    ]
    return pages("Mentorship feedback (moderators only)", entries, "No feedback yet.")


def ended_notice(ender_id: int, pairing: Pairing, guild: discord.Guild | None) -> str:
    """For the other side of a mentorship that ``ender_id`` ended."""
    role = "mentor" if ender_id == pairing.mentor_id else "mentee"
    where = f" in **{guild.name}**" if guild else ""
    return (
        f"Your {role} <@{ender_id}> ended your mentorship{where}. Thank you for the time you "
        "put in! How did it go? Only the moderators see your feedback. Looking for someone "
        "new? Try `/mentor find`."
    )


def lapsed_notice(request: RequestInfo) -> str:
    return (
        f"Your mentoring request to <@{request.mentor_id}> lapsed: it had no answer within "
        "14 days, so it no longer counts against your open requests. Try `/mentor find` for "
        "another mentor, or ask again later."
    )
