"""The moderation page: open reports and suggestions as a queue with "handled", mentor
feedback, and the audit log of the dashboard."""

import html

from aiohttp import web

from bot.errors import DomainError
from bot.web.base import audit, back, dashboard, flash, moderator_of, page

routes = web.RouteTableDef()


@routes.get("/g/{guild}/moderation")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    board = dashboard(request)
    reports = await board.queue.reports(place.guild_id)
    suggestions = await board.queue.suggestions(place.guild_id)
    feedback = await board.app.services.safety.all_feedback(place.guild_id)
    audit_log = await board.audit.recent(place.guild_id)
    people = [
        *(user for r in reports for user in (r.reported_id, r.reporter_id)),
        *(s.author_id for s in suggestions),
        *(f.mentor_id for f in feedback),
        *(a.user_id for a in audit_log),
    ]
    return page(
        request,
        "moderation.html",
        place,
        reports=reports,
        suggestions=suggestions,
        feedback=feedback,
        audit_log=audit_log,
        names=await board.api.names(place.guild_id, people),
    )


@routes.post("/g/{guild}/{kind:reports|suggestions}/{item:\\d+}/handled")
async def handled(request: web.Request) -> web.StreamResponse:
    """Mark a report or suggestion handled; HTMX gets the row's new text, a plain form a
    redirect back to the queue."""
    place = await moderator_of(request)
    services = dashboard(request).app.services
    kind, item = request.match_info["kind"], int(request.match_info["item"])
    try:
        if kind == "reports":
            await services.safety.mark_report_handled(place.guild_id, item, place.session.user_id)
        else:
            await services.suggestions.mark_handled(place.guild_id, item, place.session.user_id)
    except DomainError as error:
        text, failed = str(error), True
    else:
        what = "report" if kind == "reports" else "suggestion"
        await audit(request, place, f"{what} handled", f"{what} #{item}")
        text, failed = f"The {what} #{item} is marked handled.", False
    if request.headers.get("HX-Request") == "true":
        css = "error" if failed else "done"
        return web.Response(
            text=f'<p class="{css}">{html.escape(text)}</p>', content_type="text/html"
        )
    flash(place.session, text, error=failed)
    raise back(place, "moderation")
