"""Storage: a file database persists between app instances; memory is per app."""

from __future__ import annotations

import httpx

from stages_tui.sandbox.app import SandboxConfig, create_app


async def _names(app) -> list[str]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                 auth=("admin", "pw")) as client:
        return [s["name"] for s in (await client.get("/api/stages")).json()["stages"]]


async def _create(app, name: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                 auth=("admin", "pw")) as client:
        assert (await client.post("/api/stages/new", json={"name": name})).status_code == 201


async def test_file_database_persists(tmp_path):
    path = str(tmp_path / "sandbox.db")
    first = create_app(SandboxConfig(db_path=path, password="pw"))
    await _create(first, "kept")
    first.state.store.close()
    second = create_app(SandboxConfig(db_path=path, password="pw"))
    assert await _names(second) == ["kept"]
    assert second.state.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    second.state.store.close()


async def test_memory_databases_are_separate():
    one = create_app(SandboxConfig(password="pw"))
    two = create_app(SandboxConfig(password="pw"))
    await _create(one, "only here")
    assert await _names(two) == []
    assert await _names(one) == ["only here"]


async def test_concurrent_requests_share_the_connection_safely():
    import asyncio

    app = create_app(SandboxConfig(password="pw"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                 auth=("admin", "pw")) as client:
        answers = await asyncio.gather(*(client.post("/api/stages/new", json={"name": f"s{i}"})
                                         for i in range(40)),
                                       *(client.get("/api/stages") for _ in range(20)))
        assert all(r.status_code in (200, 201) for r in answers)
        ids = {r.json()["stage"]["id"] for r in answers if r.status_code == 201}
        assert len(ids) == 40
        assert (await client.get("/api/stages", params={"limit": 0})).json()["total"] == 40
