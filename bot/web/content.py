"""The content page: the server's own tips and quiz questions (list, add, edit, remove) and
the bulk import of both from CSV or YAML, with a preview."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NoReturn

from aiohttp import web

from bot.app import App
from bot.content.quiz import DIFFICULTIES
from bot.errors import DomainError
from bot.services.careers.tip_pick import TipCard
from bot.services.quiz.bank import Question, QuestionDraft
from bot.web.base import Place, audit, back, dashboard, flash, moderator_of, page
from bot.web.imports import QUESTION_COLUMNS, TIP_COLUMNS, read_rows, wrong_answers

routes = web.RouteTableDef()


async def _form(request: web.Request) -> tuple[Place, dict[str, str]]:
    place = await moderator_of(request)
    return place, {key: str(value) for key, value in (await request.post()).items()}


def _tip(form: dict[str, str]) -> tuple[str, str, str]:
    """The tip form's topic, level and text, in the order the career service takes them."""
    return form.get("topic", ""), form.get("level", ""), form.get("text", "")


def _question(form: dict[str, str]) -> QuestionDraft:
    """The question form (or an imported row) as the bank takes it."""
    topic, difficulty, prompt, correct, explanation = (
        form.get(name, "") for name in ("topic", "difficulty", "prompt", "correct", "explanation")
    )
    return QuestionDraft(topic, difficulty, prompt, correct, wrong_answers(form), explanation)


async def _apply(
    request: web.Request,
    place: Place,
    change: Awaitable[TipCard | Question],
    action: str,
    done: str,
) -> NoReturn:
    """Make one change from the content page and go back to it: a refusal is shown; a
    change made is audited as ``action`` and ``done`` is shown."""
    try:
        changed = await change
    except DomainError as error:
        flash(place.session, str(error), error=True)
    else:
        detail = changed.text if isinstance(changed, TipCard) else changed.prompt
        await audit(request, place, action, detail[:120])
        flash(place.session, done)
    raise back(place, "content")


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
        question_columns=QUESTION_COLUMNS,
        tip_columns=TIP_COLUMNS,
        difficulties=DIFFICULTIES,
    )


@routes.post("/g/{guild}/tips/add")
async def add_tip(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    career = dashboard(request).app.services.career
    tip = career.add_guild_tip(place.guild_id, place.session.user_id, *_tip(form))
    await _apply(request, place, tip, "tip added", "Tip added.")


@routes.post("/g/{guild}/tips/{tip}/{action:edit|remove}")
async def change_tip(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    career, tip_id = dashboard(request).app.services.career, request.match_info["tip"]
    action = request.match_info["action"]
    if action == "remove":
        tip = career.remove_guild_tip(place.guild_id, tip_id)
    else:
        tip = career.edit_guild_tip(place.guild_id, tip_id, *_tip(form))
    done = "Tip removed." if action == "remove" else "Tip saved."
    await _apply(request, place, tip, f"tip {action}", done)


@routes.post("/g/{guild}/questions/add")
async def add_question(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    bank = dashboard(request).app.services.quiz.bank
    question = bank.add(place.guild_id, place.session.user_id, _question(form))
    await _apply(request, place, question, "question added", "Question added.")


@routes.post("/g/{guild}/questions/{key}/{action:edit|remove}")
async def change_question(request: web.Request) -> web.StreamResponse:
    place, form = await _form(request)
    bank, key = dashboard(request).app.services.quiz.bank, request.match_info["key"]
    action = request.match_info["action"]
    if action == "remove":
        question = bank.remove(place.guild_id, key)
    else:
        question = bank.edit(place.guild_id, key, _question(form))
    done = "Question removed." if action == "remove" else "Question saved."
    await _apply(request, place, question, f"question {action}", done)


@dataclass(frozen=True, slots=True)
class Kind:
    """What an import reads: its columns, the ones the preview shows, its check and save."""

    columns: tuple[str, ...]
    shown: tuple[str, ...]
    check: Callable[[App, dict[str, str]], object]
    save: Callable[[App, int, int, dict[str, str]], Awaitable[object]]


KINDS = {
    "questions": Kind(
        QUESTION_COLUMNS,
        ("prompt", "topic", "difficulty"),
        lambda app, f: app.services.quiz.bank.check(_question(f)),
        lambda app, guild, user, f: app.services.quiz.bank.add(guild, user, _question(f)),
    ),
    "tips": Kind(
        TIP_COLUMNS,
        ("text", "topic", "level"),
        lambda app, f: app.services.career.check_tip(*_tip(f)),
        lambda app, guild, user, f: app.services.career.add_guild_tip(guild, user, *_tip(f)),
    ),
}


@routes.post("/g/{guild}/{kind:questions|tips}/import")
async def import_rows(request: web.Request) -> web.StreamResponse:
    """With a file: the preview. With ``save`` (the preview's button): save the valid rows."""
    place = await moderator_of(request)
    name = request.match_info["kind"]
    kind, app = KINDS[name], dashboard(request).app
    form = await request.post()
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        text, filename = upload.file.read().decode("utf-8-sig", "replace"), upload.filename
    else:
        text, filename = str(form.get("text", "")), str(form.get("filename", "import.csv"))
    try:
        rows = read_rows(text, filename, kind.columns, lambda fields: kind.check(app, fields))
    except DomainError as error:
        flash(place.session, str(error), error=True)
        raise back(place, "content") from None
    if form.get("save") != "1":
        return page(
            request,
            "import.html",
            place,
            kind=name,
            shown=kind.shown,
            rows=rows,
            text=text,
            filename=filename,
        )
    saved = 0
    for row in rows:
        if row.error is None:
            try:
                await kind.save(app, place.guild_id, place.session.user_id, row.fields)
            except DomainError:
                continue
            saved += 1
    await audit(request, place, f"{name} imported", f"{saved} from {filename}")
    flash(place.session, f"Imported {saved} {name}; {len(rows) - saved} rows left out.")
    raise back(place, "content")
