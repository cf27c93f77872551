"""The client over a real loopback socket (uvicorn serving the sandbox): real HTTP,
keep-alive connection reuse, timeouts and refused connections."""

from __future__ import annotations

import socket

import pytest

from stages_tui.api import BasicAuth, MauticClient, StageDraft, Timeout, Unreachable

from .sandbox_helpers import PASSWORD, USER, ClientTracker, LoopbackServer, sandbox_app


@pytest.fixture(scope="module")
def served():
    tracker = ClientTracker(sandbox_app())
    with LoopbackServer(tracker) as server:
        yield server, tracker


async def test_real_http_round_trip_reuses_one_connection(served):
    server, tracker = served
    tracker.peers.clear()
    async with MauticClient(server.url, BasicAuth(USER, PASSWORD)) as client:
        stage = await client.create_stage(StageDraft(name="over loopback", weight=7))
        assert (await client.get_stage(stage.id)).name == "over loopback"
        page = await client.list_stages(search="loopback")
        assert [s.id for s in page.items] == [stage.id]
        await client.edit_stage(stage.id, {"weight": 8})
        await client.delete_stage(stage.id)
    assert len(tracker.peers) == 5
    assert len(set(tracker.peers)) == 1, f"expected one kept-alive connection, saw {set(tracker.peers)}"


async def test_slow_server_times_out():
    tracker = ClientTracker(sandbox_app(latency=0.6))
    with LoopbackServer(tracker) as server:
        async with MauticClient(server.url, BasicAuth(USER, PASSWORD), timeout=0.1, retries=0) as client:
            with pytest.raises(Timeout) as info:
                await client.list_stages()
    assert info.value.status is None
    assert info.value.user_message.startswith("Timed out:")


async def test_closed_port_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on the port now
    async with MauticClient(f"http://127.0.0.1:{port}", BasicAuth(USER, PASSWORD), retries=1, backoff=0) as client:
        with pytest.raises(Unreachable) as info:
            await client.list_stages()
    assert PASSWORD not in str(info.value) + repr(info.value)
    assert f"127.0.0.1:{port}" in info.value.user_message
