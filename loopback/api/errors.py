"""Discord's error responses: ``DiscordError`` and the JSON replies the API sends."""

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from loopback.server import Fault


def json_response(body: Any, status: int = 200) -> web.Response:
    """``body`` as JSON, with the exact content type Discord sends."""
    # Discord answers with exactly "application/json" (no charset), which discord.py expects.
    return web.Response(
        body=json.dumps(body).encode(), status=status, content_type="application/json"
    )


class DiscordError(Exception):
    """An error response in Discord's shape: ``{"code": ..., "message": ..., "errors": ...}``."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    @classmethod
    def invalid(cls, problems: list[str]) -> "DiscordError":
        """Discord's "Invalid Form Body", with the problems in its nested error format."""
        errors = {"_errors": [{"code": "INVALID_FORM_BODY", "message": p} for p in problems]}
        return cls(400, 50035, "Invalid Form Body", errors)

    @classmethod
    def unknown(cls, what: str, code: int) -> "DiscordError":
        """Discord's 404 for a missing resource: "Unknown Channel", "Unknown Message"..."""
        return cls(404, code, f"Unknown {what}")

    def response(self) -> web.Response:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return json_response(body, status=self.status)


class RateLimitedError(DiscordError):
    """A 429, per route or global, with the headers discord.py reads to wait and retry."""

    def __init__(self, retry_after: float, *, is_global: bool = False) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.retry_after, self.is_global = retry_after, is_global

    def response(self) -> web.Response:
        body = {"message": self.message, "retry_after": self.retry_after, "global": self.is_global}
        response = json_response(body, status=429)
        response.headers["Retry-After"] = str(self.retry_after)
        response.headers["Via"] = "1.1 loopback"  # discord.py treats a 429 without it as a ban
        return response


def fault_error(fault: "Fault") -> DiscordError:
    """The error an injected fault answers with."""
    if fault.status == 429:
        return RateLimitedError(fault.retry_after)
    return DiscordError(fault.status, fault.code, f"{fault.status}: injected fault")


UNKNOWN_INTERACTION = DiscordError(404, 10062, "Unknown interaction")
