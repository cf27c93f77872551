"""Fixtures for the sandbox's own tests: an in-process app with a hand-moved clock."""

from __future__ import annotations

import httpx
import pytest

from sandbox_support import (CLIENT_ID, CLIENT_NAME, CLIENT_SECRET, PASSWORD, SITE, TOKEN_TTL,
                             USER, ManualClock)
from stages_tui.sandbox.app import SandboxConfig, create_app


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox_app(clock):
    config = SandboxConfig(user=USER, password=PASSWORD,
                           oauth_clients=[(CLIENT_ID, CLIENT_SECRET, CLIENT_NAME)],
                           site_url=SITE, clock=clock, token_ttl=TOKEN_TTL)
    app = create_app(config)
    yield app
    app.state.store.close()


def _client(app, **kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SITE, **kwargs)


@pytest.fixture
async def api(sandbox_app):
    """Authenticated as the configured Basic user."""
    async with _client(sandbox_app, auth=(USER, PASSWORD)) as client:
        yield client


@pytest.fixture
async def anon(sandbox_app):
    """No credentials at all."""
    async with _client(sandbox_app) as client:
        yield client
