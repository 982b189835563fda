"""The content page: the server's own tips and quiz questions (list, add, edit, remove) and
the bulk import of questions with a preview."""

from aiohttp import web

from bot.errors import DomainError
from bot.web.base import Place, audit, back, dashboard, flash, moderator_of, page
from bot.web.imports import COLUMNS, read_questions

routes = web.RouteTableDef()


async def _form(request: web.Request) -> tuple[Place, dict[str, str]]:
    place = await moderator_of(request)
    return place, {key: str(value) for key, value in (await request.post()).items()}


@routes.get("/g/{guild}/content")
async def show(request: web.Request) -> web.Response:
    place = await moderator_of(request)
    app = dashboard(request).app
    return page(
        request,
        "content.html",
        place,
        tips=await app.services.career.guild_tips(place.guild_id),
        questions=await app.services.quiz.bank.search(place.guild_id, "", limit=200),
        tip_topics=app.content.career.topics,
        quiz_topics=app.content.quiz.knowledge_topics,
        columns=COLUMNS,
    )


@routes.post("/g/{guild}/tips/add")
async def add_tip(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    career = dashboard(request).app.services.career
    try:
        tip = await career.add_guild_tip(
            place.guild_id,
            place.session.user_id,
            form.get("topic", ""),
            form.get("level", ""),
            form.get("text", ""),
        )
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "tip added", tip.text[:120])
        flash(place.session, "Tip added.")
    raise back(place, "content")


@routes.post("/g/{guild}/tips/{tip}/{action:edit|remove}")
async def change_tip(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    career, tip_id = dashboard(request).app.services.career, request.match_info["tip"]
    try:
        if request.match_info["action"] == "remove":
            tip = await career.remove_guild_tip(place.guild_id, tip_id)
        else:
            tip = await career.edit_guild_tip(
                place.guild_id,
                tip_id,
                form.get("topic", ""),
                form.get("level", ""),
                form.get("text", ""),
            )
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        action = request.match_info["action"]
        await audit(request, place, f"tip {action}", tip.text[:120])
        flash(place.session, "Tip removed." if action == "remove" else "Tip saved.")
    raise back(place, "content")


@routes.post("/g/{guild}/questions/add")
async def add_question(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    bank = dashboard(request).app.services.quiz.bank
    wrong = "\n".join(form.get(f"wrong{n}", "") for n in (1, 2, 3))
    try:
        question = await bank.add(
            place.guild_id,
            place.session.user_id,
            form.get("topic", ""),
            form.get("difficulty", ""),
            form.get("prompt", ""),
            form.get("correct", ""),
            wrong,
            form.get("explanation", ""),
        )
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "question added", question.prompt[:120])
        flash(place.session, "Question added.")
    raise back(place, "content")


@routes.post("/g/{guild}/questions/{key}/remove")
async def remove_question(request: web.Request) -> web.StreamResponse:
    place = await moderator_of(request)
    try:
        question = await dashboard(request).app.services.quiz.bank.remove(
            place.guild_id, request.match_info["key"]
        )
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        await audit(request, place, "question removed", question.prompt[:120])
        flash(place.session, "Question removed.")
    raise back(place, "content")


@routes.post("/g/{guild}/questions/import")
async def import_questions(request: web.Request) -> web.StreamResponse:
    """With a file: the preview. With ``save`` (the preview's button): save the valid rows."""
    place = await moderator_of(request)
    form = await request.post()
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        text, filename = upload.file.read().decode("utf-8-sig", "replace"), upload.filename
    else:
        text, filename = str(form.get("text", "")), str(form.get("filename", "import.csv"))
    bank = dashboard(request).app.services.quiz.bank
    try:
        rows = read_questions(bank, text, filename)
    except DomainError as error:
        flash(place.session, str(error), error=True)
        raise back(place, "content") from None
    if form.get("save") != "1":
        return page(request, "import.html", place, rows=rows, text=text, filename=filename)
    saved, failed = 0, 0
    for row in rows:
        if row.error is not None:
            continue
        f = row.fields
        try:
            await bank.add(
                place.guild_id,
                place.session.user_id,
                f["topic"],
                f["difficulty"],
                f["prompt"],
                f["correct"],
                row.wrong,
                f["explanation"],
            )
        except DomainError:
            failed += 1
        else:
            saved += 1
    skipped = len(rows) - saved - failed
    await audit(request, place, "questions imported", f"{saved} from {filename}")
    flash(place.session, f"Imported {saved} questions; {skipped + failed} rows left out.")
    raise back(place, "content")
