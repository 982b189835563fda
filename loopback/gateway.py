"""The loopback gateway: the websocket a discord.py client connects to for events.

It speaks Discord's gateway protocol (version 10, JSON encoding, optional ``zlib-stream``
transport compression): hello, identify, ready, guild create, heartbeats and event
dispatch. Resume is answered with "invalid session", so the client identifies again.
"""

import asyncio
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41_250
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


class GatewayClose(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class GatewaySession:
    """One connected client (one shard)."""

    socket: web.WebSocketResponse
    compressor: Any | None
    shard_id: int = 0
    shard_count: int = 1
    intents: int = 0
    sequence: int = 0
    identified: bool = False
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def covers_guild(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    async def send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        async with self.send_lock:
            if self.socket.closed:
                return
            if self.compressor is None:
                await self.socket.send_str(raw.decode())
            else:
                data = self.compressor.compress(raw) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
                await self.socket.send_bytes(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.sequence += 1
        await self.send({"op": 0, "t": event, "s": self.sequence, "d": data})


IdentifyHandler = Callable[[GatewaySession, dict[str, Any]], Any]


async def serve_gateway(
    request: web.Request,
    on_identify: IdentifyHandler,
    sessions: list[GatewaySession],
) -> web.WebSocketResponse:
    """Run one gateway connection until the client leaves."""
    socket = web.WebSocketResponse(max_msg_size=0)
    await socket.prepare(request)
    compression = request.query.get("compress")
    if compression not in (None, "zlib-stream"):
        await socket.close(code=4000, message=f"unsupported compression {compression}".encode())
        return socket
    compressor = zlib.compressobj() if compression == "zlib-stream" else None
    session = GatewaySession(socket=socket, compressor=compressor)
    sessions.append(session)
    try:
        await session.send({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            await _handle(session, payload, on_identify)
    except GatewayClose as close:
        log.info("loopback gateway closes the session: %s", close.reason)
        await socket.close(code=close.code, message=close.reason.encode())
    finally:
        sessions.remove(session)
    return socket


async def _handle(
    session: GatewaySession, payload: dict[str, Any], on_identify: IdentifyHandler
) -> None:
    op = payload.get("op")
    if op == 1:
        await session.send({"op": 11})
    elif op == 2:
        data = payload["d"]
        shard = data.get("shard") or [0, 1]
        session.shard_id, session.shard_count = int(shard[0]), int(shard[1])
        session.intents = int(data.get("intents", 0))
        await on_identify(session, data)
        session.identified = True
    elif op == 6:
        await session.send({"op": 9, "d": False})
    elif op not in (3, 4, 8):
        raise GatewayClose(4001, f"unknown opcode {op}")
