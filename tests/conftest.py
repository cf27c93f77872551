"""Fixtures shared by the command-line tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config and data in a temp dir; no stray MAUTIC_* or STAGES_TUI_* from the caller."""
    for name in list(os.environ):
        if name.startswith(("MAUTIC_", "STAGES_TUI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("STAGES_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("STAGES_TUI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path
