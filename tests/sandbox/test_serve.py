"""`stages-tui sandbox serve`: flags, exit codes, and a real start/GET/Ctrl-C on loopback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from stages_tui.sandbox.serve import UsageError, is_loopback, main, parse_args


@pytest.mark.parametrize("argv", [
    ["serve", "--port", "http"],
    ["serve", "--port", "70000"],
    ["serve", "--contacts", "-5"],
    ["serve", "--latency", "nan"],
    ["serve", "--db", "x.db", "--memory"],
    ["serve", "--oauth-client", "nocolon"],
    ["serve", "--oauth-client", "abc:topsecret"],
    ["serve", "--bogus"],
    ["serve", "--password", ""],
    ["launch"],
    [],
    ["--port", "0"],
])
def test_bad_flags_exit_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("stages-tui sandbox serve: error: ")
    assert "topsecret" not in captured.err


def test_help_exits_0(capsys):
    assert main(["serve", "--help"]) == 0
    assert "--oauth-client" in capsys.readouterr().out


def test_defaults_and_generated_password():
    options = parse_args(["serve"])
    assert (options.host, options.port, options.db, options.contacts, options.user) == (
        "127.0.0.1", 8080, None, 2000, "admin")
    assert options.password_generated and len(options.password) >= 12
    assert parse_args(["serve"]).password != options.password


def test_oauth_clients_parse():
    options = parse_args(["serve", "--oauth-client", "1_abc:s3cret", "--oauth-client", "2_x:y:my app"])
    assert options.oauth_clients == [("1_abc", "s3cret", "conformance-suite"), ("2_x", "y", "my app")]
    with pytest.raises(UsageError):
        parse_args(["serve", "--db", "/no/such/dir/x.db"])


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_port_in_use_exits_1(capsys):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--contacts", "0", "--password", "pw"]) == 1
    finally:
        taken.close()
    assert "cannot listen" in capsys.readouterr().err


def test_serves_over_loopback_and_stops_on_ctrl_c(tmp_path):
    db = tmp_path / "sandbox.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "stages_tui.sandbox.serve", "serve", "--port", "0", "--db", str(db),
         "--contacts", "25", "--password", "pw-123", "--oauth-client", "1_demo:oauth-secret"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C" in line:
                break
        banner = "".join(lines)
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner + proc.stderr.read() if proc.poll() is not None else banner
        assert "password: (the one given with --password)" in banner and "1_demo" in banner
        assert "pw-123" not in banner and "oauth-secret" not in banner  # secrets given are not echoed
        base = match.group(0)
        reply = httpx.get(f"{base}/api/stages", params={"limit": 100}, auth=("admin", "pw-123"), timeout=10)
        assert reply.status_code == 200
        assert reply.json()["total"] >= 8
        contacts = httpx.get(f"{base}/api/contacts", params={"limit": 1}, auth=("admin", "pw-123"), timeout=10)
        assert contacts.json()["total"] == "25"
        assert httpx.get(f"{base}/api/stages", timeout=10).status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "sandbox stopped" in out
    assert "Traceback" not in err


def test_ctrl_c_while_seeding_exits_130_without_traceback():
    proc = subprocess.Popen(
        [sys.executable, "-m", "stages_tui.sandbox.serve", "serve", "--port", "0", "--memory",
         "--contacts", "3000000", "--password", "pw"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = proc.stderr.readline()  # "seeding 3000000 demo contacts…" (printed before the work)
        assert "seeding" in first
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert "serving at" not in out
