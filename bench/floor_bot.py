"""The floor for the latency benchmark: a bare discord.py bot that answers every
interaction with a constant reply, through the same loopback Discord. It imports nothing
of the bot, so its memory is discord.py's alone."""

import os

import discord


class FloorBot(discord.Client):
    async def login(self, token: str) -> None:
        await super().login(token)
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = discord.gateway.yarl.URL(url)  # type: ignore[attr-defined]

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        data = interaction.data or {}
        if data.get("custom_id") == "floor:Submit" and "components" not in data:
            await interaction.response.send_modal(EntryForm())
            return
        # Carries the buttons the benchmark's click scenarios press.
        view = discord.ui.View(timeout=None)
        for label in ("Another", "A", "Vote", "Submit"):
            view.add_item(discord.ui.Button(label=label, custom_id=f"floor:{label}"))
        await interaction.response.send_message("ok", view=view, ephemeral=True)


class EntryForm(discord.ui.Modal, title="Entry"):
    """The fields the benchmark fills in; submitting it gets the constant reply."""

    link: discord.ui.TextInput["EntryForm"] = discord.ui.TextInput(
        label="Or a link to your track", required=False
    )
    notes: discord.ui.TextInput["EntryForm"] = discord.ui.TextInput(label="Notes", required=False)


if __name__ == "__main__":
    discord.http.Route.BASE = f"{os.environ['DISCORD_API_BASE'].rstrip('/')}/api/v10"
    shard = os.environ.get("FLOOR_SHARD_ID")
    FloorBot(
        intents=discord.Intents(guilds=True),
        shard_id=None if shard is None else int(shard),
        shard_count=None if shard is None else int(os.environ["SHARD_COUNT"]),
    ).run(os.environ["DISCORD_TOKEN"], log_handler=None)
