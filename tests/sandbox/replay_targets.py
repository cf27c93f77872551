"""Servers a replay can run against: the sandbox in-process (ASGI, with a
virtual clock), or any server over HTTP."""

from __future__ import annotations

import asyncio
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator, Awaitable, Callable

import httpx

IN_PROCESS_BASE_URL = "http://sandbox"


@dataclass
class Target:
    """A server under test, its credentials, and how to wait on it."""

    client: httpx.AsyncClient | None
    base_url: str
    user: str
    password: str = field(repr=False)
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = field(default=None, repr=False)
    wait: Callable[[float], Awaitable[None]] = asyncio.sleep


class VirtualClock:
    """The sandbox's clock: real time plus the waits the replay skipped."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)


class InProcessSandbox:
    """One sandbox app for a whole replay, as one real server was recorded.
    Its clock is virtual: a wait of the recording moves it on instantly."""

    def __init__(self, base_url: str = IN_PROCESS_BASE_URL) -> None:
        from stages_tui.sandbox.app import SandboxConfig, create_app

        self.base_url = base_url  # also the site URL, as on the recorded server
        self.user = "admin"
        self.password = secrets.token_urlsafe(12)
        # Mautic forms client ids as "<numeric id>_<random>"; the recording's
        # client was named conformance-suite, which shows in createdByUser.
        self.oauth_client_id = f"7_{secrets.token_hex(10)}"
        self.oauth_client_secret = secrets.token_urlsafe(16)
        self.clock = VirtualClock()
        self.app = create_app(SandboxConfig(
            db_path=None, user=self.user, password=self.password,
            oauth_clients=[(self.oauth_client_id, self.oauth_client_secret, "conformance-suite")],
            site_url=base_url, clock=self.clock))

    async def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def connect(self):
        return connect_asgi(self.app, Target(None, self.base_url, self.user, self.password,
                                             self.oauth_client_id, self.oauth_client_secret,
                                             self.wait))


@asynccontextmanager
async def connect_asgi(app: Any, settings: Target) -> AsyncIterator[Target]:
    """Talk to an ASGI app in-process; settings gives everything but the client."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as client:
        settings.client = client
        yield settings


@asynccontextmanager
async def connect_remote(base_url: str, user: str, password: str,
                         oauth_client_id: str | None = None,
                         oauth_client_secret: str | None = None,
                         wait: Callable[[float], Awaitable[None]] = asyncio.sleep,
                         ) -> AsyncIterator[Target]:
    async with httpx.AsyncClient(timeout=120.0) as client:
        yield Target(client, base_url.rstrip("/"), user, password,
                     oauth_client_id, oauth_client_secret, wait)
