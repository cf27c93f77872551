"""Replays the recorded real-Mautic transcript against the sandbox (or any
server) and compares the answers exchange by exchange.

The transcript (mautic-5.1.0.public.json, next to this file) holds each
request as a template (`/api/stages/{stage_a}/edit`, `{"name": "{token} x"}`)
with the normalized answer real Mautic 5.1.0 gave.  Replaying a scenario:
a fresh random token per scenario, ids captured from answers into symbolic
names and substituted into later templates, the same request encodings,
headers and credentials, then the answer normalized with the recording's
rules (replay_normalize) and diffed against the golden one (replay_compare).
Entities a scenario created are deleted when it ends.

Developers:  python tests/sandbox/replay.py [--scenario NAME] [-q]
             python tests/sandbox/replay.py --base-url URL --user U --password P
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import re
import string
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # sibling modules, also when imported as a package
    sys.path.insert(0, str(HERE))

from replay_compare import ExchangeResult, compare_scenario, summary_line  # noqa: E402
from replay_normalize import Normalizer, Registry, kind_of  # noqa: E402
from replay_targets import (  # noqa: E402,F401  (re-exported for tests)
    InProcessSandbox, Target, VirtualClock, connect_asgi, connect_remote)

TRANSCRIPT = HERE / "mautic-5.1.0.public.json"
MISSING_ID = 987654321  # an id that never exists
WAIT_SECONDS = 1.1

# Where the recording waited 1.1 s before an exchange, so that one-second
# timestamps never tie where they decide an order (contacts date_added,
# stages dateAdded, the stage-change log).  The transcript does not record
# waits; these come from the recording's scenarios.
WAITS_BEFORE: dict[str, frozenset[str]] = {
    "contacts_basic": frozenset({
        "create second contact",
        "create third contact without email (form-encoded)",
    }),
    "stages_list_paging_order": frozenset({
        "setup: stage_alpha", "setup: stage_echo", "setup: stage_bravo",
        "setup: stage_charlie",
    }),
    "stage_moves": frozenset({
        "add again to the same stage",
        "add to stage customer",
        "remove from stage lead (contact is in customer)",
        "add to stage customer again",
        "remove from stage customer",
    }),
    "stage_moves_contact_edit": frozenset({
        "patch stage = unpublished stage",
        "patch stage = null",
        "patch stage as string id",
    }),
}

_VAR = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)(:str)?\}")
_AUTH = re.compile(r"^(?P<kind>basic|bearer|header)\((?P<arg>.*)\)$", re.S)
_FIRST_PLACEHOLDER_ID = 900_000_000  # bound when a capture fails, never exists
_CLEANUP_ORDER = {"contact": ("contacts", 0), "stage": ("stages", 1), "cat": ("categories", 2)}


# -- the transcript --------------------------------------------------------------


@dataclass
class Transcript:
    scenarios: list[str]
    exchanges: dict[str, list[dict]]  # scenario -> golden exchanges in order

    @classmethod
    def load(cls, path: Path = TRANSCRIPT) -> "Transcript":
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "exchanges" not in doc:
            raise ValueError(f"{path}: not a conformance transcript")
        names = [s["name"] for s in doc.get("scenarios", [])]
        by_scenario: dict[str, list[dict]] = {n: [] for n in names}
        for ex in doc["exchanges"]:
            by_scenario.setdefault(ex["scenario"], []).append(ex)
        return cls(list(by_scenario), by_scenario)


def make_token(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(8))


def dig(obj: Any, path: str) -> Any:
    """Follow a dotted capture path ("stages.0.id"); KeyError if absent."""
    cur = obj
    for part in path.split("."):
        if isinstance(cur, list):
            try:
                cur = cur[int(part)]
            except (ValueError, IndexError):
                raise KeyError(part) from None
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, dict) and part == "*first" and cur:
            cur = next(iter(cur.values()))
        else:
            raise KeyError(part)
    return cur


# -- one scenario ----------------------------------------------------------------------


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


class ScenarioRun:
    """Templating, captures and normalization state of one scenario."""

    def __init__(self, name: str, token: str, target: Target) -> None:
        self.name = name
        self.token = token
        self.target = target
        self.reg = Registry()
        self.norm = Normalizer(self.reg, token, target.base_url)
        self._next_placeholder = _FIRST_PLACEHOLDER_ID
        # the OAuth client's numeric id is the part of its public id before "_"
        head = (target.oauth_client_id or "").split("_", 1)[0]
        if "_" in (target.oauth_client_id or "") and head.isdigit():
            self.reg.bind("client_oauth", int(head))

    # -- templates ---------------------------------------------------------------
    def _value_of(self, name: str) -> Any:
        fixed = {
            "token": self.token,
            "TOKEN": self.token.upper(),
            "missing": MISSING_ID,
            "user": self.target.user,
            "oauth_client_id": self.target.oauth_client_id or "<no-oauth-client>",
            "oauth_client_secret": self.target.oauth_client_secret or "<no-oauth-client>",
        }
        if name in fixed:
            return fixed[name]
        return self.reg.values[name]  # KeyError: left as written

    def subst(self, obj: Any) -> Any:
        """Fill a template; a whole-string "{stage_a}" keeps the id's type,
        "{stage_a:str}" makes it a string."""
        if isinstance(obj, str):
            m = _VAR.fullmatch(obj)
            if m:
                try:
                    value = self._value_of(m.group(1))
                except KeyError:
                    return obj
                return str(value) if m.group(2) else value

            def fill(mm: re.Match) -> str:
                try:
                    return str(self._value_of(mm.group(1)))
                except KeyError:
                    return mm.group(0)

            return _VAR.sub(fill, obj)
        if isinstance(obj, list):
            return [self.subst(x) for x in obj]
        if isinstance(obj, dict):
            return {self.subst(k): self.subst(v) for k, v in obj.items()}
        return obj

    # -- the request -------------------------------------------------------------
    def prepare(self, golden: dict) -> PreparedRequest:
        req = golden["request"]
        query = [(self.subst(k), self.subst(v)) for k, v in req.get("query") or []]
        url = self.target.base_url + self.subst(req["path"])
        if query:
            url += "?" + urllib.parse.urlencode([(k, str(v)) for k, v in query])
        headers = {"Accept": "application/json", "User-Agent": "mautic-conformance/1"}
        body: bytes | None = None
        encoding = req.get("encoding")
        if encoding == "json":
            body = json.dumps(self.subst(req["body"])).encode()
            headers["Content-Type"] = "application/json"
        elif encoding == "form":
            pairs = [(self.subst(k), str(self.subst(v))) for k, v in req["body"]]
            body = urllib.parse.urlencode(pairs).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif encoding == "raw":
            body = self.subst(req["body"]).encode()
        self._apply_auth(req.get("auth", "basic"), headers)
        for name, value in (req.get("headers") or {}).items():
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = self.subst(value)
        if body is not None and "Content-Type" not in headers:
            # what the recording's HTTP client (urllib) sent for a bare body
            headers["Content-Type"] = "application/x-www-form-urlencoded"

        # Servers echo the request URI in messages: map it back to its template.
        template_uri = req["path"]
        if query:
            template_uri += "?" + urllib.parse.urlencode(
                [(k, str(v)) for k, v in req["query"]]).replace("%7B", "{").replace("%7D", "}")
        self._template_uri = template_uri
        for piece in (self.subst(req["path"]), json.dumps(query),
                      body.decode("utf-8", "replace") if body else ""):
            self.norm.note_request_text(piece)
        return PreparedRequest(req["method"], url, headers, body)

    def _apply_auth(self, auth: str, headers: dict[str, str]) -> None:
        if auth == "basic":
            headers["Authorization"] = _basic(self.target.user, self.target.password)
            return
        if auth == "none":
            return
        m = _AUTH.match(auth)
        if not m:
            raise ValueError(f"unknown auth in transcript: {auth!r}")
        kind, arg = m.group("kind"), m.group("arg")
        if kind == "basic":
            user, _, password = arg.partition(":")
            headers["Authorization"] = _basic(self.subst(user), self.subst(password))
        elif kind == "bearer":
            headers["Authorization"] = "Bearer " + str(self.subst(arg))
        else:
            headers["Authorization"] = self.subst(arg)

    # -- the answer -----------------------------------------------------------------
    def record(self, golden: dict, sent_uri: str, status: int | None,
               headers: list[tuple[str, str]], body: bytes, error: str | None = None) -> dict:
        """Capture ids, then normalize the answer into a transcript record."""
        self.norm.uri_pairs = [(sent_uri, self._template_uri)] if sent_uri != self._template_uri else []
        parsed, body_kind = _parse_body(body)
        capture_failed = self._capture(golden, parsed)
        req = golden["request"]
        if req["method"] == "DELETE" and status == 200:
            self._mark_deleted(req)

        if body_kind == "json":
            source = self.norm.own_items_only(parsed) if golden.get("scope") else parsed
            normalized_body = self.norm.json(source)
        elif body_kind == "text":
            normalized_body = "<non-json body>"
        else:
            normalized_body = None
        rec: dict[str, Any] = {
            "scenario": self.name,
            "label": golden["label"],
            "request": req,  # replayed verbatim from the template
            "status": status,
            "headers": self._selected_headers(status, headers),
            "body_kind": body_kind,
            "body": normalized_body,
        }
        if golden.get("scope"):
            rec["scope"] = golden["scope"]
        if golden.get("captures"):
            rec["captures"] = golden["captures"]
        if capture_failed:
            rec["capture_failed"] = capture_failed
        if error:
            rec["transport_error"] = error
        return rec

    def _capture(self, golden: dict, parsed: Any) -> list[str]:
        """Bind captured ids.  A capture the golden run got (or recorded as
        failed) is required: if it fails here a placeholder id is bound and
        the failure reported; otherwise it was optional."""
        failed = []
        for name, path in (golden.get("captures") or {}).items():
            try:
                value = dig(parsed, path)
            except KeyError:
                value = None
            if value is not None:
                self.reg.bind(name, value)
                continue
            try:
                golden_got_it = dig(golden.get("body"), path) is not None
            except KeyError:
                golden_got_it = False
            if golden_got_it or name in golden.get("capture_failed", ()):
                failed.append(name)
                self._next_placeholder += 1
                self.reg.bind(name, self._next_placeholder)
        return failed

    def _mark_deleted(self, req: dict) -> None:
        texts = [req["path"]] + [str(v) for _, v in req.get("query") or []]
        for text in texts:
            for m in _VAR.finditer(text):
                if kind_of(m.group(1)):
                    self.reg.mark_dead(m.group(1))

    def _selected_headers(self, status: int | None, headers: list[tuple[str, str]]) -> dict:
        if status is None:
            return {}

        def first(name: str) -> str | None:
            return next((v for k, v in headers if k.lower() == name.lower()), None)

        selected: dict[str, str] = {}
        if first("Content-Type") is not None:
            selected["Content-Type"] = first("Content-Type")
        selected["Mautic-Version"] = "<present>" if first("Mautic-Version") is not None else "<absent>"
        if first("Location") is not None:
            selected["Location"] = self.norm.text(first("Location"))
        for name in ("WWW-Authenticate", "Allow"):
            if first(name) is not None:
                selected[name] = first(name)
        if first("Set-Cookie") is not None:
            selected["Set-Cookie"] = "<present>"
        return selected

    # -- cleanup ------------------------------------------------------------------------
    def leftovers(self) -> list[str]:
        """URL paths deleting what this scenario created (contacts first)."""
        live = [n for n in self.reg.created_order
                if n not in self.reg.dead and kind_of(n) in _CLEANUP_ORDER]
        live.sort(key=lambda n: _CLEANUP_ORDER[kind_of(n)][1])
        seen, paths = set(), []
        for name in live:
            kind, value = kind_of(name), self.reg.values.get(name)
            if value is None or (kind, str(value)) in seen:
                continue
            seen.add((kind, str(value)))
            paths.append(f"/api/{_CLEANUP_ORDER[kind][0]}/{value}/delete")
        return paths


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _parse_body(body: bytes) -> tuple[Any, str]:
    if not body:
        return None, "empty"
    try:
        return json.loads(body.decode("utf-8", "replace")), "json"
    except ValueError:
        return None, "text"


async def replay_scenario(target: Target, name: str, golden: list[dict], token: str) -> list[dict]:
    """Replay one scenario's exchanges in order; returns normalized records."""
    run = ScenarioRun(name, token, target)
    waits = WAITS_BEFORE.get(name, frozenset())
    records = []
    try:
        for ex in golden:
            if "request" not in ex:  # a scenario error in the recording
                continue
            if ex["label"] in waits:
                await target.wait(WAIT_SECONDS)
            prepared = run.prepare(ex)
            request = httpx.Request(prepared.method, prepared.url,
                                    headers=prepared.headers, content=prepared.body)
            sent_uri = request.url.raw_path.decode("ascii")
            try:
                response = await target.client.send(request, follow_redirects=False)
                body = await response.aread()
                records.append(run.record(ex, sent_uri, response.status_code,
                                          response.headers.multi_items(), body))
            except Exception as exc:  # noqa: BLE001 - a crashing server is a finding
                records.append(run.record(ex, sent_uri, None, [], b"",
                                          error=f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        auth = {"Accept": "application/json", "Authorization": _basic(target.user, target.password)}
        for path in run.leftovers():
            try:
                await target.client.request("DELETE", target.base_url + path, headers=auth)
            except Exception:  # noqa: BLE001 - best effort, like the recording
                pass
    return records


async def replay(target: Target, transcript: Transcript, only: list[str] | None = None,
                 seed: int | None = None,
                 tokens: dict[str, str] | None = None) -> dict[str, list[ExchangeResult]]:
    """Replay scenarios in transcript order; results per scenario.  Each
    gets a fresh random token unless tokens names one."""
    rng = random.Random(seed)
    results: dict[str, list[ExchangeResult]] = {}
    for name in transcript.scenarios:
        token = make_token(rng)
        token = (tokens or {}).get(name, token)
        if only and name not in only:
            continue
        golden = transcript.exchanges[name]
        records = await replay_scenario(target, name, golden, token)
        results[name] = compare_scenario([g for g in golden if "request" in g], records)
    return results


# -- command line --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Replay the real-Mautic transcript and compare.")
    ap.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    ap.add_argument("--transcript", type=Path, default=TRANSCRIPT)
    ap.add_argument("--base-url", help="a running server (default: the sandbox in-process)")
    ap.add_argument("--user", default=os.environ.get("MAUTIC_USERNAME", "admin"))
    ap.add_argument("--password", default=os.environ.get("MAUTIC_PASSWORD"),
                    help="(or env MAUTIC_PASSWORD)")
    ap.add_argument("--oauth-client-id", default=os.environ.get("MAUTIC_OAUTH_CLIENT_ID"))
    ap.add_argument("--oauth-client-secret", default=os.environ.get("MAUTIC_OAUTH_CLIENT_SECRET"))
    ap.add_argument("--seed", type=int, help="seed for the per-scenario tokens")
    ap.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    args = ap.parse_args(argv)
    transcript = Transcript.load(args.transcript)
    unknown = [s for s in args.scenario or [] if s not in transcript.scenarios]
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(transcript.scenarios)}")
    if args.base_url and args.password is None:
        ap.error("--base-url needs --password (or MAUTIC_PASSWORD)")

    async def run() -> dict[str, list[ExchangeResult]]:
        if args.base_url:
            connection = connect_remote(args.base_url, args.user, args.password,
                                        args.oauth_client_id, args.oauth_client_secret)
        else:
            connection = InProcessSandbox().connect()
        async with connection as target:
            return await replay(target, transcript, args.scenario, args.seed)

    started = time.monotonic()
    results = asyncio.run(run())
    everything = [r for rs in results.values() for r in rs]
    for r in everything:
        if not (args.quiet and r.ok):
            print(r.render())
    print(f"{summary_line(everything)}  ({time.monotonic() - started:.1f}s)")
    return 0 if all(r.ok for r in everything) else 1


if __name__ == "__main__":
    repo_root = HERE.parent.parent
    if str(repo_root) not in sys.path:
        sys.path.insert(1, str(repo_root))
    sys.exit(main())
