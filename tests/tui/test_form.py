"""Create and edit: validation inline, server 400 details, PATCH only changes, PUT replace,
conflict on a concurrent change, and no silent loss of typed values."""

from __future__ import annotations

import os
import time

from textual.widgets import Checkbox, Input, Select, Static, Switch, TextArea

from stages_tui.tui.messages import StageSaved
from stages_tui.tui.modals.confirm import ConfirmModal
from stages_tui.tui.modals.conflict import ConflictModal
from stages_tui.tui.screens.stage_form import StageFormScreen
from stages_tui.tui.screens.stage_list import StageListScreen
from stages_tui.tui.widgets.field import Field

from tui_harness import Fault, build, db_stage, running, settle, type_text


def field_error(app, name: str) -> str:
    return app.screen.query_one(f"#field-{name}", Field).error


async def open_form(pilot, key: str = "n") -> StageFormScreen:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, StageFormScreen)
    return pilot.app.screen


def value(app, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


async def set_input(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await type_text(pilot, text)


async def test_create_a_stage_with_every_field():
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        app, sandbox, transport = build()
        async with running(app) as (pilot, recorder):
            form = await open_form(pilot)
            await type_text(pilot, "Evaluation")
            await set_input(pilot, "#weight", "55")
            form.query_one("#description", TextArea).text = "line one\nline two"
            form.query_one("#is_published", Switch).value = False
            form.query_one("#category_id", Select).value = 2
            await set_input(pilot, "#publish_up", "2031-03-19 10:30")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, StageListScreen)
            [body] = transport.sent_bodies("POST", "/api/stages/new")
            assert body == {"name": "Evaluation", "weight": 55, "description": "line one\nline two",
                            "isPublished": False, "publishUp": "2031-03-19 09:30",
                            "publishDown": None, "category": 2}
            row = db_stage(sandbox, 13)
            assert row["name"] == "Evaluation" and row["publish_up"] == "2031-03-19 09:30:00"
            [saved] = recorder.of(StageSaved)
            assert saved.created and saved.stage.id == 13
            assert any("Created “Evaluation” (#13)" in t for t in recorder.toasts)
    finally:
        os.environ["TZ"] = "UTC"
        time.tzset()


async def test_local_validation_errors_show_at_the_fields_and_nothing_is_sent():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot)
        await set_input(pilot, "#weight", "ten")
        await set_input(pilot, "#publish_up", "2024-13-01 10:00")
        await set_input(pilot, "#publish_down", "2024-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(app, "name") == "A name is required."
        assert "whole number" in field_error(app, "weight")
        assert "Not a real date" in field_error(app, "publish_up")
        assert "YYYY-MM-DD HH:MM" in field_error(app, "publish_down")
        assert form.query_one("#name", Input).has_focus  # the first bad field
        banner = form.query_one("#form-error", Static)
        assert "name, weight, publish up, publish down" in str(banner.content)
        # the banner sits under the fields, so it must point up at them
        assert "marked above" in str(banner.content)
        order = list(form.query("*"))
        assert order.index(banner) > max(order.index(f) for f in form.query(Field))
        assert transport.sent_bodies("POST") == []
        # fixing the name moves the focus to the next bad field on the next save
        await set_input(pilot, "#name", "Fine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(app, "name") == ""
        assert form.query_one("#weight", Input).has_focus


async def test_server_400_details_land_at_the_field_and_values_are_kept():
    app, _, transport = build()
    transport.faults.append(Fault(path="/api/stages/new", method="POST", status=400, body={
        "errors": [{"code": 400, "message": "weight: Another stage with this weight already exists.",
                    "details": {"weight": ["Another stage with this weight already exists."]}}]}))
    async with running(app) as (pilot, recorder):
        form = await open_form(pilot)
        await type_text(pilot, "Twin")
        await set_input(pilot, "#weight", "10")
        form.query_one("#description", TextArea).text = "keep me"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(app, "weight") == "Another stage with this weight already exists."
        assert form.query_one("#weight", Input).has_focus
        assert value(app, "#name") == "Twin" and value(app, "#weight") == "10"
        assert form.query_one("#description", TextArea).text == "keep me"
        assert any("Not saved" in t for t in recorder.toasts)


async def test_server_500_for_a_vanished_category_is_shown_at_the_category():
    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot)
        await type_text(pilot, "Orphan")
        form.query_one("#category_id", Select).value = 2
        sandbox.state.store.conn.execute("DELETE FROM categories WHERE id = 2")
        sandbox.state.store.conn.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Category 2 does not exist" in field_error(app, "category_id")
        assert value(app, "#name") == "Orphan"


async def test_edit_sends_only_the_changed_fields():
    app, sandbox, transport = build()
    async with running(app) as (pilot, recorder):
        form = await open_form(pilot, "e")  # stage 1
        assert value(app, "#name") == "Lead"
        await set_input(pilot, "#weight", "15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert transport.sent_bodies("PATCH") == [{"weight": 15}]
        assert db_stage(sandbox, 1)["weight"] == 15
        assert isinstance(app.screen, StageListScreen)
        assert str(app.screen.table.get_cell("1", "weight")) == "15"
        assert recorder.of(StageSaved)[-1].created is False


async def test_nothing_changed_means_nothing_sent():
    app, _, transport = build()
    async with running(app) as (pilot, recorder):
        await open_form(pilot, "e")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert transport.sent("PATCH") == [] and transport.sent("PUT") == []
        assert isinstance(app.screen, StageListScreen)
        assert "Nothing changed, so nothing was sent." in recorder.toasts


async def test_replace_all_fields_says_what_is_cleared_then_puts():
    app, sandbox, transport = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot, "e")  # stage 1: description "Stage number 1", Sales
        form.query_one("#description", TextArea).text = ""
        form.query_one("#category_id", Select).clear()
        form.query_one("#replace", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        message = str(app.screen.query_one("#confirm-message", Static).content)
        assert "These fields will be cleared: description, category." in message
        await pilot.press("y")
        await settle(pilot)
        assert transport.sent("PUT", "/api/stages/1/edit")
        row = db_stage(sandbox, 1)
        assert row["description"] is None and row["category_id"] is None
        assert row["name"] == "Lead" and row["weight"] == 10 and row["is_published"] == 1


async def test_conflict_overwrite_reload_or_keep_editing():
    app, sandbox, transport = build()
    conn = sandbox.state.store.conn
    async with running(app) as (pilot, _):
        form = await open_form(pilot, "e")
        await set_input(pilot, "#weight", "99")
        conn.execute("UPDATE stages SET name = 'Renamed elsewhere', modified_by_user = 'Eve',"
                     " date_modified = '2025-05-05 10:00:00' WHERE id = 1")
        conn.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = str(app.screen.query_one("#conflict-message", Static).content)
        assert "by Eve" in text and "Changed there: name" in text and "Your changes: weight" in text
        await pilot.press("k")  # keep editing: nothing sent, values kept
        await pilot.pause()
        assert app.screen is form and value(app, "#weight") == "99"
        assert transport.sent("PATCH") == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")  # reload theirs
        await pilot.pause()
        assert value(app, "#name") == "Renamed elsewhere" and value(app, "#weight") == "10"
        await set_input(pilot, "#weight", "77")
        conn.execute("UPDATE stages SET weight = 5, date_modified = '2025-05-06 10:00:00'"
                     " WHERE id = 1")
        conn.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("o")  # overwrite
        await settle(pilot)
        assert transport.sent_bodies("PATCH") == [{"weight": 77}]
        assert db_stage(sandbox, 1)["weight"] == 77
        assert db_stage(sandbox, 1)["name"] == "Renamed elsewhere"


async def test_escape_with_unsaved_changes_asks_first():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot, "e")
        await pilot.press("escape")  # nothing changed: leaves at once
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)
        form = await open_form(pilot, "e")
        await type_text(pilot, " changed")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is form and value(app, "#name") == "Lead changed"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)


async def test_empty_date_clears_it_on_edit():
    app, sandbox, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("down")
        form = await open_form(pilot, "e")  # stage 2 has both publish dates
        assert value(app, "#publish_down") == "2025-01-01 00:00"
        await set_input(pilot, "#publish_down", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert transport.sent_bodies("PATCH") == [{"publishDown": None}]
        assert db_stage(sandbox, 2)["publish_down"] is None


async def test_category_choice_is_the_servers_current_list():
    from tui_harness import insert_category

    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        insert_category(sandbox, 3, "Retention", "retention")  # added after startup
        form = await open_form(pilot)
        select = form.query_one("#category_id", Select)
        values = [value for _, value in select._options if isinstance(value, int)]
        assert values == [2, 3, 1]  # by title: Marketing, Retention, Sales


async def test_saving_a_stage_deleted_elsewhere_offers_to_recreate_it():
    app, sandbox, transport = build()
    async with running(app) as (pilot, recorder):
        form = await open_form(pilot, "e")
        await set_input(pilot, "#weight", "11")
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 1")
        sandbox.state.store.conn.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and value(app, "#weight") == "11"
        banner = str(form.query_one("#form-error", Static).content)
        assert "no longer exists on the server" in banner and "Replace all fields" in banner
        form.query_one("#replace", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert db_stage(sandbox, 13)["weight"] == 11  # PUT on a missing id creates a new one
        assert any("no longer existed, so it was created again as “Lead” (#13)" in t
                   for t in recorder.toasts)


async def test_a_conflict_shows_the_servers_copy_on_the_list_and_no_stale_date():
    app, sandbox, _ = build()
    conn = sandbox.state.store.conn
    async with running(app) as (pilot, _):
        await open_form(pilot, "e")
        await set_input(pilot, "#name", "Mine")
        # Mautic dates no weight-only edit: dateModified stays the one the form opened with
        conn.execute("UPDATE stages SET weight = 77, modified_by_user = 'Eve' WHERE id = 1")
        conn.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = str(app.screen.query_one("#conflict-message", Static).content)
        assert "(by Eve)" in text and "2024-05-02" not in text  # that date is not this change
        await pilot.press("r")  # reload theirs, then leave without saving
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StageListScreen)
        assert str(app.screen.table.get_row("1")[3]).strip() == "77"  # the list shows the server's copy too


async def test_an_error_goes_away_once_its_field_is_edited():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot)
        await set_input(pilot, "#weight", "ten")
        await pilot.press("ctrl+s")
        await pilot.pause()
        banner = form.query_one("#form-error", Static)
        assert field_error(app, "name") and field_error(app, "weight")
        await type_text(pilot, "Fixed")  # the name has the focus
        await settle(pilot)
        assert field_error(app, "name") == "" and "whole number" in field_error(app, "weight")
        assert banner.display and str(banner.content) == "Please fix the fields marked above: weight."
        await set_input(pilot, "#weight", "10")
        await settle(pilot)
        assert field_error(app, "weight") == "" and not banner.display


async def test_publish_down_before_publish_up_is_refused_at_the_field():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot)
        await type_text(pilot, "Swapped")
        await set_input(pilot, "#publish_up", "2026-02-01 10:00")
        await set_input(pilot, "#publish_down", "2026-01-01 10:00")  # a stage never active
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "after publish up" in field_error(app, "publish_down")
        assert form.query_one("#publish_down", Input).has_focus
        assert transport.sent_bodies("POST") == []


async def test_a_replace_conflict_says_overwriting_undoes_their_change():
    app, sandbox, _ = build()
    conn = sandbox.state.store.conn
    async with running(app) as (pilot, _):
        form = await open_form(pilot, "e")
        form.query_one("#replace", Checkbox).value = True  # nothing typed: a plain PUT
        conn.execute("UPDATE stages SET weight = 5 WHERE id = 1")
        conn.commit()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # replace all fields
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        text = str(app.screen.query_one("#conflict-message", Static).content)
        # it listed all seven fields as "your changes" and did not say theirs would be undone
        assert "Your changes: none typed; replace sends every field." in text
        assert "Overwrite sends your changes anyway (undoing their change to weight)" in text


async def test_ctrl_q_with_unsaved_changes_asks_first_and_twice_quits():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        form = await open_form(pilot, "e")
        await type_text(pilot, " changed")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and app.is_running
        await pilot.press("n")  # keep editing: nothing lost
        await pilot.pause()
        assert app.screen is form and value(app, "#name") == "Lead changed"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")  # again: quit anyway
        await pilot.pause()
        assert app.return_code is not None or not app.is_running


async def test_ctrl_q_without_unsaved_changes_quits_at_once():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await open_form(pilot, "e")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        assert app.return_code is not None or not app.is_running
