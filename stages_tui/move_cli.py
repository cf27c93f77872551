"""`stages-tui move EMAIL_OR_ID STAGE`: put one contact into a stage, for scripts.

Exit codes: 0 the contact is in the stage (moved now, or already there); 1 Mautic refused or
the contact/stage could not be resolved (the reason on stderr); 2 bad flags or configuration.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from stages_tui.api.errors import MauticError, NotFound
from stages_tui.api.models import Contact, Stage
from stages_tui.moves import MoveItem, move_contacts
from stages_tui.tui.display import clean

PROG = "stages-tui move"
EMAIL_PAGE = 100
EMAIL_PAGES = 5


class MoveFailed(Exception):
    """Resolution or move failure, with the message for stderr."""


def _item_missing(error: NotFound) -> bool:
    """Mautic's own "Item was not found." (the id does not exist), as opposed to a 404 for the
    URL itself: a server that is not Mautic (no error body) or Mautic's catch-all route
    ("Requested URL not found: …"), both meaning the base URL is wrong."""
    return error.code is not None and not error.message.startswith("Requested URL not found")


def _parser():
    from stages_tui.cli import _Parser, connection_parser

    parser = _Parser(
        prog=PROG,
        parents=[connection_parser()],
        description="Put a contact into a stage (Mautic's stage 'add' endpoint).",
        epilog="exit status: 0 the contact is in the stage (moved now, or already there); "
        "1 not moved (the reason on stderr); 2 bad flags or configuration",
    )
    parser.add_argument("contact", metavar="EMAIL_OR_ID", help="the contact's email (exact, any case) or id")
    parser.add_argument("stage", metavar="STAGE", help="the stage's id or exact name (any case)")
    return parser


async def find_contact(client, value: str) -> Contact:
    """A contact by id, or by exact email (case-insensitive) through an `email:` search."""
    value = value.strip()
    if value.isdigit():
        try:
            return await client.get_contact(int(value))
        except NotFound as error:
            if not _item_missing(error):
                raise
            raise MoveFailed(f"no contact with id {value}") from None
    if "@" not in value:
        raise MoveFailed(f"{value!r} is neither a contact id nor an email address")
    wanted = value.casefold()
    matches: list[Contact] = []
    # `email:` is a prefix match in Mautic: read the matches and keep the exact ones.
    for page_number in range(EMAIL_PAGES):
        page = await client.list_contacts(
            search=f'email:"{value}"', start=page_number * EMAIL_PAGE, limit=EMAIL_PAGE, order_by="id",
            order_dir="asc",
        )
        matches += [c for c in page.items if (c.email or "").casefold() == wanted]
        if (page_number + 1) * EMAIL_PAGE >= page.total or not page.items:
            break
    if not matches:
        raise MoveFailed(f"no contact with email {clean(value)}")
    if len(matches) > 1:
        ids = ", ".join(str(c.id) for c in matches)
        raise MoveFailed(f"{len(matches)} contacts have email {clean(value)} (ids {ids}); give the id instead")
    return matches[0]


async def find_stage(client, value: str) -> Stage:
    """A stage by id, or by exact name (case-insensitive); an ambiguous name is an error."""
    value = value.strip()
    if value.isdigit():
        try:
            return await client.get_stage(int(value))
        except NotFound as error:
            if not _item_missing(error):
                raise
            # maybe a stage named like a number
    wanted = value.casefold()
    page = await client.list_stages(search="", start=0, limit=0, order_by="id")
    matches = [s for s in page.items if s.name.strip().casefold() == wanted]
    if not matches:
        near = [s for s in page.items if wanted and wanted in s.name.casefold()][:5]
        hint = " or ".join(f"{clean(s.name.strip())!r} (#{s.id})" for s in near)
        raise MoveFailed(f"no stage with id or name {clean(value)!r}" + (f" (did you mean {hint}?)" if near else ""))
    if len(matches) > 1:
        ids = ", ".join(str(s.id) for s in matches)
        raise MoveFailed(f"{len(matches)} stages are named {clean(value)!r} (ids {ids}); give the id instead")
    return matches[0]


async def run_move(client, contact_ref: str, stage_ref: str, out: TextIO, err: TextIO) -> int:
    """Resolve, move, print the outcome; the exit code. The caller owns (closes) the client."""
    try:
        contact = await find_contact(client, contact_ref)
        stage = await find_stage(client, stage_ref)
        report = await move_contacts(client, [contact], stage.id, concurrency=1)
    except MoveFailed as exc:
        print(f"{PROG}: {exc}", file=err)
        return 1
    except MauticError as exc:
        print(f"{PROG}: {clean(exc.user_message)}", file=err)
        return 1
    who = clean(MoveItem.from_contact(contact).who)
    where = f"{clean(stage.name)} (#{stage.id})"
    if report.failed or report.not_sent or report.aborted:
        reason = report.failed[0].reason if report.failed else (report.aborted or "not sent")
        print(f"{PROG}: could not move {who} to {where}: {clean(reason)}", file=err)
        return 1
    if report.skipped:
        print(f"{who} is already in {where}", file=out)
        return 0
    moved = report.moved[0]
    origin = f"from {clean(moved.stage_name)} " if moved.stage_name else ""
    print(f"moved {who} {origin}to {where}", file=out)
    return 0


def main(argv: list[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from stages_tui.cli import UsageError, settings_from_args
    from stages_tui.config import ConfigError, build_client

    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[2:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        client = build_client(settings_from_args(args))
    except (UsageError, ConfigError, ValueError) as exc:
        print(f"stages-tui: {exc}", file=err)
        return 2

    async def run() -> int:
        async with client:
            return await run_move(client, args.contact, args.stage, out, err)

    return asyncio.run(run())
