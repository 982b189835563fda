"""The answer to a button, select or form that nothing handles any more: a view that timed
out, or one that lived only in memory before a restart. Discord would otherwise show the
member "This interaction failed"."""

import discord

EXPIRED = (
    "This menu has expired (it timed out, or I restarted since it was shown). "
    "Run the command again for a fresh one."
)


def _handled(client: discord.Client, interaction: discord.Interaction) -> bool:
    """Whether discord.py has a live view, persistent item or form for this interaction.
    It keeps them in its view store, which has no public lookup."""
    store = client._connection._view_store
    data: dict[str, object] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if interaction.type is discord.InteractionType.modal_submit:
        return custom_id in store._modals
    if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
        return True
    key = (int(str(data.get("component_type", 0))), custom_id)
    message_id = interaction.message.id if interaction.message else None
    return key in store._views.get(message_id, {}) or key in store._views.get(None, {})


async def answer_if_expired(client: discord.Client, interaction: discord.Interaction) -> None:
    """Tell the member a component or form has expired when nothing else will answer."""
    kinds = (discord.InteractionType.component, discord.InteractionType.modal_submit)
    if interaction.type not in kinds or interaction.response.is_done():
        return
    if not _handled(client, interaction):
        await interaction.response.send_message(EXPIRED, ephemeral=True)
