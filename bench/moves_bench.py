"""Moving contacts and searching them, as the assign dialog does it, through MauticClient.

1. Move 500 contacts into a stage against the sandbox slowed to 50 ms per request
   (SandboxConfig.latency), one at a time vs 4 in flight (the dialog's limit), in-process and
   over a loopback uvicorn socket. Target: the speed-up is at least 0.8 x the in-flight limit
   (>= 3.2x with 4).
2. Contact search latency at 1,000,000 contacts (H2's deterministic seed): the dialog's
   searches (first page, words, email:, name:, ids:, stage:), the move's verification read
   (ids: 100 at a time) and the detail screen's stage paging (where stage_id, deep pages).

    .venv/bin/python bench/moves_bench.py [--moves 500] [--latency 0.05] [--contacts 1000000]
                                          [--db PATH] [--repeat 20] [--skip-search] [--skip-moves]

Figures, not assertions: CI does not run this.
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
from stages_tui.api import BasicAuth, MauticClient  # noqa: E402
from stages_tui.moves import MoveItem, move_contacts  # noqa: E402
from stages_tui.sandbox.app import SandboxConfig, create_app  # noqa: E402
from stages_tui.sandbox.seed import is_empty, seed  # noqa: E402

PASSWORD = "bench-password"


def client_for(app) -> MauticClient:
    return MauticClient("http://sandbox", auth=BasicAuth("admin", PASSWORD),
                        transport=httpx.ASGITransport(app=app), timeout=60.0)


# ------------------------------------------------------------------------------ moves

def one_move_run(count: int, latency: float, concurrency: int, http: bool) -> tuple[float, int, int]:
    """Fresh seeded sandbox; move `count` contacts not yet in the target; (seconds, moved, requests)."""
    app = create_app(SandboxConfig(db_path=None, password=PASSWORD, latency=latency))
    conn = app.state.store.conn
    seed(conn, contacts=max(2000, count * 2))
    target = conn.execute("SELECT id FROM stages ORDER BY id LIMIT 1").fetchone()[0]
    rows = conn.execute(
        "SELECT id, stage_id FROM leads WHERE stage_id IS NULL OR stage_id != ? ORDER BY id LIMIT ?",
        (target, count),
    ).fetchall()
    items = [MoveItem(contact_id=r[0], label=f"#{r[0]}", stage_id=r[1]) for r in rows]
    requests = 0

    async def counted(request: httpx.Request) -> None:
        nonlocal requests
        requests += 1

    async def run(client: MauticClient):
        async with client:
            client._http.event_hooks["request"].append(counted)
            started = time.perf_counter()
            report = await move_contacts(client, items, target, concurrency=concurrency)
            return report, time.perf_counter() - started

    if http:
        with LoopbackServer(app) as server:
            report, elapsed = asyncio.run(run(MauticClient(server.url, auth=BasicAuth("admin", PASSWORD), timeout=60.0)))
    else:
        report, elapsed = asyncio.run(run(client_for(app)))
    if not report.ok or len(report.moved) != count:
        raise SystemExit(f"move run failed: {report.headline()}")
    moved_now = conn.execute("SELECT COUNT(*) FROM leads WHERE stage_id = ? AND id IN (%s)"
                             % ",".join(str(i.contact_id) for i in items), (target,)).fetchone()[0]
    assert moved_now == count
    return elapsed, len(report.moved), requests


def bench_moves(count: int, latency: float, http: bool) -> None:
    how = "over loopback HTTP (uvicorn)" if http else "in-process (ASGI)"
    print(f"\n== moving {count} contacts {how}, sandbox latency {latency * 1000:.0f} ms per request ==")
    results = {}
    for concurrency in (1, 4):
        elapsed, moved, requests = one_move_run(count, latency, concurrency, http)
        results[concurrency] = elapsed
        print(f"  {concurrency} in flight: {elapsed:7.2f} s  ({moved} moved, {requests} requests,"
              f" {moved / elapsed:6.1f} contacts/s)")
    speedup = results[1] / results[4]
    target = 0.8 * 4
    verdict = "OK" if speedup >= target else "BELOW TARGET"
    print(f"  speed-up with 4 in flight: {speedup:.2f}x (target >= {target:.1f}x): {verdict}")


# ----------------------------------------------------------------------------- search

def seeded_file(db_path: str, contacts: int):
    app = create_app(SandboxConfig(db_path=db_path, password=PASSWORD))
    conn = app.state.store.conn
    if is_empty(conn):
        print(f"seeding {contacts:,} contacts into {db_path} …", flush=True)
        summary = seed(conn, contacts=contacts)
        app.state.store.commit()
        print(f"  seeded in {summary.seconds:.1f} s", flush=True)
    total = conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0]
    print(f"using {total:,} contacts in {db_path}", flush=True)
    return app


def search_cases(conn) -> list[tuple[str, dict]]:
    first, last, email = conn.execute(
        "SELECT firstname, lastname, email FROM leads WHERE id = ?", (conn.execute(
            "SELECT MAX(id) / 2 FROM leads").fetchone()[0],)).fetchone()
    big_stage, big_count = conn.execute(
        "SELECT stage_id, COUNT(*) c FROM leads WHERE stage_id IS NOT NULL GROUP BY stage_id"
        " ORDER BY c DESC LIMIT 1").fetchone()
    stage_name = conn.execute("SELECT name FROM stages WHERE id = ?", (big_stage,)).fetchone()[0]
    top = conn.execute("SELECT MAX(id) FROM leads").fetchone()[0]
    hundred = ",".join(str(i) for i in range(1, top, max(1, top // 100)))[:2000]
    deep = (big_count // 2) // 30 * 30
    return [
        ("dialog opens (no search)", dict(search="")),
        (f"word '{last.lower()[:4]}'", dict(search=last.lower()[:4])),
        (f"email:{email[:6]}", dict(search=f"email:{email[:6]}")),
        (f"email exact (move command)", dict(search=f'email:"{email}"', order_by="id", order_dir="asc", limit=100)),
        (f"name:{first.lower()[:4]}", dict(search=f"name:{first.lower()[:4]}")),
        ("ids: 3 ids", dict(search="ids:1,2,3")),
        ("ids: 100 ids (move verification)", dict(search=f"ids:{hundred}", limit=100)),
        (f"stage:{stage_name.split()[0].lower()}", dict(search=f"stage:{stage_name.split()[0].lower()}")),
        (f"stage page 1 (where stage_id, {big_count:,} in it)", dict(stage_id=big_stage)),
        (f"stage page at start={deep:,}", dict(stage_id=big_stage, start=deep)),
    ]


async def bench_search(app, repeat: int) -> None:
    conn = app.state.store.conn
    cases = search_cases(conn)
    print(f"\n== contact search latency through MauticClient (in-process), {repeat} runs each ==")
    print(f"  {'search':50} {'median':>9} {'p95':>9} {'total':>10}")
    async with client_for(app) as client:
        for label, kwargs in cases:
            kwargs = {"limit": 30, **kwargs}
            samples = []
            total = 0
            for _ in range(repeat):
                started = time.perf_counter()
                page = await client.list_contacts(**kwargs)
                samples.append((time.perf_counter() - started) * 1000)
                total = page.total
            samples.sort()
            p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
            print(f"  {label[:50]:50} {statistics.median(samples):7.1f}ms {p95:7.1f}ms {total:>10,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--db", help="sandbox DB file to reuse (seeded if empty)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-moves", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_moves:
        bench_moves(args.moves, args.latency, http=False)
        bench_moves(args.moves, args.latency, http=True)
    if not args.skip_search:
        tmp = None
        db_path = args.db
        if db_path is None:
            tmp = tempfile.TemporaryDirectory()
            db_path = os.path.join(tmp.name, "sandbox.db")
        app = seeded_file(db_path, args.contacts)
        asyncio.run(bench_search(app, args.repeat))
        app.state.store.close()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
