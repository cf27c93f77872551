"""A stage's contacts (paged via where stage_id): remove with confirmation, move with the
stage picker, stage history; and the quick move from the palette."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from contacts_fixtures import HostApp, Sandbox, WidgetHost
from stages_tui.api import Stage
from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.modals.confirm import ConfirmModal
from stages_tui.tui.modals.contact_picker import ContactPickerModal
from stages_tui.tui.modals.stage_history import StageHistoryModal
from stages_tui.tui.modals.stage_picker import StagePickerModal
from stages_tui.tui.quick_move import start_quick_move
from stages_tui.tui.widgets.stage_contacts import StageContacts

SIZE = (110, 36)
LEAD = Stage(id=1, name="Lead", weight=10, is_published=True)


async def settle(pilot, delay: float = 0.0) -> None:
    """Wait for the requests to finish (not for the quick-move flow, which waits on us)."""
    if delay:
        await pilot.pause(delay)
    requests = [w for w in pilot.app.workers if w.group != "quick-move"]
    if requests:  # (an empty list would mean "all workers")
        await pilot.app.workers.wait_for_complete(requests)
    await pilot.pause()


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


def host(sandbox: Sandbox, page_size: int = 30) -> WidgetHost:
    return WidgetHost(sandbox.client, lambda: StageContacts(LEAD, page_size=page_size))


def rows(app) -> list[int]:
    table = app.query_one("#stage-contacts-table", DataTable)
    return [int(key.value) for key in table.rows]


async def test_lists_only_the_stages_contacts_paged_on_the_server(sandbox):
    async with host(sandbox, page_size=4).run_test(size=SIZE) as pilot:
        await settle(pilot)
        widget = pilot.app.query_one(StageContacts)
        assert widget.border_title == "Contacts · 10"
        assert len(rows(pilot.app)) == 4 and set(rows(pilot.app)) <= set(range(1, 11))
        table = pilot.app.query_one(DataTable)
        row = table.get_row(str(rows(pilot.app)[0]))
        assert [cell.plain for cell in row][1].endswith("@example.test")
        status = str(pilot.app.query_one("#stage-contacts-status", Static).content)
        assert status.startswith("page 1/3")
        table.focus()
        seen = set(rows(pilot.app))
        for _ in range(2):
            await pilot.press("]")
            await settle(pilot)
            seen |= set(rows(pilot.app))
        assert seen == set(range(1, 11))
        assert all("stage_id" in str(r.url) for r in sandbox.transport.requests if r.url.path.endswith("/contacts"))


async def test_x_removes_the_highlighted_contact_after_confirmation(sandbox):
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        first = rows(pilot.app)[0]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert sandbox.stage_of(first) == 1 and sandbox.transport.moves() == []
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert sandbox.stage_of(first) is None
        assert sandbox.transport.moves() == [f"/api/stages/1/contact/{first}/remove"]
        assert first not in rows(pilot.app) and len(rows(pilot.app)) == 9
        [moved] = pilot.app.received
        assert moved == ContactsMoved([first], {first: 1}, None)
        assert pilot.app.notes[-1][0] == "Removed from stage"


async def test_x_does_not_clear_a_contact_moved_elsewhere_meanwhile(sandbox):
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        first = rows(pilot.app)[0]
        sandbox.set_stage(first, 3)  # another user moved it to Customer
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert sandbox.stage_of(first) == 3 and sandbox.transport.moves() == []
        title, text, severity = pilot.app.notes[-1]
        assert (title, severity) == ("Not moved", "warning")
        assert "not in this stage (it is in Customer)" in text


async def test_x_when_mautic_is_unreachable_says_the_contact_was_not_removed(sandbox):
    # Walk-through: server killed, x, y: no notification at all (the move stopped before its
    # request, so it was neither failed nor skipped), only the panel's "could not load".
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        first = rows(pilot.app)[0]
        sandbox.transport.down = True
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        title, text, severity = pilot.app.notes[-1]
        assert (title, severity) == ("Not moved", "error")
        assert "Cannot reach Mautic" in text or "connection refused" in text
        assert sandbox.stage_of(first) == 1 and pilot.app.received == []
        line = str(pilot.app.query_one("#stage-contacts-status", Static).content)
        assert line.startswith("Could not load contacts: ") and line.endswith("(r retries)")


async def test_m_moves_the_contact_to_a_picked_stage(sandbox):
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        first = rows(pilot.app)[0]
        await pilot.press("m")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, StagePickerModal)
        assert picker.query_one(OptionList).option_count == 3
        await pilot.press(*"cust")
        await settle(pilot, 0.35)
        assert picker.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert sandbox.stage_of(first) == 3
        assert first not in rows(pilot.app)
        [moved] = pilot.app.received
        assert moved == ContactsMoved([first], {first: 1}, 3)
        assert pilot.app.notes[-1][1].endswith("is in Customer now")


async def test_stage_picker_escape_moves_nothing(sandbox):
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert sandbox.transport.moves() == [] and pilot.app.received == []


async def test_enter_shows_the_contacts_stage_history(sandbox):
    client = sandbox.client
    await client.add_contact(2, 1)      # Lead -> Qualified (the seed put it in Lead without a log)
    await client.remove_contact(2, 1)   # out of Qualified
    await client.add_contact(1, 1)      # into Lead
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.query_one(DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("1"))
        await pilot.press("enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, StageHistoryModal)
        history = modal.query_one(DataTable)
        cells = [[cell.plain for cell in history.get_row_at(i)][1:] for i in range(history.row_count)]
        assert cells == [
            ["—", "Lead", "Manually Added"],
            ["Qualified", "—", "Manually Removed"],
            ["—", "Qualified", "Manually Added"],
        ]
        assert "3 change(s) · now: Lead" in str(modal.query_one("#stage-history-status", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, StageHistoryModal)


async def test_quick_move_finds_a_contact_and_moves_it_in_a_few_keys(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        start_quick_move(pilot.app)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContactPickerModal)
        pilot.app.screen.query_one(Input).value = "email:person20@"
        await pilot.press("enter")  # search now, focus the results
        await settle(pilot)
        await pilot.press("enter")  # pick the one result
        await settle(pilot)
        assert isinstance(pilot.app.screen, StagePickerModal)
        pilot.app.screen.query_one(Input).value = "customer"
        await settle(pilot, 0.35)
        await pilot.press("enter")
        await settle(pilot)
        assert sandbox.stage_of(20) == 3
        assert pilot.app.received == [ContactsMoved([20], {20: None}, 3)]
        assert pilot.app.notes[-1] == ("Moved", "Person20 Tester20 moved to Customer", "information")


async def test_quick_move_escape_at_the_first_step_does_nothing(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        start_quick_move(pilot.app)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert sandbox.transport.moves() == [] and not isinstance(pilot.app.screen, ContactPickerModal)


async def test_failures_to_load_are_shown_where_the_user_looks(sandbox):
    async with host(sandbox).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        sandbox.transport.down = True
        await pilot.press("enter")  # history of the highlighted contact
        await settle(pilot)
        modal = pilot.app.screen
        line = modal.query_one("#stage-history-status", Static)
        assert str(line.content).startswith("Could not load the history: Cannot reach Mautic")
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.query_one(StageContacts).reload()
        await settle(pilot)
        line = pilot.app.query_one("#stage-contacts-status", Static)
        assert str(line.content).startswith("Could not load contacts: Cannot reach Mautic")
        assert line.has_class("-error")
        assert len(rows(pilot.app)) == 10  # the last good page stays on screen


async def test_stage_picker_finds_a_stage_by_id_and_marks_the_current_one(sandbox):
    async with HostApp(sandbox.client).run_test(size=SIZE) as pilot:
        picked: list = []
        pilot.app.push_screen(StagePickerModal("Pick", current_stage_id=1), picked.append)
        await settle(pilot)
        options = pilot.app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["Customer  #3", "Lead  #1  (current)", "Qualified  #2"]  # by name
        pilot.app.screen.query_one(Input).value = "3"
        await settle(pilot, 0.35)
        assert options.option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert [s.name for s in picked] == ["Customer"]


async def test_removing_the_last_contacts_of_the_last_page_steps_back_a_page(sandbox):
    async with host(sandbox, page_size=4).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.query_one(DataTable).focus()
        await pilot.press("]", "]")
        await settle(pilot)
        last_page = rows(pilot.app)
        assert len(last_page) == 2
        for _ in last_page:
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("y")
            await settle(pilot)
        assert len(rows(pilot.app)) == 4
        status = str(pilot.app.query_one("#stage-contacts-status", Static).content)
        assert status.startswith("page 2/2")
        assert pilot.app.query_one(StageContacts).border_title == "Contacts · 8"
