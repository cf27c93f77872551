"""The stage list's query state (search, sort, filter, page size) and its page cache."""

from __future__ import annotations

from dataclasses import dataclass, replace

from stages_tui.api import Page, Stage

# (Mautic orderBy, label shown in the status line), in the order `s` cycles through.
SORTS: list[tuple[str, str]] = [
    ("id", "ID"),
    ("name", "Name"),
    ("c.title", "Category"),
    ("weight", "Weight"),
    ("isPublished", "Published"),
    ("publishUp", "Publish up"),
    ("dateModified", "Modified"),
]


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    sort: int = 0
    descending: bool = False
    published_only: bool = False
    page_size: int = 30

    @property
    def order_by(self) -> str:
        return SORTS[self.sort][0]

    @property
    def order_dir(self) -> str:
        return "desc" if self.descending else "asc"

    @property
    def sort_label(self) -> str:
        return f"{SORTS[self.sort][1]} {'↓' if self.descending else '↑'}"

    def next_sort(self) -> ListQuery:
        return replace(self, sort=(self.sort + 1) % len(SORTS), descending=False)

    def flipped(self) -> ListQuery:
        return replace(self, descending=not self.descending)

    def start(self, page: int) -> int:
        return (page - 1) * self.page_size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.page_size))


class PageCache:
    """Pages already fetched for one query; dropped whenever the query or the data changes."""

    def __init__(self) -> None:
        self._pages: dict[tuple[ListQuery, int], Page[Stage]] = {}

    def get(self, query: ListQuery, page: int) -> Page[Stage] | None:
        return self._pages.get((query, page))

    def put(self, query: ListQuery, page: int, result: Page[Stage]) -> None:
        self._pages[(query, page)] = result

    def clear(self) -> None:
        self._pages.clear()
