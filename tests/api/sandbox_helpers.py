"""Build the embedded sandbox and a client on it (in-process ASGI or real loopback socket).

The sandbox is reached only over HTTP, like real Mautic; these helpers import it from the
test side so that stages_tui.api never does.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx

from stages_tui.sandbox.app import SandboxConfig, create_app

USER = "admin"
PASSWORD = "sandbox-Pa55word!"
OAUTH_CLIENT = ("1_abcrandom", "oauth-secret-xyz", "conformance-suite")


def sandbox_app(**overrides: Any):
    config = dict(db_path=None, user=USER, password=PASSWORD, oauth_clients=[OAUTH_CLIENT],
                  site_url="http://sandbox")
    config.update(overrides)
    return create_app(SandboxConfig(**config))


class ClientTracker:
    """ASGI middleware noting each request's client (host, port): one port = one connection."""

    def __init__(self, app) -> None:
        self.app = app
        self.peers: list[tuple[str, int]] = []
        self.state = getattr(app, "state", None)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("client"):
            self.peers.append(tuple(scope["client"]))
        await self.app(scope, receive, send)


class LoopbackServer:
    """uvicorn serving an ASGI app on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, app) -> None:
        import uvicorn

        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on sockets that say so,
        # and without it keep-alive responses stall ~40 ms on Nagle + delayed ACK.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            threading.Event().wait(0.01)
        else:  # pragma: no cover
            raise RuntimeError("uvicorn did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def raw_client(app) -> httpx.AsyncClient:
    """A plain httpx client for test setup the MauticClient does not offer (contacts, categories)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox",
                             auth=(USER, PASSWORD))


