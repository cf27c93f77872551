"""The replayer's own machinery, checked against the recording itself:
templating must rebuild exactly the requests real Mautic was sent, the
normalizer must turn the raw recording into exactly the golden transcript,
and the comparer must report every kind of deviation."""

from __future__ import annotations

import asyncio
import copy
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import replay  # noqa: E402
from replay_compare import compare_exchange, compare_scenario, summary_line, type_name  # noqa: E402
from replay_normalize import Normalizer, Registry, datetime_token  # noqa: E402

RAW = HERE / "mautic-5.1.0.public.raw.json"
SECRET = "secretvalue"  # the recording shows its secrets as "<redacted>"


@pytest.fixture(scope="module")
def transcript() -> replay.Transcript:
    return replay.Transcript.load()


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(RAW.read_text(encoding="utf-8"))


def _raw_target(raw_doc: dict) -> replay.Target:
    """The recording's own settings, as far as they are not redacted."""
    client_ids = {p.split("=", 1)[1] for ex in raw_doc["exchanges"]
                  for p in (ex["request"]["body"] or "").split("&")
                  if p.startswith("client_id=") and not p.startswith("client_id=999999_")}
    (client_id,) = client_ids
    return replay.Target(client=None, base_url=raw_doc["run_info"]["base_url"], user="admin",
                         password=SECRET, oauth_client_id=client_id,
                         oauth_client_secret=SECRET, wait=None)


def _raw_body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def test_transcript_has_the_twelve_scenarios(transcript):
    assert len(transcript.scenarios) == 12
    assert sum(len(v) for v in transcript.exchanges.values()) == 248


def test_every_wait_names_an_exchange_of_its_scenario(transcript):
    for scenario, labels in replay.WAITS_BEFORE.items():
        known = {ex["label"] for ex in transcript.exchanges[scenario]}
        assert labels <= known, (scenario, labels - known)


def test_raw_recording_replays_to_the_golden_transcript(transcript, raw):
    """Templating rebuilds every recorded request byte for byte, and the
    normalizer turns every raw answer into the golden record."""
    target = _raw_target(raw)
    tokens = raw["run_info"]["tokens"]
    raw_by_scenario: dict[str, list[dict]] = {}
    for ex in raw["exchanges"]:
        raw_by_scenario.setdefault(ex["scenario"], []).append(ex)
    problems = []
    for name in transcript.scenarios:
        run = replay.ScenarioRun(name, tokens[name], target)
        golden_list = transcript.exchanges[name]
        assert [g["label"] for g in golden_list] == [r["label"] for r in raw_by_scenario[name]]
        for golden, rec in zip(golden_list, raw_by_scenario[name]):
            prepared = run.prepare(golden)
            sent = rec["request"]
            assert prepared.url == sent["url"], golden["label"]
            body = prepared.body.decode().replace(SECRET, "<redacted>") if prepared.body else None
            assert body == sent["body"], golden["label"]
            assert {k: v for k, v in prepared.headers.items() if k != "Authorization"} == \
                {k: v for k, v in sent["headers"].items() if k != "Authorization"}
            assert ("Authorization" in prepared.headers) == ("Authorization" in sent["headers"])
            url = sent["url"][len(target.base_url):]
            record = run.record(golden, url, rec["status"], [tuple(h) for h in rec["headers"]],
                                _raw_body_bytes(rec["body"]))
            diffs = compare_exchange(golden, record)
            if diffs:
                problems.append(f"[{name}] {golden['label']}: {diffs}")
    assert problems == []


def test_normalizing_the_golden_bodies_again_changes_nothing_but_known_tokens(transcript, raw):
    """Golden bodies are already normalized: a second pass must keep them
    (ids are symbolic strings, datetimes are tokens)."""
    for name in transcript.scenarios:
        norm = Normalizer(Registry(), raw["run_info"]["tokens"][name], "http://127.0.0.1:18080")
        for golden in transcript.exchanges[name]:  # dates sent are kept verbatim
            norm.note_request_text(json.dumps(golden["request"]))
        for golden in transcript.exchanges[name]:
            if golden["body_kind"] == "json":
                assert norm.json(golden["body"]) == golden["body"], golden["label"]


@pytest.mark.parametrize("text, token", [
    ("2026-01-01T10:00:00+00:00", "<iso8601+00:00>"),
    ("2026-01-01T10:00:00Z", "<iso8601Z>"),
    ("2026-01-01T10:00:00", "<iso8601-no-offset>"),
    ("2026-01-01T10:00:00.123+00:00", "<iso8601.frac+00:00>"),
    ("2026-01-01 10:00:00", "<Y-m-d H:i:s>"),
    ("2026-01-01 10:00", "<Y-m-d H:i>"),
    ("2026-01-01", "<Y-m-d>"),
    ("hello", None),
])
def test_datetime_tokens_keep_the_format_class(text, token):
    assert datetime_token(text) == token


def test_normalizer_symbolic_ids_by_kind_and_literal_dates():
    reg = Registry()
    reg.bind("stage_a", 261)
    reg.bind("contact_a", 261)
    norm = Normalizer(reg, "zqabcdefgh", "http://h")
    norm.note_request_text('{"publishUp": "2031-03-16 10:30:45"}')
    body = {"stage": {"id": 261, "createdBy": 1, "publishUp": "2031-03-16T10:30:00+00:00",
                      "dateAdded": "2026-12-04T19:53:07+00:00", "name": "zqabcdefgh a"},
            "contact": {"id": "261", "fields": {"core": {"email": {"id": "6"}}}},
            "errors": [{"message": "Requested URL not found: /api/stages/261?x=ZQABCDEFGH"}]}
    assert norm.json(body) == {
        "stage": {"id": "{stage_a}", "createdBy": 1, "publishUp": "2031-03-16T10:30:00+00:00",
                  "dateAdded": "<iso8601+00:00>", "name": "{token} a"},
        "contact": {"id": "{contact_a:str}", "fields": {"core": {"email": {"id": "6"}}}},
        "errors": [{"message": "Requested URL not found: /api/stages/{stage_a}?x={TOKEN}"}]}


def test_substitution_keeps_types_and_str_suffix():
    target = replay.Target(None, "http://h", "admin", "pw", "3_x", "s", None)
    run = replay.ScenarioRun("s", "zqabcdefgh", target)
    run.reg.bind("stage_a", 12)
    assert run.subst({"category": "{stage_a}", "c2": "{stage_a:str}", "n": "{token} {missing}",
                      "q": "ids:{stage_a},{nosuch}"}) == {
        "category": 12, "c2": "12", "n": "zqabcdefgh 987654321", "q": "ids:12,{nosuch}"}
    assert run.reg.name_for("client", 3) == "client_oauth"


# -- the comparer must fail on deviations --------------------------------------------------


def _golden(transcript, scenario, label):
    return next(e for e in transcript.exchanges[scenario] if e["label"] == label)


def test_identical_exchange_matches(transcript):
    g = _golden(transcript, "stages_crud", "create json")
    assert compare_exchange(g, copy.deepcopy(g)) == []


def test_tampered_exchanges_are_reported(transcript):
    g = _golden(transcript, "stages_crud", "create json")
    other = copy.deepcopy(g)
    other["status"] = 200
    other["headers"]["Mautic-Version"] = "<absent>"
    other["body"]["stage"]["weight"] = "10"
    other["body"]["stage"]["id"] = "{stage_a:str}"
    del other["body"]["stage"]["publishUp"]
    other["body"]["stage"]["extra"] = 1
    other["body"]["stage"]["name"] = "{token} ALPHA"
    problems = compare_exchange(g, other)
    text = "\n".join(problems)
    assert "status: golden 201, other 200" in text
    assert 'headers.Mautic-Version: value golden "<present>", other "<absent>"' in text
    assert "body.stage.weight: type golden int, other string" in text
    assert "body.stage.id: type golden id(int), other id(str)" in text
    assert "body.stage: keys missing in other: publishUp" in text
    assert "body.stage: extra keys in other: extra" in text
    assert 'body.stage.name: value golden "{token} alpha", other "{token} ALPHA"' in text


def test_contact_list_order_and_list_length_are_compared(transcript):
    g = _golden(transcript, "contacts_basic", "search plain word, orderBy id")
    keys = list(g["body"]["contacts"])
    assert len(keys) == 3
    other = copy.deepcopy(g)
    other["body"]["contacts"] = dict(reversed(list(other["body"]["contacts"].items())))
    assert any("key order differs" in p for p in compare_exchange(g, other))

    g = _golden(transcript, "stages_list_paging_order", "orderBy weight")
    other = copy.deepcopy(g)
    other["body"]["stages"].reverse()
    assert any(p.startswith("body.stages[0].") for p in compare_exchange(g, other))
    other["body"]["stages"].pop()
    assert "body.stages: array length golden 5, other 4" in compare_exchange(g, other)


def test_body_kind_transport_error_and_missing_exchange_are_reported(transcript):
    g = _golden(transcript, "protocol_errors", "unknown route")
    other = copy.deepcopy(g)
    other.update(status=None, headers={}, body_kind="empty", body=None,
                 transport_error="RuntimeError: boom")
    problems = compare_exchange(g, other)
    assert "no HTTP response: RuntimeError: boom" in problems
    assert "body kind: golden json, other empty" in problems
    assert compare_exchange(g, None) == ["not replayed"]
    results = compare_scenario([g], [])
    assert summary_line(results) == "0 passed, 1 failed"
    assert results[0].render().startswith("FAIL  [protocol_errors] unknown route  (GET /api/nosuchthing)")


def test_type_names():
    assert [type_name(v) for v in (None, True, 1, 1.0, "x", "<id>", "{a}", "{a:str}", [], {})] == [
        "null", "bool", "int", "float", "string", "token <id>", "id(int)", "id(str)", "array",
        "object"]


# -- the whole replay over HTTP, against real Mautic as recorded -------------------------


class RecordedMautic:
    """An ASGI app answering like the recorded real Mautic: each request must
    be the next recorded one (method, URL, headers, body), and gets the
    recorded answer.  Requests outside the recording (the replayer's cleanup
    deletes) get an empty 200."""

    def __init__(self, raw_doc: dict) -> None:
        self.base_url = raw_doc["run_info"]["base_url"]
        self.pending = list(raw_doc["exchanges"])
        self.request_mismatches: list[str] = []
        self.unrecorded: list[str] = []

    async def __call__(self, scope, receive, send):
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        url = self.base_url + scope["raw_path"].decode()
        if scope["query_string"]:
            url += "?" + scope["query_string"].decode()
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        nxt = self.pending[0]["request"] if self.pending else None
        if nxt is None or (scope["method"], url) != (nxt["method"], nxt["url"]):
            self.unrecorded.append(f"{scope['method']} {url}")
            return await self._answer(send, 200, [("Content-Type", "application/json")], b"{}")
        rec = self.pending.pop(0)
        sent = body.decode().replace(SECRET, "<redacted>") if body else None
        if sent != nxt["body"]:
            self.request_mismatches.append(f"{rec['label']}: body {sent!r} != {nxt['body']!r}")
        for name, value in nxt["headers"].items():
            if name != "Authorization" and headers.get(name.lower()) != value:
                self.request_mismatches.append(f"{rec['label']}: header {name}")
        if ("authorization" in headers) != ("Authorization" in nxt["headers"]):
            self.request_mismatches.append(f"{rec['label']}: Authorization presence")
        if "accept" not in {k.lower() for k in nxt["headers"]} and "accept" in headers:
            self.request_mismatches.append(f"{rec['label']}: unexpected Accept header")
        hop = {"content-length", "transfer-encoding", "connection"}
        await self._answer(send, rec["status"],
                           [(k, v) for k, v in rec["headers"] if k.lower() not in hop],
                           _raw_body_bytes(rec["body"]))

    @staticmethod
    async def _answer(send, status, headers, body):
        raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers]
        raw_headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})


def test_replaying_against_recorded_mautic_reproduces_the_golden_transcript(transcript, raw):
    server = RecordedMautic(raw)
    settings = _raw_target(raw)
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    settings.wait = wait

    async def go():
        async with replay.connect_asgi(server, settings) as target:
            return await replay.replay(target, transcript, tokens=raw["run_info"]["tokens"])

    results = asyncio.run(go())
    everything = [r for rs in results.values() for r in rs]
    assert server.request_mismatches == []
    assert server.pending == []
    assert [r.render() for r in everything if not r.ok] == []
    assert summary_line(everything) == "248 passed, 0 failed"
    assert waits == [1.1] * 14
    # every scenario's own leftovers were deleted afterwards
    assert server.unrecorded and all(u.startswith("DELETE ") and u.endswith("/delete")
                                     for u in server.unrecorded)
