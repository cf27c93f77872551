"""List query parameters as Mautic reads them: start/limit, orderBy/order, where[].

Column names are resolved by a per-entity `resolve(name) -> "alias.column"` that raises
the generic 500 for anything unknown (Mautic turns the Doctrine error into a 500). Text
columns come back with COLLATE NOCASE: MySQL compares and sorts them case-insensitively,
and the NOCASE indexes can then serve those sorts.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from typing import Any, Callable

from .errors import server_error
from .phpish import as_list, php_int, php_truthy

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
                raise server_error()  # validateOrderByClause: "col" is required
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

    As CommonRepository::buildWhereClauseFromArray: a clause needs `expr` and `col`
    (or `column`; else 500); expressions it does not know add nothing; `val` (or
    `value`) defaults to ''; unknown columns are a 500.
    """
    raw = query.get("where")
    if raw is None or raw == "":  # PHP: an empty `where` is no where at all
        return None
    if not isinstance(raw, dict):
        raise server_error()
    conditions: list[str] = []
    params: list[Any] = []
    for item in raw.values():
        built = _clause(item, resolve, params)
        if built:
            conditions.append(built)
    return conditions, params


def _clause(item: Any, resolve: Resolver, params: list[Any]) -> str | None:
    if not isinstance(item, dict):
        raise server_error()
    expr = item.get("expr")
    if expr in ("andX", "orX"):
        nested = item.get("val")
        if not isinstance(nested, dict):
            raise server_error()
        parts = [p for p in (_clause(sub, resolve, params) for sub in nested.values()) if p]
        if not parts:
            return None
        joiner = " AND " if expr == "andX" else " OR "
        return "(" + joiner.join(parts) + ")"
    col = item.get("column") or item.get("col")
    if not expr or not col or not isinstance(expr, str) or not isinstance(col, str):
        raise server_error()
    expr = re.sub(r"[^0-9A-Za-z]", "", expr)
    if expr not in _KNOWN:
        return None
    val = item["value"] if item.get("value") is not None else item.get("val", "")
    column = resolve(re.sub(r"[^0-9A-Za-z_.]", "", col))
    if expr in _SIMPLE:
        params.append(_scalar(val))
        return f"{column} {_SIMPLE[expr]} ?"
    if expr in ("like", "notLike"):
        params.append(_scalar(val))
        return f"{column} {'NOT LIKE' if expr == 'notLike' else 'LIKE'} ?"
    if expr in ("in", "notIn"):
        # str_getcsv of the (entity-decoded) string; a single value is a plain = / <>
        values = next(csv.reader([html.unescape(str(_scalar(val)))], quotechar='"'), [""])
        if len(values) == 1:
            params.append(values[0])
            return f"{column} {'=' if expr == 'in' else '<>'} ?"
        params.extend(values)
        marks = ",".join("?" * len(values))
        return f"{column} {'NOT IN' if expr == 'notIn' else 'IN'} ({marks})"
    if expr in ("between", "notBetween"):
        bounds = as_list(val) if isinstance(val, (dict, list)) else []
        if len(bounds) != 2:
            return None  # Mautic adds nothing unless given exactly two values
        params.extend([_scalar(bounds[0]), _scalar(bounds[1])])
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


def filters(query: dict[str, Any], search: tuple[str, list[Any]], resolve: Resolver,
            published_column: str) -> tuple[str, list[Any]]:
    """The WHERE of an ORM entity list: the search, then `where[]`, or `published` only
    when there is no `where[]` (Mautic drops its forced filters once `where` is given)."""
    conditions, params = [search[0]], list(search[1])
    custom = where(query, resolve)
    if custom is not None:
        conditions.extend(custom[0])
        params.extend(custom[1])
    elif php_truthy(query.get("published")):
        conditions.append(f"{published_column} = 1")
    return combine(conditions), params
