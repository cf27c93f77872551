"""SVG snapshots: the assign dialog (opened, mixed-stage results with a selection, a move in
progress, the summary after a partial failure) and the detail screen with its contacts."""

from __future__ import annotations

from textual.widgets import DataTable, Input, ProgressBar

from contacts_fixtures import HostApp, Sandbox
from stages_tui.api import Stage
from stages_tui.tui.modals.assign_contacts import AssignContactsModal
from tui_harness import build
from tui_harness import settle as settle_app

SIZE = (110, 34)
LEAD = Stage(id=1, name="Lead", weight=10, is_published=True)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def dialog_app(sandbox: Sandbox) -> HostApp:
    app = HostApp(sandbox.client)

    async def open_on_mount() -> None:
        app.push_screen(AssignContactsModal(LEAD))

    app.call_after_refresh(open_on_mount)
    return app


async def opened(pilot) -> AssignContactsModal:
    for _ in range(50):
        if isinstance(pilot.app.screen, AssignContactsModal):
            break
        await pilot.pause(0.01)
    await settle(pilot)
    dialog = pilot.app.screen
    dialog.query_one(Input).cursor_blink = False
    return dialog


async def search_and_select(pilot, dialog: AssignContactsModal, ids: list[int], selected: list[int]) -> None:
    dialog.search.input.value = "ids:" + ",".join(map(str, ids))
    await pilot.press("enter")
    await settle(pilot)
    table = dialog.query_one(DataTable)
    for contact_id in selected:
        table.move_cursor(row=table.get_row_index(str(contact_id)))
        await pilot.press("space")
    table.move_cursor(row=0)


def test_dialog_opened(snap_compare):
    async def run_before(pilot) -> None:
        await opened(pilot)

    assert snap_compare(dialog_app(Sandbox()), terminal_size=SIZE, run_before=run_before)


def test_dialog_results_with_mixed_stages_and_a_selection(snap_compare):
    async def run_before(pilot) -> None:
        dialog = await opened(pilot)
        await search_and_select(pilot, dialog, [1, 2, 11, 12, 16, 17, 45], [11, 16, 17])

    assert snap_compare(dialog_app(Sandbox()), terminal_size=SIZE, run_before=run_before)


def test_dialog_move_in_progress(snap_compare):
    sandbox = Sandbox(gate_after=2)

    async def run_before(pilot) -> None:
        dialog = await opened(pilot)
        await search_and_select(pilot, dialog, [16, 17, 18, 19, 20, 21], [16, 17, 18, 19, 20, 21])
        await pilot.press("ctrl+a")
        progress = dialog.query_one(ProgressBar)
        while progress.progress < 2:
            await pilot.pause(0.01)
        await pilot.pause()

    assert snap_compare(dialog_app(sandbox), terminal_size=SIZE, run_before=run_before)


def test_dialog_summary_after_a_partial_failure(snap_compare):
    sandbox = Sandbox()

    async def run_before(pilot) -> None:
        dialog = await opened(pilot)
        # 1 is already in Lead (skipped), 11 moves from Customer, 16 from no stage,
        # 17 is deleted before the move (Mautic answers 404).
        await search_and_select(pilot, dialog, [1, 11, 16, 17], [1, 11, 16, 17])
        sandbox.delete_contact(17)
        await pilot.press("ctrl+a")
        await settle(pilot)

    assert snap_compare(dialog_app(sandbox), terminal_size=SIZE, run_before=run_before)


def test_detail_screen_with_its_contacts(snap_compare):
    app, sandbox, _ = build()
    conn = sandbox.state.store.conn
    names = ["Ada Lovelace", "Grace Hopper", "[b]Alan[/b] Turing", "Edsger Dijkstra"]
    for i, name in enumerate(names, start=1):
        first, last = name.rsplit(" ", 1)
        conn.execute(
            "INSERT INTO leads (id, date_added, firstname, lastname, email, points, last_active, stage_id)"
            " VALUES (?, '2024-01-01 09:00:00', ?, ?, ?, ?, ?, 1)",
            (i, first, last, f"{last.lower()}@example.test", i * 15, f"2024-04-0{i} 08:30:00"),
        )
    conn.commit()

    async def run_before(pilot) -> None:
        await settle_app(pilot)
        await pilot.press("enter")
        await settle_app(pilot)
        pilot.app.screen.query_one("#stage-contacts-table").focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 40), run_before=run_before)
