"""The keymap ids the config accepts are real binding ids of the TUI."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import stages_tui.tui
from stages_tui.config import BINDING_IDS


def app_binding_ids() -> set[str]:
    ids: set[str] = set()
    for info in pkgutil.walk_packages(stages_tui.tui.__path__, "stages_tui.tui."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, DOMNode):
                ids |= {b.id for b in obj.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and b.id}
    return ids


def test_every_configurable_binding_id_exists_in_the_app():
    missing = set(BINDING_IDS) - app_binding_ids()
    assert not missing, f"config.BINDING_IDS names ids no binding has: {sorted(missing)}"


def test_the_design_keymap_ids_are_all_configurable():
    design = {
        "quit", "command-palette", "help", "cursor-down", "cursor-up", "open-stage", "search",
        "next-page", "prev-page", "sort", "sort-direction", "published-only", "reload", "new-stage",
        "edit-stage", "delete-stage", "toggle-published", "assign-contacts", "save",
    }
    assert design <= set(BINDING_IDS)
