"""Server text is data: markup, click actions, escape sequences, very long and wide names
neither crash, style nor break the layout."""

from __future__ import annotations

from rich.text import Text

from stages_tui.tui.display import clean
from stages_tui.tui.modals.confirm import ConfirmModal
from stages_tui.tui.screens.stage_detail import StageDetailScreen
from stages_tui.tui.screens.stage_form import StageFormScreen

from tui_harness import HOSTILE_NAMES, build, insert_category, insert_stage, running, screen_text, settle


def hostile_data(sandbox) -> None:
    insert_category(sandbox, 1, "[red]cat[/red] \x1b[5mblink", "hostile")
    for i, name in enumerate(HOSTILE_NAMES, start=1):
        insert_stage(sandbox, i, name, weight=i, category_id=1,
                     description="[link=https://evil.example]x[/link]\n\x1b[2J cleared?")


def test_clean_strips_escapes_and_controls_but_keeps_brackets():
    assert clean("\x1b[31mred\x1b[0m") == "red"
    assert clean("a\x1b]0;title\x07b") == "ab"
    assert clean("tab\there\nnew\x00line\x7f\x9b31m") == "tab here newline"
    assert clean("[bold]x[/]") == "[bold]x[/]"
    assert clean("a\u202eb") == "ab"  # no bidi override
    assert clean("two\nlines", multiline=True) == "two\nlines"


async def test_hostile_names_render_literally_everywhere():
    app, _, _ = build(data=hostile_data)
    async with running(app) as (pilot, recorder):
        shown = screen_text(app)
        assert "[bold]x[/]" in shown
        assert "[@click=app.quit]quit[/]" in shown
        assert "red and osc" in shown  # the escape sequences are gone, the text stays
        assert "\x1b" not in shown
        assert "🚀 顧客ステージ" in shown
        assert "[red]cat[/red] b…" in shown
        lines = shown.splitlines()
        assert all(len(line) <= 120 for line in lines)
        long_row = next(line for line in lines if "LLLL" in line)
        assert "…" in long_row and long_row.index("LLLL") < 20
        # every row keeps its columns aligned: the Weight column is at the same place
        assert {line.index(" Sales") if " Sales" in line else -1 for line in lines} <= {-1}
        for row in range(len(HOSTILE_NAMES)):
            await pilot.press("g", *["down"] * row, "enter")
            await settle(pilot)
            assert isinstance(app.screen, StageDetailScreen)
            detail = screen_text(app)
            assert "[link=https://evil.example]x[/link]" in detail
            assert "[red]cat[/red] blink" in detail
            assert "\x1b" not in detail
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


async def test_click_markup_in_a_name_is_not_an_action():
    app, _, _ = build(data=hostile_data)
    async with running(app) as (pilot, _):
        await pilot.press("down", "enter")
        await settle(pilot)
        # click where the name is drawn: a markup action would quit the app
        await pilot.click("#detail-props", offset=(18, 1))
        await pilot.pause()
        assert app.is_running


async def test_hostile_names_in_confirmation_form_and_toasts():
    app, _, _ = build(data=hostile_data)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Delete stage “[bold]x[/]” (#1)?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert "Deleted “[bold]x[/]” (#1)" in screen_text(app)  # the toast, literally
        await pilot.press("down", "down", "down", "e")  # the 300-character name
        await settle(pilot)
        assert isinstance(app.screen, StageFormScreen)
        assert app.screen.query_one("#name").value == "L" * 300
        assert all(len(line) <= 120 for line in screen_text(app).splitlines())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await settle(pilot)
        assert app.is_running
