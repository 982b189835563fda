"""Cards, introductions and lists stay inside Discord's limits at their largest."""

from datetime import UTC, date, datetime

import discord

from bot.content import Content
from bot.services.community.matching import RoundPlan, Suggestion
from bot.services.community.mentoring import MentorInfo, Pairing, Ranked, RequestInfo
from bot.services.community.networking import RoundStats
from bot.services.community.profiles import (
    DAWS,
    EXPERIENCE,
    GENRES,
    LOOKING_FOR,
    ROLES,
    ProfileCard,
    ProfileInfo,
)
from bot.services.community.safety import FeedbackInfo
from cogs.mentoring import render as mentoring
from cogs.networking import render as networking
from cogs.profiles import render as profiles
from loopback.limits import check_embeds

NOW = datetime(2026, 11, 23, tzinfo=UTC)
BIG = 2**63 - 1


def fullest(content: Content, user_id: int) -> ProfileInfo:
    skills = tuple(skill.id for skill in content.career.skills)
    return ProfileInfo(
        1,
        user_id,
        roles=tuple(ROLES),
        skills=skills,
        goals=skills,
        genres=tuple(GENRES),
        daws=tuple(DAWS),
        experience=list(EXPERIENCE)[-1],
        timezone="America/Argentina/ComodRivadavia",
        looking_for=tuple(LOOKING_FOR),
        bio="b" * 300,
        links=tuple(f"https://example.com/{n}" + "x" * 170 for n in range(3)),
    )


def no_problems(embeds: list[discord.Embed]) -> None:
    """``embeds`` sent together in one message."""
    assert check_embeds([embed.to_dict() for embed in embeds]) == []


def pages_fit(pages: list[discord.Embed]) -> None:
    """Each page is a message of its own."""
    for page in pages:
        no_problems([page])


def test_the_fullest_card_and_a_three_way_introduction_fit(content: Content) -> None:
    names = {skill.id: skill.name for skill in content.career.skills}
    member = fullest(content, BIG)
    card = ProfileCard(member, True, "The Mentor-Producer", member.skills, True, 99, ("links",))
    no_problems([profiles.card(card, names)])
    group = [fullest(content, BIG - n) for n in range(3)]
    no_problems(profiles.introduction(group, ["x" * 200] * 3, names, "Round of 31 December"))


def test_lists_fit_on_every_page(content: Content) -> None:
    names = {skill.id: skill.name for skill in content.career.skills}
    topics = tuple(names)
    mentor = MentorInfo(BIG, topics, 5, "a" * 200, True, False, 1)
    suggestion = Suggestion(BIG, 99.0, topics, tuple(GENRES), tuple(DAWS), 11.5, 3, 4)
    request = RequestInfo(BIG, 1, BIG, BIG, "m" * 500, "pending", None, NOW, None)
    pages_fit(mentoring.mentor_pages([mentor] * 30, names))
    pages_fit(mentoring.suggestion_pages([Ranked(suggestion, mentor)] * 30, names))
    no_problems([mentoring.request_embed(request)])
    pairing = Pairing(BIG, BIG, BIG - 1, NOW, NOW, BIG)
    pages_fit(mentoring.mine_pages(BIG, [pairing] * 30, [request] * 20))
    feedback = FeedbackInfo(BIG, BIG, BIG, BIG, 5, "c" * 500, NOW)
    pages_fit(mentoring.feedback_pages([feedback] * 30))
    plan = RoundPlan([(BIG, BIG - 1, BIG - 2)] * 40, {BIG: "no-room"}, BIG, 0.0, 0)
    pages_fit(networking.preview_pages(date(2026, 12, 31), plan))
    huge = [10**9] * 7
    no_problems([networking.stats(RoundStats(date(2026, 12, 31), *huge))])
