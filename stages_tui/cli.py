"""Command line: `stages-tui [connection flags]` runs the TUI; subcommands `config`, `sandbox`, `move`.

Exit codes: 0 ok, 2 bad flags or configuration (one line on stderr naming the problem),
130 interrupted at the password prompt. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from stages_tui import startup_gc

startup_gc.relax()  # until the app is built (make_app) or a non-TUI command starts: see startup_gc

# httpx's package import pulls in its optional command-line client (httpx._main -> click, ~25 ms of
# start-up) whenever click is installed (uvicorn installs it). We never use that client; a None entry
# makes httpx take its own documented fallback (`except ImportError`) instead.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
from collections.abc import Callable, Mapping

from stages_tui import __version__
from stages_tui.config import (
    BINDING_IDS,
    ConfigError,
    Settings,
    config_path,
    resolve_settings,
)

PROG = "stages-tui"
COMMANDS = ("config", "sandbox", "move")


class UsageError(Exception):
    """Bad command-line flags (argparse's complaint, as one line)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def connection_parser() -> argparse.ArgumentParser:
    """Connection flags shared by the TUI and `stages-tui move` (use as a `parents=` entry)."""
    parser = _Parser(add_help=False)
    group = parser.add_argument_group("connection (default: the embedded sandbox)")
    group.add_argument("--url", help="Mautic base URL, e.g. https://mautic.example.com (env MAUTIC_URL)")
    group.add_argument(
        "--user", metavar="NAME", help="Basic auth user; password from MAUTIC_PASSWORD or asked for (env MAUTIC_USER)"
    )
    group.add_argument(
        "--client-id",
        metavar="ID",
        help="OAuth2 client id; secret from MAUTIC_CLIENT_SECRET or asked for (env MAUTIC_CLIENT_ID)",
    )
    group.add_argument("--profile", metavar="NAME", help="a [profiles.NAME] from the config file (env STAGES_TUI_PROFILE)")
    group.add_argument("--insecure", action="store_true", default=None, help="do not verify TLS certificates")
    group.add_argument(
        "--sandbox", action="store_true", default=None, help="use the embedded sandbox even if a profile is set"
    )
    group.add_argument("--sandbox-db", metavar="PATH", help="sandbox SQLite file (env STAGES_TUI_DATA_DIR sets its dir)")
    group.add_argument("--fresh", action="store_true", default=None, help="delete and reseed the sandbox database")
    group.add_argument("--sandbox-latency", type=float, help=argparse.SUPPRESS)  # seconds; benchmarks
    return parser


_CONNECTION_FLAGS = (
    "url", "user", "client_id", "profile", "insecure", "sandbox", "sandbox_db", "fresh", "sandbox_latency",
)


def _is_interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def settings_from_args(
    args: argparse.Namespace,
    *,
    env: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
    interactive: Callable[[], bool] | None = None,
) -> Settings:
    """Resolve Settings from parsed flags, then ask for a missing secret (never echoed).

    Raises ConfigError with a one-line message when something is wrong or missing.
    """
    flags = {name: getattr(args, name, None) for name in (*_CONNECTION_FLAGS, "page_size", "theme")}
    settings = resolve_settings(flags, env=os.environ if env is None else env)
    if settings.has_secret:
        return settings
    what = settings.secret_name
    source = settings.secret_source or ""
    if not (interactive or _is_interactive)():
        hint = f"set {source[4:]}" if source.startswith("env:") else "run it from a terminal"
        raise ConfigError(f"no {what} for {settings.connection_label}: {hint}")
    value = (prompt or getpass.getpass)(f"{what.capitalize()} for {settings.connection_label}: ")  # type: ignore[union-attr]
    if not value:
        raise ConfigError(f"no {what} given")
    return settings.with_secret(value)


def _main_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        parents=[connection_parser()],
        description=(
            "Manage Mautic lifecycle stages from the terminal. Without a connection it runs on "
            "an embedded sandbox with demo data."
        ),
        epilog=(
            "commands:\n"
            "  stages-tui config path|check|sample   where the config file is / validate it / a sample\n"
            "  stages-tui sandbox serve [--help]     serve the sandbox over HTTP on 127.0.0.1\n"
            "  stages-tui move CONTACT STAGE [--help] move a contact (email or id) to a stage"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--page-size", metavar="N", help="rows per page (stages, contacts), 5-500 (env STAGES_TUI_PAGE_SIZE)")
    parser.add_argument("--theme", metavar="NAME", help="a Textual theme name, e.g. nord (env STAGES_TUI_THEME)")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _config_command(argv: list[str]) -> int:
    parser = _Parser(
        prog=f"{PROG} config",
        parents=[connection_parser()],
        description="Inspect the configuration: `path` prints where the file is, `check` validates it and "
        "shows what the connection flags given would use (secrets hidden), `sample` prints a sample file.",
    )
    parser.add_argument("action", choices=("path", "check", "sample"))
    args = parser.parse_args(argv)
    if args.action == "path":
        print(config_path())
        return 0
    if args.action == "sample":
        print(sample_config(), end="")
        return 0
    # check: validate the file and show the default resolution, secrets hidden.
    settings = resolve_settings({name: getattr(args, name) for name in _CONNECTION_FLAGS})
    print(f"config file: {settings.config_file}{'' if settings.config_file.exists() else ' (not found)'}")  # type: ignore[union-attr]
    print(f"profile:     {settings.profile or '(none)'}")
    print(f"connection:  {settings.connection_label}")
    if not settings.is_sandbox:
        state = "set" if settings.has_secret else "missing: will be asked for"
        print(f"{settings.secret_name + ':':12} {settings.secret_source} ({state})")
    print(f"page size:   {settings.page_size}; theme: {settings.theme}")
    keys = ", ".join(f"{k}={v}" for k, v in settings.keymap.items()) or "(defaults)"
    print(f"keys:        {keys}")
    return 0


def sample_config() -> str:
    """A commented sample config.toml (also shown in the README)."""
    keys = "\n".join(f'# {binding_id} = "..."' for binding_id in BINDING_IDS)
    return f"""\
# stages-tui config ({config_path()})
# Secrets never go here: a profile names the env var holding them, or "prompt".

default_profile = "prod"   # used when no --url/--profile/--sandbox is given
page_size = 30             # 5-500, for every profile unless it sets its own
theme = "textual-dark"     # any Textual theme: nord, gruvbox, ansi-dark, ...

[keys]                     # binding id = comma-separated keys (no spaces)
next-page = "],right"
prev-page = "[,left"

[profiles.prod]
url = "https://mautic.example.com"
auth = "basic"             # "basic" (user + password) or "oauth2" (client_id + secret)
user = "admin"
secret = "env:MAUTIC_PROD_PASSWORD"   # or "prompt"; default env:MAUTIC_PASSWORD

[profiles.staging]
url = "https://staging.mautic.example.com"
auth = "oauth2"
client_id = "1_abc123"
secret = "prompt"          # default env:MAUTIC_CLIENT_SECRET
page_size = 100
theme = "nord"
verify_tls = false         # self-signed certificate

[profiles.staging.keys]
reload = "r,f5"

# All binding ids:
{keys}
"""


def _run_tui(argv: list[str]) -> int:
    args = _main_parser().parse_args(argv)
    settings = settings_from_args(args)
    from stages_tui.tui.app import make_app  # lazy: Textual only when the TUI runs

    app = make_app(settings)
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["sandbox"], ["move"], ["config"]):
        startup_gc.settle()  # no TUI start-up to speed up
    try:
        if argv[:1] == ["sandbox"]:
            from stages_tui.sandbox.serve import main as sandbox_main

            return sandbox_main(argv[1:])
        if argv[:1] == ["move"]:
            from stages_tui.move_cli import main as move_main

            return move_main(argv[1:])
        if argv[:1] == ["config"]:
            return _config_command(argv[1:])
        if argv and not argv[0].startswith("-"):
            raise UsageError(f"unknown command {argv[0]!r}; commands: {', '.join(COMMANDS)} (see {PROG} --help)")
        return _run_tui(argv)
    except (UsageError, ConfigError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
