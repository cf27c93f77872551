"""Sandbox latency at scale: seed N contacts (default 1,000,000) into a temp file database,
then time list requests in-process (ASGI) and over a real loopback uvicorn socket.

    .venv/bin/python bench/sandbox_bench.py [--contacts 1000000] [--requests 50] [--db PATH]

Prints the seed time and, per request kind, median and p95 next to the target. Figures,
not assertions: CI does not run this.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import httpx  # noqa: E402

from api.sandbox_helpers import LoopbackServer  # noqa: E402
from stages_tui.sandbox.app import SandboxConfig, create_app  # noqa: E402
from stages_tui.sandbox.seed import is_empty, seed  # noqa: E402

PASSWORD = "bench-password"
AUTH = ("admin", PASSWORD)


def scenarios(stage_ids: dict[str, int]) -> list[tuple[str, str, dict, float | None]]:
    """(label, path, query, target ms or None for informational)."""
    big = stage_ids["Subscriber"]
    small = stage_ids["Dormant"]
    where = {"where[0][col]": "stage_id", "where[0][expr]": "eq"}
    return [
        ("stage list page", "/api/stages", {}, 20),
        ("stage list, search 'lead'", "/api/stages", {"search": "lead"}, 20),
        ("contacts email:ann. (last_active desc)", "/api/contacts", {"search": "email:ann."}, 100),
        ("contacts email:ann. orderBy=id", "/api/contacts", {"search": "email:ann.", "orderBy": "id"}, 100),
        ("contacts email:a (last_active desc)", "/api/contacts", {"search": "email:a"}, 100),
        ("contacts where stage_id big (default)", "/api/contacts", {**where, "where[0][val]": big}, 100),
        ("contacts where stage_id big orderBy=id", "/api/contacts",
         {**where, "where[0][val]": big, "orderBy": "id"}, 100),
        ("contacts where stage_id small (default)", "/api/contacts", {**where, "where[0][val]": small}, 100),
        ("contacts stage:subscriber (default)", "/api/contacts", {"search": "stage:subscriber"}, 100),
        ("contacts stage:subscriber orderBy=id", "/api/contacts",
         {"search": "stage:subscriber", "orderBy": "id"}, 100),
        ("contacts stage:dormant (default)", "/api/contacts", {"search": "stage:dormant"}, 100),
        ("contacts stage:nosuch (default)", "/api/contacts", {"search": "stage:nosuch"}, 100),
        ("contacts name:chlo (info)", "/api/contacts", {"search": "name:chlo"}, None),
        ("contacts first page (no search)", "/api/contacts", {}, None),
        ("contacts plain word 'ann' (info)", "/api/contacts", {"search": "ann"}, None),
    ]


def summarize(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def report(transport: str, label: str, samples: list[float], target: float | None, status: int) -> None:
    median, p95 = summarize(samples)
    if target is None:
        verdict = "info"
    else:
        verdict = "ok" if p95 <= target else ("median ok" if median <= target else "OVER")
    goal = f"< {target:.0f} ms" if target is not None else "-"
    print(f"  {transport:8s} {label:42s} median {median:8.1f} ms   p95 {p95:8.1f} ms   "
          f"target {goal:9s} {verdict}{'' if status == 200 else f'  (HTTP {status})'}", flush=True)


async def bench_asgi(app, cases, requests: int, slow_requests: int) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox", auth=AUTH) as client:
        for label, path, query, target in cases:
            count = requests if target is not None else slow_requests
            status = (await client.get(path, params=query)).status_code  # warm-up
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                reply = await client.get(path, params=query)
                samples.append(time.perf_counter() - started)
                status = reply.status_code
            report("asgi", label, samples, target, status)


def bench_socket(app, cases, requests: int, slow_requests: int) -> None:
    with LoopbackServer(app) as server, \
            httpx.Client(base_url=server.url, auth=AUTH, timeout=60) as client:
        for label, path, query, target in cases:
            count = requests if target is not None else slow_requests
            status = client.get(path, params=query).status_code
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                reply = client.get(path, params=query)
                samples.append(time.perf_counter() - started)
                status = reply.status_code
            report("socket", label, samples, target, status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per kind (default 50)")
    parser.add_argument("--slow-requests", type=int, default=5, help="for the informational full scans")
    parser.add_argument("--db", help="reuse (or create) this database file instead of a temp one")
    args = parser.parse_args(argv)

    tmp = None
    db_path = args.db
    if db_path is None:
        tmp = tempfile.TemporaryDirectory(prefix="sandbox-bench-")
        db_path = os.path.join(tmp.name, "sandbox.db")
    try:
        app = create_app(SandboxConfig(db_path=db_path, password=PASSWORD))
        store = app.state.store
        with store.lock:
            if is_empty(store.conn):
                print(f"seeding {args.contacts:,} contacts into {db_path} …", flush=True)
                summary = seed(store.conn, contacts=args.contacts)
                print(f"seed: {summary.seconds:.1f} s  (target < 60 s)  "
                      f"{summary.contacts:,} contacts, {summary.staged_contacts:,} staged, "
                      f"{summary.stages} stages", flush=True)
            else:
                print(f"using existing data in {db_path}", flush=True)
            stage_ids = {name: sid for sid, name in store.conn.execute("SELECT id, name FROM stages")}
            total = store.conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0]
        print(f"{total:,} contacts; {args.requests} requests per kind (median / p95)\n", flush=True)
        cases = scenarios(stage_ids)
        asyncio.run(bench_asgi(app, cases, args.requests, args.slow_requests))
        print()
        bench_socket(app, cases, args.requests, args.slow_requests)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
