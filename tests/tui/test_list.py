"""The stage list against the in-process sandbox: paging, prefetch, search, sort, filters,
reload keeping the cursor, empty and error states."""

from __future__ import annotations

from textual.widgets import Static

from stages_tui.tui.screens.stage_list import StageListScreen
from stages_tui.tui.widgets.stage_table import StageTable

from tui_harness import Fault, build, db_stage, running, settle


def status(pilot) -> str:
    return str(pilot.app.screen.query_one("#status", Static).content)


def row_ids(pilot) -> list[int]:
    table = pilot.app.screen.query_one(StageTable)
    return [int(key.value) for key in table.rows]


async def test_first_page_status_and_sandbox_notice():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StageListScreen)
        assert row_ids(pilot) == [1, 2, 3, 4, 5]
        assert status(pilot) == "page 1/3 · 12 total · sort ID ↑"
        notice = str(app.screen.query_one("#sandbox-notice", Static).content)
        assert "sandbox" in notice.lower() and "--url" in notice


async def test_next_page_is_prefetched_and_arrows_dim_at_the_ends():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        screen = app.screen
        assert any("start=5" in path for path in transport.sent("GET", "/api/stages"))
        assert screen.check_action("prev_page", ()) is None
        before = len(transport.sent("GET", "/api/stages"))
        await pilot.press("right_square_bracket")
        # Shown from the prefetch cache at once, before any worker ran.
        assert row_ids(pilot) == [6, 7, 8, 9, 10]
        assert status(pilot).startswith("page 2/3")
        await settle(pilot)
        after = transport.sent("GET", "/api/stages")[before:]
        assert all("start=5" not in path for path in after)  # page 2 was not fetched again
        assert any("start=10" in path for path in after)      # page 3 prefetched
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert row_ids(pilot) == [11, 12]
        assert screen.check_action("next_page", ()) is None
        assert screen.check_action("prev_page", ()) is True
        await pilot.press("right_square_bracket")  # dimmed: nothing happens
        assert status(pilot).startswith("page 3/3")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert row_ids(pilot) == [6, 7, 8, 9, 10]


async def test_search_applies_on_enter_and_goes_to_page_one():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("slash")
        hint = str(app.screen.query_one("#search-hint", Static).content)
        assert "is:published" in hint and "category:" in hint
        await pilot.press(*"lead", "enter")
        await settle(pilot)
        assert status(pilot) == "page 1/1 · 1 total · sort ID ↑ · search “lead”"
        assert row_ids(pilot) == [1]
        assert any("search=lead" in p for p in transport.sent("GET", "/api/stages"))
        assert app.screen.query_one(StageTable).has_focus
        # escape on the list clears an active search
        await pilot.press("escape")
        await settle(pilot)
        assert row_ids(pilot) == [1, 2, 3, 4, 5]
        assert "search" not in status(pilot)


async def test_escape_cancels_a_search_being_typed():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("slash", *"zzz", "escape")
        await settle(pilot)
        assert not any("zzz" in p for p in transport.sent("GET"))
        assert row_ids(pilot) == [1, 2, 3, 4, 5]
        assert not app.screen.query_one("#search-bar").display


async def test_mautic_search_commands_reach_the_server():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("slash", *"category:sales", "enter")
        await settle(pilot)
        assert row_ids(pilot) == [1, 4, 7, 10]


async def test_sort_cycles_columns_and_flips_direction():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("s")  # Name ascending
        await settle(pilot)
        assert "sort Name ↑" in status(pilot)
        assert row_ids(pilot) == [6, 7, 5, 8, 1]  # Advocate, Churned, Customer, Dormant, Lead
        await pilot.press("S")
        await settle(pilot)
        assert "sort Name ↓" in status(pilot)
        assert row_ids(pilot) == [9, 11, 3, 2, 12]  # Trial, Renewal, Qualified, Prospect, Partner


async def test_published_only_filters_and_shows_in_status():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("P")
        await settle(pilot)
        assert "published only" in status(pilot)
        assert "9 total" in status(pilot)
        assert 4 not in row_ids(pilot) and 8 not in row_ids(pilot)


async def test_reload_keeps_the_cursor_on_the_same_stage():
    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("down", "down")
        table = app.screen.query_one(StageTable)
        assert table.current_id == 3
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 1")
        sandbox.state.store.conn.commit()
        await pilot.press("r")
        await settle(pilot)
        assert row_ids(pilot) == [2, 3, 4, 5, 6]
        assert table.current_id == 3
        assert table.cursor_row == 1


async def test_loading_indicator_while_a_request_runs():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        body = app.screen.query_one("#list-body")
        app.screen.action_reload()
        assert body.loading
        await settle(pilot)
        assert not body.loading


async def test_empty_state_says_what_matched_nothing():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("P", "slash", *"nothinglikethis", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#list-message", Static).content)
        assert "No stages match the search “nothinglikethis” among published stages" in message
        assert not app.screen.query_one(StageTable).display


async def test_empty_database_invites_to_create():
    app, _, _ = build(data=None)
    async with running(app) as (pilot, _):
        message = str(app.screen.query_one("#list-message", Static).content)
        assert message == "No stages yet. Press n to create one."
        assert "0 total" in status(pilot)


async def test_server_error_shows_its_message_and_r_retries():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        transport.faults.append(Fault(path="/api/stages$", method="GET", status=500, body={
            "errors": [{"message": "SQLSTATE[HY000] [2002] Connection refused",
                        "code": 500, "type": None}]}))
        await pilot.press("r")
        await settle(pilot)
        message = str(app.screen.query_one("#list-message", Static).content)
        assert "Could not load the stages" in message
        assert "SQLSTATE[HY000] [2002] Connection refused" in message
        assert "HTTP 500" in message and "Press r to retry" in message
        assert app.screen.current_stage() is None
        assert "could not load" in status(pilot)  # not just the last page's "12 total"
        transport.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert row_ids(pilot) == [1, 2, 3, 4, 5]
        assert not app.screen.query_one("#list-message").display
        assert "could not load" not in status(pilot)


async def test_unreachable_mid_session_is_an_error_state_not_a_crash():
    import httpx

    app, _, transport = build()
    async with running(app) as (pilot, _):
        transport.faults.append(Fault(path="/api/stages", error=httpx.ConnectError))
        await pilot.press("r")
        await settle(pilot)
        message = str(app.screen.query_one("#list-message", Static).content)
        assert "Cannot reach Mautic" in message
        assert app.is_running


async def test_paging_after_the_last_page_emptied_moves_to_the_new_last_page():
    app, sandbox, _ = build(stages=11)
    async with running(app) as (pilot, _):
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert row_ids(pilot) == [11]
        sandbox.state.store.conn.execute("DELETE FROM stages WHERE id = 11")
        sandbox.state.store.conn.commit()
        await pilot.press("r")
        await settle(pilot)
        assert status(pilot).startswith("page 2/2 · 10 total")
        assert db_stage(sandbox, 11) is None


async def test_the_name_column_takes_the_width_left_over():
    from textual.widgets.data_table import ColumnKey

    app, _, _ = build()
    async with running(app, size=(160, 30)) as (pilot, _):
        table = app.screen.query_one(StageTable)
        assert table.columns[ColumnKey("name")].width == 160 - 90 - 2
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        # Modified and Publish window are dropped at 80: Name gets what ID..Published leave
        assert table.columns[ColumnKey("name")].width == 80 - (5 + 17 + 6 + 9) - 2 * 5 - 2


async def test_first_load_says_loading_once():
    import asyncio

    app, _, transport = build()
    inner = transport.inner

    class Slow:
        async def handle_async_request(self, request):
            await asyncio.sleep(0.5)
            return await inner.handle_async_request(request)

    transport.inner = Slow()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert status(pilot) == "loading… · sort ID ↑"  # it said "loading…" twice
        await settle(pilot)
        assert status(pilot) == "page 1/3 · 12 total · sort ID ↑"


async def test_escape_on_the_list_closes_a_search_left_by_tab():
    app, _, transport = build()
    async with running(app) as (pilot, _):
        await pilot.press("slash", *"zzz")
        await pilot.press("tab")  # out of the box: the bar stayed, saying "escape cancels"
        await pilot.pause()
        assert app.screen.query_one(StageTable).has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query_one("#search-bar").display
        assert not any("zzz" in p for p in transport.sent("GET"))
        assert app.screen.query_one(StageTable).has_focus


async def test_a_weight_wider_than_its_column_is_cut_visibly_not_shown_as_another_number():
    from tui_harness import insert_stage, screen_text

    def data(sandbox):
        insert_stage(sandbox, 1, "Huge", weight=2147483647)
        insert_stage(sandbox, 2, "Tiny", weight=-2147483648)

    app, _, _ = build(data=data)
    async with running(app) as (pilot, _):
        shown = screen_text(app)
        # the 6-cell column showed "214748" and "-21474": real-looking, wrong weights
        assert "214748 " not in shown and "-21474 " not in shown
        assert "21474…" in shown and "-2147…" in shown


async def test_keys_still_work_after_a_dialog_closes_over_the_empty_list():
    from stages_tui.tui.screens.stage_form import StageFormScreen

    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("slash", *"zzz", "enter")  # nothing matches: the table is hidden
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        # the hidden search input took the focus back: n was typed into it
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, StageFormScreen)


async def test_modified_column_shows_a_dash_for_a_stage_never_modified():
    app, sandbox, _ = build()
    conn = sandbox.state.store.conn
    conn.execute("UPDATE stages SET date_modified = NULL WHERE id = 2")
    conn.commit()
    async with running(app) as (pilot, _):
        table = app.screen.query_one(StageTable)
        assert table.get_cell("2", "modified").plain == "—"  # not its date added
        assert table.get_cell("1", "modified").plain[:2] == "20"


async def test_a_narrow_terminal_drops_modified_then_publish_window_instead_of_scrolling_sideways():
    app, _, _ = build()
    async with running(app, size=(80, 24)) as (pilot, _):
        table = app.screen.query_one(StageTable)
        assert [key.value for key in table.columns] == ["id", "name", "category", "weight", "published"]
        await pilot.pause()
        assert table.max_scroll_x == 0  # everything shown fits
        await pilot.press("down", "down")
        assert table.current_id == 3
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert [key.value for key in table.columns][-1] == "window"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert [key.value for key in table.columns][-2:] == ["window", "modified"]
        assert row_ids(pilot) == [1, 2, 3, 4, 5] and table.current_id == 3  # rows and cursor kept
        assert table.get_cell("3", "modified").plain
