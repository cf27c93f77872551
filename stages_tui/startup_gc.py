"""Cyclic-GC tuning for start-up.

Start-up creates a few hundred thousand long-lived objects (modules, classes, pydantic schemas,
Textual's styles); with the default thresholds the collector walks them again and again
(~35 ms of a ~450 ms start, measured with bench/tui_bench.py). `relax()` makes it collect rarely
(still bounded: young cycles are collected every 200k allocations) until `settle()`, which moves
everything start-up made into the permanent generation (gc.freeze) and restores the thresholds.
"""

from __future__ import annotations

import gc

_RELAXED_GEN0 = 200_000
_saved: tuple[int, ...] | None = None


def relax() -> None:
    global _saved
    if _saved is None:
        _saved = gc.get_threshold()
        gc.set_threshold(_RELAXED_GEN0, *_saved[1:])


def settle() -> None:
    """Freeze what start-up created and restore the normal thresholds (idempotent)."""
    global _saved
    if _saved is not None:
        gc.freeze()
        gc.set_threshold(*_saved)
        _saved = None
