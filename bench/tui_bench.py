"""TUI benchmark: start-up time, page-flip time with a slow server, and peak memory.

Prints, for the real app on the embedded sandbox next to a bare Textual app that shows a
30-row DataTable (both measured in this run, in a real pseudo-terminal at 120x40):

1. time from process start to the first stage page painted   (target: <= 1.3x the bare app)
2. peak RSS of each process
3. time from `]` to the next page painted, with the sandbox slowed to 400 ms per request
   (target: < 50 ms, thanks to prefetching the next page)

Usage: .venv/bin/python bench/tui_bench.py [--runs 5] [--latency 0.4] [--pages 4]
Each child process reports its timings on a pipe; "painted" means the table has the rows
and Textual has completed the screen refresh that follows (call_after_refresh).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
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


def child_bare() -> None:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable(cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("ID", "Name", "Category", "Weight", "Published")
            for i in range(30):
                table.add_row(str(i), f"Stage {i}", "Sales", str(i * 5), "yes", key=str(i))

    async def probe(pilot) -> None:
        await _wait_for(lambda: _first_row_key(app) is not None)
        _report({"painted": await _painted(app)})
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


def _drain(fd: int) -> None:
    """Read and discard the terminal output (the pty must not fill up)."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def run_child(args: list[str]) -> tuple[dict, float, int]:
    """Run one child in a 120x40 pty; return (report, seconds-since-spawn base, peak RSS KiB)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    read_end, write_end = os.pipe()
    env = {**os.environ, REPORT_FD_ENV: str(write_end), "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    drainer = threading.Thread(target=_drain, args=(master,), daemon=True)
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
    os.close(master)
    if not line:
        raise RuntimeError(f"child {args} reported nothing (exit {proc.returncode})")
    return json.loads(line), started, usage.ru_maxrss


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
        if kind == "bare":
            child_bare()
        else:
            child_app(rest[0], float(rest[1]), int(rest[2]))
        return 0

    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        os.environ["STAGES_TUI_DATA_DIR"] = tmp  # never touch the real data dir
        os.environ["STAGES_TUI_CONFIG"] = str(Path(tmp) / "none.toml")
        db = make_db(Path(tmp))
        startup = {"bare": [], "app": []}
        phases: list[dict[str, float]] = []
        rss = {"bare": [], "app": []}
        run_child(["bare"])  # warm the OS file cache for both before measuring
        run_child(["app", str(db), "0", "0"])
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            for kind, child_args in (("bare", ["bare"]), ("app", ["app", str(db), "0", "0"])):
                report, started, peak = run_child(child_args)
                startup[kind].append(report["painted"] - started)
                if kind == "app":
                    marks = report["phases"]
                    phases.append({
                        "python + imports": marks["imported"] - started,
                        "settings + sandbox + app built": marks["built"] - marks["imported"],
                        "running until rows in the table": marks["rows"] - marks["built"],
                        "rows -> painted": report["painted"] - marks["rows"],
                    })
                rss[kind].append(peak)
        report, _, _ = run_child(["app", str(db), str(args.latency), str(args.pages)])
        flips = report["flips"]

    bare_ms = statistics.median(startup["bare"]) * 1000
    app_ms = statistics.median(startup["app"]) * 1000
    print(f"tui bench: {COLUMNS}x{ROWS} pty, {args.runs} runs each, medians; python {sys.version.split()[0]}")
    print(f"  start-up to first page painted: app {app_ms:7.1f} ms   bare Textual + 30-row table {bare_ms:7.1f} ms"
          f"   ratio {app_ms / bare_ms:.2f}x (target <= 1.3x)")
    print("    app phases (medians): " + ", ".join(
        f"{name} {statistics.median(p[name] for p in phases) * 1000:.0f} ms" for name in phases[0]))
    bare_rss = max(rss["bare"]) / 1024
    app_rss = max(rss["app"]) / 1024
    print(f"  peak RSS:                       app {app_rss:7.1f} MiB  bare {bare_rss:7.1f} MiB"
          f"   ratio {app_rss / bare_rss:.2f}x")
    shown = ", ".join(f"{f * 1000:.1f}" for f in flips)
    print(f"  `]` to next page painted, sandbox at {args.latency * 1000:.0f} ms/request: "
          f"median {statistics.median(flips) * 1000:.1f} ms, max {max(flips) * 1000:.1f} ms "
          f"over {len(flips)} flips [{shown}] (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
