"""Command line entry point (placeholder until the TUI lands): dispatches subcommands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        from stages_tui.sandbox.serve import main as sandbox_main

        return sandbox_main(args[1:])
    print("stages-tui: the TUI is not built yet; try `stages-tui sandbox serve`", file=sys.stderr)
    return 2
