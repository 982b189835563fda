"""The loopback Discord rejects what real Discord rejects."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from loopback.interactions import APPLICATION_COMMAND, InteractionRecord
from loopback.limits import check_command, check_message, compute_pings
from loopback.server import LoopbackDiscord


@pytest.fixture
async def discord() -> AsyncIterator[LoopbackDiscord]:
    loopback = LoopbackDiscord(interaction_deadline=0.5)
    await loopback.start()
    yield loopback
    await loopback.stop()


@pytest.fixture
async def http(discord: LoopbackDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {discord.token}"}
    async with aiohttp.ClientSession(discord.base_url + "/api/v10/", headers=headers) as session:
        yield session


def pending(discord: LoopbackDiscord) -> InteractionRecord:
    guild = discord.add_guild("Lab")
    alice = discord.add_member(guild, "alice")
    _, record = discord._base_payload(APPLICATION_COMMAND, alice, None)
    discord.interactions[record.id] = record
    return record


async def post(http: aiohttp.ClientSession, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    async with http.post(path, json=body) as response:
        return response.status, await response.json()


async def test_a_wrong_token_is_unauthorized(discord: LoopbackDiscord) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            discord.base_url + "/api/v10/users/@me", headers={"Authorization": "Bot nope"}
        ) as response,
    ):
        assert response.status == 401


async def test_an_interaction_is_acknowledged_once(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    record = pending(discord)
    path = f"interactions/{record.id}/{record.token}/callback"
    status, _ = await post(http, path, {"type": 4, "data": {"content": "hi"}})
    assert status == 200
    status, body = await post(http, path, {"type": 4, "data": {"content": "again"}})
    assert (status, body["code"]) == (400, 40060)


async def test_a_late_first_response_is_an_unknown_interaction(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    record = pending(discord)
    await asyncio.sleep(0.6)
    status, body = await post(
        http, f"interactions/{record.id}/{record.token}/callback", {"type": 5}
    )
    assert (status, body["code"], body["message"]) == (404, 10062, "Unknown interaction")


async def test_oversized_messages_are_refused(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    guild = discord.add_guild("Lab")
    channel = discord.default_channel(guild)
    status, body = await post(http, f"channels/{channel.id}/messages", {"content": "x" * 2001})
    assert (status, body["code"]) == (400, 50035)
    assert discord.channel_messages(channel) == []


def row(*labels: str) -> dict[str, Any]:
    return {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": label, "custom_id": label} for label in labels
        ],
    }


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t" * 257}]}, "embeds.0.title"),
        ({"embeds": [{"description": "d" * 4097}]}, "embeds.0.description"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "6000"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "fields"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "value"),
        ({"components": [row(str(n)) for n in range(6)]}, "5 or fewer"),
        ({"components": [row("a", "b", "c", "d", "e", "f")]}, "1 to 5 buttons"),
        ({"components": [row("same", "same")]}, "duplicated"),
        ({"components": [row("l" * 81)]}, "label"),
        ({}, "empty message"),
        ({"content": "hi", "nonce": "n" * 26}, "nonce"),
        ({"content": "hi", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}, "conflicts"),
    ],
)
def test_message_limits(payload: dict[str, Any], problem: str) -> None:
    problems = check_message(payload)
    assert any(problem in text for text in problems), problems


def test_a_valid_message_passes() -> None:
    assert check_message({"content": "ok", "components": [row("a", "b")]}) == []


def test_command_names_and_descriptions_are_checked() -> None:
    assert check_command({"name": "Help", "description": "x"})
    assert check_command({"name": "help", "description": ""})
    assert check_command({"name": "help", "description": "fine"}) == []


def test_pings_follow_allowed_mentions_and_defaults() -> None:
    text = "@everyone <@&5> <@7>"
    everything = compute_pings(text, None, ["everyone", "roles", "users"], None)
    assert everything.everyone
    assert everything.roles == {5}
    assert everything.users == {7}
    assert compute_pings(text, {"parse": []}, ["everyone"], None).nobody
    chosen = compute_pings(text, {"parse": [], "users": ["7"]}, ["everyone"], None)
    assert (chosen.everyone, chosen.roles, chosen.users) == (False, set(), {7})


async def test_enforced_nonce_returns_the_first_message(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    channel = discord.default_channel(discord.add_guild("Lab"))
    body = {"content": "daily", "nonce": "daily-2026-11-23", "enforce_nonce": True}
    _, first = await post(http, f"channels/{channel.id}/messages", body)
    _, second = await post(http, f"channels/{channel.id}/messages", body)
    assert first["id"] == second["id"]
    assert len(discord.channel_messages(channel)) == 1


async def test_closed_dms_are_forbidden(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    shy = discord.add_user("shy", dms_open=False)
    _, channel = await post(http, "users/@me/channels", {"recipient_id": str(shy.id)})
    status, body = await post(http, f"channels/{channel['id']}/messages", {"content": "hi"})
    assert (status, body["code"]) == (403, 50007)


async def test_every_request_is_recorded(
    discord: LoopbackDiscord, http: aiohttp.ClientSession
) -> None:
    async with http.get("users/@me") as response:
        assert response.status == 200
    async with http.get("nothing/here") as response:
        assert response.status == 404
    assert [(r.method, r.path, r.status) for r in discord.requests] == [
        ("GET", "/api/v10/users/@me", 200),
        ("GET", "/api/v10/nothing/here", 404),
    ]
