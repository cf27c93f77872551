"""The embedded sandbox: a seeded SQLite file in the user data dir, served in-process (no port)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from stages_tui.config_file import ConfigError

if TYPE_CHECKING:
    from stages_tui.api import MauticClient
    from stages_tui.config import Settings

SANDBOX_CONTACTS = 2000


def prepare_sandbox_db(db_path: Path, *, fresh: bool = False, contacts: int = SANDBOX_CONTACTS) -> None:
    """Make sure the sandbox database file exists and is seeded (first run, or `--fresh`).

    Seeds into a temporary file and renames it into place, so an interrupted first run
    never leaves a half-seeded database behind.
    """
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if db_path.exists():
        return
    from stages_tui.sandbox.app import SandboxConfig, create_app
    from stages_tui.sandbox.seed import seed  # only when seeding: not on every start

    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".seeding")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    app = create_app(SandboxConfig(db_path=str(tmp)))
    store = app.state.store
    seed(store.conn, contacts=contacts)
    store.commit()
    store.close()
    os.replace(tmp, db_path)


def sandbox_client(settings: Settings) -> MauticClient:
    """A MauticClient on the Starlette sandbox app over `httpx.ASGITransport`, seeding first if needed."""
    import secrets
    import sqlite3

    import httpx

    from stages_tui.api import BasicAuth, MauticClient
    from stages_tui.sandbox.app import SandboxConfig, create_app

    assert settings.sandbox_db is not None
    # In-process, nobody else can reach it: a throwaway password per run.
    config = SandboxConfig(
        db_path=str(settings.sandbox_db),
        user="admin",
        password=secrets.token_urlsafe(16),
        site_url="http://sandbox",
        latency=settings.sandbox_latency,
    )
    try:
        prepare_sandbox_db(settings.sandbox_db, fresh=settings.fresh)
        app = create_app(config)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"cannot open the sandbox database {settings.sandbox_db}: {reason} "
            "(--fresh starts over; --sandbox-db or STAGES_TUI_DATA_DIR put it elsewhere)"
        ) from None
    return MauticClient(
        "http://sandbox",
        auth=BasicAuth(config.user, config.password),
        transport=httpx.ASGITransport(app=app),
        timeout=settings.timeout,
    )
