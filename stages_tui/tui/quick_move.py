"""Quick move from anywhere: pick a contact, pick the target stage, move it.

The command palette's "Move contact to stage" calls `start_quick_move(app)`. The flow runs
in one worker so it can wait for each modal in turn.
"""

from __future__ import annotations

from textual.app import App

from stages_tui.moves import MoveItem, MoveReport, move_contacts
from stages_tui.tui.display import clean
from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.modals.contact_picker import ContactPickerModal
from stages_tui.tui.modals.stage_picker import StagePickerModal

COMMAND_NAME = "Move contact to stage"
COMMAND_HELP = "Find a contact, pick a stage, move it"


async def quick_move(app: App, client=None) -> MoveReport | None:
    client = client if client is not None else app.client  # type: ignore[attr-defined]
    contact = await app.push_screen_wait(ContactPickerModal("Move contact to stage: which contact?", client=client))
    if contact is None:
        return None
    current = contact.stage.id if contact.stage else None
    stage = await app.push_screen_wait(
        StagePickerModal(f"Move {clean(contact.display_name)} to…", current_stage_id=current, client=client)
    )
    if stage is None or stage.id is None:
        return None
    report = await move_contacts(client, [MoveItem.from_contact(contact)], int(stage.id), concurrency=1)
    who = clean(contact.display_name)
    where = clean(stage.name)
    if report.moved:
        origin = f" from {clean(report.moved[0].stage_name)}" if report.moved[0].stage_name else ""
        app.notify(f"{who} moved{origin} to {where}", title="Moved", markup=False)
        app.post_message(ContactsMoved(report.moved_ids, report.previous_stage_ids, report.target_stage_id))
    elif report.skipped:
        app.notify(f"{who} is already in {where}", title="Nothing to do", markup=False)
    else:
        reason = report.failed[0].reason if report.failed else (report.aborted or "not sent")
        app.notify(f"{who}: {clean(reason)}", title="Not moved", severity="error", markup=False)
    return report


def start_quick_move(app: App, client=None) -> None:
    app.run_worker(quick_move(app, client), group="quick-move", exclusive=True, exit_on_error=False)
