"""Normalization of replayed Mautic exchanges, so a sandbox answer can be
compared with the recorded real-Mautic transcript.

Everything that legitimately differs between two runs (ids created during
the run, timestamps, the per-scenario token, the base URL, secrets, volatile
row ids) becomes a symbolic name or a type token; everything else stays
verbatim.  The rules are those of the recording (see
/work/shared/mautic-reference/README.md, "Normalization rules"): the golden
transcript was normalized with them, so a replay must apply exactly the same
ones or it would report differences that are not there (or hide real ones).
"""

from __future__ import annotations

import json
import re
from typing import Any

# Symbolic names start with their entity kind: stage_a, contact_m, cat_b,
# client_oauth.  Other names (v_access_token, v_cat_alias) hold plain values.
ENTITY_KINDS = ("stage", "contact", "cat", "client")

INTLIKE = re.compile(r"^-?\d+$")


def kind_of(name: str) -> str | None:
    head = name.split("_", 1)[0]
    return head if head in ENTITY_KINDS else None


class Registry:
    """Symbolic names <-> ids of entities created during one scenario."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._name_by_id: dict[tuple[str, str], str] = {}
        self.dead: set[str] = set()
        self.created_order: list[str] = []

    def bind(self, name: str, value: Any) -> None:
        self.values[name] = value
        kind = kind_of(name)
        if kind is None or value is None:
            return
        key = (kind, str(value))
        earlier = self._name_by_id.get(key)
        if earlier is not None and earlier != name and earlier not in self.dead:
            # The server handed back an id we already know (a contact merged
            # by email): keep the first name so the merge shows in the diff.
            return
        self._name_by_id[key] = name
        if name not in self.created_order:
            self.created_order.append(name)

    def mark_dead(self, name: str) -> None:
        """A deleted entity's id may be reused by a server that recycles ids."""
        self.dead.add(name)

    def name_for(self, kind: str, value: Any) -> str | None:
        if value is None or isinstance(value, bool):
            return None
        return self._name_by_id.get((kind, str(value)))


# -- datetimes ---------------------------------------------------------------

_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:(?P<sep>[T ])(?P<hh>\d{2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?P<frac>\.\d+)?)?)?"
    r"(?P<off>Z|[+-]\d{2}:?\d{2})?$"
)
_DATETIME_INSIDE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def datetime_token(text: str) -> str | None:
    """The format class of a datetime string ('<iso8601+00:00>',
    '<Y-m-d H:i:s>', '<Y-m-d>' ...), or None if it is not one."""
    m = _DATETIME.match(text)
    if not m:
        return None
    offset = m.group("off") or ""
    if m.group("sep") is None:
        return f"<Y-m-d{offset}>"
    if m.group("sep") == "T" and m.group("ss"):
        frac = ".frac" if m.group("frac") else ""
        return f"<iso8601{frac}{offset or '-no-offset'}>"
    fmt = "Y-m-d" + ("\\T" if m.group("sep") == "T" else " ") + "H:i"
    if m.group("ss"):
        fmt += ":s"
    if m.group("frac"):
        fmt += ".u"
    return f"<{fmt}{offset}>"


# -- what an "id" means where it appears ----------------------------------------

# The nearest enclosing key decides the kind of an "id"; sub-objects whose ids
# are not ours reset it.
_KIND_BY_KEY = {
    "stage": "stage", "stages": "stage",
    "contact": "contact", "contacts": "contact", "lead": "contact",
    "category": "cat", "categories": "cat",
    "fields": "field", "owner": "user", "ipAddresses": "ip", "tags": "tag",
    "utmtags": "utm", "doNotContact": "dnc", "frequencyRules": "freq",
    "events": "event", "log": "log", "companies": "company", "company": "company",
    "filters": "none", "types": "none", "order": "none", "details": "none",
    "errors": "none", "statusCodes": "none",
    "all": "contact",  # contact.fields.all.id is the contact id, as a string
}
_VOLATILE_KINDS = {"ip", "tag", "utm", "dnc", "freq", "event", "log"}
_ID_KEYS = {
    "contactId": "contact", "lead_id": "contact", "leadId": "contact",
    "stage_id": "stage", "stageId": "stage", "reference": "stage",
    "category_id": "cat", "categoryId": "cat",
}
_ID_KEYED_CONTAINERS = {"contacts": "contact"}

_PATH_ID = re.compile(
    r"/(?P<seg>stages|stage|contacts|contact|categories|category)/"
    r"(?P<mid>(?:edit|view|delete|add|remove)/)?(?P<id>\d+)(?=$|[/?#&\"'\s.,;:)])"
)
_SEGMENT_KIND = {"stages": "stage", "stage": "stage", "contacts": "contact",
                 "contact": "contact", "categories": "cat", "category": "cat"}
_CATEGORY_MESSAGE = re.compile(r"\bCategory (\d+)\b")
_CLIENT_SUFFIX = re.compile(r"^(?P<name>.*) \[(?P<id>\d+)\]$")
_STAGE_EVENT_NAME = re.compile(r"^(?P<id>\d+):(?P<rest>.*)$", re.S)
_EVENT_ID = re.compile(r"^(?P<prefix>[a-z_.]+?)(?P<id>\d+)$")


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _symbolic_id(reg: Registry, kind: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        name = reg.name_for(kind, value)
        return f"{{{name}}}" if name else value
    if isinstance(value, str) and INTLIKE.match(value):
        name = reg.name_for(kind, value)
        return f"{{{name}:str}}" if name else value
    return value


def _volatile_id(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return "<id>"
    if isinstance(value, str) and INTLIKE.match(value):
        return "<id:str>"
    return value


class Normalizer:
    """Normalizes the responses of one scenario run."""

    def __init__(self, reg: Registry, token: str, base_url: str) -> None:
        self.reg = reg
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.literal_dates: set[str] = set()
        # (URI as sent, its template) of the current exchange: servers echo it
        self.uri_pairs: list[tuple[str, str]] = []

    def note_request_text(self, text: str) -> None:
        """Dates the scenario sent itself are kept verbatim in responses, so
        that e.g. dropped seconds of a publishUp stay visible."""
        self.literal_dates.update(_DATE.findall(text or ""))

    # -- strings -----------------------------------------------------------
    def string(self, s: str, key: str | None = None, kind: str | None = None) -> Any:
        token = datetime_token(s)
        if token is not None:
            return s if s[:10] in self.literal_dates else token
        if key in ("access_token", "refresh_token"):
            return "<opaque-token>"
        if key == "eventId":
            m = _EVENT_ID.match(s)
            if m:
                return m.group("prefix") + "<id>"
        if key in ("eventName", "label") and kind in ("event", "log", "none", None):
            m = _STAGE_EVENT_NAME.match(s)
            if m:
                name = self.reg.name_for("stage", m.group("id"))
                if name:
                    s = f"{{{name}}}:{m.group('rest')}"
        if key in ("createdByUser", "modifiedByUser"):
            m = _CLIENT_SUFFIX.match(s)
            if m:
                name = self.reg.name_for("client", m.group("id"))
                if name:
                    s = f"{m.group('name')} [{{{name}}}]"
        return self.text(s)

    def text(self, s: str) -> str:
        """Free text: base URL, echoed request URI, token, ids in URL paths and
        messages, embedded datetimes."""
        if self.base_url and self.base_url in s:
            s = s.replace(self.base_url, "{base}")
        for sent, template in self.uri_pairs:
            if sent in s:
                s = re.sub(re.escape(sent) + r"(?![\w%])", lambda _m, t=template: t, s)
        if self.token:
            s = s.replace(self.token, "{token}").replace(self.token.upper(), "{TOKEN}")

        def path_id(m: re.Match) -> str:
            name = self.reg.name_for(_SEGMENT_KIND[m.group("seg")], m.group("id"))
            ident = f"{{{name}}}" if name else m.group("id")
            return f"/{m.group('seg')}/{m.group('mid') or ''}{ident}"

        s = _PATH_ID.sub(path_id, s)

        def category_id(m: re.Match) -> str:
            name = self.reg.name_for("cat", m.group(1))
            return f"Category {{{name}}}" if name else m.group(0)

        s = _CATEGORY_MESSAGE.sub(category_id, s)

        def inner_datetime(m: re.Match) -> str:
            v = m.group(0)
            if v[:10] in self.literal_dates:
                return v
            return datetime_token(v) or v

        return _DATETIME_INSIDE.sub(inner_datetime, s)

    # -- JSON --------------------------------------------------------------
    def json(self, obj: Any, kind: str | None = None, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            return self._object(obj, kind, key)
        if isinstance(obj, list):
            return [self.json(v, kind, key) for v in obj]
        if isinstance(obj, str):
            return self.string(obj, key, kind)
        return obj

    def _object(self, obj: dict, kind: str | None, key: str | None) -> dict:
        out: dict[str, Any] = {}
        id_keyed_kind = _ID_KEYED_CONTAINERS.get(key) if key else None
        for k, v in obj.items():
            child_kind = _KIND_BY_KEY.get(k, kind)
            new_key = k
            if id_keyed_kind and isinstance(k, str) and INTLIKE.match(k):
                name = self.reg.name_for(id_keyed_kind, k)
                new_key = f"{{{name}}}" if name else k
                child_kind = id_keyed_kind
            elif kind == "ip" and key == "ipAddresses":
                new_key = "<ip>"
            elif isinstance(k, str):
                new_key = self.text(k)
            if k == "id" and _scalar(v):
                if kind in _VOLATILE_KINDS:
                    out[new_key] = _volatile_id(v)
                elif kind in ENTITY_KINDS:
                    out[new_key] = _symbolic_id(self.reg, kind, v)
                else:
                    out[new_key] = v
            elif k in _ID_KEYS and _scalar(v):
                out[new_key] = _symbolic_id(self.reg, _ID_KEYS[k], v)
            elif k == "ipAddress" and isinstance(v, str):
                out[new_key] = "<ip>"
            else:
                out[new_key] = self.json(v, child_kind, k)
        return out

    # -- lists that cannot be scoped by a query --------------------------------
    def own_items_only(self, body: Any) -> Any:
        """Keep only the items of this run (they contain the token); a total
        that then means nothing becomes a type token."""
        if not isinstance(body, dict):
            return body
        out: dict[str, Any] = {}
        for k, v in body.items():
            if k == "total":
                out[k] = _total_token(v)
            elif isinstance(v, list):
                out[k] = [x for x in v if self._is_own(x)]
            elif isinstance(v, dict) and k != "errors":
                out[k] = {kk: x for kk, x in v.items() if self._is_own(x)}
            else:
                out[k] = v
        return out

    def _is_own(self, item: Any) -> bool:
        text = json.dumps(item, ensure_ascii=False)
        return bool(self.token) and (self.token in text or self.token.upper() in text)


def _total_token(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return "<int>"
    if isinstance(v, str) and INTLIKE.match(v):
        return "<int:str>"
    return v
