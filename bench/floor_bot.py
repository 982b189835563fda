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
        data: dict[str, object] = dict(interaction.data or {})
        custom_id = data.get("custom_id")
        if custom_id in ("floor:Submit", "floor:Post") and "components" not in data:
            await interaction.response.send_modal(EntryForm(custom_id=f"{custom_id}:form"))
            return
        if custom_id == "floor:Post:form":
            await post_entry(interaction)
            return
        await interaction.response.send_message("ok", view=buttons(), ephemeral=True)


def buttons() -> discord.ui.View:
    """The buttons the benchmark's click scenarios press, answered by ``on_interaction``.
    The view is finished, so discord.py keeps nothing of it (a live view without timeout
    would be kept for good: memory, and garbage-collection pauses, growing with every
    reply)."""
    view = discord.ui.View(timeout=None)
    for label in ("Another", "A", "Vote", "Submit", "Post"):
        view.add_item(discord.ui.Button(label=label, custom_id=f"floor:{label}"))
    view.stop()
    return view


async def post_entry(interaction: discord.Interaction) -> None:
    """The requests an entry makes, with nothing else: a deferral, the entry posted in the
    channel, an edit of a post (the bot strikes the member's earlier take), a follow-up."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    assert isinstance(interaction.channel, discord.TextChannel)
    posted = await interaction.channel.send(
        f"{interaction.user.mention} entered", view=buttons(), allowed_mentions=NO_PINGS
    )
    await posted.edit(content=f"~~{interaction.user.mention} entered~~")
    await interaction.followup.send(f"Your entry is in: {posted.jump_url}", ephemeral=True)


NO_PINGS = discord.AllowedMentions.none()


class EntryForm(discord.ui.Modal, title="Entry"):
    """The fields the benchmark fills in; submitting the Submit button's form gets the
    constant reply, the Post button's form the requests of an entry."""

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
