"""scripts/screenshots.py still drives the real app to each screen (a few shots; the full set is `make screenshots`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def screenshots(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the script points HOME at its temp data
    monkeypatch.setenv("STAGES_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STAGES_TUI_CONFIG", str(tmp_path / "none.toml"))
    spec = importlib.util.spec_from_file_location("screenshots_script", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from stages_tui.config import prepare_sandbox_db

    data = tmp_path / "data"
    prepare_sandbox_db(data / "seed.db", contacts=40)
    return module, data, tmp_path / "out"


@pytest.mark.parametrize(("name", "expected"), [
    ("list", "Marketing Qualified Lead"),
    ("error-auth", "Authorization denied, invalid credentials."),
])
async def test_screenshot_shows_the_screen(screenshots, name, expected):
    module, data, out = screenshots
    out.mkdir()
    svg = (await module.take(name, out, data)).read_text()
    assert svg.startswith("<svg") and expected.replace(" ", "&#160;") in svg
    assert "~/.local/share/stages-tui/sandbox.db" in svg.replace("&#160;", " ")


def test_unknown_screenshot_name_is_refused(capsys):
    spec = importlib.util.spec_from_file_location("screenshots_script", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(SystemExit) as info:
        module.main(["--only", "nope", "--out", "/nonexistent"])
    assert info.value.code == 2 and "unknown screenshot(s): nope" in capsys.readouterr().err
