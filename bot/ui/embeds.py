"""Embed helpers shared by every cog."""

import discord

BRAND_COLOUR = discord.Colour(0x7C5CFF)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
