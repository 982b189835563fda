"""A test-only extension that exercises Discord features through the loopback Discord."""

import discord
from discord import app_commands
from discord.ext import commands


class UploadForm(discord.ui.Modal, title="Upload"):
    track: discord.ui.Label["UploadForm"] = discord.ui.Label(
        text="Track", component=discord.ui.FileUpload(custom_id="track")
    )
    mood: discord.ui.Label["UploadForm"] = discord.ui.Label(
        text="Mood",
        component=discord.ui.Select(
            custom_id="mood",
            options=[
                discord.SelectOption(label="Dark", value="dark"),
                discord.SelectOption(label="Bright", value="bright"),
            ],
        ),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.track.component, discord.ui.FileUpload)
        assert isinstance(self.mood.component, discord.ui.Select)
        files = ", ".join(f"{a.filename}:{a.size}" for a in self.track.component.values)
        await interaction.response.send_message(
            f"{files} {self.mood.component.values[0]}", ephemeral=True
        )


class PickView(discord.ui.View):
    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="probe:pick")
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.UserSelect["PickView"]
    ) -> None:
        await interaction.response.send_message(f"picked {select.values[0].name}", ephemeral=True)


class Probe(commands.Cog):
    @app_commands.command(name="probe-pick", description="Shows a member select menu.")
    async def pick(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Pick someone", view=PickView())

    @app_commands.command(name="probe-upload", description="Opens a modal with a file upload.")
    async def upload(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(UploadForm())

    @app_commands.command(name="probe-thread", description="Posts, opens a thread, DMs the caller.")
    async def thread(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        post = await interaction.channel.send("A post")
        thread = await post.create_thread(name="Talk")
        await thread.send(f"Hello {interaction.user.mention}")
        try:
            await interaction.user.send("A DM")
            dm = "sent"
        except discord.Forbidden:
            dm = "closed"
        await interaction.followup.send(f"thread {thread.id}, dm {dm}", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Probe())
