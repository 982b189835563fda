"""The community page: entries and votes per challenge, streaks, skills being learned,
quiz activity, the networking meet rate and mentor load: each a bar chart (inline SVG, drawn
by the template) and a table."""

from aiohttp import web

from bot.services.community.stats import Count
from bot.web.base import dashboard, moderator_of, page

routes = web.RouteTableDef()


def _pairs(counts: list[Count]) -> list[tuple[str, int]]:
    return [(count.label, count.value) for count in counts]


@routes.get("/g/{guild}/community")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    board = dashboard(request)
    services = board.app.services
    past = list(reversed(await board.calendar.past(place.guild_id)))[-30:]
    days = [(f"{p.local_date:%d %b}", p) for p in past]
    skills = sorted(
        await services.career.community(place.guild_id),
        key=lambda tally: -(tally.learning + tally.done + tally.verified),
    )[:15]
    stats, guild = board.stats, place.guild_id
    load = await stats.mentor_load(guild)
    names = await board.api.names(place.guild_id, (mentor for mentor, _ in load))
    charts = [
        ("Entries per challenge", "Challenge day", "Entries", [(d, p.entries) for d, p in days]),
        ("Votes per challenge", "Challenge day", "Votes", [(d, p.votes) for d, p in days]),
        (
            "Members by current streak (challenges in a row)",
            "Streak",
            "Members",
            _pairs(await stats.streaks(guild)),
        ),
        (
            "Members learning each skill",
            "Skill",
            "Learning",
            [(t.skill.name, t.learning) for t in skills],
        ),
        (
            "Members who learned each skill",
            "Skill",
            "Learned",
            [(t.skill.name, t.done + t.verified) for t in skills],
        ),
        ("Quiz answers per day", "Day (UTC)", "Answers", _pairs(await stats.quiz_per_day(guild))),
        (
            "Networking: share of introduced members who met",
            "Round",
            "Met (%)",
            _pairs(await stats.meet_rate(guild)),
        ),
        (
            "Mentees per mentor",
            "Mentor",
            "Mentees",
            [(names.get(m, f"user {m}"), n) for m, n in load],
        ),
    ]
    return page(request, "community.html", place, charts=charts)
