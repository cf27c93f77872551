"""Mautic 5.1's `search=` strings turned into SQLite WHERE fragments.

A port of `SearchStringHelper` (the parser) and of the repositories that turn its
filters into SQL (`CommonRepository`, `StageRepository`, `CategoryRepository`,
`LeadRepository`), quirks included, because the sandbox must answer like Mautic:

- a group's AND/OR is the type of its *second* clause (`a OR b c` is `a OR b OR c`);
- a word after a parsed `( … )` group is dropped, and `!( … )` is not negated;
- stages/categories negate a plain word with SQL `NOT (name LIKE … OR description LIKE …)`,
  so a NULL description drops the row (three-valued logic);
- contacts negate with `col NOT LIKE …` per column, joined by AND;
- contact commands that Mautic applies through a join (`stage:`, `company:`, `tag:` …)
  are ANDed onto the whole query, outside any OR;
- `!ids:` on contacts is not negated; `!name:x` is `firstname NOT LIKE OR lastname NOT LIKE`.

Values are compared with MySQL LIKE rules (backslash escapes, `%` and `_` wildcards) and
SQLite's ASCII-only case folding. Nothing here raises on any input string.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from .schema import CONTACT_FIELD_COLUMNS

Fragment = tuple[str, list]

_MAX_DEPTH = 60  # nested "(" groups beyond this are read as plain words
_PHP_TRIM = " \t\n\r\0\x0b"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)
_NUMERIC = re.compile(r"^[ \t\n\r\x0b\x0c]*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)")


# --- PHP helpers (the parser works on a byte string held as latin-1 text, like PHP) ---


def _php_trim(text: str) -> str:
    return text.strip(_PHP_TRIM)


def _php_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _to_bytes_text(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _from_bytes_text(text: str) -> str:
    return text.encode("latin-1").decode("utf-8", "replace")


def php_intval(text: str) -> int:
    """PHP's intval() of a string: leading numeric part, floats truncated, clamped to int64."""
    match = _NUMERIC.match(text)
    if not match:
        return 0
    number = match.group(1)
    if re.fullmatch(r"[+-]?\d+", number):
        value = int(number)
    else:
        try:
            as_float = float(number)
        except (ValueError, OverflowError):  # pragma: no cover - regex guarantees a float
            return 0
        if as_float != as_float or as_float in (float("inf"), float("-inf")):
            return 0
        value = int(as_float)
    return max(_INT64_MIN, min(_INT64_MAX, value))


def like_param(pattern: str) -> str:
    """A MySQL LIKE pattern made safe for SQLite's `ESCAPE '\\'` (a lone trailing \\ is literal)."""
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    if trailing % 2:
        pattern += "\\"
    return pattern


# --- MariaDB's utf8mb4_unicode_ci LIKE, for the small tables (stages, categories) ---

LIKE_FUNCTION = "sandbox_like"


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, like the _ci collation compares ("Zürich" ~ "zurich")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=512)
def _like_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            parts.append(re.escape(_fold(pattern[i + 1])))
            i += 2
            continue
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(_fold(ch)))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def sandbox_like(pattern: object, value: object) -> int | None:
    """`value LIKE pattern` with MySQL rules (backslash escapes) under a _ci collation."""
    if pattern is None or value is None:
        return None
    return 1 if _like_regex(str(pattern)).fullmatch(_fold(str(value))) else 0


def register_functions(conn: sqlite3.Connection) -> None:
    """Give `conn` the LIKE that the stage/category fragments use when built with `conn=`."""
    conn.create_function(LIKE_FUNCTION, 2, sandbox_like, deterministic=True)


# --- the parser: SearchStringHelper::splitUpSearchString / setFilter ---


@dataclass
class Filter:
    type: str = "and"
    command: str = ""
    string: str = ""
    negate: bool = False
    strict: bool = False
    children: dict[int, "Filter"] | None = None


@dataclass
class Parsed:
    filters: dict[int, Filter]
    commands: dict[str, int] = field(default_factory=dict)  # command -> NEGATE/POSIT/NEUTRAL


COMMAND_NEGATE, COMMAND_POSIT, COMMAND_NEUTRAL = 0, 1, 2


def parse(search: str) -> Parsed:
    """Parse a search string the way Mautic 5.1 does (values lower-cased, byte-wise).

    The API hands `search` to SearchStringHelper::parseString() as is: no strip_tags, no trim.
    """
    return _split(_to_bytes_text(search), "", 0)


def _split(text: str, override: str, depth: int) -> Parsed:
    parsed = Parsed({0: Filter(command=override)})
    filters = parsed.filters
    state = {"key": 0, "command": override, "string": ""}

    def current() -> Filter:
        # PHP dies on a filter slot it unset earlier; we start a fresh one instead.
        key = state["key"]
        if key not in filters:
            filters[key] = Filter(command=override)
        return filters[key]

    def add_command(flt: Filter) -> None:
        command = flt.command
        if command == "is":
            command = f"{command}:{flt.string}"
        if not command:
            return
        status = parsed.commands.get(command)
        if status is None:
            parsed.commands[command] = COMMAND_NEGATE if flt.negate else COMMAND_POSIT
        elif (flt.negate and status == COMMAND_POSIT) or (not flt.negate and status == COMMAND_NEGATE):
            parsed.commands[command] = COMMAND_NEUTRAL

    def set_filter(set_it: bool = True, op: str = "", set_up_next: bool = True) -> None:
        if op:
            current().type = _php_lower(op)
        elif set_it:
            value = _php_trim(_php_lower(state["string"]))
            if value in ("", "or", "and"):
                filters.pop(state["key"], None)
                state["string"] = value
                return  # PHP returns before resetting string/command here
            flt = current()
            strict_pos, not_pos = value.find("+"), value.find("!")
            if strict_pos in (0, 1) or not_pos in (0, 1):
                if strict_pos != -1 and not_pos != -1:
                    flt.strict, flt.negate, value = True, True, value[2:]
                elif strict_pos == 0 and not_pos == -1:
                    flt.strict, flt.negate, value = True, False, value[1:]
                elif strict_pos == -1 and not_pos == 0:
                    flt.strict, flt.negate, value = False, True, value[1:]
            flt.string = value
            add_command(flt)
            if set_up_next:
                state["key"] += 1
                filters[state["key"]] = Filter(command=override)
        state["string"] = ""
        state["command"] = override

    i, n = 0, len(text)
    while i < n:
        char = text[i]
        state["string"] += char
        i += 1
        if char == ":":
            command = _php_trim(state["string"][:-1])
            if command.startswith("!"):
                current().negate = True
                command = command[1:]
            state["command"] = command
            if i >= n:
                filters.pop(state["key"], None)  # "cmd:" with no value is dropped
            else:
                current().command = command
                state["string"] = ""
        elif char == " ":
            if state["string"] != " ":
                state["string"] = _php_trim(state["string"])
                word = state["string"]
                op = word if _php_lower(word) in ("or", "and") else ""
                set_filter(True, op, i < n)
        elif char in ('"', "("):
            closer = '"' if char == '"' else ")"
            opened = closed = 1
            while i < n:
                c = text[i]
                state["string"] += c
                i += 1
                if c == closer and opened == closed:
                    group = state["string"]
                    if group.startswith("!"):
                        current().negate = True
                        group = group[1:]
                    if group.startswith(char) and group.endswith(c) and len(group) >= 2:
                        group = group[1:-1]
                    needs_parsing = False
                    if c != '"' and any(p in group for p in (" ", "(", ")")):
                        # PHP recurses forever when nothing was stripped; read it as a word.
                        if group != text and depth < _MAX_DEPTH:
                            current().children = _split(group, state["command"], depth + 1).filters
                            needs_parsing = True
                    state["string"] = group
                    set_filter(not needs_parsing)
                    break
                if c == char:
                    opened += 1
                elif c == closer:
                    closed += 1
        elif i >= n:
            current().command = state["command"]
            set_filter(True, "", False)
    return parsed


# --- SQL building ---


class _Builder:
    """Turns parsed filters into SQL for one repository; subclasses name columns and commands."""

    commands: tuple[str, ...] = ()

    def __init__(self, user_id: int | None, commands_status: dict[str, int]):
        self.user_id = user_id
        self.status = commands_status
        self.outer: list[Fragment] = []  # clauses Mautic ANDs onto the whole query

    # isSupportedSearchCommand: may turn ("is", "published") into "is:published"
    def resolve(self, flt: Filter) -> str | None:
        for name in self.commands:
            if name == flt.command:
                return name
            if name == f"{flt.command}:{flt.string}":
                flt.string = ""
                return name
        return None

    def group(self, filters: dict[int, Filter]) -> Fragment | None:
        if 0 not in filters:
            return None
        op = filters[1].type if 1 in filters else filters[0].type
        parts: list[str] = []
        params: list = []
        for flt in list(filters.values()):
            piece = self.expression(flt)
            if piece is None:
                continue
            parts.append(piece[0])
            params.extend(piece[1])
        if not parts:
            return None
        joiner = " OR " if op == "or" else " AND "
        return "(" + joiner.join(parts) + ")", params

    def expression(self, flt: Filter) -> Fragment | None:
        if flt.children is not None:
            return self.group(flt.children)
        if flt.command:
            name = self.resolve(flt)
            if name is not None:
                return self.command(name, flt)
            # an unknown command is one literal, strict, never negated word
            word = Filter(command="", string=f"{flt.command}:{flt.string}", strict=True)
            return self.catch_all(word)
        if flt.string:
            return self.catch_all(flt)
        return None

    def catch_all(self, flt: Filter) -> Fragment | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def command(self, name: str, flt: Filter) -> Fragment | None:  # pragma: no cover
        raise NotImplementedError

    def build(self, parsed: Parsed) -> Fragment:
        main = self.group(parsed.filters)
        parts = [p for p in [main, *self.outer] if p is not None]
        if not parts:
            return "1=1", []
        sql = " AND ".join(p[0] for p in parts)
        params = [v for p in parts for v in p[1]]
        return sql, params


def _like(column: str, negate: bool = False) -> str:
    return f"{column} {'NOT LIKE' if negate else 'LIKE'} ? ESCAPE '\\'"


def _catch_all_pattern(flt: Filter) -> str:
    value = _from_bytes_text(flt.string)
    if not flt.strict and "%" not in value:
        value = f"%{value}%"
    return like_param(value)


def _ids_sql(column: str, value: str) -> str:
    ids = [php_intval(part) for part in value.split(",")]
    return f"{column} IN ({', '.join(str(i) for i in ids)})"


class _OrmBuilder(_Builder):
    """Stages and categories (Doctrine ORM): a negated clause is wrapped in NOT (…)."""

    columns: tuple[str, ...] = ()
    folding = False  # True: compare like MariaDB's _ci collation (needs register_functions)

    def like(self, column: str) -> str:
        return f"{LIKE_FUNCTION}(?, {column})" if self.folding else _like(column)

    def catch_all(self, flt: Filter) -> Fragment:
        pattern = _catch_all_pattern(flt)
        sql = "(" + " OR ".join(self.like(c) for c in self.columns) + ")"
        if flt.negate:
            sql = f"NOT {sql}"
        return sql, [pattern] * len(self.columns)

    def negated(self, flt: Filter, fragment: Fragment | None) -> Fragment | None:
        if fragment is None or not flt.negate:
            return fragment
        return f"NOT ({fragment[0]})", fragment[1]


class _StageBuilder(_OrmBuilder):
    columns = ("s.name", "s.description")
    commands = ("is:published", "is:unpublished", "is:uncategorized", "is:mine", "category", "ids")

    def command(self, name: str, flt: Filter) -> Fragment | None:
        value = _from_bytes_text(flt.string)
        fragment: Fragment | None
        if name == "is:published":
            fragment = ("s.is_published = 1", [])
        elif name == "is:unpublished":
            fragment = ("s.is_published = 0", [])
        elif name == "is:uncategorized":
            fragment = ("s.category_id IS NULL", [])
        elif name == "is:mine":
            fragment = ("s.created_by = ?", [self.user_id])
        elif name == "category":
            fragment = (self.like("c.alias"), [like_param(value)])  # always strict: exact alias
        elif name == "ids":
            fragment = (_ids_sql("s.id", value), [])
        else:  # pragma: no cover - resolve() only returns listed names
            fragment = None
        return self.negated(flt, fragment)


class _CategoryBuilder(_OrmBuilder):
    columns = ("c.title", "c.description")
    commands = ("is:published", "is:unpublished", "ids")

    def command(self, name: str, flt: Filter) -> Fragment | None:
        if name == "is:published":
            fragment: Fragment | None = ("c.is_published = 1", [])
        elif name == "is:unpublished":
            fragment = ("c.is_published = 0", [])
        else:
            fragment = (_ids_sql("c.id", _from_bytes_text(flt.string)), [])
        return self.negated(flt, fragment)


# Contact search: LeadRepository (Doctrine DBAL).
_SOCIAL = ("facebook", "foursquare", "instagram", "linkedin", "skype", "twitter")
_CONTACT_CATCH_ALL = tuple(
    f"l.{c}"
    for c in ("firstname", "lastname", "email", "company", "city", "state", "zipcode", "country", *_SOCIAL)
)
# Commands backed by tables the sandbox does not have (segments, tags, IPs, email stats…):
# with no such rows, the positive form matches nothing and the negated form everything.
_EMPTY_OUTER = ("segment", "company_id", "ip", "tag")
_EMPTY_INNER = (
    "common", "email_sent", "email_read", "email_queued", "email_pending", "page_source",
    "page_source_id", "import_id", "import_action", "page_id", "sms_sent", "web_sent", "mobile_sent",
)
_LEAD_COMMANDS = (
    "is:anonymous", "is:mine", "is:unowned", "segment", "name", "company", "company_id", "email",
    "owner", "ip", "tag", "stage", *_EMPTY_INNER,
)


class _ContactBuilder(_Builder):
    commands = (*_LEAD_COMMANDS, *CONTACT_FIELD_COLUMNS, "ids")
    conn: sqlite3.Connection | None = None

    def stage(self, prefix: str, negate: bool) -> Fragment:
        """`stage:` matches stage names by prefix; Mautic joins `stages`, we test the id."""
        if self.conn is None:
            ids_sql, params = f"(SELECT st.id FROM stages st WHERE {_like('st.name')})", [prefix]
            if not negate:
                # a constant EXISTS lets SQLite skip the scan when no stage name matches
                guard = f"EXISTS (SELECT 1 FROM stages st WHERE {_like('st.name')})"
                return f"({guard} AND l.stage_id IN {ids_sql})", [prefix, *params]
        else:
            # Resolved now, so SQLite sees literal ids: with one id the (stage_id, last_active)
            # index serves the page in order; a subquery makes it scan or sort a million rows.
            register_functions(self.conn)
            found = self.conn.execute(f"SELECT id FROM stages WHERE {LIKE_FUNCTION}(?, name) ORDER BY id",
                                      [prefix]).fetchall()
            if not found:
                return ("1" if negate else "0"), []
            ids_sql, params = "(" + ", ".join(str(int(r[0])) for r in found) + ")", []
        if negate:
            return f"(l.stage_id IS NULL OR l.stage_id NOT IN {ids_sql})", params
        return f"l.stage_id IN {ids_sql}", params

    def catch_all(self, flt: Filter) -> Fragment:
        pattern = _catch_all_pattern(flt)
        joiner = " AND " if flt.negate else " OR "
        sql = "(" + joiner.join(_like(c, flt.negate) for c in _CONTACT_CATCH_ALL) + ")"
        return sql, [pattern] * len(_CONTACT_CATCH_ALL)

    def command(self, name: str, flt: Filter) -> Fragment | None:
        value = _from_bytes_text(flt.string)
        prefix = like_param(value if flt.strict else f"{value}%")
        neg = flt.negate
        if name == "ids":
            return _ids_sql("l.id", value), []  # LeadRepository ignores "!" here
        if name == "is:anonymous":
            return f"l.date_identified IS {'NOT ' if neg else ''}NULL", []
        if name in ("is:mine", "owner"):
            return "0", []  # sandbox contacts have no owner: owner_id is NULL either way
        if name == "is:unowned":
            return ("0" if neg else "1"), []
        if name == "name":
            return f"({_like('l.firstname', neg)} OR {_like('l.lastname', neg)})", [prefix, prefix]
        if name == "email":
            return _like("l.email", neg), [prefix]
        if name in _EMPTY_INNER:
            return ("1" if neg else "0"), []
        if name in _EMPTY_OUTER:
            self.outer.append((("1" if neg else "0"), []))
            return None
        if name == "company":
            # Mautic joins the company record made from the field; the field stands in for it.
            sql = f"({_like('l.company', True)} OR l.company IS NULL)" if neg else _like("l.company")
            self.outer.append((sql, [prefix]))
            return None
        if name == "stage":
            self.outer.append(self.stage(prefix, neg))
            return None
        if name in CONTACT_FIELD_COLUMNS:
            return _like(f"l.{name}", neg), [prefix]
        return None  # pragma: no cover


def _filter(builder_type: Callable[[int | None, dict[str, int]], _Builder], search: object,
            user_id: int | None) -> Fragment:
    if not isinstance(search, str) or search in ("", "0"):  # PHP empty(): no filter at all
        return "1=1", []
    parsed = parse(search)
    return builder_type(user_id, parsed.commands).build(parsed)


def _orm(builder_type: type[_OrmBuilder], conn: sqlite3.Connection | None):
    def make(user: int | None, commands: dict[str, int]) -> _Builder:
        builder = builder_type(user, commands)
        if conn is not None:
            register_functions(conn)
            builder.folding = True
        return builder

    return make


def stage_filter(search: str, user_id: int | None = 1, conn: sqlite3.Connection | None = None) -> Fragment:
    """WHERE fragment for `FROM stages s LEFT JOIN categories c ON c.id = s.category_id`.

    With `conn`, words compare case- and accent-insensitively as on Mautic's MariaDB
    (a SQL function is registered on `conn` for that).
    """
    return _filter(_orm(_StageBuilder, conn), search, user_id)


def contact_filter(search: str, user_id: int | None = 1,
                   conn: sqlite3.Connection | None = None) -> Fragment:
    """WHERE fragment for `FROM leads l`.

    With `conn`, `stage:` names are looked up at once (accent- and case-insensitively) and
    the fragment carries literal stage ids (same rows, much faster at a million contacts);
    call it under the same lock as the query that uses the fragment. Contact columns keep
    SQLite's LIKE (ASCII case folding) so that prefix searches can use the indexes.
    """
    def make(user: int | None, commands: dict[str, int]) -> _Builder:
        builder = _ContactBuilder(user, commands)
        builder.conn = conn
        return builder

    return _filter(make, search, user_id)


def category_filter(search: str, user_id: int | None = 1,
                    conn: sqlite3.Connection | None = None) -> Fragment:
    """WHERE fragment for `FROM categories c` (`conn` as for stage_filter)."""
    return _filter(_orm(_CategoryBuilder, conn), search, user_id)
