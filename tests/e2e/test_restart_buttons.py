"""Every button a member was shown answers after a restart: persistent ones act, the
others say the menu expired. So does any component id the bot does not know."""

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.ui.expired import EXPIRED
from loopback.server import LoopbackDiscord
from loopback.world import Message
from tests.e2e.helpers import Server, start_bot, stop_bot

MENUS = ["privacy delete"]
"""Menus whose buttons live in memory: after a restart they say so."""


def first_button(message: Message) -> str:
    return str(message.buttons()[-1]["custom_id"])


async def test_every_menu_answers_after_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    bot, task = await start_bot(discord, database, clock, content)
    try:
        shown = {menu: (await discord.slash(menu, member=server.alice)).message for menu in MENUS}
        paged = {
            command: (await discord.slash(command, member=server.alice)).message
            for command in ("help", "career portfolio", "career paths")
        }
    finally:
        await stop_bot(bot, task)

    bot, task = await start_bot(discord, database, clock, content)
    try:
        for menu, message in shown.items():
            reply = await discord.click(message, first_button(message), member=server.alice)
            assert reply.ephemeral and EXPIRED in reply.text, (menu, reply.text)
        for command, message in paged.items():
            turned = await discord.click(message, "Next", member=server.alice)
            assert turned.message.embeds[0]["footer"]["text"].startswith("Page 2 of "), command
        last = content.career.paths[-1]
        opened = await discord.select(paged["career paths"], [last.id], member=server.alice)
        assert last.name in opened.text
        unknown = await discord._component(
            paged["help"], {"custom_id": "old:feature:1", "component_type": 2}, server.alice, 5
        )
        assert EXPIRED in unknown.text
    finally:
        await stop_bot(bot, task)
