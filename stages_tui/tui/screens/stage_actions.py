"""Actions on "the current stage", shared by the list and the detail screen.

Results travel as messages to the App (StageSaved / StageDeleted), which routes them to
every screen showing that stage; failures are a toast with the server's message.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from stages_tui.api import MauticError, NotFound, Stage

from ..errors import error_text
from ..messages import StageDeleted, StageSaved
from ..modals.confirm import ConfirmModal
from ..widgets.stage_table import stage_label

STAGE_BINDINGS = [
    Binding("n", "new_stage", "New", tooltip="Create a new stage", id="new-stage"),
    Binding("e", "edit_stage", "Edit", tooltip="Edit this stage", id="edit-stage"),
    Binding("d", "delete_stage", "Delete", tooltip="Delete this stage (asks first; u undoes)", id="delete-stage"),
    Binding("p", "toggle_published", "Publish", tooltip="Publish or unpublish this stage", id="toggle-published"),
    Binding("a", "assign_contacts", "Contacts", tooltip="Add contacts to this stage or remove them", id="assign-contacts"),
]
NEEDS_STAGE = {"edit_stage", "delete_stage", "toggle_published", "assign_contacts"}


class StageActions:
    """Mixin for a Screen with ``current_stage()``."""

    def current_stage(self) -> Stage | None:
        raise NotImplementedError

    def action_new_stage(self) -> None:
        self.app.open_form(None)

    def action_edit_stage(self) -> None:
        if stage := self.current_stage():
            self.app.open_form(stage)

    def action_delete_stage(self) -> None:
        stage = self.current_stage()
        if stage is None:
            return
        question = Text.assemble("Delete stage ", stage_label(stage), "?\n\n",
                                 "Its contacts are left without a stage. ",
                                 "You can undo with u right after: it comes back with a new id, "
                                 "without its contacts.")

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.run_worker(self._delete(stage), group=f"delete-{stage.id}",
                                exclusive=True, exit_on_error=False)

        self.app.push_screen(ConfirmModal("Delete stage", question, yes="Delete", no="Keep",
                                          danger=True), answered)

    async def _delete(self, stage: Stage) -> None:
        try:
            deleted = await self.app.client.delete_stage(stage.id)
        except NotFound:
            self.app.notify(Text.assemble(stage_label(stage), " was already deleted.").plain,
                            severity="warning", markup=False)
            self.app.post_message(StageDeleted(stage.id, stage))
            return
        except MauticError as error:
            self.app.notify(error_text(error), title="Delete failed", severity="error",
                            markup=False)
            return
        # Keep our copy's id; Mautic answers with id null.
        kept = deleted.model_copy(update={"id": stage.id})
        self.app.post_message(StageDeleted(stage.id, kept))
        self.app.notify(Text.assemble("Deleted ", stage_label(stage),
                                      ". Press u to undo (re-creates it with a new id, without its contacts).").plain,
                        title="Deleted", markup=False, timeout=10)

    def action_toggle_published(self) -> None:
        stage = self.current_stage()
        if stage is None:
            return
        # A second p before the first answer would send the same (stale) value again.
        if stage.id in self.app.stages_in_flight:
            self.app.notify("Still saving this stage…", severity="warning")
            return
        self.app.stages_in_flight.add(stage.id)
        self.run_worker(self._toggle(stage), group=f"publish-{stage.id}", exit_on_error=False)

    async def _toggle(self, stage: Stage) -> None:
        try:
            saved = await self.app.client.edit_stage(
                stage.id, {"is_published": not stage.is_published})
        except NotFound:
            self.app.notify(Text.assemble(stage_label(stage), " no longer exists on the server "
                                          "(deleted elsewhere).").plain,
                            title="Publish failed", severity="warning", markup=False)
            self.app.post_message(StageDeleted(stage.id, stage, undoable=False))
            return
        except MauticError as error:
            self.app.notify(error_text(error), title="Publish failed", severity="error",
                            markup=False)
            return
        finally:
            self.app.stages_in_flight.discard(stage.id)
        self.app.post_message(StageSaved(saved, created=False))
        state = "Published" if saved.is_published else "Unpublished"
        self.app.notify(Text.assemble(state, " ", stage_label(saved), ".").plain, markup=False)

    def action_assign_contacts(self) -> None:
        stage = self.current_stage()
        if stage is None:
            return
        from ..modals.assign_contacts import AssignContactsModal  # not needed at start-up

        # The dialog posts ContactsMoved to the App itself after each finished move.
        self.app.push_screen(AssignContactsModal(stage, page_size=self.app.settings.page_size))
