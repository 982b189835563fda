"""The content page over HTTP: a YAML import of tips shows each row's problem and saves only
the good rows; a CSV without the expected columns is refused whole; a question is edited."""

import aiohttp

from bot.app import App
from bot.content import Content
from bot.services.quiz.bank import QuestionDraft
from loopback.server import LoopbackDiscord
from tests.web.conftest import Visitor, World, sign_in

TIPS_YAML = """
- topic: {topic}
  level: beginner
  text: Bounce a rough mix every evening and listen to it the next morning with fresh ears.
- topic: no-such-topic
  level: beginner
  text: This row names a topic the server does not have, so it is left out of the import.
- topic: {topic}
  level: advanced
  text: Print your automation to audio once it works, so a later plug-in update cannot move it.
"""


async def upload(visitor: Visitor, path: str, name: str, text: str) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("csrf", visitor.csrf)
    form.add_field("file", text.encode(), filename=name, content_type="text/plain")
    async with visitor.http.post(visitor.base + path, data=form, allow_redirects=False) as answer:
        return answer.status, await answer.text()


async def test_tips_from_yaml_with_a_preview_then_only_the_good_rows(
    discord: LoopbackDiscord,
    dashboard: str,
    visitors: list[Visitor],
    world: World,
    app: App,
    content: Content,
) -> None:
    guild_id = world.server.guild.id
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    await mona.get(f"/g/{guild_id}/content")
    text = TIPS_YAML.format(topic=content.career.topics[0].id)
    status, preview = await upload(mona, f"/g/{guild_id}/tips/import", "tips.yaml", text)
    assert status == 200 and "2 of 3 rows can be saved" in preview
    assert "There is no tip topic `no-such-topic`" in preview
    assert await app.services.career.guild_tips(guild_id) == []  # nothing saved yet
    fields = {"save": "1", "filename": "tips.yaml", "text": text}
    assert await mona.post(f"/g/{guild_id}/tips/import", **fields) == 303
    assert len(await app.services.career.guild_tips(guild_id)) == 2
    _, page = await mona.get(f"/g/{guild_id}/moderation")
    assert "tips imported" in page and "2 from tips.yaml" in page  # the audit log

    status, _ = await upload(mona, f"/g/{guild_id}/questions/import", "q.csv", "topic,prompt\n")
    assert status == 303
    _, page = await mona.get(f"/g/{guild_id}/content")
    assert "missing: difficulty, correct" in page


async def test_a_question_is_edited(
    discord: LoopbackDiscord,
    dashboard: str,
    visitors: list[Visitor],
    world: World,
    app: App,
    content: Content,
) -> None:
    guild_id, topic = world.server.guild.id, content.quiz.knowledge_topics[0].id
    bank = app.services.quiz.bank
    question = await bank.add(
        guild_id,
        1,
        QuestionDraft(
            topic,
            "easy",
            "Which one cuts lows?",
            "High-pass",
            "Low-pass\nShelf\nNotch",
            "A high-pass filter lets the highs through and cuts the lows.",
        ),
    )
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    await mona.get(f"/g/{guild_id}/content")
    edit = {
        "topic": topic,
        "difficulty": "hard",
        "prompt": "Which filter removes rumble?",
        "correct": "High-pass",
        "wrong1": "Low-pass",
        "wrong2": "Shelf",
        "wrong3": "Notch",
        "explanation": "Rumble lives in the lows, which a high-pass filter removes.",
    }
    assert await mona.post(f"/g/{guild_id}/questions/{question.key}/edit", **edit) == 303
    [edited] = await bank.search(guild_id, "")
    assert (edited.key, edited.prompt, edited.difficulty) == (
        question.key,
        "Which filter removes rumble?",
        "hard",
    )
    assert edited.correct_choice == "High-pass"
