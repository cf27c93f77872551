"""Write screenshots/*.svg of every screen, from the real app on fixed sandbox data.

Runs the app headless at 120x40 (`run_test` + `save_screenshot`) against a freshly seeded
sandbox in a temporary directory, so the pictures never depend on your own data.
Usage: .venv/bin/python scripts/screenshots.py [--out screenshots] [--only list,help]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parent.parent


async def settle(pilot, until: Callable[[], bool] | None = None, timeout: float = 10.0) -> None:
    """Let workers finish and the screen repaint; optionally until a condition holds."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if until is None or until():
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"screen never got ready ({pilot.app.screen!r})")
        await asyncio.sleep(0.05)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def screen_name(app) -> str:
    return type(app.screen).__name__


async def on_list(pilot) -> None:
    from textual.widgets import DataTable

    def ready() -> bool:
        if screen_name(pilot.app) != "StageListScreen":
            return False
        return any(t.row_count for t in pilot.app.screen.query(DataTable))

    await settle(pilot, ready)


# ------------------------------------------------------------------ one function per screenshot


async def shot_list(pilot) -> None:
    await on_list(pilot)
    await pilot.press("j", "j")
    await settle(pilot)


async def shot_detail(pilot) -> None:
    await on_list(pilot)
    await pilot.press("j", "enter")
    await settle(pilot, lambda: screen_name(pilot.app) == "StageDetailScreen")


async def shot_form_errors(pilot) -> None:
    await on_list(pilot)
    await pilot.press("n")
    await settle(pilot, lambda: screen_name(pilot.app) == "StageFormScreen")
    await pilot.press("W", "e", "i", "g", "h", "t", "y")  # the name field has focus
    await pilot.press("tab")
    await pilot.press("a", "b", "c")  # weight: not a number
    await pilot.press("ctrl+s")
    await settle(pilot)


async def shot_delete_confirm(pilot) -> None:
    await on_list(pilot)
    await pilot.press("j", "d")
    await settle(pilot, lambda: screen_name(pilot.app) == "ConfirmModal")


async def shot_help(pilot) -> None:
    await on_list(pilot)
    await pilot.press("f1")
    await settle(pilot, lambda: screen_name(pilot.app) == "HelpScreen")


async def shot_search(pilot) -> None:
    await on_list(pilot)
    await pilot.press("slash")
    await pilot.press(*"lead", "enter")
    await settle(pilot)


async def shot_assign(pilot) -> None:
    await on_list(pilot)
    await pilot.press("a")
    await settle(pilot, lambda: screen_name(pilot.app) == "AssignContactsModal")
    await asyncio.sleep(0.5)  # the dialog's debounced first search
    await settle(pilot)
    await pilot.press("down", "space", "down", "space")
    await settle(pilot)


async def shot_error(pilot) -> None:
    # Built with a wrong sandbox password (see `wrong_password_client`): the start-up screen
    # shows why it cannot connect.
    await settle(pilot, lambda: pilot.app.screen.has_class("-failed"))


SHOTS: dict[str, Callable[..., Awaitable[None]]] = {
    "list": shot_list,
    "detail": shot_detail,
    "search": shot_search,
    "form-errors": shot_form_errors,
    "delete-confirm": shot_delete_confirm,
    "help": shot_help,
    "assign-contacts": shot_assign,
    "error-auth": shot_error,
}


def wrong_password_client(settings):
    """A client to the same sandbox with the wrong password: Mautic answers 401."""
    import httpx

    from stages_tui.api import BasicAuth, MauticClient
    from stages_tui.config import prepare_sandbox_db
    from stages_tui.sandbox.app import SandboxConfig, create_app

    prepare_sandbox_db(settings.sandbox_db)
    app = create_app(SandboxConfig(db_path=str(settings.sandbox_db), site_url="http://sandbox"))
    return MauticClient("http://sandbox", auth=BasicAuth("admin", "wrong-password"),
                        transport=httpx.ASGITransport(app=app), retries=0)


async def take(name: str, out: Path, data: Path) -> Path:
    from stages_tui.config import Settings
    from stages_tui.tui.app import make_app

    # A fresh copy of the seeded database per shot, so one shot's edits never show in another,
    # under a throwaway HOME so the on-screen path reads like a user's default one.
    home = data / name
    os.environ["HOME"] = str(home)
    db = home / ".local/share/stages-tui/sandbox.db"
    db.parent.mkdir(parents=True)
    db.write_bytes((data / "seed.db").read_bytes())
    settings = Settings(auth_kind="sandbox", sandbox_db=db, config_file=home / ".config/stages-tui/config.toml")
    client = wrong_password_client(settings) if name == "error-auth" else None
    app = make_app(settings, client=client)
    async with app.run_test(size=SIZE) as pilot:
        await SHOTS[name](pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
    return out / f"{name}.svg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(SHOTS))
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(SHOTS)
    unknown = set(names) - set(SHOTS)
    if unknown:
        parser.error(f"unknown screenshot(s): {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"  # steady pictures: no half-finished fades
    with tempfile.TemporaryDirectory(prefix="stages-shots-") as tmp:
        data = Path(tmp)
        os.environ["STAGES_TUI_DATA_DIR"] = tmp  # never the real data dir
        from stages_tui.config import prepare_sandbox_db

        prepare_sandbox_db(data / "seed.db")
        failed = 0
        for name in names:
            try:
                path = asyncio.run(take(name, args.out, data))
            except Exception as exc:  # one broken screen must not hide the others
                failed += 1
                print(f"FAILED {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
