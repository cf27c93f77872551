"""PHP semantics the sandbox must copy to answer like Mautic (a PHP app) does.

Nested query/form keys (`where[0][col]=x`), `(int)` casts, truthiness, `filter_var`
booleans, the default input filter, and json_encode's list-vs-object rule and escaping.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Iterable

_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_nested(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build PHP's $_GET/$_POST array from decoded (key, value) pairs.

    `a[]=1&a[]=2` -> {"a": {"0": "1", "1": "2"}}; `w[0][col]=x` -> {"w": {"0": {"col": "x"}}}.
    Arrays are dicts with string keys (PHP arrays); use `as_list` to read them as lists.
    """
    result: dict[str, Any] = {}
    for raw_key, value in pairs:
        bracket = raw_key.find("[")
        if bracket <= 0:
            if raw_key:
                result[raw_key.replace(".", "_").replace(" ", "_")] = value
            continue
        base = raw_key[:bracket]
        rest = raw_key[bracket:]
        parts = _KEY_PART.findall(rest)
        if not parts or not rest.startswith("["):
            result[raw_key] = value
            continue
        container: dict[str, Any] = result
        key = base
        for part in parts:
            child = container.get(key)
            if not isinstance(child, dict):
                child = {}
                container[key] = child
            container = child
            if part == "":
                numeric = [int(k) for k in container if k.lstrip("-").isdigit()]
                part = str(max(numeric) + 1 if numeric else 0)
            key = part
        container[key] = value
    return result


def as_list(value: Any) -> list[Any]:
    """A PHP array (dict) or scalar read as a list of values, in key order."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    if value is None:
        return []
    return [value]


_INT_PREFIX = re.compile(r"^[ \t\n\r\v\f]*([+-]?\d+)")


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def php_int(value: Any) -> int:
    """PHP's (int) cast (clamped to PHP's 64-bit int range)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return 0
        number = int(value)
    elif isinstance(value, (dict, list)):
        return 1 if value else 0
    else:
        m = _INT_PREFIX.match(str(value))
        number = int(m.group(1)) if m else 0
    return max(INT64_MIN, min(INT64_MAX, number))


def route_id(text: str) -> int:
    """A numeric path id; one beyond any database id matches nothing (-1)."""
    number = int(text)
    return number if number <= INT64_MAX else -1


def php_truthy(value: Any) -> bool:
    """PHP truthiness of a request value ("0" and "" are false, "false" is true)."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    if isinstance(value, (dict, list)):
        return bool(value)
    return bool(value)


def filter_bool(value: Any) -> bool:
    """filter_var($v, FILTER_VALIDATE_BOOLEAN): only 1/true/on/yes are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return False


def clean_text(text: str) -> str:
    """Mautic's default input filter (Joomla InputFilter): decode HTML entities, then drop
    every `<...>` tag and any `<` that opens no complete tag."""
    text = html.unescape(text)
    out: list[str] = []
    rest = text
    while True:
        start = rest.find("<")
        if start < 0:
            out.append(rest)
            break
        out.append(rest[:start])
        rest = rest[start:]
        end = rest.find(">", 1)
        following = rest.find("<", 1)
        if end < 0 or (0 <= following < end):
            rest = rest[1:]  # a stray or malformed '<' goes, the text after it stays
            continue
        rest = rest[end + 1:]
    return "".join(out)


def php_array(items: dict[Any, Any]) -> list[Any] | dict[str, Any]:
    """json_encode of a PHP array: a list only when its keys are 0..n-1 in that order."""
    keys = list(items)
    if keys == list(range(len(keys))):
        return [items[k] for k in keys]
    return {str(k): v for k, v in items.items()}


def json_bytes(obj: Any) -> bytes:
    """json_encode output: compact, non-ASCII as \\uXXXX, `/` escaped as `\\/`."""
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/").encode("ascii")


def json_bytes_symfony(obj: Any) -> bytes:
    """Symfony JsonResponse: like json_bytes plus HEX_TAG/APOS/AMP/QUOT escaping."""
    text = json_bytes(obj).decode("ascii")
    # Inside JSON strings a literal `"` is already `\"`; JSON_HEX_QUOT turns it into \u0022.
    text = text.replace('\\"', "\\u0022")
    return (
        text.replace("<", "\\u003C").replace(">", "\\u003E")
        .replace("'", "\\u0027").replace("&", "\\u0026")
    ).encode("ascii")
