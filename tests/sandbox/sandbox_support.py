"""Helpers shared by the sandbox tests (imported by name: module names must be unique)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

import httpx

SITE = "http://sandbox.test"
USER = "admin"
PASSWORD = secrets.token_urlsafe(12)
CLIENT_ID = "3_" + secrets.token_hex(8)
CLIENT_SECRET = secrets.token_urlsafe(16)
CLIENT_NAME = "suite-client"
TOKEN_TTL = 60


class ManualClock:
    """UTC time that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = datetime(2030, 5, 1, 12, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def new_stage(api: httpx.AsyncClient, **fields) -> dict:
    response = await api.post("/api/stages/new", json=fields)
    assert response.status_code == 201, response.text
    return response.json()["stage"]


async def new_contact(api: httpx.AsyncClient, **fields) -> dict:
    response = await api.post("/api/contacts/new", json=fields)
    assert response.status_code == 201, response.text
    return response.json()["contact"]
