"""Sessions, CSRF, rate limits and response headers of the dashboard.

A session lives in this process's memory under a random id; the browser holds only that id
in an HttpOnly, SameSite=Lax cookie (Secure when the dashboard is served over https). It
expires after ``SESSION_LIFETIME`` (or ``IDLE_LIFETIME`` unused). Every POST must carry the
session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

import secrets
import time
from collections import deque
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler

SESSION_COOKIE = "pb_session"
STATE_COOKIE = "pb_login"
SESSION_LIFETIME = 12 * 3600.0
IDLE_LIFETIME = 2 * 3600.0
STATE_LIFETIME = 600.0
LOGINS_PER_MINUTE = 10
FORGET_AFTER = 10_000
"""Addresses the login rate limit remembers before it forgets the quiet ones."""

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Session:
    id: str
    user_id: int
    name: str
    guilds: dict[int, str]
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    flash: tuple[str, bool] | None = None
    """A message for the next page (its text, whether it is an error)."""

    def expired(self, now: float) -> bool:
        return now - self.created > SESSION_LIFETIME or now - self.seen > IDLE_LIFETIME


class Sessions:
    """The signed-in sessions and the pending logins (their ``state``) of this process."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._states: dict[str, float] = {}

    def open(self, user_id: int, name: str, guilds: dict[int, str]) -> Session:
        session = Session(secrets.token_urlsafe(32), user_id, name, guilds)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        now = time.monotonic()
        for stale in [key for key, s in self._sessions.items() if s.expired(now)]:
            del self._sessions[stale]
        session = self._sessions.get(session_id or "")
        if session is not None:
            session.seen = now
        return session

    def close(self, session_id: str | None) -> None:
        self._sessions.pop(session_id or "", None)

    def new_state(self) -> str:
        now = time.monotonic()
        for stale in [key for key, at in self._states.items() if now - at > STATE_LIFETIME]:
            del self._states[stale]
        state = secrets.token_urlsafe(32)
        self._states[state] = now
        return state

    def take_state(self, state: str) -> bool:
        """Whether ``state`` is a pending login of this dashboard (each is used once)."""
        started = self._states.pop(state, None)
        return started is not None and time.monotonic() - started <= STATE_LIFETIME


class RateLimit:
    """At most ``limit`` events per ``window`` seconds for each key (an address)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self._limit, self._window = limit, window
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        if len(self._events) > FORGET_AFTER:  # forget addresses quiet for a whole window
            self._events = {
                k: e for k, e in self._events.items() if e and e[-1] > now - self._window
            }
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self._window:
            events.popleft()
        if len(events) >= self._limit:
            return False
        events.append(now)
        return True


SESSION = web.RequestKey("session", Session)
SESSIONS = web.AppKey("sessions", Sessions)
SECURE_COOKIES = web.AppKey("secure_cookies", bool)


def set_cookie(
    request: web.Request,
    response: web.StreamResponse,
    name: str,
    value: str,
    lifetime: float = SESSION_LIFETIME,
) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="Lax",
        secure=request.app[SECURE_COOKIES],
        path="/",
        max_age=int(lifetime),
    )


def _harden(request: web.Request, headers: MutableMapping[str, str]) -> None:
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if request.app[SECURE_COOKIES]:
        headers["Strict-Transport-Security"] = "max-age=31536000"


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Strict CSP and friends on every answer, errors included; pages are never cached."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _harden(request, error.headers)
        raise
    _harden(request, response.headers)
    return response


@web.middleware
async def sessions_and_csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Attach the session; refuse any write without the session's CSRF token."""
    session = request.app[SESSIONS].get(request.cookies.get(SESSION_COOKIE))
    if session is not None:
        request[SESSION] = session
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if session is None:
            raise web.HTTPForbidden(text="Sign in first.")
        sent = request.headers.get("X-CSRF-Token")
        if sent is None:
            sent = str((await request.post()).get("csrf", ""))
        if not secrets.compare_digest(sent.encode(), session.csrf.encode()):
            raise web.HTTPForbidden(text="This form has expired: reload the page and try again.")
    return await handler(request)
