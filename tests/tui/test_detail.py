"""Stage detail: all properties readable, local time, publish state; actions and back."""

from __future__ import annotations

import os
import time

from textual.widgets import Static

from stages_tui.tui.screens.stage_detail import StageDetailScreen
from stages_tui.tui.screens.stage_list import StageListScreen

from tui_harness import build, db_stage, running, settle


def props_text(app) -> str:
    from rich.console import Console

    console = Console(width=110, record=True, file=open(os.devnull, "w"))
    console.print(app.screen.query_one("#detail-props", Static).content)
    return console.export_text()


async def open_detail(pilot, row: int) -> None:
    await pilot.press("g")  # first row
    for _ in range(row):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StageDetailScreen)


async def test_all_properties_labelled_with_category_title_and_state():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await open_detail(pilot, 1)  # stage 2: window 2024-01-01 .. 2025-01-01, Marketing
        text = props_text(app)
        for label in ("ID", "Name", "Status now", "Published", "Publish up", "Publish down",
                      "Category", "Weight", "Description", "Date added", "Created by",
                      "Date modified", "Modified by"):
            assert label in text
        assert "Prospect" in text
        assert "Marketing  (alias marketing, id 2)" in text
        assert "expired  published, ended 2025-01-01 00:00" in text
        assert "Admin User  (user id 1)" in text
        assert "2024-03-01 09:30" in text and "2024-05-02 14:45" in text


async def test_publish_states_scheduled_active_unpublished():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await open_detail(pilot, 2)  # stage 3: starts 2030
        assert "scheduled  published, starts 2030-01-01 00:00" in props_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await open_detail(pilot, 0)  # stage 1: no window
        assert "active  published and inside its publish window" in props_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await open_detail(pilot, 3)  # stage 4: unpublished
        assert "unpublished" in props_text(app)


async def test_dates_are_shown_in_local_time():
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        app, _, _ = build()
        async with running(app) as (pilot, _):
            await open_detail(pilot, 0)
            text = props_text(app)
            assert "2024-03-01 10:30" in text       # 09:30 UTC in winter (CET)
            assert "2024-05-02 16:45" in text       # 14:45 UTC in summer (CEST)
            title = str(app.screen.query_one("#detail-title", Static).content)
            assert "local time (CET)" in title or "local time (CEST)" in title
    finally:
        os.environ["TZ"] = "UTC"
        time.tzset()


async def test_escape_goes_back_to_the_list_with_the_cursor_kept():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await open_detail(pilot, 2)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)
        assert app.screen.table.current_id == 3


async def test_publish_toggle_on_detail_updates_detail_and_list():
    app, sandbox, transport = build()
    async with running(app) as (pilot, recorder):
        await open_detail(pilot, 0)
        await pilot.press("p")
        await settle(pilot)
        assert "unpublished" in props_text(app)
        assert db_stage(sandbox, 1)["is_published"] == 0
        assert transport.sent_bodies("PATCH") == [{"isPublished": False}]
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.table
        assert str(table.get_cell("1", "published")) == "no"


async def test_missing_stage_by_id_says_it_does_not_exist():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        app.open_stage(999)
        await settle(pilot)
        message = str(app.screen.query_one("#detail-message", Static).content)
        assert "Stage #999 does not exist" in message
        assert app.screen.check_action("edit_stage", ()) is None
        # no contacts panel inviting "press a to assign some" to a stage that is not there
        assert not app.screen.query_one("#stage-contacts").display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)


def test_date_modified_explains_a_weight_only_edit_mautic_did_not_date():
    from rich.console import Console

    from stages_tui.api import Stage
    from stages_tui.tui.screens.stage_detail import properties_table

    def row(stage: Stage) -> str:
        console = Console(width=120, record=True, file=open(os.devnull, "w"))
        console.print(properties_table(stage))
        return next(line for line in console.export_text().splitlines()
                    if "Date modified" in line)

    untouched = Stage(id=1, name="Lead", weight=10, is_published=True)
    assert row(untouched).split("Date modified")[1].strip() == "never"
    # Mautic 5.1: PATCH {"weight": 22} sets modifiedBy but leaves dateModified null
    weighed = Stage(id=1, name="Lead", weight=22, is_published=True,
                    modified_by=1, modified_by_user="Admin User")
    assert "never" not in row(weighed) and "not recorded" in row(weighed)


async def test_a_stage_deleted_elsewhere_says_so_at_the_top_on_a_small_terminal():
    from tui_harness import screen_text

    app, sandbox, _ = build()
    async with running(app, size=(80, 24)) as (pilot, _):
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 1")
        sandbox.state.store.conn.commit()
        await pilot.press("enter")  # the list still has its row
        await settle(pilot)
        # below the 13 properties it was off screen: the stage looked alive
        assert "Stage #1 does not exist on the server" in screen_text(app)


async def test_opening_a_stage_deleted_elsewhere_drops_its_row_from_the_list_without_undo():
    from stages_tui.tui.widgets.stage_table import StageTable

    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 1")
        sandbox.state.store.conn.commit()
        await pilot.press("enter")  # the list still has its row
        await settle(pilot)
        assert isinstance(app.screen, StageDetailScreen)  # stays, saying it does not exist
        assert "does not exist" in str(app.screen.query_one("#detail-message", Static).content)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one(StageTable)
        assert "1" not in [key.value for key in table.rows]
        assert app.check_action("undo_delete", ()) is False  # someone else deleted it
