"""Roles as a server's people manage them in Discord's own settings (not through the
bot): a member with Manage Roles makes a role, and gives or takes roles below their
highest one; the owner may do anything."""

from bot.tryit.commandline import InputError
from bot.tryit.demo import DemoGuild
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_ROLES, Member, Role

USAGE = "Use: role (the list) · role new NAME · role give @Role @name · role take @Role @name"


class RoleDesk:
    """The ``role`` sandbox command, acting as ``actor``."""

    def __init__(self, discord: LoopbackDiscord, demo: DemoGuild) -> None:
        self.discord = discord
        self.demo = demo

    def run(self, actor: Member, argument: str) -> list[str]:
        verb, _, rest = argument.partition(" ")
        if not verb:
            return self.listing()
        if verb == "new" and rest.strip():
            return self.create(actor, rest.strip().lstrip("@"))
        if verb in ("give", "take"):
            words = rest.split()
            if len(words) == 2:
                return self.change(actor, verb, words[0], words[1])
        raise InputError(USAGE)

    def listing(self) -> list[str]:
        guild = self.demo.guild
        lines = ["Roles, highest first:"]
        for role in sorted(guild.roles.values(), key=lambda r: -r.position):
            if role.id == guild.id:
                continue
            holders = [m.user.username for m in guild.members.values() if role.id in m.role_ids]
            note = " (the bot's own)" if role.managed else ""
            lines.append(f"  @{role.name}{note}: {', '.join(holders) or 'nobody'}")
        return lines

    def _may_manage(self, actor: Member) -> None:
        if not self.demo.guild.permissions_of(actor) & MANAGE_ROLES:
            raise InputError(
                f"{actor.user.username} may not manage roles (Discord asks for Manage Roles)."
            )

    def create(self, actor: Member, name: str) -> list[str]:
        self._may_manage(actor)
        if self.demo.role(name) is not None:
            raise InputError(f"There is already a role @{name}.")
        role = self.discord.create_role(self.demo.guild, name[:100])
        return [
            f"Role @{role.name} made. New roles start at the bottom of the list, below the "
            "bot's role, so the bot may hand it out."
        ]

    def change(self, actor: Member, verb: str, role_name: str, member_name: str) -> list[str]:
        self._may_manage(actor)
        role, member = self.demo.role(role_name), self.demo.member(member_name)
        if role is None or role.id == self.demo.guild.id:
            raise InputError(f"No role {role_name!r}. Roles: {', '.join(self.demo.role_names())}.")
        if member is None:
            raise InputError(f"No member {member_name!r}. Members: {self.demo.who()}.")
        self._outranks(actor, role)
        ids = [i for i in member.role_ids if i != role.id]
        if verb == "give":
            ids.append(role.id)
        self.discord.set_member_roles(member, ids)
        done = "now has" if verb == "give" else "no longer has"
        return [f"{member.user.username} {done} @{role.name}."]

    def _outranks(self, actor: Member, role: Role) -> None:
        guild = self.demo.guild
        if role.managed:
            raise InputError(f"@{role.name} belongs to an app: Discord gives it to no one else.")
        if actor.id != guild.owner_id and role.position >= guild.top_position(actor):
            raise InputError(
                f"@{role.name} is not below {actor.user.username}'s highest role, so Discord "
                "does not let them give or take it."
            )
