"""Messages that cross screens. They are posted to the App, which routes them to every
screen showing the stage concerned (no screen reaches into another screen's widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from stages_tui.api import Stage


@dataclass
class StageSaved(Message):
    """A stage was created (``created``) or changed on the server; ``stage`` is the server's copy."""

    stage: Stage
    created: bool = False


@dataclass
class StageDeleted(Message):
    """A stage was deleted; ``stage`` keeps its last known fields (for undo).

    ``undoable`` is False when someone else deleted it (we only found out): no undo then.
    """

    stage_id: int
    stage: Stage
    undoable: bool = True


@dataclass
class ContactsMoved(Message):
    """Contacts changed stage. ``to_stage_id`` None means they were removed from their stage."""

    contact_ids: list[int]
    from_stage_ids: dict[int, int | None] = field(default_factory=dict)
    to_stage_id: int | None = None

    def touches(self, stage_id: int) -> bool:
        return stage_id == self.to_stage_id or stage_id in self.from_stage_ids.values()
