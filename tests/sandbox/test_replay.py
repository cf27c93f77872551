"""Fidelity to real Mautic: every exchange of the recorded Mautic 5.1.0
transcript is replayed against the in-process sandbox and must come back
identical after normalization.  One test per scenario; a failure lists the
mismatched exchanges with their differences."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import replay  # noqa: E402
from replay_compare import ExchangeResult, summary_line  # noqa: E402

TRANSCRIPT = replay.Transcript.load()


class ReplaySummary:
    """Prints one line with the replay's totals at the end of the run."""

    name = "stages-tui-replay-summary"

    def __init__(self) -> None:
        self.results: dict[str, list[ExchangeResult]] = {}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.results:
            return
        everything = [r for rs in self.results.values() for r in rs]
        bad = [name for name, rs in self.results.items() if not all(r.ok for r in rs)]
        line = (f"real-Mautic transcript replay: {summary_line(everything)} exchanges; "
                f"{len(self.results) - len(bad)} of {len(self.results)} scenarios match")
        if bad:
            line += f" (failing: {', '.join(bad)})"
        terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def summary(request) -> ReplaySummary:
    manager = request.config.pluginmanager
    plugin = manager.get_plugin(ReplaySummary.name)
    if plugin is None:
        plugin = ReplaySummary()
        manager.register(plugin, ReplaySummary.name)
    return plugin


@pytest.fixture(scope="module")
def sandbox() -> replay.InProcessSandbox:
    """One sandbox for all scenarios, as the recording ran them on one server,
    holding other data too, as the real instance did: scenarios must only
    ever see their own entities."""
    from stages_tui.sandbox.seed import seed

    sandbox = replay.InProcessSandbox()
    seed(sandbox.app.state.store.conn, contacts=500)
    return sandbox


def run_scenarios(sandbox: replay.InProcessSandbox,
                  names: list[str]) -> dict[str, list[ExchangeResult]]:
    async def go() -> dict[str, list[ExchangeResult]]:
        async with sandbox.connect() as target:
            return await replay.replay(target, TRANSCRIPT, only=names)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def replayed(request, sandbox) -> dict[str, list[ExchangeResult]]:
    """The selected scenarios, replayed in transcript order in one event loop
    (the app may hold loop-bound state)."""
    selected = {item.callspec.params["scenario"] for item in request.session.items
                if item.originalname == "test_scenario_matches_real_mautic"
                and hasattr(item, "callspec")}
    return run_scenarios(sandbox, [n for n in TRANSCRIPT.scenarios if n in selected])


@pytest.mark.parametrize("scenario", TRANSCRIPT.scenarios)
def test_scenario_matches_real_mautic(scenario, replayed, summary):
    results = replayed[scenario]
    summary.results[scenario] = results
    failures = [r for r in results if not r.ok]
    if failures:
        pytest.fail(f"{scenario}: {summary_line(results)}\n"
                    + "\n".join(r.render() for r in failures), pytrace=False)


def test_a_second_replay_on_the_same_sandbox_matches_too(replayed, sandbox):
    """Leftovers of a first run (deleted ids, tokens, log rows) change nothing:
    the recording was identical over four runs on one server."""
    results = run_scenarios(sandbox, TRANSCRIPT.scenarios)
    failures = [r.render() for rs in results.values() for r in rs if not r.ok]
    assert not failures, "\n".join(failures)


def test_waits_move_the_sandbox_clock_instead_of_sleeping():
    """The recording's 1.1 s waits advance the sandbox's clock: that keeps
    the replay fast and one-second timestamps still never tie."""
    sandbox = replay.InProcessSandbox()

    async def go() -> list[str]:
        async with sandbox.connect() as target:
            added = []
            for name in ("clock one", "clock two"):
                response = await target.client.post(
                    "/api/stages/new", json={"name": name}, auth=(target.user, target.password))
                added.append(response.json()["stage"]["dateAdded"])
                await target.wait(3600)
            return added

    started = time.monotonic()
    first, second = (datetime.fromisoformat(v) for v in asyncio.run(go()))
    assert second - first >= timedelta(seconds=3600)
    assert time.monotonic() - started < 60  # nobody slept an hour


# -- the replay must fail when the sandbox deviates -------------------------------------


def _weights_as_strings(obj):
    if isinstance(obj, dict):
        return {k: (str(v) if k == "weight" and isinstance(v, int) else _weights_as_strings(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [_weights_as_strings(v) for v in obj]
    return obj


def deviating(app):
    """The app, except that every JSON "weight" comes back as a string and
    no Mautic-Version header is sent."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            try:
                body = json.dumps(_weights_as_strings(json.loads(body))).encode()
            except ValueError:
                pass
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k.lower() not in (b"content-length", b"mautic-version")]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def test_a_deviating_sandbox_fails_the_replay():
    sandbox = replay.InProcessSandbox()
    sandbox.app = deviating(sandbox.app)
    results = run_scenarios(sandbox, ["stages_crud"])["stages_crud"]
    by_label = {r.label: r for r in results}
    create = by_label["create json"]
    assert not create.ok
    assert "body.stage.weight: type golden int, other string (golden 10, other \"10\")" \
        in create.problems
    assert 'headers.Mautic-Version: value golden "<present>", other "<absent>"' in create.problems
    assert create.render().startswith("FAIL  [stages_crud] create json  (POST /api/stages/new)")


# -- over real HTTP ---------------------------------------------------------------------


class LoopbackServer:
    """uvicorn serving an app on 127.0.0.1 (a free port) in a thread."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self, app) -> "LoopbackServer":
        import uvicorn

        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            time.sleep(0.01)
        raise RuntimeError("uvicorn did not start")

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def test_the_replay_matches_over_real_http_too():
    """The same replay through a socket (uvicorn, real HTTP framing and
    headers) instead of in-process ASGI."""
    loopback = LoopbackServer()
    sandbox = replay.InProcessSandbox(base_url=loopback.url)
    loopback.serve(sandbox.app)
    try:
        async def go():
            async with replay.connect_remote(
                    loopback.url, sandbox.user, sandbox.password, sandbox.oauth_client_id,
                    sandbox.oauth_client_secret, wait=sandbox.wait) as target:
                return await replay.replay(target, TRANSCRIPT)

        results = asyncio.run(go())
    finally:
        loopback.close()
    everything = [r for rs in results.values() for r in rs]
    assert [r.render() for r in everything if not r.ok] == []
    assert len(everything) == 248


# -- the developer command line ----------------------------------------------------------


def test_cli_prints_one_line_per_exchange_and_totals(capsys):
    code = replay.main(["--scenario", "stages_batch"])
    out = capsys.readouterr().out.splitlines()
    labels = [e["label"] for e in TRANSCRIPT.exchanges["stages_batch"]]
    lines = [line for line in out if line.startswith(("MATCH ", "FAIL  "))]
    assert len(lines) == len(labels)
    for line, label in zip(lines, labels):
        assert f"[stages_batch] {label}" in line
    failed = sum(line.startswith("FAIL") for line in lines)
    assert out[-1].startswith(f"{len(labels) - failed} passed, {failed} failed")
    assert code == (0 if failed == 0 else 1)


def test_cli_rejects_an_unknown_scenario(capsys):
    with pytest.raises(SystemExit) as exc:
        replay.main(["--scenario", "no_such_scenario"])
    assert exc.value.code == 2
    assert "unknown scenario(s) no_such_scenario" in capsys.readouterr().err
