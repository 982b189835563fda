"""The loopback Discord's REST API: the routes discord.py calls, answered like Discord.

One module per resource group (``application``, ``interactions``, ``messages``,
``channels``, ``guilds``), each a ``Resource`` listing its routes; ``errors`` holds
``DiscordError`` and ``app`` assembles them behind one middleware in ``build_api``.
"""

from loopback.api.app import build_api
from loopback.api.errors import DiscordError

__all__ = ["DiscordError", "build_api"]
