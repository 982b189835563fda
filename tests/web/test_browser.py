"""The dashboard in a real browser (Debian's Chromium through Playwright), against the
loopback Discord and the real bot: a moderator signs in with Discord, schedules a challenge
for a date and the bot posts it on that day (the clock moves in steps), imports ten quiz
questions from a CSV with one bad row, marks a report handled and changes the time zone.

With ``DASHBOARD_SCREENSHOTS=1`` it also saves a picture of each page into ``docs/``."""

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.community.queue import ModerationQueue
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import REPO, set_up_challenges, start_bot, stop_bot, tick
from tests.web.conftest import World

START = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)
DAY = "2027-03-12"
SHOTS = REPO / "docs" if os.environ.get("DASHBOARD_SCREENSHOTS") else None


async def shoot(page: Any, name: str) -> None:
    if SHOTS is not None:
        await page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)


def questions_csv(content: Content, folder: Path) -> Path:
    topic = content.quiz.knowledge_topics[0].id
    lines = ["topic,difficulty,prompt,correct,wrong1,wrong2,wrong3,explanation"]
    for n in range(1, 11):
        level = "impossible" if n == 4 else "easy"
        lines.append(
            f"{topic},{level},Which knob number {n} shapes the tail?,Release {n},"
            f"Attack {n},Drive {n},Width {n},The release sets how long sound {n} fades."
        )
    path = folder / "questions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
async def test_a_moderators_month_in_the_browser(
    chromium: str,
    discord: LoopbackDiscord,
    world: World,
    dashboard: str,
    app: App,
    database: Database,
    clock: ManualClock,
    content: Content,
    tmp_path: Path,
) -> None:
    from playwright.async_api import async_playwright, expect

    clock.set(START)
    server, guild_id = world.server, world.server.guild.id
    bot, task = await start_bot(discord, database, clock, content)
    try:
        channel = await set_up_challenges(discord, server, bot, queued=0)
        await app.services.safety.report(
            guild_id, server.alice.id, server.bob.id, "Spammed my thread with links."
        )
        discord.oauth2.approve_as = server.moderator.user
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium)
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(dashboard + "/login")
            await shoot(page, "login")
            await page.get_by_text("Sign in with Discord").click()
            await page.get_by_role("link", name="Beat Lab").click()

            # schedule a custom challenge for a date; the bot posts it that day
            await page.fill("#schedule input[name=date]", DAY)
            await page.fill("#schedule input[name=title]", "Glue the drums")
            await page.fill("#schedule textarea[name=brief]", "Bus-compress a drum loop.")
            await page.get_by_role("button", name="Schedule").click()
            await expect(page.get_by_text("Scheduled “Glue the drums”")).to_be_visible()
            await expect(page.locator(f"li.day.scheduled[data-date='{DAY}']")).to_contain_text(
                "Glue the drums"
            )
            await shoot(page, "challenges")
            await tick(bot, clock, datetime(2027, 3, 11, 9, 30, tzinfo=UTC))
            assert all("Glue the drums" not in m.text for m in discord.channel_messages(channel))
            await tick(bot, clock, datetime(2027, 3, 12, 9, 30, tzinfo=UTC))
            assert "Glue the drums" in discord.channel_messages(channel)[-1].text

            # ten questions from a CSV, one of them bad
            await page.get_by_role("link", name="Content").click()
            form = page.locator("#import-questions")
            await form.locator("input[type=file]").set_input_files(questions_csv(content, tmp_path))
            await form.get_by_role("button", name="Preview").click()
            await expect(page.get_by_text("9 of 10 rows can be saved")).to_be_visible()
            await expect(page.locator("tr.bad")).to_contain_text("Difficulty must be one of")
            await shoot(page, "import")
            await page.get_by_role("button", name="Save 9 questions").click()
            await expect(page.get_by_text("Imported 9 questions; 1 rows left out.")).to_be_visible()
            assert len(await app.services.quiz.bank.search(guild_id, "")) == 9
            await shoot(page, "content")

            # a report marked handled (HTMX swaps the row)
            await page.get_by_role("link", name="Moderation").click()
            await shoot(page, "moderation")
            await page.get_by_role("button", name="Mark handled").click()
            await expect(page.get_by_text("is marked handled")).to_be_visible()
            assert await ModerationQueue(database).reports(guild_id) == []
            await page.reload()
            await expect(page.get_by_text("No open reports.")).to_be_visible()

            # the time zone
            await page.get_by_role("link", name="Settings").click()
            await page.fill("input[name=zone]", "europe/berlin")
            await page.get_by_role("button", name="Save time zone").click()
            await expect(page.get_by_text("The time zone is now Europe/Berlin.")).to_be_visible()
            assert (await app.services.guild_settings.get(guild_id)).timezone == "Europe/Berlin"
            await shoot(page, "settings")

            await page.get_by_role("link", name="Community").click()
            await shoot(page, "community")
            await page.set_viewport_size({"width": 390, "height": 844})
            await page.get_by_role("link", name="Challenges").click()
            await shoot(page, "phone")
            await browser.close()
    finally:
        await stop_bot(bot, task)
