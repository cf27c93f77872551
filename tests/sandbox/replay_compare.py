"""Exchange-by-exchange comparison of a normalized replay with the golden
transcript, producing readable differences.

Compared: request template (a different suite version), status, selected
headers, body kind, and the body recursively: missing / extra keys, value
types (a symbolic id given as int vs string counts as a type), values, list
lengths and order, and the key order of id-keyed objects (the contacts list
object, whose key order is the sort order).  Key order inside ordinary
objects is not compared.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_SYMBOLIC_INT = re.compile(r"^\{[A-Za-z][A-Za-z0-9_]*\}$")  # also an id-keyed object's key
_SYMBOLIC_STR = re.compile(r"^\{[A-Za-z][A-Za-z0-9_]*:str\}$")
MAX_LINES_PER_EXCHANGE = 40


def type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        if v.startswith("<") and v.endswith(">"):
            return "token " + v
        if _SYMBOLIC_INT.match(v):
            return "id(int)"
        if _SYMBOLIC_STR.match(v):
            return "id(str)"
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _short(v: Any, limit: int = 120) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def diff_values(golden: Any, other: Any, path: str, out: list[str]) -> None:
    """Append the differences between golden and other to out."""
    where = path or "<root>"
    if isinstance(golden, dict) and isinstance(other, dict):
        gkeys, okeys = list(golden), list(other)
        missing = [k for k in gkeys if k not in other]
        extra = [k for k in okeys if k not in golden]
        if missing:
            out.append(f"{where}: keys missing in other: {', '.join(missing)}")
        if extra:
            out.append(f"{where}: extra keys in other: {', '.join(extra)}")
        id_keyed = bool(gkeys) and all(_SYMBOLIC_INT.match(k) for k in gkeys)
        if id_keyed and not missing and not extra and gkeys != okeys:
            out.append(f"{where}: key order differs: golden {gkeys}, other {okeys}")
        for k in gkeys:
            if k in other:
                diff_values(golden[k], other[k], f"{path}.{k}" if path else k, out)
        return
    if isinstance(golden, list) and isinstance(other, list):
        if len(golden) != len(other):
            out.append(f"{where}: array length golden {len(golden)}, other {len(other)}")
        for i, (g, o) in enumerate(zip(golden, other)):
            diff_values(g, o, f"{path}[{i}]", out)
        return
    gt, ot = type_name(golden), type_name(other)
    if gt != ot and not (gt.startswith("token") and ot.startswith("token")):
        out.append(f"{where}: type golden {gt}, other {ot} "
                   f"(golden {_short(golden)}, other {_short(other)})")
        return
    if golden != other:
        out.append(f"{where}: value golden {_short(golden)}, other {_short(other)}")


def compare_exchange(golden: dict, other: dict | None) -> list[str]:
    """Differences between a golden exchange and the replayed one (empty: match)."""
    if other is None:
        return ["not replayed"]
    out: list[str] = []
    if golden.get("request") != other.get("request"):
        request_diff: list[str] = []
        diff_values(golden.get("request"), other.get("request"), "request", request_diff)
        out.append("request differs (transcripts from different suite versions?)")
        out.extend("  " + line for line in request_diff)
    if other.get("transport_error"):
        out.append(f"no HTTP response: {other['transport_error']}")
    if golden.get("status") != other.get("status"):
        out.append(f"status: golden {golden.get('status')}, other {other.get('status')}")
    diff_values(golden.get("headers", {}), other.get("headers", {}), "headers", out)
    if golden.get("body_kind") != other.get("body_kind"):
        out.append(f"body kind: golden {golden.get('body_kind')}, other {other.get('body_kind')}")
    diff_values(golden.get("body"), other.get("body"), "body", out)
    if golden.get("capture_failed") != other.get("capture_failed"):
        out.append(f"capture failed in other: {other.get('capture_failed')}")
    return out


@dataclass
class ExchangeResult:
    scenario: str
    label: str
    method: str
    path: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        name = f"[{self.scenario}] {self.label}"
        if self.ok:
            return f"MATCH {name}"
        lines = [f"FAIL  {name}  ({self.method} {self.path})"]
        lines += ["      " + p for p in self.problems[:MAX_LINES_PER_EXCHANGE]]
        if len(self.problems) > MAX_LINES_PER_EXCHANGE:
            lines.append(f"      ... {len(self.problems) - MAX_LINES_PER_EXCHANGE} more differences")
        return "\n".join(lines)


def compare_scenario(golden: list[dict], replayed: list[dict]) -> list[ExchangeResult]:
    """Match exchanges by label (labels are unique within a scenario)."""
    by_label = {e.get("label"): e for e in replayed}
    results = []
    for g in golden:
        request = g.get("request", {})
        results.append(ExchangeResult(
            scenario=g.get("scenario", ""), label=g.get("label", ""),
            method=request.get("method", ""), path=request.get("path", ""),
            problems=compare_exchange(g, by_label.get(g.get("label")))))
    return results


def summary_line(results: list[ExchangeResult]) -> str:
    passed = sum(r.ok for r in results)
    return f"{passed} passed, {len(results) - passed} failed"
