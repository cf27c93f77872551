"""What the App calls on screens that show stages when something changed elsewhere."""

from __future__ import annotations

from ..messages import ContactsMoved, StageDeleted, StageSaved


class StageObserver:
    """Mixin for screens: the App calls these for every StageSaved/StageDeleted/ContactsMoved.

    Each screen updates only its own widgets.
    """

    def stage_saved(self, message: StageSaved) -> None:
        pass

    def stage_deleted(self, message: StageDeleted) -> None:
        pass

    def contacts_moved(self, message: ContactsMoved) -> None:
        pass
