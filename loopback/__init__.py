"""A Discord double for tests and the try-it mode: Discord's REST API and gateway on
127.0.0.1, which the real, unmodified discord.py client connects to.

It keeps a small world (guilds, members, channels, messages), rejects what real Discord
rejects, records every request, and acts as members (``slash``, ``click``, ``submit``...).
It imports nothing from the bot (``bot`` or ``cogs``): it stands for Discord, not for us.
"""

from loopback.server import LoopbackDiscord

__all__ = ["LoopbackDiscord"]
