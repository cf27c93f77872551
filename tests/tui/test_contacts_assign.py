"""The assign dialog against the in-process sandbox: search, selection, add/move/remove,
partial failure and cancel."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, ProgressBar, Static

from contacts_fixtures import MARKUP_NAME, HostApp, Sandbox
from stages_tui.api import Stage
from stages_tui.moves import MoveReport
from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.modals.assign_contacts import AssignContactsModal

SIZE = (110, 40)


def stage(stage_id: int, name: str) -> Stage:
    return Stage(id=stage_id, name=name, weight=stage_id * 10, is_published=True)


async def settle(pilot, delay: float = 0.0) -> None:
    if delay:
        await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_dialog(pilot, sandbox: Sandbox, target: Stage) -> AssignContactsModal:
    results: list = pilot.app.results
    dialog = AssignContactsModal(target)
    pilot.app.push_screen(dialog, results.append)
    await settle(pilot)
    return dialog


def status(dialog: AssignContactsModal) -> str:
    return str(dialog.query_one("#contact-search-status", Static).content)


def summary(dialog: AssignContactsModal) -> str:
    return str(dialog.query_one("#assign-summary", Static).content)


def stage_cell(dialog: AssignContactsModal, contact_id: int) -> str:
    return dialog.query_one(DataTable).get_cell(str(contact_id), "stage").plain


async def search(pilot, dialog: AssignContactsModal, text: str) -> None:
    """Fill in a search and submit it (enter searches at once and focuses the results)."""
    dialog.search.input.value = text
    dialog.search.input.focus()
    await pilot.press("enter")
    await settle(pilot)


async def select(pilot, dialog: AssignContactsModal, contact_id: int) -> None:
    table = dialog.query_one(DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(str(contact_id)))
    await pilot.press("space")


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


async def test_opening_lists_contacts_with_total_and_their_stages(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        assert "45 found · page 1/2 · 0 selected (↓ then space selects)" in status(dialog)
        assert dialog.query_one(DataTable).row_count == 30
        await search(pilot, dialog, "person1")
        assert stage_cell(dialog, 10) == "✓ in this stage"
        assert stage_cell(dialog, 11) == "moves from Customer"
        assert stage_cell(dialog, 16) == "—"


async def test_typing_a_burst_sends_one_search_request(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        before = len(sandbox.transport.searches())
        await pilot.press(*"person1")
        await settle(pilot, 0.4)
        assert sandbox.transport.searches()[before:] == ["person1"]
        assert status(dialog).startswith("10 found · page 1/1")


async def test_server_text_is_shown_literally(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await search(pilot, dialog, "ids:45")
        name = dialog.query_one(DataTable).get_cell("45", "name").plain
        assert name == f"{MARKUP_NAME} Tester45"


async def test_selection_survives_paging_and_new_searches(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(2, "Qualified"))
        table = dialog.query_one(DataTable)
        table.focus()
        first_page_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        await pilot.press("space")
        await pilot.press("]")
        await settle(pilot)
        assert "page 2/2" in status(dialog)
        second_page_id = dialog.search.highlighted_id
        await pilot.press("space")
        await search(pilot, dialog, "ids:3")
        await select(pilot, dialog, 3)
        assert set(dialog.selected) == {first_page_id, second_page_id, 3}
        assert "3 selected" in status(dialog)
        await pilot.press("[")  # nothing before page 1 of this search: no request, no change
        await search(pilot, dialog, "")
        assert dialog.query_one(DataTable).get_cell(str(first_page_id), "mark").plain == "●"


async def test_add_moves_selected_contacts_and_posts_contacts_moved(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(2, "Qualified"))
        await search(pilot, dialog, "ids:1,16,17")
        for contact_id in (1, 16, 17):
            await select(pilot, dialog, contact_id)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert [sandbox.stage_of(i) for i in (1, 16, 17)] == [2, 2, 2]
        assert summary(dialog).startswith("Moved 3 of 3 to Qualified")
        assert dialog.selected == {}
        # the rows were re-read and show the new state
        assert [stage_cell(dialog, i) for i in (1, 16, 17)] == ["✓ in this stage"] * 3
        [moved] = pilot.app.received
        assert isinstance(moved, ContactsMoved)
        assert sorted(moved.contact_ids) == [1, 16, 17]
        assert moved.from_stage_ids == {1: 1, 16: None, 17: None} and moved.to_stage_id == 2
        await pilot.press("escape")
        await pilot.pause()
        [reports] = pilot.app.results
        assert [type(r) for r in reports] == [MoveReport]


async def test_adding_contacts_already_there_skips_them_and_says_so(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await search(pilot, dialog, "ids:2,20")
        await select(pilot, dialog, 2)
        await select(pilot, dialog, 20)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert sandbox.transport.moves() == ["/api/stages/1/contact/20/add"]
        text = summary(dialog)
        assert "Moved 1 of 2 to Lead, 1 skipped" in text and "already in this stage" in text


async def test_remove_only_touches_contacts_really_in_this_stage(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await search(pilot, dialog, "ids:1,11,20")
        for contact_id in (1, 11, 20):
            await select(pilot, dialog, contact_id)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert sandbox.transport.moves() == ["/api/stages/1/contact/1/remove"]
        assert [sandbox.stage_of(i) for i in (1, 11, 20)] == [None, 3, None]
        text = summary(dialog)
        assert text.startswith("Removed 1 of 3 from Lead, 2 skipped")
        assert "Person11 Tester11 (#11): not in this stage (it is in Customer)" in text
        assert "Person20 Tester20 (#20): not in this stage (it has no stage)" in text
        [moved] = pilot.app.received
        assert moved.contact_ids == [1] and moved.from_stage_ids == {1: 1} and moved.to_stage_id is None
        assert dialog.selected == {}  # skipped ones are already out of this stage


async def test_a_contact_deleted_meanwhile_fails_with_mauticss_reason_and_the_rest_move(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(3, "Customer"))
        await search(pilot, dialog, "ids:16,17,18")
        for contact_id in (16, 17, 18):
            await select(pilot, dialog, contact_id)
        sandbox.delete_contact(17)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert [sandbox.stage_of(i) for i in (16, 18)] == [3, 3]
        text = summary(dialog)
        assert text.startswith("Moved 2 of 3 to Customer, 1 failed")
        assert "failed: Person17 Tester17 (#17): Contact not found." in text
        assert dialog.query_one("#assign-summary").has_class("-failed")
        assert set(dialog.selected) == {17}
        # 17 has no row left to unselect: the summary says what the selection is for now.
        assert text.endswith("1 still selected: ^a retries, ^l clears the selection")
        [moved] = pilot.app.received
        assert sorted(moved.contact_ids) == [16, 18]


async def test_escape_during_a_move_stops_sending_and_reports_what_was_done():
    sandbox = Sandbox(gate_after=6)  # 6 moves go through, the next ones wait for the gate
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(2, "Qualified"))
        dialog.selected.update(dialog.search.contacts)  # the whole first page
        assert len(dialog.selected) == 30
        await pilot.press("ctrl+a")
        while sandbox.gated.waiting < 4:  # 6 done, 4 in flight
            await pilot.pause(0.01)
        assert dialog.query_one(ProgressBar).progress == 6
        await pilot.press("escape")
        assert dialog.is_current  # escape stops the move, it does not close
        sandbox.gated.gate.set()  # the 4 in flight finish
        await settle(pilot)
        report = dialog.reports[-1]
        assert report.cancelled and len(report.moved) == 10 and len(report.not_sent) == 20
        assert len(sandbox.transport.moves()) == 10
        in_stage = sandbox.conn.execute("SELECT COUNT(*) FROM leads WHERE stage_id = 2").fetchone()[0]
        assert in_stage == 10
        text = summary(dialog)
        assert text.startswith("Moved 10 of 30 to Qualified, 20 not sent (cancelled)")
        assert "not sent: 20 contact(s)" in text
        assert len(dialog.selected) == 20
        [moved] = pilot.app.received
        assert len(moved.contact_ids) == 10
        await pilot.press("escape")  # 20 still selected: the first escape only warns
        await pilot.pause()
        assert dialog.is_current and "escape again closes" in summary(dialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not dialog.is_current


async def test_escape_with_contacts_selected_warns_once_before_dropping_them(sandbox):
    # Walk-through: escape (which clears a search on the stage list) closed the dialog at once
    # and silently dropped a selection gathered over pages and searches.
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await search(pilot, dialog, "ids:16,17")
        await select(pilot, dialog, 16)
        await pilot.press("escape")
        await pilot.pause()
        assert dialog.is_current
        assert summary(dialog) == ("1 selected, not added or removed yet: escape again closes and drops "
                                   "them (^a adds them, ^r removes them)")
        await select(pilot, dialog, 17)  # the selection changed: escape warns again
        await pilot.press("escape")
        await pilot.pause()
        assert dialog.is_current and summary(dialog).startswith("2 selected")
        await pilot.press("escape")
        await pilot.pause()
        assert not dialog.is_current and sandbox.transport.moves() == []


async def test_escape_with_nothing_selected_closes_at_once(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await pilot.press("escape")
        await pilot.pause()
        assert not dialog.is_current


async def test_ctrl_a_with_nothing_selected_says_how_to_select(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await pilot.press("ctrl+a")
        assert "press space to select" in summary(dialog)
        assert sandbox.transport.moves() == []


async def test_a_failed_search_says_so_in_the_status_line_and_recovers(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        sandbox.transport.down = True
        await search(pilot, dialog, "person1")
        line = dialog.query_one("#contact-search-status", Static)
        assert str(line.content).startswith("Search failed: Cannot reach Mautic")
        assert line.has_class("-error")
        sandbox.transport.down = False
        await search(pilot, dialog, "person1")
        assert status(dialog).startswith("10 found") and not line.has_class("-error")


async def test_after_a_failed_search_enter_retries_it(sandbox):
    # Walk-through: enter jumped to the (empty) results, so a second enter did nothing and
    # nothing said how to retry. Now the status says so and enter, pressed again, retries.
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        sandbox.transport.down = True
        await search(pilot, dialog, "person1")
        assert "· enter retries" in status(dialog)
        assert dialog.search.input.has_focus
        sandbox.transport.down = False
        await pilot.press("enter")
        await settle(pilot)
        assert status(dialog).startswith("10 found")


async def test_a_long_search_error_wraps_and_keeps_the_selection_count_in_view(sandbox):
    # Walk-through at 80 columns: the error (with the server URL) filled the one status line
    # and cut off "N selected", the count a retry after a failed move depends on.
    async with HostApp(sandbox.client).run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        await search(pilot, dialog, "ids:16,17")
        await select(pilot, dialog, 16)
        sandbox.transport.down = True
        await search(pilot, dialog, "person")
        line = dialog.query_one("#contact-search-status", Static)
        assert status(dialog).endswith("1 selected")
        assert line.size.height >= 2 and line.size.height * line.size.width >= len(status(dialog))


async def test_a_failed_page_is_retried_by_enter_not_restarted_at_page_1(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "Lead"))
        dialog.query_one(DataTable).focus()
        sandbox.transport.down = True
        await pilot.press("pagedown")
        await settle(pilot)
        assert status(dialog).startswith("Search failed") and dialog.search.input.has_focus
        sandbox.transport.down = False
        await pilot.press("enter")
        await settle(pilot)
        assert status(dialog).startswith("45 found · page 2/2")


async def test_a_move_when_mautic_is_unreachable_reports_it_and_keeps_the_selection(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(2, "Qualified"))
        await search(pilot, dialog, "ids:16,17")
        await select(pilot, dialog, 16)
        await select(pilot, dialog, 17)
        sandbox.transport.down = True
        await pilot.press("ctrl+a")
        await settle(pilot)
        text = summary(dialog)
        assert text.startswith("Moved 0 of 2 to Qualified, 2 not sent (stopped: could not read")
        assert set(dialog.selected) == {16, 17} and pilot.app.received == []


async def test_a_stage_name_with_markup_is_shown_literally_in_the_title(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(1, "[b]VIP[/b] [@click=app.quit]x[/]"))
        title = dialog.query_one("#assign-dialog")._border_title
        assert title.plain == "Assign contacts · [b]VIP[/b] [@click=app.quit]x[/]"


async def test_the_users_keymap_rebinds_the_dialogs_keys(sandbox):
    app = HostApp(sandbox.client)
    app.set_keymap({"add-selected": "ctrl+g", "select-contact": "x"})
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, sandbox, stage(2, "Qualified"))
        await search(pilot, dialog, "ids:16")
        await pilot.press("x", "ctrl+g")
        await settle(pilot)
        assert sandbox.stage_of(16) == 2


async def test_f1_in_the_dialog_lists_its_keys():
    from tui_harness import build, running, settle as settle_app

    from stages_tui.tui.screens.help import HelpScreen

    app, _sandbox, _ = build()
    async with running(app) as (pilot, _recorder):
        await pilot.press("a")
        await settle_app(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = " ".join(str(d) for _keys, d in help_screen._keys)
        assert "Put the selected contacts into this stage" in text
        assert help_screen._title == "Assign contacts"


async def test_when_a_move_empties_the_last_page_the_dialog_steps_back(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        dialog = AssignContactsModal(stage(2, "Qualified"), page_size=5)
        pilot.app.push_screen(dialog)
        await settle(pilot)
        await search(pilot, dialog, "stage:lead")  # contacts 1-10: two pages of 5
        await pilot.press("pagedown")
        await settle(pilot)
        assert "10 found · page 2/2" in status(dialog)
        dialog.selected.update(dialog.search.contacts)
        await pilot.press("ctrl+a")  # they leave Lead: the search now has 5 matches
        await settle(pilot)
        assert "5 found · page 1/1" in status(dialog)
        assert dialog.query_one(DataTable).row_count == 5
