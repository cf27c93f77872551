"""Moving many contacts into or out of a stage, with a bounded number of requests in flight.

No Textual here: the assign dialog runs this in a worker and the `move` command calls it
directly. Nothing fails silently: every contact ends up in exactly one of
moved / skipped / failed / not_sent of the returned MoveReport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stages_tui.api.errors import AuthFailed, MauticError, NotFound, RateLimited, Unreachable

# How many contacts one `ids:` search re-reads before a move (keeps URLs short).
VERIFY_CHUNK = 100

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class MoveItem:
    """One contact to move, as the caller knows it."""

    contact_id: int
    label: str
    stage_id: int | None = None
    stage_name: str | None = None

    @property
    def who(self) -> str:
        """"Ann Lee (#8)"; an anonymous contact's label is already "#7"."""
        id_text = f"#{self.contact_id}"
        return self.label if self.label == id_text else f"{self.label} ({id_text})"

    @classmethod
    def from_contact(cls, contact: Any) -> MoveItem:
        stage = contact.stage
        return cls(
            contact_id=int(contact.id),
            label=contact.display_name,
            stage_id=None if stage is None else int(stage.id),
            stage_name=None if stage is None else stage.name,
        )


@dataclass(frozen=True)
class MoveProblem:
    """A contact that was skipped or failed, and why (Mautic's message when it gave one)."""

    item: MoveItem
    reason: str
    status: int | None = None


@dataclass
class MoveReport:
    target_stage_id: int | None  # None: removed from from_stage_id
    from_stage_id: int | None
    requested: int = 0
    moved: list[MoveItem] = field(default_factory=list)  # stage_id = stage before the move
    skipped: list[MoveProblem] = field(default_factory=list)
    failed: list[MoveProblem] = field(default_factory=list)
    not_sent: list[MoveItem] = field(default_factory=list)
    cancelled: bool = False
    aborted: str | None = None  # why the run stopped early on its own (auth lost, stage gone)

    @property
    def moved_ids(self) -> list[int]:
        return [item.contact_id for item in self.moved]

    @property
    def previous_stage_ids(self) -> dict[int, int | None]:
        return {item.contact_id: item.stage_id for item in self.moved}

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_sent and not self.cancelled and not self.aborted

    def headline(self, stage_name: str | None = None) -> str:
        """E.g. "Moved 3 of 4 to Lead, 1 failed"; `stage_name` names the target (or the
        stage removed from)."""
        if self.target_stage_id is None:
            first = f"Removed {len(self.moved)} of {self.requested}"
            first += f" from {stage_name}" if stage_name else ""
        else:
            first = f"Moved {len(self.moved)} of {self.requested}"
            first += f" to {stage_name}" if stage_name else ""
        parts = [first]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.not_sent:
            parts.append(f"{len(self.not_sent)} not sent")
        text = ", ".join(parts)
        if self.cancelled:
            text += " (cancelled)"
        if self.aborted:
            text += f" (stopped: {self.aborted})"
        return text

    def detail_lines(self) -> list[str]:
        lines = [f"failed: {p.item.who}: {p.reason}" for p in self.failed]
        lines += [f"skipped: {p.item.who}: {p.reason}" for p in self.skipped]
        if self.not_sent:
            lines.append(f"not sent: {len(self.not_sent)} contact(s), stopped before their turn")
        return lines


def _as_item(value: MoveItem | Any) -> MoveItem:
    return value if isinstance(value, MoveItem) else MoveItem.from_contact(value)


async def current_stages(
    client: Any, contact_ids: Sequence[int], *, concurrency: int = 4
) -> dict[int, tuple[int | None, str | None]]:
    """Re-read contacts' stages from the server: id -> (stage id, stage name).

    Contacts that no longer exist are absent from the result.
    """
    chunks = [contact_ids[i : i + VERIFY_CHUNK] for i in range(0, len(contact_ids), VERIFY_CHUNK)]
    limit = asyncio.Semaphore(max(1, concurrency))
    found: dict[int, tuple[int | None, str | None]] = {}

    async def read(chunk: Sequence[int]) -> None:
        async with limit:
            page = await client.list_contacts(
                search="ids:" + ",".join(str(i) for i in chunk), start=0, limit=len(chunk)
            )
        for contact in page.items:
            stage = contact.stage
            found[int(contact.id)] = (None, None) if stage is None else (int(stage.id), stage.name)

    await asyncio.gather(*(read(chunk) for chunk in chunks))
    return found


def _plan(
    items: list[MoveItem],
    target_stage_id: int | None,
    from_stage_id: int | None,
    report: MoveReport,
) -> list[MoveItem]:
    """Drop contacts the request would not change (or would wrongly change) and say why."""
    to_send: list[MoveItem] = []
    for item in items:
        if target_stage_id is None:
            # Mautic's remove clears whatever stage the contact is in: only send it for
            # contacts that really are in the stage we remove them from.
            if item.stage_id is None:
                report.skipped.append(MoveProblem(item, "not in this stage (it has no stage)"))
                continue
            if item.stage_id != from_stage_id:
                where = item.stage_name or f"stage #{item.stage_id}"
                report.skipped.append(MoveProblem(item, f"not in this stage (it is in {where})"))
                continue
        elif item.stage_id == target_stage_id:
            # Mautic would answer 200 but log another "Manually Added" row.
            report.skipped.append(MoveProblem(item, "already in this stage"))
            continue
        to_send.append(item)
    return to_send


def _is_fatal(error: MauticError) -> str | None:
    """Errors that would hit every remaining contact too: stop sending and say why."""
    if isinstance(error, AuthFailed):
        return f"authentication failed: {error.message}"
    if isinstance(error, Unreachable):
        return f"server unreachable: {error.message}"
    if isinstance(error, RateLimited):
        return f"Mautic's API rate limit: {error.message}"
    if isinstance(error, NotFound) and "contact" not in (error.message or "").lower():
        return f"the stage no longer exists ({error.message})"
    return None


async def move_contacts(
    client: Any,
    contacts: Iterable[MoveItem | Any],
    target_stage_id: int | None,
    *,
    from_stage_id: int | None = None,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    cancel: asyncio.Event | None = None,
    verify: bool = True,
) -> MoveReport:
    """Put `contacts` into `target_stage_id`, or remove them from `from_stage_id` (target None).

    With `verify`, contacts' stages are re-read from the server first (a few `ids:` searches),
    so the remove guard and "moved from" use the truth, not what the caller last saw.
    At most `concurrency` add/remove requests are in flight. Setting `cancel` stops sending
    new requests; the ones in flight finish and are reported.
    """
    if target_stage_id is None and from_stage_id is None:
        raise ValueError("removing contacts needs from_stage_id (the stage to remove them from)")
    # One entry per contact, first occurrence wins.
    items = list({item.contact_id: item for item in map(_as_item, contacts)}.values())
    report = MoveReport(target_stage_id, from_stage_id, requested=len(items))
    if not items:
        return report
    if verify:
        try:
            fresh = await current_stages(
                client, [i.contact_id for i in items], concurrency=concurrency
            )
        except MauticError as error:
            report.aborted = f"could not read the contacts' current stages: {error.user_message}"
            report.not_sent = items
            return report
        # A contact the search did not return is still sent: Mautic's answer (404
        # "Contact not found.") then says why it failed.
        items = [
            MoveItem(item.contact_id, item.label, *fresh[item.contact_id])
            if item.contact_id in fresh else item
            for item in items
        ]
    queue = _plan(items, target_stage_id, from_stage_id, report)
    total = len(queue)
    done = 0
    stop = asyncio.Event()
    pending = iter(queue)
    if on_progress:
        on_progress(0, total)

    async def send(item: MoveItem) -> None:
        if target_stage_id is None:
            await client.remove_contact(from_stage_id, item.contact_id)
        else:
            await client.add_contact(target_stage_id, item.contact_id)

    async def worker() -> None:
        nonlocal done
        for item in pending:  # shared iterator: each item goes to exactly one worker
            if stop.is_set() or (cancel is not None and cancel.is_set()):
                report.not_sent.append(item)
                continue
            try:
                await send(item)
            except MauticError as error:
                report.failed.append(MoveProblem(item, error.message or str(error), error.status))
                fatal = _is_fatal(error)
                if fatal and not stop.is_set():
                    report.aborted = fatal
                    stop.set()
            else:
                report.moved.append(item)
            done += 1
            if on_progress:
                on_progress(done, total)

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, total)))))
    report.cancelled = bool(cancel is not None and cancel.is_set() and report.not_sent)
    return report
