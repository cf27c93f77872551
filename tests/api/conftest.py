"""Shared helpers for client tests: a request-capturing MockTransport and recorded bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from stages_tui.api import BasicAuth, MauticClient

BASE = "http://mautic.test"
PASSWORD = "s3cr3t-Pa55word"
RECORDED = json.loads(
    (Path(__file__).parent / "data" / "mautic_5_1_0_bodies.json").read_text(encoding="utf-8")
)


def recorded(name: str) -> tuple[int, Any]:
    """(status, body) of a response recorded from real Mautic 5.1.0."""
    entry = RECORDED[name]
    return entry["status"], entry["body"]


class Recorder:
    """A MockTransport handler that records requests and answers from a queue (or a fn)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]] = []

    def reply(self, status: int = 200, body: Any = None, **kw: Any) -> "Recorder":
        if body is None and "content" not in kw:
            kw["json"] = {}
        elif body is not None:
            kw["json"] = body
        self.responses.append(httpx.Response(status, **kw))
        return self

    def reply_recorded(self, name: str) -> "Recorder":
        status, body = recorded(name)
        return self.reply(status, body)

    def fail(self, exc: Exception) -> "Recorder":
        self.responses.append(exc)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def query(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


def body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(recorder: Recorder):
    async with MauticClient(
        BASE, BasicAuth("admin", PASSWORD), transport=httpx.MockTransport(recorder), backoff=0
    ) as c:
        yield c
