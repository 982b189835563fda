"""The challenges page: the month calendar, the coming 14 days, scheduling (from the bank or
a custom challenge), moving and removing, the bank's search, and past results. What posts
when is kept in the database, where the bot's scheduler picks it up on the day."""

from datetime import date

from aiohttp import web

from bot.errors import DomainError, InvalidInput
from bot.services.challenges.common import NotSetUp
from bot.web.base import Place, audit, back, dashboard, flash, moderator_of, page

routes = web.RouteTableDef()
WEEK_HEADINGS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _month(text: str, today: date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@routes.get("/g/{guild}")
@routes.get("/g/{guild}/challenges")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    board = dashboard(request)
    schedule = board.app.services.challenges.schedule
    today = board.app.clock.now().astimezone(place.config.zone).date()
    year, month = _month(request.query.get("month", ""), today)
    try:
        calendar = await board.calendar.month(place.guild_id, year, month)
    except NotSetUp as error:
        return page(request, "challenges.html", place, not_set_up=str(error))
    query = request.query.get("q", "")
    past = await board.calendar.past(place.guild_id)
    return page(
        request,
        "challenges.html",
        place,
        not_set_up=None,
        calendar=calendar,
        lead=[None] * calendar.days[0].local_date.weekday(),
        headings=WEEK_HEADINGS,
        previous=_shift(year, month, -1),
        following=_shift(year, month, 1),
        plan=await schedule.plan(place.guild_id),
        queue=await schedule.queue(place.guild_id),
        past=past,
        names=await board.api.names(place.guild_id, (p.winner_id for p in past if p.winner_id)),
        query=query,
        bank=schedule.search_bank(query, limit=12),
        skills=board.app.content.career.skills,
    )


async def _form(request: web.Request) -> tuple[Place, dict[str, str]]:
    place = await moderator_of(request)
    return place, {key: str(value) for key, value in (await request.post()).items()}


@routes.post("/g/{guild}/challenges/schedule")
async def schedule_one(request: web.Request) -> web.StreamResponse:
    """Schedule a bank challenge (``bank_id``) or a custom one for a date (or the queue)."""
    place, form = await _form(request)
    schedule = dashboard(request).app.services.challenges.schedule
    on = form.get("date", "").strip() or None
    try:
        if form.get("bank_id"):
            card = schedule.bank_card(form["bank_id"])
        else:
            card = schedule.card(
                form.get("title", ""),
                form.get("brief", ""),
                form.get("skill", ""),
                form.get("difficulty", ""),
                form.get("hours", ""),
            )
        item = await schedule.add(place.guild_id, place.session.user_id, card, on)
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        when = f"{item.local_date:%a %d %b %Y}" if item.local_date else "the end of the queue"
        await audit(request, place, "challenge scheduled", f"{card.title} on {when}")
        flash(place.session, f"Scheduled “{card.title}” for {when}.")
    raise back(place, f"challenges?month={on[:7]}" if on else "challenges")


@routes.post("/g/{guild}/challenges/{item:\\d+}/{action:move|remove}")
async def change(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    schedule = dashboard(request).app.services.challenges.schedule
    item_id = int(request.match_info["item"])
    try:
        if request.match_info["action"] == "remove":
            item = await schedule.remove(place.guild_id, item_id)
            text = f"Removed “{item.card.title}”."
        else:
            if not form.get("to", "").strip():
                raise InvalidInput("Pick the date to move it to.")
            item = await schedule.move(place.guild_id, item_id, form["to"])
            text = f"Moved “{item.card.title}” to {item.local_date or 'the queue'}."
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, f"challenge {request.match_info['action']}", text)
        flash(place.session, text)
    raise back(place, "challenges")
