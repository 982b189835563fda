"""The checks real Discord applies to what a bot sends, and who a message notifies.

Each check returns a list of problems in Discord's "Invalid Form Body" style; an empty
list means Discord would accept the payload.
"""

import re
from typing import Any

from loopback.world import Guild, Pings

COMPONENTS_V2_FLAG = 1 << 15
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")

Problems = list[str]


def _too_long(problems: Problems, where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"{where}: must be {limit} or fewer in length (got {len(value)})")


def check_embeds(embeds: list[dict[str, Any]]) -> Problems:
    problems: Problems = []
    if len(embeds) > 10:
        problems.append(f"embeds: must be 10 or fewer in length (got {len(embeds)})")
    total = 0
    for index, embed in enumerate(embeds):
        where = f"embeds.{index}"
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        _too_long(problems, f"{where}.title", title, 256)
        _too_long(problems, f"{where}.description", description, 4096)
        _too_long(problems, f"{where}.footer.text", footer, 2048)
        _too_long(problems, f"{where}.author.name", author, 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{where}.fields: must be 25 or fewer in length")
        total += len(title) + len(description) + len(footer) + len(author)
        for number, embed_field in enumerate(fields):
            name, value = embed_field.get("name") or "", embed_field.get("value") or ""
            if not name or not value:
                problems.append(f"{where}.fields.{number}: name and value are required")
            _too_long(problems, f"{where}.fields.{number}.name", name, 256)
            _too_long(problems, f"{where}.fields.{number}.value", value, 1024)
            total += len(name) + len(value)
    if total > 6000:
        problems.append(f"embeds: all embeds together must be 6000 or fewer characters ({total})")
    return problems


def _check_component(component: dict[str, Any], where: str, problems: Problems) -> None:
    kind = component.get("type")
    if kind == 2:
        _too_long(problems, f"{where}.label", component.get("label"), 80)
        if component.get("style") == 5:
            if not component.get("url"):
                problems.append(f"{where}.url: a link button needs a url")
        elif not component.get("custom_id"):
            problems.append(f"{where}.custom_id: required")
    elif kind in (3, 5, 6, 7, 8):
        options = component.get("options") or []
        if kind == 3 and not 1 <= len(options) <= 25:
            problems.append(f"{where}.options: must be between 1 and 25 in length")
        for number, option in enumerate(options):
            for key in ("label", "value", "description"):
                _too_long(problems, f"{where}.options.{number}.{key}", option.get(key), 100)
        _too_long(problems, f"{where}.placeholder", component.get("placeholder"), 150)
    custom_id = component.get("custom_id")
    if custom_id is not None and not 1 <= len(custom_id) <= 100:
        problems.append(f"{where}.custom_id: must be between 1 and 100 in length")


def check_components(components: list[dict[str, Any]], flags: int = 0) -> Problems:
    problems: Problems = []
    if flags & COMPONENTS_V2_FLAG:
        return problems
    if len(components) > 5:
        problems.append(f"components: must be 5 or fewer in length (got {len(components)})")
    seen: set[str] = set()
    for index, row in enumerate(components):
        where = f"components.{index}"
        if row.get("type") != 1:
            problems.append(f"{where}.type: top-level components must be action rows")
            continue
        children = row.get("components") or []
        selects = [child for child in children if child.get("type") in (3, 5, 6, 7, 8)]
        if not children or len(children) > 5 or (selects and len(children) != 1):
            problems.append(f"{where}.components: 1 to 5 buttons, or exactly one select")
        for number, child in enumerate(children):
            _check_component(child, f"{where}.components.{number}", problems)
            custom_id = child.get("custom_id")
            if custom_id is not None:
                if custom_id in seen:
                    problems.append(f"{where}.components.{number}.custom_id: duplicated")
                seen.add(custom_id)
    return problems


def check_allowed_mentions(allowed: dict[str, Any] | None) -> Problems:
    if not allowed:
        return []
    parse = allowed.get("parse") or []
    problems: Problems = []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            problems.append(f"allowed_mentions: parse:[{kind}] conflicts with {kind}: [...]")
    return problems


def check_message(
    payload: dict[str, Any], *, has_files: bool = False, edit: bool = False
) -> Problems:
    problems: Problems = []
    content = payload.get("content")
    _too_long(problems, "content", content, 2000)
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    problems += check_embeds(embeds)
    problems += check_components(components, payload.get("flags") or 0)
    problems += check_allowed_mentions(payload.get("allowed_mentions"))
    nonce = payload.get("nonce")
    if isinstance(nonce, str) and len(nonce) > 25:
        problems.append("nonce: must be 25 or fewer in length")
    if not edit and not (content or embeds or components or has_files or payload.get("poll")):
        problems.append("Cannot send an empty message")
    return problems


def check_modal(data: dict[str, Any]) -> Problems:
    problems: Problems = []
    _too_long(problems, "data.title", data.get("title"), 45)
    if not data.get("custom_id"):
        problems.append("data.custom_id: required")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append("data.components: must be between 1 and 5 in length")
    for index, row in enumerate(rows):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for child in inner:
            if child.get("type") == 4:
                _too_long(problems, f"data.components.{index}.label", child.get("label"), 45)
                _too_long(problems, f"data.components.{index}.value", child.get("value"), 4000)
        _too_long(problems, f"data.components.{index}.label", row.get("label"), 45)
    return problems


def check_choices(choices: list[dict[str, Any]]) -> Problems:
    problems: Problems = []
    if len(choices) > 25:
        problems.append(f"data.choices: must be 25 or fewer in length (got {len(choices)})")
    for index, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            problems.append(f"data.choices.{index}.name: must be between 1 and 100 in length")
        _too_long(problems, f"data.choices.{index}.value", choice.get("value"), 100)
    return problems


def check_command(command: dict[str, Any], where: str = "") -> Problems:
    problems: Problems = []
    name = command.get("name") or ""
    kind = command.get("type", 1)
    if kind == 1 and (not _COMMAND_NAME.match(name) or name != name.lower()):
        problems.append(f"{where}name: {name!r} is not a valid command name")
    description = command.get("description") or ""
    if kind == 1 and not 1 <= len(description) <= 100:
        problems.append(f"{where}description: must be between 1 and 100 in length ({name})")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}options: must be 25 or fewer in length ({name})")
    optional_seen = False
    for index, option in enumerate(options):
        problems += check_command(option, f"{where}options.{index}.")
        if len(option.get("choices") or []) > 25:
            problems.append(f"{where}options.{index}.choices: must be 25 or fewer")
        if option.get("type", 1) > 2:
            if option.get("required"):
                if optional_seen:
                    problems.append(f"{where}options.{index}: required options must come first")
            else:
                optional_seen = True
    return problems


def compute_pings(
    content: str, allowed: dict[str, Any] | None, default_parse: list[str], guild: Guild | None
) -> Pings:
    """Who is notified. Without ``allowed_mentions`` Discord applies ``default_parse``; the
    bot is assumed to hold Mention Everyone, the worst case for a leak."""
    if allowed is None:
        allowed = {"parse": default_parse}
    parse = allowed.get("parse") or []
    allowed_users = {int(user_id) for user_id in allowed.get("users") or []}
    allowed_roles = {int(role_id) for role_id in allowed.get("roles") or []}
    pings = Pings()
    pings.everyone = "everyone" in parse and bool(_EVERYONE.search(content))
    for match in _USER_MENTION.finditer(content):
        user_id = int(match.group(1))
        if "users" in parse or user_id in allowed_users:
            pings.users.add(user_id)
    for match in _ROLE_MENTION.finditer(content):
        role_id = int(match.group(1))
        known = guild is None or role_id in guild.roles
        if known and ("roles" in parse or role_id in allowed_roles):
            pings.roles.add(role_id)
    return pings
