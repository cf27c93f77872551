"""Help per screen, the command palette's commands, the user keymap, cross-screen messages."""

from __future__ import annotations

import os

from rich.console import Console
from textual.widgets import Input, Static

from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.screens.help import HelpScreen
from stages_tui.tui.screens.stage_detail import StageDetailScreen
from stages_tui.tui.screens.stage_form import StageFormScreen
from stages_tui.tui.screens.stage_list import StageListScreen

from tui_harness import build, db_stage, running, screen_text, settle


def rendered(widget) -> str:
    console = Console(width=100, record=True, file=open(os.devnull, "w"))
    console.print(widget.content)
    return console.export_text()


async def test_help_lists_the_screens_keys_and_the_search_syntax():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = rendered(app.screen.query_one("#help-keys", Static))
        for expected in ("/  ", "Search in Mautic syntax", "]  ", "Next page", "[  ",
                         "Previous page", "Sort by the next column", "Flip the sort direction",
                         "Show only published stages", "Reload this page", "Create a new stage",
                         "Edit this stage", "Delete this stage", "Publish or unpublish",
                         "Add contacts", "enter l  Open", "j        Next row", "Help for this screen"):
            assert expected in keys
        syntax = rendered(app.screen.query_one("#help-search", Static))
        assert "is:published" in syntax and "category:ALIAS" in syntax and "ids:1,2,3" in syntax
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)


async def test_question_mark_opens_help_on_the_detail_with_its_own_keys():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = rendered(app.screen.query_one("#help-keys", Static))
        assert "Back" in keys and "Edit this stage" in keys and "Next page" not in keys
        assert not app.screen.query("#help-search")
        # with no search column the keys use the dialog's width instead of wrapping at 40
        assert app.screen.query_one("#help-keys-box").size.width > 80


async def test_question_mark_types_into_inputs_on_the_form():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("question_mark")
        assert app.screen.query_one("#name", Input).value == "?"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Save" in rendered(app.screen.query_one("#help-keys", Static))


async def run_command(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = text
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_new_stage_and_go_to_stage_by_id():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await run_command(pilot, "New stage")
        assert isinstance(app.screen, StageFormScreen) and app.screen.stage is None
        await pilot.press("escape")
        await pilot.pause()
        await run_command(pilot, "7")
        assert isinstance(app.screen, StageDetailScreen) and app.screen.stage_id == 7
        await pilot.press("escape")
        await pilot.pause()
        await run_command(pilot, "Go to stage by id")
        await pilot.press("1", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StageDetailScreen) and app.screen.stage_id == 11


async def test_palette_search_published_only_and_theme():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await run_command(pilot, "Theme")  # Textual's theme picker is offered
        await pilot.pause(0.2)
        assert "Search for themes" in screen_text(app) and "ansi-dark" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await run_command(pilot, "Published only")
        assert app.screen.list_query.published_only
        await run_command(pilot, "Search stages")
        assert app.screen.query_one("#search-input", Input).has_focus


async def test_user_keymap_rebinds_by_binding_id():
    app, _, transport = build(keymap={"reload": "R", "next-page": "n"})
    async with running(app) as (pilot, _):
        before = len(transport.sent("GET", "/api/stages"))
        await pilot.press("R")
        await settle(pilot)
        assert len(transport.sent("GET", "/api/stages")) > before
        await pilot.press("n")  # remapped: next page instead of new stage
        await settle(pilot)
        assert app.screen.page == 2


async def test_contacts_moved_is_routed_to_the_detail_showing_that_stage():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        reloaded = []
        detail.query_one("#stage-contacts").reload = lambda: reloaded.append(True)
        app.post_message(ContactsMoved([5], {5: None}, 1))
        await settle(pilot)
        app.post_message(ContactsMoved([5], {5: 1}, 2))
        app.post_message(ContactsMoved([5], {5: 3}, 4))  # not this stage
        await settle(pilot)
        assert reloaded == [True, True]


async def test_edit_from_the_detail_updates_the_list_behind_it():
    app, sandbox, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#name", Input).value = "Lead (renamed)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StageDetailScreen)
        assert "Lead (renamed)" in str(app.screen.query_one("#detail-title", Static).content)
        list_screen = app.screen_stack[-2]
        assert isinstance(list_screen, StageListScreen)
        assert str(list_screen.table.get_cell("1", "name")) == "Lead (renamed)"
        assert db_stage(sandbox, 1)["name"] == "Lead (renamed)"


async def test_f1_in_a_dialog_explains_the_dialogs_keys():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = rendered(app.screen.query_one("#help-keys", Static))
        assert "Yes" in keys and "No" in keys
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")  # back in the dialog, which still answers
        await pilot.pause()
        assert isinstance(app.screen, StageListScreen)


def visible_footer_key(app, actions=("help", "app.help")) -> bool:
    from textual.widgets._footer import FooterKey

    width = app.size.width - 14  # the palette key is docked over the right end
    return any(key.action in actions and 0 < key.region.right <= width
               for key in app.screen.query(FooterKey))


def visible_help_key(app) -> bool:
    return visible_footer_key(app)


async def test_f1_help_stays_visible_in_the_footer_of_an_80_column_terminal():
    app, _, _ = build()
    async with running(app, size=(80, 24)) as (pilot, _):
        await settle(pilot)
        assert visible_help_key(app)  # list: many keys, cut on the right
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StageDetailScreen)
        assert visible_help_key(app)


async def test_undo_and_help_both_fit_the_120_column_footer_after_a_delete():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert visible_footer_key(app, ("undo_delete", "app.undo_delete"))
        assert visible_help_key(app)


async def test_the_compact_footer_palette_key_covers_the_right_edge():
    app, _, _ = build()
    async with running(app, size=(80, 24)) as (pilot, _):
        await settle(pilot)
        footer_line = screen_text(app).splitlines()[-1]
        # The keys cut underneath used to show through the last column ("^p Paletteh").
        assert footer_line.endswith("^p Palette"), footer_line


async def test_help_on_an_80_column_terminal_stacks_the_search_syntax_under_the_keys():
    app, _, _ = build()
    async with running(app, size=(80, 24)) as (pilot, _):
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Next row" in screen_text(app)
        await pilot.press("end")  # one scroll for both: the keys, then the search syntax
        await pilot.pause()
        shown = screen_text(app)
        # side by side, the syntax column was ~12 cells: "descript…", a word per line
        assert "name or description contains the word" in shown
        assert "either term; ( ) groups" in shown
