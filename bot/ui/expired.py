"""The answer to a button, select or form that nothing handles any more: a view that timed
out, or one that lived only in memory before a restart. Discord would otherwise show the
member "This interaction failed"."""

import discord

EXPIRED = (
    "This menu has expired (it timed out, or I restarted since it was shown). "
    "Run the command again for a fresh one."
)


def unhandled(client: discord.Client, interaction: discord.Interaction) -> bool:
    """Whether a component or form interaction finds no live view, persistent item or form.
    Call it as the interaction arrives, before any handler ran (a handler may finish its
    view and take it out of the store). discord.py keeps them in its view store, which has
    no public lookup."""
    kinds = (discord.InteractionType.component, discord.InteractionType.modal_submit)
    if interaction.type not in kinds:
        return False
    store = client._connection._view_store
    data: dict[str, object] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if interaction.type is discord.InteractionType.modal_submit:
        return custom_id not in store._modals
    if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
        return False
    key = (int(str(data.get("component_type", 0))), custom_id)
    message_id = interaction.message.id if interaction.message else None
    return key not in store._views.get(message_id, {}) and key not in store._views.get(None, {})


async def answer_expired(interaction: discord.Interaction) -> None:
    """Tell the member the component or form they used has expired."""
    await interaction.response.send_message(EXPIRED, ephemeral=True)
