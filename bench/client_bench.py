"""Client round-trip figures against the embedded sandbox: in-process (ASGI) and over a
loopback socket (uvicorn, keep-alive). Prints figures; asserts nothing.

    .venv/bin/python bench/client_bench.py [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from api.sandbox_helpers import PASSWORD, USER, LoopbackServer, sandbox_app  # noqa: E402
from stages_tui.api import BasicAuth, MauticClient, StageDraft  # noqa: E402


async def measure(client: MauticClient, n: int) -> dict[str, float]:
    ids = [(await client.create_stage(StageDraft(name=f"bench {i}", weight=i))).id for i in range(20)]
    figures: dict[str, float] = {}
    for label, call in (
        ("get_stage", lambda i: client.get_stage(ids[i % len(ids)])),
        ("list_stages(limit=30)", lambda i: client.list_stages(search="bench", order_by="weight")),
        ("list_contacts(limit=30)", lambda i: client.list_contacts()),
        ("edit_stage (PATCH)", lambda i: client.edit_stage(ids[i % len(ids)], {"weight": i})),
    ):
        samples = []
        for i in range(n):
            start = time.perf_counter()
            await call(i)
            samples.append(time.perf_counter() - start)
        samples.sort()
        figures[f"{label} median ms"] = statistics.median(samples) * 1000
        figures[f"{label} p95 ms"] = samples[int(len(samples) * 0.95) - 1] * 1000
    start = time.perf_counter()
    await asyncio.gather(*(client.get_stage(ids[i % len(ids)]) for i in range(n)))
    figures["concurrent get_stage req/s"] = n / (time.perf_counter() - start)
    return figures


async def main(n: int) -> None:
    app = sandbox_app()
    try:
        from stages_tui.sandbox.seed import seed

        seed(app.state.store.conn, contacts=2000)
    except Exception as exc:  # seeding is optional for the figures
        print(f"(no seed: {exc})")
    async with MauticClient("http://sandbox", BasicAuth(USER, PASSWORD), transport=httpx.ASGITransport(app=app)) as client:
        report("in-process ASGI", await measure(client, n))
    with LoopbackServer(app) as server:
        async with MauticClient(server.url, BasicAuth(USER, PASSWORD)) as client:
            report("loopback uvicorn", await measure(client, n))


def report(title: str, figures: dict[str, float]) -> None:
    print(f"== {title}")
    for name, value in figures.items():
        print(f"  {name:36s} {value:9.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    asyncio.run(main(parser.parse_args().requests))
