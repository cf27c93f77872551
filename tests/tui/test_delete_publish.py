"""Delete with confirmation naming the stage, undo by re-creating, publish toggle in place."""

from __future__ import annotations

from textual.widgets import Static

from stages_tui.tui.messages import StageDeleted, StageSaved
from stages_tui.tui.modals.confirm import ConfirmModal
from stages_tui.tui.screens.stage_list import StageListScreen

from tui_harness import Fault, build, db_stage, running, settle


async def test_delete_asks_naming_the_stage_then_undo_recreates_it():
    app, sandbox, transport = build()
    async with running(app) as (pilot, recorder):
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = str(app.screen.query_one("#confirm-message", Static).content)
        assert "Delete stage “Lead” (#1)?" in question
        # undo re-creates the stage only: its contacts stay without a stage (say so first)
        assert "new id, without its contacts" in question
        await pilot.press("y")
        await settle(pilot)
        assert db_stage(sandbox, 1) is None
        [deleted] = recorder.of(StageDeleted)
        assert deleted.stage_id == 1 and deleted.stage.name == "Lead"
        assert any("Deleted “Lead” (#1). Press u to undo" in t and "new id" in t
                   and "without its contacts" in t for t in recorder.toasts)
        assert [int(k.value) for k in app.screen.table.rows] == [2, 3, 4, 5, 6]
        assert app.check_action("undo_delete", ()) is True
        await pilot.press("u")
        await settle(pilot)
        row = db_stage(sandbox, 13)
        assert row["name"] == "Lead" and row["weight"] == 10 and row["category_id"] == 1
        assert row["description"] == "Stage number 1" and row["is_published"] == 1
        assert any("Re-created “Lead” (#13)" in t and "it was #1; the id is new" in t
                   for t in recorder.toasts)
        assert recorder.of(StageSaved)[-1].created
        assert app.check_action("undo_delete", ()) is False  # undo only once


async def test_declining_the_confirmation_deletes_nothing():
    app, sandbox, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)
        assert transport.sent("DELETE") == []
        assert db_stage(sandbox, 1) is not None


async def test_delete_from_the_detail_returns_to_the_list():
    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StageListScreen)
        assert db_stage(sandbox, 2) is None
        assert 2 not in [int(k.value) for k in app.screen.table.rows]


async def test_delete_failure_is_reported_and_nothing_changes():
    app, sandbox, transport = build()
    transport.faults.append(Fault(path="/delete", method="DELETE", status=403, body={
        "errors": [{"code": 403, "message": "You do not have access to the requested area/action.",
                    "details": []}]}))
    async with running(app) as (pilot, recorder):
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert any("You do not have access to the requested area/action." in t
                   for t in recorder.toasts)
        assert recorder.of(StageDeleted) == []
        assert 1 in [int(k.value) for k in app.screen.table.rows]


async def test_publish_toggle_patches_and_updates_the_row_in_place():
    app, sandbox, transport = build()
    async with running(app) as (pilot, _):
        table = app.screen.table
        await pilot.press("down", "down", "down")  # stage 4 is unpublished
        list_requests = len(transport.sent("GET", "/api/stages"))
        await pilot.press("p")
        await settle(pilot)
        assert transport.sent_bodies("PATCH", "/api/stages/4/edit") == [{"isPublished": True}]
        assert db_stage(sandbox, 4)["is_published"] == 1
        assert str(table.get_cell("4", "published")) == "yes"
        assert table.current_id == 4
        # in place: the current page was not fetched again
        assert not any("start=0" in p for p in transport.sent("GET", "/api/stages")[list_requests:])
        await pilot.press("p")
        await settle(pilot)
        assert str(table.get_cell("4", "published")) == "no"


async def test_a_second_p_while_the_first_is_in_flight_is_refused():
    app, sandbox, transport = build()
    async with running(app) as (pilot, recorder):
        screen = app.screen
        screen.action_toggle_published()
        screen.action_toggle_published()  # before the first answer arrived
        await settle(pilot)
        assert len(transport.sent("PATCH")) == 1
        assert "Still saving this stage…" in recorder.toasts
        assert db_stage(sandbox, 1)["is_published"] == 0
        await pilot.press("p")
        await settle(pilot)
        assert db_stage(sandbox, 1)["is_published"] == 1


async def test_an_unexpected_error_is_shown_in_full_not_a_crash():
    from stages_tui.tui.modals.error import ErrorModal

    app, _, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        transport.faults.append(Fault(path="/api/stages/new", method="POST", error=RuntimeError))
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "RuntimeError: simulated failure" in str(
            app.screen.query_one("#error-details Static", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen) and app.is_running
        assert app.check_action("undo_delete", ()) is True  # the undo was not lost


async def test_publishing_a_stage_deleted_elsewhere_says_so_and_drops_its_row():
    app, sandbox, _ = build()
    async with running(app) as (pilot, recorder):
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 1")
        sandbox.state.store.conn.commit()
        await pilot.press("p")
        await settle(pilot)
        # it said "Not found: Item was not found. (HTTP 404)" and kept the row
        assert any("“Lead” (#1) no longer exists on the server" in t for t in recorder.toasts)
        assert [int(k.value) for k in app.screen.table.rows] == [2, 3, 4, 5, 6]
        assert app.check_action("undo_delete", ()) is False  # not ours to undo
