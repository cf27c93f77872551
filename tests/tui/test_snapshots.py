"""SVG snapshots at 120x40 of fixed data: the list, detail, form with errors, delete
confirmation, help and the error states. Workers are awaited; cursors do not blink.

Regenerate deliberately: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import httpx
from textual.widgets import Input, TextArea

from tui_harness import Fault, build, settle

SIZE = (120, 40)


async def steady(pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False
    await pilot.pause()


def run(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await steady(pilot)

    return run_before


def test_stage_list(snap_compare):
    app, _, _ = build()
    assert snap_compare(app, terminal_size=SIZE, run_before=run())


def test_stage_detail(snap_compare):
    app, _, _ = build()
    assert snap_compare(app, terminal_size=SIZE, run_before=run("down", "enter"))


def test_form_with_errors(snap_compare):
    app, _, _ = build()

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#weight", Input).value = "ten"
        screen.query_one("#publish_up", Input).value = "2024-02-30 10:00"
        screen.query_one("#publish_down", Input).value = "tomorrow"
        await pilot.press("ctrl+s")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_delete_confirmation(snap_compare):
    app, _, _ = build()
    assert snap_compare(app, terminal_size=SIZE, run_before=run("down", "d"))


def test_help(snap_compare):
    app, _, _ = build()
    assert snap_compare(app, terminal_size=SIZE, run_before=run("f1"))


def test_list_error_state(snap_compare):
    app, _, transport = build()

    async def run_before(pilot) -> None:
        await settle(pilot)
        transport.faults.append(Fault(path="/api/stages$", method="GET", status=500, body={
            "errors": [{"message": "SQLSTATE[HY000] [2002] Connection refused",
                        "code": 500, "type": None}]}))
        await pilot.press("r")
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_startup_unreachable(snap_compare):
    app, _, transport = build()
    transport.faults.append(Fault(error=httpx.ConnectError))
    assert snap_compare(app, terminal_size=SIZE, run_before=run())
