"""TUI benchmark: start-up time, page-flip time with a slow server, and peak memory.

Prints, for the real app on the embedded sandbox next to a bare Textual app that shows a
30-row DataTable (both measured in this run, in a real pseudo-terminal at 120x40):

1. time from process start to the first stage page, two ways: when the page's last row
   reaches the terminal (read from the pty, outside the process), and when Textual has
   completed the refresh after the rows were added (call_after_refresh, inside it)
   (target: <= 1.3x the bare app); next to them a floor: the bare app that also imports
   httpx and validates its rows with pydantic, the libraries any stages-tui must load
2. peak RSS of each process
3. time from `]` to the next page painted, with the sandbox slowed to 400 ms per request
   (target: < 50 ms, thanks to prefetching the next page)

Usage: .venv/bin/python bench/tui_bench.py [--runs 5] [--latency 0.4] [--pages 4]
Each child process reports its timings on a pipe.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

COLUMNS, ROWS = 120, 40
REPORT_FD_ENV = "TUI_BENCH_REPORT_FD"
EXTRA_STAGES = 120  # the seed has only a handful of stages; paging needs several pages


# ------------------------------------------------------------------ child side


def _report(payload: dict) -> None:
    fd = int(os.environ[REPORT_FD_ENV])
    os.write(fd, (json.dumps(payload) + "\n").encode())


async def _painted(app) -> float:
    """Wait for the refresh after the current state, return the monotonic time then."""
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(time.monotonic()))
    return await done


def _first_row_key(app):
    from textual.widgets import DataTable

    for table in app.screen.query(DataTable):
        if table.row_count:
            return table.coordinate_to_cell_key((0, 0)).row_key.value
    return None


async def _wait_for(predicate, timeout: float = 30.0, step: float = 0.001) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the table never showed rows")
        await asyncio.sleep(step)


def child_bare(with_libraries: bool = False) -> None:
    """The bare app; `with_libraries` adds only what any stages-tui must load: httpx, and
    pydantic validating the 30 rows (no request, no screen of ours) - the floor for the ratio."""
    if with_libraries:
        # With the app's own start-up help, from as early as the app has it (before Textual's
        # import, as stages_tui.cli does): a fair floor.
        from stages_tui import startup_gc

        startup_gc.relax()
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    rows_data = [{"id": i, "name": f"Stage {i}", "category": "Sales", "weight": i * 5, "isPublished": True}
                 for i in range(30)]
    if with_libraries:
        sys.modules.setdefault("httpx._main", None)
        import httpx  # noqa: F401
        from pydantic import BaseModel, ConfigDict, Field

        class Row(BaseModel):
            model_config = ConfigDict(populate_by_name=True)
            id: int
            name: str
            category: str
            weight: int
            is_published: bool = Field(alias="isPublished")

        rows_data = [row.model_dump(by_alias=True) for row in map(Row.model_validate, rows_data)]
        startup_gc.settle()
    imported = time.monotonic()

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable(cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("ID", "Name", "Category", "Weight", "Published")
            for row in rows_data:
                table.add_row(str(row["id"]), row["name"], row["category"], str(row["weight"]),
                              "yes" if row["isPublished"] else "no", key=str(row["id"]))

    async def probe(pilot) -> None:
        await _wait_for(lambda: _first_row_key(app) is not None)
        rows = time.monotonic()
        _report({"painted": await _painted(app), "phases": {"imported": imported, "rows": rows}})
        app.exit()

    app = Bare()
    app.run(auto_pilot=probe)


def child_app(db: str, latency: float, pages: int) -> None:
    from textual import events

    from stages_tui import cli
    from stages_tui.tui.app import make_app

    imported = time.monotonic()
    argv = ["--sandbox-db", db] + (["--sandbox-latency", str(latency)] if latency else [])
    settings = cli.settings_from_args(cli._main_parser().parse_args(argv))
    app = make_app(settings)
    built = time.monotonic()

    async def probe(pilot) -> None:
        await _wait_for(lambda: _first_row_key(app) is not None)
        rows = time.monotonic()
        result: dict = {"painted": await _painted(app), "flips": [],
                        "phases": {"imported": imported, "built": built, "rows": rows}}
        for _ in range(pages if latency else 0):
            await asyncio.sleep(latency * 3 + 0.3)  # give the prefetch time to land, like a reader would
            before = _first_row_key(app)
            start = time.monotonic()
            # As the terminal driver delivers it (pilot.press would add its own idle waits).
            app.post_message(events.Key("right_square_bracket", "]"))
            await _wait_for(lambda: _first_row_key(app) not in (None, before), timeout=10)
            result["flips"].append(await _painted(app) - start)
        _report(result)
        app.exit()

    app.run(auto_pilot=probe)


# ------------------------------------------------------------------ parent side


def _drain(fd: int, marker: bytes | None, seen: dict[str, float]) -> None:
    """Read the terminal output (the pty must not fill up); note when `marker` first shows."""
    tail = b""
    try:
        while chunk := os.read(fd, 65536):
            if marker and "marker" not in seen:
                if marker in tail + chunk:
                    seen["marker"] = time.monotonic()
                tail = chunk[-len(marker):]
    except OSError:
        pass


def run_child(args: list[str], marker: str | None = None) -> tuple[dict, float, int]:
    """Run one child in a 120x40 pty; return (report, spawn time, peak RSS KiB).

    With `marker` (text of a table row), report["on_terminal"] is when it first reached the
    terminal: the page as the user sees it, with no help from inside the process.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    read_end, write_end = os.pipe()
    env = {**os.environ, REPORT_FD_ENV: str(write_end), "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    seen: dict[str, float] = {}
    drainer = threading.Thread(target=_drain, args=(master, marker and marker.encode(), seen), daemon=True)
    drainer.start()
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        stdin=slave, stdout=slave, stderr=slave, env=env, pass_fds=(write_end,), start_new_session=True,
    )
    os.close(slave)
    os.close(write_end)
    with os.fdopen(read_end) as reports:
        line = reports.readline()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    drainer.join(timeout=5)  # the child is gone: its last output is read, then EOF/EIO
    os.close(master)
    if not line:
        raise RuntimeError(f"child {args} reported nothing (exit {proc.returncode})")
    report = json.loads(line)
    if marker:
        if "marker" not in seen:
            raise RuntimeError(f"child {args}: {marker!r} never reached the terminal")
        report["on_terminal"] = seen["marker"]
    return report, started, usage.ru_maxrss


def make_db(directory: Path) -> Path:
    """A seeded sandbox DB with enough stages for several pages."""
    from stages_tui.api import StageDraft
    from stages_tui.config import Settings, build_client

    db = directory / "sandbox.db"
    client = build_client(Settings(auth_kind="sandbox", sandbox_db=db))

    async def add_stages() -> None:
        async with client:
            for i in range(EXTRA_STAGES):
                await client.create_stage(StageDraft(name=f"Bench stage {i:03d}", weight=i))

    asyncio.run(add_stages())
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.4)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind in ("bare", "floor"):
            child_bare(with_libraries=kind == "floor")
        else:
            child_app(rest[0], float(rest[1]), int(rest[2]))
        return 0

    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        os.environ["STAGES_TUI_DATA_DIR"] = tmp  # never touch the real data dir
        os.environ["STAGES_TUI_CONFIG"] = str(Path(tmp) / "none.toml")
        db = make_db(Path(tmp))
        # The last row of each first page: when it reaches the terminal, the page is painted.
        with sqlite3.connect(db) as conn:
            (last_app_row,) = conn.execute("SELECT name FROM stages ORDER BY id LIMIT 1 OFFSET 29").fetchone()
        children = {"bare": (["bare"], "Stage 29"), "floor": (["floor"], "Stage 29"),
                    "app": (["app", str(db), "0", "0"], last_app_row)}
        startup: dict[str, list[float]] = {kind: [] for kind in children}
        on_terminal: dict[str, list[float]] = {kind: [] for kind in children}
        phases: dict[str, list[dict[str, float]]] = {kind: [] for kind in children}
        rss: dict[str, list[int]] = {kind: [] for kind in children}
        for child_args, marker in children.values():  # warm the OS file cache for both first
            run_child(child_args, marker)
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            for kind, (child_args, marker) in children.items():
                report, started, peak = run_child(child_args, marker)
                startup[kind].append(report["painted"] - started)
                on_terminal[kind].append(report["on_terminal"] - started)
                marks = report["phases"]
                steps = {"python + imports": marks["imported"] - started}
                if "built" in marks:
                    steps["settings + sandbox + app built"] = marks["built"] - marks["imported"]
                steps["running until rows in the table"] = marks["rows"] - marks.get("built", marks["imported"])
                steps["rows -> painted"] = report["painted"] - marks["rows"]
                phases[kind].append(steps)
                rss[kind].append(peak)
        report, _, _ = run_child(["app", str(db), str(args.latency), str(args.pages)])
        flips = report["flips"]

    def ms(values: list[float]) -> float:
        return statistics.median(values) * 1000

    print(f"tui bench: {COLUMNS}x{ROWS} pty, {args.runs} runs each, medians; python {sys.version.split()[0]}")
    for label, figures in (("start-up to first page on the terminal", on_terminal),
                           ("start-up to first page painted (in-process)", startup)):
        app_ms, bare_ms, floor_ms = ms(figures["app"]), ms(figures["bare"]), ms(figures["floor"])
        print(f"  {label}: app {app_ms:.1f} ms, bare Textual + 30-row table {bare_ms:.1f} ms,"
              f" ratio {app_ms / bare_ms:.2f}x (target <= 1.3x)")
        print(f"    floor (the bare app + importing httpx + pydantic validating its rows): {floor_ms:.1f} ms,"
              f" {floor_ms / bare_ms:.2f}x the bare app")
    for kind in children:
        print(f"    {kind} phases (medians): " + ", ".join(
            f"{name} {ms([p[name] for p in phases[kind]]):.0f} ms" for name in phases[kind][0]))
    bare_rss = max(rss["bare"]) / 1024
    app_rss = max(rss["app"]) / 1024
    print(f"  peak RSS: app {app_rss:.1f} MiB, bare {bare_rss:.1f} MiB, ratio {app_rss / bare_rss:.2f}x")
    shown = ", ".join(f"{f * 1000:.1f}" for f in flips)
    print(f"  `]` to next page painted, sandbox at {args.latency * 1000:.0f} ms/request: "
          f"median {statistics.median(flips) * 1000:.1f} ms, max {max(flips) * 1000:.1f} ms "
          f"over {len(flips)} flips [{shown}] (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
