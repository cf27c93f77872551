"""The home screen: a server-paged table of stages with search, sort and filters."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from stages_tui.api import MauticError, Page, Stage

from ..errors import error_text, is_connection_error
from ..messages import StageDeleted, StageSaved
from ..widgets.footer import Footer
from ..widgets.search_bar import SearchBar
from ..widgets.stage_table import StageTable
from .list_query import ListQuery, PageCache
from .observer import StageObserver
from .stage_actions import NEEDS_STAGE, STAGE_BINDINGS, StageActions


class StageListScreen(StageActions, StageObserver, Screen[None]):
    HELP_TITLE = "Stage list"
    # Back with nothing focused (the startup screen popped after a retry): the table, not
    # the first focusable widget, which is the hidden search input.
    AUTO_FOCUS = "#stages"
    BINDINGS = [
        Binding("enter,l", "open_stage", "Open", tooltip="Open the highlighted stage", id="open-stage", key_display="enter"),
        Binding("slash", "search", "Search", tooltip="Search in Mautic syntax; enter applies, escape cancels", id="search"),
        Binding("left_square_bracket", "prev_page", "Prev", tooltip="Previous page", id="prev-page"),
        Binding("right_square_bracket", "next_page", "Next", tooltip="Next page (prefetched)", id="next-page"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column", id="sort"),
        Binding("S", "sort_direction", "Sort ↑↓", tooltip="Flip the sort direction", id="sort-direction", show=False),
        Binding("P", "published_only", "Published only", tooltip="Show only published stages, or all", id="published-only", show=False),
        Binding("r", "reload", "Reload", tooltip="Reload this page from the server", id="reload", show=False),
        *STAGE_BINDINGS,
        Binding("escape", "clear_search", "Clear search", tooltip="Clear the search", id="back", show=False),
    ]

    @dataclass
    class PageLoaded(Message):
        query: ListQuery
        page: int
        result: Page[Stage]
        prefetch: bool
        keep_id: int | None = None
        keep_index: int | None = None

    @dataclass
    class PageFailed(Message):
        query: ListQuery
        page: int
        error: BaseException

    def __init__(self) -> None:
        super().__init__()
        self.list_query = ListQuery()
        self.page = 1
        self.total: int | None = None
        self.state = "loading"  # loading | ready | empty | error
        self._cache = PageCache()
        self._waiting: tuple[ListQuery, int, int | None, int | None] | None = None
        self._bindings_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        if self.app.settings.is_sandbox:
            yield Static(Text(self.app.settings.sandbox_notice), id="sandbox-notice")
        search = SearchBar(id="search-bar")
        search.display = False
        yield search
        with Vertical(id="list-body"):
            yield StageTable(id="stages")
            yield Static("", id="list-message")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.list_query = replace(self.list_query, page_size=self.app.settings.page_size)
        self.query_one("#list-message").display = False
        self.query_one(StageTable).focus()
        self._load(1)

    # ------------------------------------------------------------------ state helpers

    @property
    def table(self) -> StageTable:
        return self.query_one(StageTable)

    @property
    def pages(self) -> int:
        return self.list_query.pages(self.total or 0)

    def current_stage(self) -> Stage | None:
        if self.state != "ready":
            return None
        stage_id = self.table.current_id
        return self.table.stages.get(stage_id) if stage_id is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "prev_page":
            return self.page > 1 or None
        if action == "next_page":
            return (self.total is not None and self.page < self.pages) or None
        if action in NEEDS_STAGE or action == "open_stage":
            return self.current_stage() is not None or None
        if action == "clear_search":
            return bool(self.list_query.search) or self.query_one(SearchBar).display or None
        return True

    # ------------------------------------------------------------------ loading

    def _load(self, page: int, keep_id: int | None = None, keep_index: int | None = None) -> None:
        self.page = page
        cached = self._cache.get(self.list_query, page)
        if cached is not None:
            self._waiting = None
            self._show(cached, keep_id, keep_index)
            return
        self._waiting = (self.list_query, page, keep_id, keep_index)
        self.state = "loading"
        self.query_one("#list-body").loading = True
        self._update_status()
        self._fetch(self.list_query, page, keep_id, keep_index)

    @work(exclusive=True, group="stages-page", exit_on_error=False)
    async def _fetch(self, query: ListQuery, page: int, keep_id: int | None,
                     keep_index: int | None) -> None:
        try:
            result = await self._request(query, page)
        except Exception as error:  # noqa: BLE001 — shown as the list's error state
            self.post_message(self.PageFailed(query, page, error))
        else:
            self.post_message(self.PageLoaded(query, page, result, False, keep_id, keep_index))

    @work(exclusive=True, group="stages-prefetch", exit_on_error=False)
    async def _prefetch(self, query: ListQuery, page: int) -> None:
        try:
            result = await self._request(query, page)
        except MauticError:
            return  # the real load will show the error if it happens again
        self.post_message(self.PageLoaded(query, page, result, True))

    async def _request(self, query: ListQuery, page: int) -> Page[Stage]:
        return await self.app.client.list_stages(
            search=query.search, start=query.start(page), limit=query.page_size,
            order_by=query.order_by, order_dir=query.order_dir,
            published_only=query.published_only)

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        self._cache.put(message.query, message.page, message.result)
        if message.prefetch:
            waiting = self._waiting
            if waiting and waiting[:2] == (message.query, message.page):
                self._waiting = None
                self._show(message.result, waiting[2], waiting[3])
            return
        if (message.query, message.page) != (self.list_query, self.page):
            return  # a stale answer for a query or page no longer shown
        self._waiting = None
        self._show(message.result, message.keep_id, message.keep_index)

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        if (message.query, message.page) != (self.list_query, self.page):
            return
        self._waiting = None
        if self.total is None and is_connection_error(message.error):
            self.app.connection_failed(message.error)  # never reached the server yet
        self.state = "error"
        self.query_one("#list-body").loading = False
        self._show_message(Text.assemble(
            ("Could not load the stages.\n\n", "bold"), error_text(message.error),
            "\n\nPress r to retry."), error=True)
        self._update_status()

    def _show(self, result: Page[Stage], keep_id: int | None, keep_index: int | None) -> None:
        self.total = result.total
        if not result.items and self.page > 1 and result.total > 0:
            # The page emptied (stages deleted elsewhere): show the last one instead.
            self._load(self.pages, keep_id, keep_index)
            return
        self.query_one("#list-body").loading = False
        self.table.show(result.items, keep_id, keep_index)
        if result.items:
            self.state = "ready"
            self._show_message(None)
        else:
            self.state = "empty"
            self._show_message(self._empty_text())
        self._update_status()
        # After the paint: the page shown first, then the work that can wait (prefetch, categories).
        if self.page < self.pages and self._cache.get(self.list_query, self.page + 1) is None:
            self.call_after_refresh(self._prefetch, self.list_query, self.page + 1)
        self.call_after_refresh(self.app.page_shown)

    def _empty_text(self) -> Text:
        query = self.list_query
        if not query.search and not query.published_only:
            return Text("No stages yet. Press n to create one.")
        what = Text("No stages match ")
        if query.search:
            what.append_text(Text.assemble("the search “", (query.search, "bold"), "”"))
        if query.published_only:
            what.append(" among published stages" if query.search else "published only")
        what.append(".\n\nPress escape to clear the search" if query.search else ".")
        if query.published_only:
            what.append(("," if query.search else "\n\nPress") + " P to show unpublished ones too.")
        elif query.search:
            what.append(".")
        return what

    def _show_message(self, text: Text | None, *, error: bool = False) -> None:
        message = self.query_one("#list-message", Static)
        message.display = text is not None
        message.set_class(error, "-error")
        self.table.display = text is None
        if text is not None:
            message.update(text)
        elif self.focused is None or self.focused is message:
            self.table.focus()

    def _update_status(self) -> None:
        query = self.list_query
        if self.state == "loading" and self.total is None:
            parts = [Text("loading…")]
        else:
            parts = [Text(f"page {self.page}/{self.pages}"), Text(f"{self.total or 0} total")]
        parts.append(Text(f"sort {query.sort_label}"))
        if query.search:
            parts.append(Text.assemble("search “", (query.search, "bold"), "”"))
        if query.published_only:
            parts.append(Text("published only", style="bold"))
        if self.state == "loading" and self.total is not None:  # else it leads already
            parts.append(Text("loading…", style="italic"))
        elif self.state == "error":
            # page and total above are from the last page that did load
            parts.append(Text("could not load (r retries)", style="bold"))
        self.query_one("#status", Static).update(Text(" · ").join(parts))
        self._refresh_bindings_soon()

    def _refresh_bindings_soon(self) -> None:
        # Each refresh recomposes the Footer; several state changes in one go need one.
        if not self._bindings_pending:
            self._bindings_pending = True
            self.call_after_refresh(self._refresh_bindings_now)

    def _refresh_bindings_now(self) -> None:
        self._bindings_pending = False
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions

    def _requery(self, query: ListQuery) -> None:
        """A new search, sort or filter: back to page 1, the cursor kept on its stage if listed."""
        keep = self.table.current_id
        self.list_query = query
        self._cache.clear()
        self._load(1, keep)

    def action_open_stage(self) -> None:
        if stage := self.current_stage():
            self.app.open_stage(stage)

    @on(DataTable.RowSelected, "#stages")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_stage()

    def action_next_page(self) -> None:
        if self.total is not None and self.page < self.pages:
            self._load(self.page + 1)

    def action_prev_page(self) -> None:
        if self.page > 1:
            self._load(self.page - 1)

    def action_sort(self) -> None:
        self._requery(self.list_query.next_sort())

    def action_sort_direction(self) -> None:
        self._requery(self.list_query.flipped())

    def action_published_only(self) -> None:
        self._requery(replace(self.list_query,
                              published_only=not self.list_query.published_only))

    def action_reload(self) -> None:
        self._cache.clear()
        self._load(self.page, self.table.current_id, self.table.cursor_row)

    def action_search(self) -> None:
        self.query_one(SearchBar).open(self.list_query.search)

    def action_clear_search(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.display:  # left open by tab or a click: escape cancels it, as its hint says
            bar.action_cancel()
            return
        if self.list_query.search:
            self._requery(replace(self.list_query, search=""))

    @on(SearchBar.Applied)
    def _search_applied(self, event: SearchBar.Applied) -> None:
        self.table.focus()
        self._requery(replace(self.list_query, search=event.value))

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self.table.focus()

    # ------------------------------------------------------------------ routed changes

    def stage_saved(self, message: StageSaved) -> None:
        self._cache.clear()
        stage = message.stage
        if not message.created and self.table.update_stage(stage):
            if self.page < self.pages:
                self._prefetch(self.list_query, self.page + 1)
            return
        self._load(self.page, stage.id if message.created else self.table.current_id,
                   self.table.cursor_row)

    def stage_deleted(self, message: StageDeleted) -> None:
        self._cache.clear()
        keep = self.table.current_id
        self._load(self.page, None if keep == message.stage_id else keep, self.table.cursor_row)
