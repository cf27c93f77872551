"""What route handlers receive (Ctx) and return (Reply); how replies become bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from .errors import ApiError, server_error
from .phpish import json_bytes, json_bytes_symfony
from .store import Identity, Store

MAUTIC_VERSION = "5.1.0"
NO_CACHE = "no-cache, private"


@dataclass
class Ctx:
    store: Store
    identity: Identity
    query: dict[str, Any]
    params: dict[str, Any]          # the body as PHP would see it ($request->request)
    site_url: str


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    versioned: bool = True          # Mautic-Version is sent by FOSRest views


def json_response(status: int, body: Any, *, versioned: bool, version: str = MAUTIC_VERSION,
                  headers: dict[str, str] | None = None, symfony: bool = False) -> Response:
    data = json_bytes_symfony(body) if symfony else json_bytes(body)
    merged = {"Cache-Control": NO_CACHE}
    if versioned:
        merged["Mautic-Version"] = version
    merged.update(headers or {})
    return Response(data, status_code=status, headers=merged, media_type="application/json")


def error_response(err: ApiError, version: str = MAUTIC_VERSION) -> Response:
    return json_response(err.status, err.body, versioned=err.versioned, version=version,
                         headers=err.headers, symfony=err.symfony_json)


def batch_items(params: dict[str, Any]) -> list[tuple[int | str, dict[str, Any]]]:
    """A batch body as the PHP array it is: (key, item). Keys may be associative (Mautic
    keeps them in its answer); an item that is not an object is a 500."""
    items: list[tuple[int | str, dict[str, Any]]] = []
    for key, item in params.items():
        if not isinstance(item, dict):
            raise server_error()
        text = str(key)
        items.append((int(text) if text.lstrip("-").isdigit() else text, item))
    return items


def session_headers(now_http: str) -> dict[str, str]:
    """Headers Mautic sends when the request touched the session (category create,
    the missing-contact 404 of stage moves)."""
    return {"Cache-Control": "max-age=0, must-revalidate, private", "Expires": now_http}
