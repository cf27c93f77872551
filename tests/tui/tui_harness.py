"""Test harness for the TUI: an in-process sandbox with fixed data, a transport that can
fail on purpose (server down, 401, 500), and helpers to let workers settle."""

from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

from stages_tui.api import BasicAuth, MauticClient
from stages_tui.config import Settings
from stages_tui.sandbox.app import SandboxConfig, create_app
from stages_tui.tui.app import StagesApp, make_app

FIXED_NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
USER, PASSWORD = "admin", "secret"

HOSTILE_NAMES = [
    "[bold]x[/]",
    "[@click=app.quit]quit[/]",
    "\x1b[31mred\x1b[0m and \x1b]0;title\x07 osc",
    "🚀 顧客ステージ 😀 wide",
    "L" * 300,
]


@dataclass
class Fault:
    """Answer requests whose method and path match with ``status``/``body``, or raise."""

    path: str = ".*"
    method: str = ".*"
    status: int | None = 500
    body: object = None
    error: type[Exception] | None = None
    times: int | None = None  # None: every time

    def matches(self, request: httpx.Request) -> bool:
        return bool(re.fullmatch(self.method, request.method)
                    and re.search(self.path, request.url.path))


@dataclass
class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps the sandbox's ASGI transport; tests add or clear faults while running."""

    inner: httpx.AsyncBaseTransport
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[tuple[str, str, object]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path + (
            "?" + request.url.query.decode() if request.url.query else "")))
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = request.content
            self.bodies.append((request.method, request.url.path, body))
        for fault in list(self.faults):
            if fault.matches(request):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                if fault.error is not None:
                    if issubclass(fault.error, httpx.RequestError):
                        raise fault.error("simulated failure", request=request)
                    raise fault.error("simulated failure")
                body = fault.body if fault.body is not None else {
                    "errors": [{"message": f"Simulated error {fault.status}", "code": fault.status,
                                "type": None}]}
                return httpx.Response(fault.status or 500, json=body, request=request)
        return await self.inner.handle_async_request(request)

    def sent(self, method: str, path_part: str = "") -> list[str]:
        return [path for m, path in self.requests if m == method and path_part in path]

    def sent_bodies(self, method: str, path_part: str = "") -> list[object]:
        return [body for m, path, body in self.bodies if m == method and path_part in path]


def settings(**overrides) -> Settings:
    values = dict(auth_kind="sandbox", url=None, sandbox_db=None, page_size=5,
                  theme="textual-dark", config_file=Path("/etc/stages-tui/config.toml"))
    values.update(overrides)
    return Settings(**values)


def sandbox_app(clock=lambda: FIXED_NOW):
    # A fixed clock: dateAdded/dateModified of what the tests write are deterministic.
    return create_app(SandboxConfig(db_path=None, user=USER, password=PASSWORD, clock=clock))


def insert_category(app, cat_id: int, title: str, alias: str) -> None:
    conn = app.state.store.conn
    conn.execute(
        "INSERT INTO categories (id, is_published, date_added, created_by, created_by_user,"
        " title, alias, bundle, color) VALUES (?, 1, '2024-01-10 08:00:00', 1, 'Admin User',"
        " ?, ?, 'stage', '4e5e9e')", (cat_id, title, alias))
    conn.commit()


def insert_stage(app, stage_id: int, name: str, *, weight: int = 0, published: bool = True,
                 category_id: int | None = None, description: str | None = None,
                 publish_up: str | None = None, publish_down: str | None = None,
                 modified: str | None = "2024-05-02 14:45:00") -> None:
    conn = app.state.store.conn
    conn.execute(
        "INSERT INTO stages (id, is_published, date_added, date_modified, created_by,"
        " created_by_user, modified_by, modified_by_user, name, category_id, weight,"
        " description, publish_up, publish_down) VALUES (?, ?, '2024-03-01 09:30:00', ?, 1,"
        " 'Admin User', ?, ?, ?, ?, ?, ?, ?, ?)",
        (stage_id, int(published), modified, 1 if modified else None,
         "Admin User" if modified else None, name, category_id, weight, description,
         publish_up, publish_down))
    conn.commit()


def fixed_data(app, stages: int = 12) -> None:
    """Two categories and ``stages`` plain stages with fixed dates."""
    insert_category(app, 1, "Sales", "sales")
    insert_category(app, 2, "Marketing", "marketing")
    names = ["Lead", "Prospect", "Qualified", "Opportunity", "Customer", "Advocate",
             "Churned", "Dormant", "Trial", "Onboarding", "Renewal", "Partner"]
    for i in range(1, stages + 1):
        name = names[(i - 1) % len(names)] + ("" if i <= len(names) else f" {i}")
        insert_stage(
            app, i, name, weight=i * 10, published=i % 4 != 0,
            category_id=(1 if i % 3 == 1 else 2 if i % 3 == 2 else None),
            description=f"Stage number {i}" if i % 2 else None,
            publish_up="2024-01-01 00:00:00" if i == 2 else ("2030-01-01 00:00:00" if i == 3 else None),
            publish_down="2025-01-01 00:00:00" if i in (2, 5) else None,
        )


def client_for(app, transport: FaultyTransport | None = None) -> tuple[MauticClient, FaultyTransport]:
    transport = transport or FaultyTransport(httpx.ASGITransport(app=app))
    client = MauticClient("http://sandbox", auth=BasicAuth(USER, PASSWORD), transport=transport,
                          retries=0)
    return client, transport


def build(stages: int = 12, *, data=fixed_data, **setting_overrides):
    """(StagesApp, sandbox Starlette app, FaultyTransport) with fixed data."""
    sandbox = sandbox_app()
    if data is not None:
        data(sandbox) if data is not fixed_data else fixed_data(sandbox, stages)
    client, transport = client_for(sandbox)
    app = make_app(settings(**setting_overrides), client=client)
    return app, sandbox, transport


async def settle(pilot, rounds: int = 6) -> None:
    """Let workers finish and the messages they post be handled (several hops deep:
    a worker's message may start the next worker)."""
    from textual.worker import WorkerState

    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in pilot.app.workers):
            await pilot.pause()
            return


class Recorder:
    """Messages seen by the app while running (toasts are not drawn under run_test)."""

    def __init__(self) -> None:
        self.messages: list[object] = []

    def __call__(self, message: object) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]

    @property
    def toasts(self) -> list[str]:
        from textual.notifications import Notify

        return [m.notification.message for m in self.of(Notify)]


@asynccontextmanager
async def running(app: StagesApp, size=(120, 40)):
    """Run the app headless; yields (pilot, recorder) once the first page is shown."""
    recorder = Recorder()
    async with app.run_test(size=size, message_hook=recorder) as pilot:
        await settle(pilot)
        yield pilot, recorder


def db_stage(sandbox, stage_id: int):
    cur = sandbox.state.store.conn.cursor()
    cur.row_factory = __import__("sqlite3").Row
    return cur.execute("SELECT * FROM stages WHERE id = ?", (stage_id,)).fetchone()


def dumps(value) -> str:
    return json.dumps(value, default=str)


async def type_text(pilot, text: str) -> None:
    """Put text into the focused Input/TextArea at once (pressing each key costs ~0.1 s)."""
    from textual.widgets import Input, TextArea

    focused = pilot.app.focused
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    elif isinstance(focused, TextArea):
        focused.insert(text)
    else:
        raise AssertionError(f"no text field has focus ({focused!r})")
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows right now (topmost screen composited), as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
