"""The community page: entries per challenge, skills being learned, quiz activity and mentor
load, each as a bar chart (inline SVG, drawn by the template) and as a table."""

from aiohttp import web

from bot.web.base import dashboard, moderator_of, page

routes = web.RouteTableDef()


@routes.get("/g/{guild}/community")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    board = dashboard(request)
    services = board.app.services
    past = list(reversed(await board.calendar.past(place.guild_id)))[-30:]
    skills = sorted(
        await services.career.community(place.guild_id),
        key=lambda tally: -(tally.learning + tally.done + tally.verified),
    )[:15]
    charts = [
        ("Entries per challenge", [(f"{p.local_date:%d %b}", p.entries) for p in past]),
        ("Votes per challenge", [(f"{p.local_date:%d %b}", p.votes) for p in past]),
        ("Members learning each skill", [(t.skill.name, t.learning) for t in skills]),
        ("Members who learned each skill", [(t.skill.name, t.done + t.verified) for t in skills]),
        (
            "Quiz answers per day",
            [(c.label, c.value) for c in await board.stats.quiz_per_day(place.guild_id)],
        ),
        (
            "Mentees per mentor",
            [(f"user {m}", n) for m, n in await board.stats.mentor_load(place.guild_id)],
        ),
    ]
    return page(request, "community.html", place, charts=charts)
