"""Stand-in for search.py (H2) until it lands: plain words and `ids:` only."""

from __future__ import annotations

from typing import Any


def _words(search: str) -> list[str]:
    return [w for w in (search or "").split() if w]


def _filter(search: str, id_col: str, text_cols: list[str]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for word in _words(search):
        if word.startswith("ids:"):
            ids = [int(x) for x in word[4:].split(",") if x.strip().lstrip("-").isdigit()]
            clauses.append(f"{id_col} IN ({','.join('?' * len(ids))})" if ids else "0=1")
            params.extend(ids)
            continue
        like = " OR ".join(f"{c} LIKE ?" for c in text_cols)
        clauses.append(f"({like})")
        params.extend([f"%{word.lower()}%"] * len(text_cols))
    return (" AND ".join(clauses) or "1=1"), params


def stage_filter(search: str, user_id: int | None = 1) -> tuple[str, list[Any]]:
    return _filter(search, "s.id", ["s.name", "s.description"])


def contact_filter(search: str, user_id: int | None = 1) -> tuple[str, list[Any]]:
    return _filter(search, "l.id", ["l.firstname", "l.lastname", "l.email", "l.company"])


def category_filter(search: str, user_id: int | None = 1) -> tuple[str, list[Any]]:
    return _filter(search, "c.id", ["c.title", "c.description"])
