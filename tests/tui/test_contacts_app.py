"""The contacts pieces inside the real StagesApp: `a` on the list and the detail screen,
the detail screen's contacts refreshing after a move, and the palette's quick move."""

from __future__ import annotations

from textual.command import CommandList
from textual.widgets import DataTable

from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.modals.assign_contacts import AssignContactsModal
from stages_tui.tui.modals.contact_picker import ContactPickerModal
from stages_tui.tui.widgets.stage_contacts import StageContacts
from tui_harness import build, running, settle


def add_contacts(sandbox) -> None:
    """Contacts 1-3 in stage 1 (Lead), 4-6 in no stage."""
    conn = sandbox.state.store.conn
    for i in range(1, 7):
        conn.execute(
            "INSERT INTO leads (id, date_added, firstname, lastname, email, points, last_active, stage_id)"
            " VALUES (?, '2024-01-01 09:00:00', ?, 'Example', ?, ?, '2024-04-0' || ? || ' 08:00:00', ?)",
            (i, f"Contact{i}", f"contact{i}@example.test", i * 5, i, 1 if i <= 3 else None),
        )
    conn.commit()


def contact_rows(screen) -> list[str]:
    table = screen.query_one(StageContacts).query_one(DataTable)
    return sorted(key.value for key in table.rows)


async def test_detail_screen_lists_the_stages_contacts_and_refreshes_after_assigning():
    app, sandbox, transport = build()
    add_contacts(sandbox)
    async with running(app) as (pilot, recorder):
        await pilot.press("enter")  # open stage 1 (Lead)
        await settle(pilot)
        detail = app.screen
        assert contact_rows(detail) == ["1", "2", "3"]
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AssignContactsModal) and dialog.stage.id == 1
        dialog.search.input.value = "ids:4,5"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "space", "ctrl+a")
        await settle(pilot)
        [moved] = recorder.of(ContactsMoved)
        assert sorted(moved.contact_ids) == [4, 5] and moved.to_stage_id == 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
        assert contact_rows(detail) == ["1", "2", "3", "4", "5"]


async def test_a_on_the_stage_list_opens_the_dialog_for_the_highlighted_stage():
    app, sandbox, _ = build()
    add_contacts(sandbox)
    async with running(app) as (pilot, _recorder):
        await pilot.press("down", "a")
        await settle(pilot)
        assert isinstance(app.screen, AssignContactsModal) and app.screen.stage.id == 2
        assert app.screen.search.total == 6


async def test_palette_move_contact_to_stage_runs_the_quick_move():
    app, sandbox, _ = build()
    add_contacts(sandbox)
    async with running(app) as (pilot, _recorder):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"move contact")
        hits = app.screen.query_one(CommandList)
        for _ in range(300):  # the palette searches in the background
            if hits.option_count and "Move contact to stage" in str(hits.get_option_at_index(0).prompt):
                break
            await pilot.pause(0.01)
        await pilot.press("enter")
        for _ in range(300):
            if isinstance(app.screen, ContactPickerModal):
                break
            await pilot.pause(0.01)
        assert isinstance(app.screen, ContactPickerModal)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ContactPickerModal)


async def test_contacts_panel_keys_work_as_soon_as_the_detail_screen_opens():
    # The panel advertises x / m; they must not need a tab first (the properties pane had the focus).
    from stages_tui.tui.modals.confirm import ConfirmModal
    from stages_tui.tui.modals.stage_picker import StagePickerModal

    app, sandbox, _ = build()
    add_contacts(sandbox)
    async with running(app) as (pilot, _):
        await pilot.press("enter")  # open stage 1 (Lead)
        await settle(pilot)
        detail = app.screen
        assert detail.focused is detail.query_one("#stage-contacts-table")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StagePickerModal)
