"""The settings page: time zone, moderator role, the channels features post in, and every
schedule, through the same services as ``/settings`` and ``/challenge``."""

from typing import cast, get_args

from aiohttp import web

from bot.app import Services
from bot.errors import DomainError, InvalidInput
from bot.services.challenges.settings import Cadence
from bot.services.core.guild_settings import FEATURE_CHANNELS, search_timezones
from bot.web.base import Place, audit, back, dashboard, flash, moderator_of, page

routes = web.RouteTableDef()
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@routes.get("/g/{guild}/settings")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    board = dashboard(request)
    overview = await board.app.services.overview.overview(place.guild_id)
    channels = await board.api.channels(place.guild_id)
    return page(
        request,
        "settings.html",
        place,
        overview=overview,
        channels=channels,
        channel_names={c.id: c.name for c in channels},
        roles=await board.api.roles(place.guild_id),
        features=FEATURE_CHANNELS,
        zones=search_timezones(""),
        weekdays=WEEKDAYS,
    )


async def _form(request: web.Request) -> tuple[Place, dict[str, str]]:
    place = await moderator_of(request)
    form = await request.post()
    return place, {key: str(value) for key, value in form.items()}


@routes.post("/g/{guild}/settings/timezone")
async def timezone(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    services = dashboard(request).app.services
    try:
        config = await services.guild_settings.set_timezone(place.guild_id, form.get("zone", ""))
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "time zone", f"set to {config.timezone}")
        flash(place.session, f"The time zone is now {config.timezone}.")
    raise back(place, "settings")


@routes.post("/g/{guild}/settings/modrole")
async def moderator_role(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    role_id = _id(form.get("role", ""))
    roles = {role.id: role.name for role in await dashboard(request).api.roles(place.guild_id)}
    if role_id is not None and role_id not in roles:
        raise web.HTTPForbidden(text="That role is not one of this server's.")
    await dashboard(request).app.services.guild_settings.set_moderator_role(place.guild_id, role_id)
    detail = f"set to @{roles[role_id]}" if role_id is not None else "cleared"
    await audit(request, place, "moderator role", detail)
    flash(place.session, f"Moderator role {detail}.")
    raise back(place, "settings")


@routes.post("/g/{guild}/settings/channel")
async def channel(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    feature, channel_id = form.get("feature", ""), _id(form.get("channel", ""))
    names = {c.id: c.name for c in await dashboard(request).api.channels(place.guild_id)}
    if channel_id is not None and channel_id not in names:
        raise web.HTTPForbidden(text="That channel is not one of this server's.")
    try:
        await dashboard(request).app.services.guild_settings.set_channel(
            place.guild_id, feature, channel_id
        )
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        detail = f"#{names[channel_id]}" if channel_id is not None else "none"
        await audit(request, place, "channel", f"{feature}: {detail}")
        flash(place.session, f"The {feature} channel is now {detail}.")
    raise back(place, "settings")


async def _schedule(place: Place, services: Services, what: str, form: dict[str, str]) -> str:
    """Apply one schedule form; the audit line."""
    channel_id, time = _id(form.get("channel", "")) or 0, form.get("time", "")
    guild_id = place.guild_id
    if what == "tips":
        if form.get("off"):
            await services.daily_tips.disable(guild_id)
            return "tip of the day off"
        await services.daily_tips.configure(guild_id, channel_id, time)
        return f"tip of the day at {time}"
    if what == "challenges":
        every = form.get("every", "daily")
        if every not in get_args(Cadence):
            raise InvalidInput("Pick daily, weekdays or weekly.")
        await services.challenges.settings.setup(guild_id, channel_id, time, None)
        days = form.get("days", "").strip() or None
        await services.challenges.settings.set_cadence(guild_id, cast(Cadence, every), days)
        return f"challenges {every} at {time}"
    if form.get("off"):
        await services.networking.stop(guild_id)
        return "networking off"
    every_weeks, weekday, size = (_id(form.get(k, "")) or 0 for k in ("weeks", "weekday", "size"))
    await services.networking.setup(guild_id, channel_id, every_weeks, weekday, size)
    return f"networking every {every_weeks} week(s) on {WEEKDAYS[weekday % 7]}, groups of {size}"


@routes.post("/g/{guild}/settings/schedule/{what:tips|challenges|networking}")
async def schedule(request: web.Request) -> web.StreamResponse:
    """Set, or turn off, the tip of the day, the challenges' time and cadence, or the
    networking rounds, with the services ``/career daily``, ``/challenge setup`` and
    ``/network setup`` use."""
    place, form = await _form(request)
    board = dashboard(request)
    channels = {c.id for c in await board.api.channels(place.guild_id)}
    try:
        if not form.get("off") and _id(form.get("channel", "")) not in channels:
            raise InvalidInput("Pick one of this server's text channels.")
        detail = await _schedule(place, board.app.services, request.match_info["what"], form)
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "schedule", detail)
        flash(place.session, f"Saved: {detail}.")
    raise back(place, "settings")


@routes.post("/g/{guild}/settings/challenges")
async def challenges(request: web.Request) -> web.StreamResponse:
    """Pause or resume the challenges (the schedule itself is set with /challenge setup)."""
    place, form = await _form(request)
    paused = form.get("paused") == "1"
    try:
        await dashboard(request).app.services.challenges.settings.set_paused(place.guild_id, paused)
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "challenges", "paused" if paused else "resumed")
        flash(place.session, "Challenges paused." if paused else "Challenges resumed.")
    raise back(place, "settings")
