"""List query parameters as Mautic reads them: start/limit, orderBy/order, where[].

Column names are resolved by a per-entity `resolve(name) -> "alias.column"` that raises
the generic 500 for anything unknown (Mautic turns the Doctrine error into a 500). Text
columns come back with COLLATE NOCASE: MySQL compares and sorts them case-insensitively,
and the NOCASE indexes can then serve those sorts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .errors import server_error
from .phpish import as_list, php_int

DEFAULT_LIMIT = 30

Resolver = Callable[[str], str]


@dataclass
class Paging:
    limit: int | None  # None: no LIMIT at all
    offset: int

    def sql(self) -> tuple[str, list[int]]:
        if self.limit is None:
            return "", []
        return " LIMIT ? OFFSET ?", [self.limit, self.offset]


def paging(query: dict[str, Any]) -> Paging:
    """`limit` default 30, empty or 0 = no limit; `start` applies only under a limit.

    Mautic passes the raw value on: `abc` becomes LIMIT 0 (right total, empty page);
    negative values break the SQL (500).
    """
    raw_limit = query.get("limit", DEFAULT_LIMIT)
    if isinstance(raw_limit, dict):
        raise server_error()
    if raw_limit in ("", "0", 0, None):
        return Paging(None, 0)
    limit = php_int(raw_limit)
    if limit < 0:
        raise server_error()
    raw_start = query.get("start", 0)
    if isinstance(raw_start, dict):
        raise server_error()
    start = php_int(raw_start)
    if start < 0:
        raise server_error()
    return Paging(limit, start)


_ORDER_CHARS = re.compile(r"^[A-Za-z0-9_.]+$")


def _direction(raw: Any) -> str:
    word = re.sub(r"[^A-Za-z0-9]", "", str(raw or "ASC")).upper() or "ASC"
    if word not in ("ASC", "DESC"):
        raise server_error()
    return word


def order_by(query: dict[str, Any], resolve: Resolver) -> list[str] | None:
    """ORDER BY terms from `order[i][col|dir]` (wins) or `orderBy`/`orderByDir`."""
    order = query.get("order")
    terms: list[str] = []
    if isinstance(order, dict) and order:
        for item in as_list(order):
            if not isinstance(item, dict) or not item.get("col"):
                continue
            terms.append(f"{_column(item['col'], resolve)} {_direction(item.get('dir'))}")
        return terms or None
    raw = query.get("orderBy")
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise server_error()
    direction = _direction(query.get("orderByDir"))
    for part in raw.split(","):
        terms.append(f"{_column(part, resolve)} {direction}")
    return terms


def _column(name: Any, resolve: Resolver) -> str:
    if not isinstance(name, str) or not _ORDER_CHARS.match(name.strip()):
        raise server_error()
    return resolve(name.strip())


_SIMPLE = {"eq": "=", "neq": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_KNOWN = set(_SIMPLE) | {"like", "notLike", "in", "notIn", "between", "notBetween", "isNull",
                         "isNotNull", "isEmpty", "isNotEmpty", "andX", "orX"}


def where(query: dict[str, Any], resolve: Resolver) -> tuple[list[str], list[Any]] | None:
    """SQL conditions for `where[...]`, or None when no `where` was given.

    Unknown expressions are ignored (as Mautic does); unknown columns are a 500.
    """
    raw = query.get("where")
    if raw is None or raw == "":
        return None
    conditions: list[str] = []
    params: list[Any] = []
    for item in as_list(raw):
        built = _clause(item, resolve, params)
        if built:
            conditions.append(built)
    return conditions, params


def _clause(item: Any, resolve: Resolver, params: list[Any]) -> str | None:
    if not isinstance(item, dict):
        return None
    expr = item.get("expr")
    if expr not in _KNOWN:
        return None
    val = item.get("val")
    if expr in ("andX", "orX"):
        parts = [p for p in (_clause(sub, resolve, params) for sub in as_list(val)) if p]
        if not parts:
            return None
        joiner = " AND " if expr == "andX" else " OR "
        return "(" + joiner.join(parts) + ")"
    col = item.get("col")
    if not isinstance(col, str) or not col:
        raise server_error()
    column = resolve(col)
    if expr in _SIMPLE:
        params.append(_scalar(val))
        return f"{column} {_SIMPLE[expr]} ?"
    if expr in ("like", "notLike"):
        params.append(_scalar(val))
        return f"{column} {'NOT LIKE' if expr == 'notLike' else 'LIKE'} ?"
    if expr in ("in", "notIn"):
        values = as_list(val) if isinstance(val, (dict, list)) else str(val or "").split(",")
        if not values:
            raise server_error()
        params.extend(_scalar(v) for v in values)
        marks = ",".join("?" * len(values))
        return f"{column} {'NOT IN' if expr == 'notIn' else 'IN'} ({marks})"
    if expr in ("between", "notBetween"):
        values = as_list(val)
        if len(values) < 2:
            raise server_error()
        params.extend([_scalar(values[0]), _scalar(values[1])])
        return f"{column} {'NOT BETWEEN' if expr == 'notBetween' else 'BETWEEN'} ? AND ?"
    if expr == "isNull":
        return f"{column} IS NULL"
    if expr == "isNotNull":
        return f"{column} IS NOT NULL"
    if expr == "isEmpty":
        return f"({column} = '' OR {column} IS NULL)"
    return f"({column} <> '' AND {column} IS NOT NULL)"  # isNotEmpty


def _scalar(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        raise server_error()
    return value


def combine(conditions: list[str]) -> str:
    parts = [c for c in conditions if c and c != "1=1"]
    return " AND ".join(f"({c})" for c in parts) if parts else "1=1"
