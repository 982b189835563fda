"""Where a press of a persistent button or a submitted form is answered: by the class its
custom id names (``IdButton``, ``IdForm``).

discord.py answers a persistent button by first rebuilding a whole view from the message's
components (every button of it, each tied to that view), then building the pressed one
from its custom id; the bot needs only the latter. So the bot routes them itself, ahead of
discord.py's view store, which then finds nothing to do.
"""

from collections.abc import Coroutine, Mapping
from typing import Any, cast

import discord

from bot.ui.buttons import IdButton
from bot.ui.errors import report_error
from bot.ui.forms import IdForm, submit

Kind = type[IdButton] | type[IdForm]


class Routes:
    """The bot's persistent buttons and forms by custom id; cogs add theirs."""

    def __init__(self) -> None:
        self._buttons: list[type[IdButton]] = []
        self._forms: list[type[IdForm]] = []

    def add(self, *kinds: Kind) -> None:
        for kind in kinds:
            if issubclass(kind, IdButton):
                self._buttons.append(kind)
            else:
                self._forms.append(kind)

    def remove(self, *kinds: Kind) -> None:
        self._buttons = [kind for kind in self._buttons if kind not in kinds]
        self._forms = [kind for kind in self._forms if kind not in kinds]

    def answer(self, interaction: discord.Interaction) -> Coroutine[Any, Any, None] | None:
        """The answer to ``interaction`` if it presses one of these buttons or submits one
        of these forms, else None."""
        custom_id = str(cast(Mapping[str, Any], interaction.data or {}).get("custom_id", ""))
        if interaction.type is discord.InteractionType.component:
            for button in self._buttons:
                if match := button.__discord_ui_compiled_template__.fullmatch(custom_id):
                    return _press(button.from_match(match), interaction)
        elif interaction.type is discord.InteractionType.modal_submit:
            for form in self._forms:
                if match := form.template.compiled.fullmatch(custom_id):
                    return submit(form, match, interaction)
        return None


async def _press(button: IdButton, interaction: discord.Interaction) -> None:
    try:
        if await button.interaction_check(interaction):
            await button.callback(interaction)
    except Exception as error:  # every error reaches the member and the log
        await report_error(interaction, error)
