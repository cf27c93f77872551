"""`stages-tui sandbox serve`: the Mautic-compatible sandbox over real HTTP (uvicorn).

Binds loopback unless --host says otherwise, seeds an empty database with demo data,
prints the base URL and the login, and stops cleanly on Ctrl-C. Exit codes: 0 stopped,
1 could not start (port taken, database unusable), 2 bad flags (one line on stderr).
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import re
import secrets
import socket
import sqlite3
import sys
from dataclasses import dataclass
from typing import TextIO

PROG = "stages-tui sandbox serve"
DEFAULT_CLIENT_NAME = "conformance-suite"  # the name Mautic's recorded transcripts expect
_CLIENT_ID = re.compile(r"^\d+_[A-Za-z0-9]+$")


class UsageError(Exception):
    """Bad flags, as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _port(text: str) -> int:
    value = _non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port (0-65535): {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds: {text!r}")
    return value


def _oauth_client(text: str) -> tuple[str, str, str]:
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError("expected ID:SECRET[:NAME]")
    client_id, secret = parts[0], parts[1]
    name = parts[2] if len(parts) == 3 and parts[2] else DEFAULT_CLIENT_NAME
    if not _CLIENT_ID.match(client_id):
        # no secret in the message: only the id is echoed back
        raise argparse.ArgumentTypeError(f"client id {client_id!r} must look like <number>_<letters/digits>, e.g. 1_demo")
    return client_id, secret, name


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description="Serve the Mautic 5.1-compatible sandbox over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8080, help="port (default 8080; 0 picks a free one)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="SQLite file to use (kept between runs)")
    where.add_argument("--memory", action="store_true", help="in-memory database (the default)")
    parser.add_argument("--contacts", type=_non_negative_int, default=2000,
                        help="demo contacts to create in an empty database (default 2000)")
    parser.add_argument("--user", default="admin", help="Basic-auth user name (default admin)")
    parser.add_argument("--password", help="Basic-auth password (default: generated and printed)")
    parser.add_argument("--oauth-client", action="append", default=[], type=_oauth_client,
                        metavar="ID:SECRET[:NAME]",
                        help=f"allow an OAuth2 client-credentials client (repeatable; NAME defaults to "
                             f"{DEFAULT_CLIENT_NAME})")
    parser.add_argument("--latency", type=_seconds, default=0.0, metavar="SECONDS",
                        help="delay added to every API request (to try slow servers)")
    return parser


@dataclass
class ServeOptions:
    host: str
    port: int
    db: str | None
    contacts: int
    user: str
    password: str
    password_generated: bool
    oauth_clients: list[tuple[str, str, str]]
    latency: float


def parse_args(argv: list[str]) -> ServeOptions:
    """Flags -> options; raises UsageError (one line) on anything wrong."""
    if argv[:1] != ["serve"]:
        what = f"unknown sandbox command {argv[0]!r}" if argv else "missing sandbox command"
        raise UsageError(f"{what}; expected: stages-tui sandbox serve [flags]")
    argv = argv[1:]
    args = _parser().parse_args(argv)
    if not args.user.strip():
        raise UsageError("argument --user: must not be empty")
    if args.password is not None and not args.password:
        raise UsageError("argument --password: must not be empty")
    if args.db is not None:
        parent = os.path.dirname(os.path.abspath(args.db))
        if not os.path.isdir(parent):
            raise UsageError(f"argument --db: no such directory: {parent}")
    generated = args.password is None
    return ServeOptions(
        host=args.host, port=args.port, db=args.db, contacts=args.contacts, user=args.user,
        password=secrets.token_urlsafe(12) if generated else args.password,
        password_generated=generated, oauth_clients=list(args.oauth_client), latency=args.latency,
    )


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP; without it every small response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _base_url(host: str, port: int) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(options: ServeOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Bind, seed if empty, print where and how to log in, serve until Ctrl-C."""
    out = out or sys.stdout
    err = err or sys.stderr
    import uvicorn

    from .app import SandboxConfig, create_app
    from .seed import is_empty, seed

    if not is_loopback(options.host):
        print(f"warning: serving on {options.host}, not loopback: anyone who can reach this "
              f"machine can try the sandbox login", file=err)
    try:
        sock = _bind(options.host, options.port)
    except OSError as exc:
        print(f"error: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=err)
        return 1
    port = sock.getsockname()[1]
    base_url = _base_url(options.host, port)
    try:
        config = SandboxConfig(db_path=options.db, user=options.user, password=options.password,
                               oauth_clients=options.oauth_clients, site_url=base_url,
                               latency=options.latency)
        app = create_app(config)
        store = app.state.store
        with store.lock:
            if is_empty(store.conn):
                if options.contacts >= 100_000:
                    print(f"seeding {options.contacts} demo contacts…", file=err, flush=True)
                seed(store.conn, contacts=options.contacts)
                seeded = f"seeded demo data ({options.contacts} contacts)"
            else:
                seeded = f"using the data already in {options.db}"
    except sqlite3.Error as exc:
        sock.close()
        print(f"error: database {options.db or ':memory:'}: {exc}", file=err)
        return 1
    except KeyboardInterrupt:  # Ctrl-C while seeding: seed() rolled back, nothing half-written
        sock.close()
        print("interrupted before the sandbox started", file=err)
        return 130

    clients = ", ".join(c[0] for c in options.oauth_clients) or "none"
    print(f"Mautic sandbox serving at {base_url}  ({seeded})", file=out)
    # A generated password must be shown (nobody knows it otherwise); one the user gave is not echoed.
    shown = f"{options.password}  (generated)" if options.password_generated else "(the one given with --password)"
    print(f"  user: {options.user}  password: {shown}", file=out)
    print(f"  OAuth2 clients: {clients}", file=out)
    print("  press Ctrl-C to stop", file=out, flush=True)

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="off", timeout_graceful_shutdown=3))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl-C after its graceful shutdown
    finally:
        sock.close()
        store.conn.close()
    print("sandbox stopped", file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`stages-tui sandbox serve [flags]`: argv starts with "serve" (cli.py passes what follows "sandbox")."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        options = parse_args(argv)
    except UsageError as exc:
        print(f"{PROG}: error: {exc} (see {PROG} --help)", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    return serve(options)


if __name__ == "__main__":
    raise SystemExit(main())
