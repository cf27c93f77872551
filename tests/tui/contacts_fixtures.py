"""Shared pieces for the contacts tests (H5): an in-process sandbox with a small known data
set, a transport that records requests, and a bare host App for the modals and widgets."""

from __future__ import annotations

import asyncio

import httpx
from textual.app import App, ComposeResult
from textual.widgets import Static

from stages_tui.api import BasicAuth, MauticClient
from stages_tui.sandbox.app import SandboxConfig, create_app

STAGE_NAMES = {1: "Lead", 2: "Qualified", 3: "Customer"}
CONTACTS = 45  # more than one page of 30
MARKUP_NAME = "[bold red]Mallory[/]"  # contact 45: server text must show literally


def contact_stage(i: int) -> int | None:
    """1-10 Lead, 11-15 Customer, the rest in no stage."""
    if i <= 10:
        return 1
    if i <= 15:
        return 3
    return None


def populate(conn) -> None:
    for stage_id, name in STAGE_NAMES.items():
        conn.execute(
            "INSERT INTO stages (id, is_published, date_added, name, weight, created_by, created_by_user)"
            " VALUES (?, 1, '2024-01-01 09:00:00', ?, ?, 1, 'Admin User')",
            (stage_id, name, stage_id * 10),
        )
    for i in range(1, CONTACTS + 1):
        first = MARKUP_NAME if i == CONTACTS else f"Person{i:02d}"
        conn.execute(
            "INSERT INTO leads (id, date_added, date_identified, firstname, lastname, email, points,"
            " last_active, stage_id) VALUES (?, '2024-01-01 09:00:00', '2024-01-01 09:00:00', ?, ?, ?, ?, ?, ?)",
            (i, first, f"Tester{i:02d}", f"person{i:02d}@example.test", i * 3,
             f"2024-02-{(i % 28) + 1:02d} 10:{i % 60:02d}:00", contact_stage(i)),
        )
    conn.commit()


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the sandbox and keeps (method, path, query params) of each."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.down = False  # True: every request fails to connect

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    def searches(self) -> list[str]:
        """The `search` parameter of every contact list request, in order."""
        return [
            r.url.params.get("search", "")
            for r in self.requests
            if r.method == "GET" and r.url.path.endswith("/api/contacts")
        ]

    def moves(self) -> list[str]:
        return [r.url.path for r in self.requests if r.method == "POST" and "/contact/" in r.url.path]


class GatedTransport(httpx.AsyncBaseTransport):
    """Lets the first `allow` add/remove requests through; later ones wait for `gate`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, allow: int) -> None:
        self.inner = inner
        self.allow = allow
        self.gate = asyncio.Event()
        self.waiting = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/contact/" in request.url.path:
            self.allow -= 1
            if self.allow < 0:
                self.waiting += 1
                await self.gate.wait()
        return await self.inner.handle_async_request(request)


class Sandbox:
    def __init__(self, latency: float = 0.0, gate_after: int | None = None) -> None:
        self.app = create_app(SandboxConfig(db_path=None, user="admin", password="secret", latency=latency))
        self.conn = self.app.state.store.conn
        populate(self.conn)
        self.transport = RecordingTransport(httpx.ASGITransport(app=self.app))
        outer: httpx.AsyncBaseTransport = self.transport
        self.gated: GatedTransport | None = None
        if gate_after is not None:
            outer = self.gated = GatedTransport(self.transport, gate_after)
        self.client = MauticClient("http://sandbox", auth=BasicAuth("admin", "secret"), transport=outer,
                                   retries=0)

    def stage_of(self, contact_id: int) -> int | None:
        return self.conn.execute("SELECT stage_id FROM leads WHERE id = ?", (contact_id,)).fetchone()[0]

    def delete_contact(self, contact_id: int) -> None:
        self.conn.execute("DELETE FROM leads WHERE id = ?", (contact_id,))
        self.conn.commit()

    def set_stage(self, contact_id: int, stage_id: int | None) -> None:
        self.conn.execute("UPDATE leads SET stage_id = ? WHERE id = ?", (stage_id, contact_id))
        self.conn.commit()


class HostApp(App[None]):
    """A bare App with a `client`, like StagesApp, collecting the messages it receives."""

    def __init__(self, client: MauticClient) -> None:
        super().__init__()
        self.client = client
        self.received: list[object] = []
        self.results: list[object] = []
        self.notes: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def notify(self, message, *, title="", severity="information", **kwargs) -> None:
        self.notes.append((title, str(message), severity))
        super().notify(message, title=title, severity=severity, **kwargs)

    def on_contacts_moved(self, message) -> None:
        self.received.append(message)


class WidgetHost(HostApp):
    """HostApp showing one widget (e.g. StageContacts) on its default screen."""

    def __init__(self, client: MauticClient, widget_factory) -> None:
        super().__init__(client)
        self.widget_factory = widget_factory

    def compose(self) -> ComposeResult:
        yield self.widget_factory()
