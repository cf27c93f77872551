"""`stages-tui` end to end: main() -> Settings -> make_app -> the running app (headless, sandbox in a temp dir)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from stages_tui import cli
from stages_tui.config import prepare_sandbox_db

SECRET = "hunter2-do-not-print"


# Every test here runs with config and data in a temp dir (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "sandbox.db"
    prepare_sandbox_db(path, contacts=20)
    return path


def run_main_headless(monkeypatch, argv: list[str], probe) -> tuple[int, dict]:
    """Run cli.main(argv) with the app headless; `probe(app, pilot, seen)` inspects, then the app exits."""
    import stages_tui.tui.app as tui_app

    seen: dict = {}
    real_make_app = tui_app.make_app

    def make_headless_app(settings, client=None):
        app = real_make_app(settings, client)
        seen["app"] = app
        real_run = app.run

        async def auto_pilot(pilot):
            await probe(app, pilot, seen)
            app.exit(return_code=seen.get("return_code", 0))

        app.run = lambda: real_run(headless=True, size=(120, 40), auto_pilot=auto_pilot)
        return app

    monkeypatch.setattr(tui_app, "make_app", make_headless_app)
    return cli.main(argv), seen


async def wait_for_rows(app, pilot, timeout: float = 10.0) -> DataTable:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await pilot.pause()
        tables = [t for t in app.screen.query(DataTable) if t.row_count]
        if type(app.screen).__name__ == "StageListScreen" and tables:
            return tables[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no stage rows on {app.screen!r}")


def test_no_configuration_runs_on_the_sandbox_and_says_so(monkeypatch, isolated_env):
    async def probe(app, pilot, seen):
        table = await wait_for_rows(app, pilot)
        seen["rows"] = table.row_count
        seen["notice"] = str(app.screen.query_one("#sandbox-notice", Static).render())
        seen["sub_title"] = app.sub_title

    code, seen = run_main_headless(monkeypatch, [], probe)
    assert code == 0
    assert seen["rows"] > 0
    assert "sandbox" in seen["notice"] and "--url URL --user NAME" in seen["notice"]
    assert seen["sub_title"].startswith("sandbox (")
    assert (isolated_env / "data" / "sandbox.db").exists()  # seeded on first run, in the data dir


def test_profile_settings_reach_the_app(monkeypatch, isolated_env, seeded_db):
    db = isolated_env / "sandbox.db"
    db.write_bytes(seeded_db.read_bytes())
    (isolated_env / "config.toml").write_text(
        'theme = "nord"\npage_size = 5\n[keys]\nreload = "f5"\n'
    )

    async def probe(app, pilot, seen):
        table = await wait_for_rows(app, pilot)
        seen["rows"] = table.row_count
        seen["theme"] = app.theme
        seen["reload_keys"] = {
            key for key, active in app.screen.active_bindings.items() if active.binding.action == "reload"
        }

    code, seen = run_main_headless(monkeypatch, ["--sandbox-db", str(db)], probe)
    assert code == 0
    assert seen["theme"] == "nord"
    assert seen["rows"] == 5
    assert seen["reload_keys"] == {"f5"}


def test_app_return_code_is_the_exit_code(monkeypatch, isolated_env, seeded_db):
    db = isolated_env / "sandbox.db"
    db.write_bytes(seeded_db.read_bytes())

    async def probe(app, pilot, seen):
        await wait_for_rows(app, pilot)
        seen["return_code"] = 3

    assert run_main_headless(monkeypatch, ["--sandbox-db", str(db)], probe)[0] == 3


def test_prompted_password_is_used_and_never_shown(monkeypatch, isolated_env, capsys):
    """--url/--user with the password typed at the prompt: the screen and output never show it."""
    monkeypatch.setattr(cli, "_is_interactive", lambda: True)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: SECRET)

    async def probe(app, pilot, seen):
        # Nothing listens on port 9: the start-up screen shows the failure (no network beyond loopback).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not app.screen.has_class("-failed") and loop.time() < deadline:
            await pilot.pause()
            await asyncio.sleep(0.02)
        seen["failed"] = app.screen.has_class("-failed")
        seen["screen_text"] = " ".join(str(w.render()) for w in app.screen.query(Static))
        seen["password"] = app.settings.password.get_secret_value()

    code, seen = run_main_headless(monkeypatch, ["--url", "http://127.0.0.1:9", "--user", "admin"], probe)
    out, err = capsys.readouterr()
    assert code == 0 and seen["failed"]
    assert seen["password"] == SECRET
    assert "http://127.0.0.1:9" in seen["screen_text"]
    assert SECRET not in seen["screen_text"] + out + err
