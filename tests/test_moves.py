"""move_contacts against a scripted in-memory client: concurrency bound, guard, cancel, failures.

The end-to-end behaviour over HTTP against the sandbox is in test_moves_sandbox.py.
"""

from __future__ import annotations

import asyncio

import pytest

from stages_tui.api.errors import AuthFailed, NotFound, RateLimited, ServerError
from stages_tui.api.models import Contact, ContactStage, Page
from stages_tui.moves import MoveItem, move_contacts

STAGES = {1: "Lead", 2: "Customer"}


class ScriptedClient:
    """Holds contacts' stages like Mautic does; counts requests in flight."""

    def __init__(self, stages: dict[int, int | None], *, delay: float = 0.001) -> None:
        self.stages = dict(stages)
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls: list[tuple[str, int, int]] = []
        self.fail: dict[int, Exception] = {}
        self.started = asyncio.Event()
        self.gate: asyncio.Event | None = None  # when set, requests wait for it

    def _contact(self, cid: int) -> Contact:
        sid = self.stages[cid]
        stage = None if sid is None else ContactStage(id=sid, name=STAGES[sid])
        return Contact(id=cid, firstname=f"C{cid}", email=f"c{cid}@example.test", stage=stage)

    async def list_contacts(self, search: str = "", start: int = 0, limit: int = 30, **_):
        assert search.startswith("ids:")
        ids = [int(x) for x in search[4:].split(",")]
        items = [self._contact(i) for i in ids if i in self.stages]
        return Page[Contact](total=len(items), items=items)

    async def _request(self, kind: str, stage_id: int, cid: int) -> None:
        self.calls.append((kind, stage_id, cid))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.started.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(self.delay)
            if cid in self.fail:
                raise self.fail[cid]
            if cid not in self.stages:
                raise NotFound("Contact not found.", status=404)
            self.stages[cid] = stage_id if kind == "add" else None
        finally:
            self.in_flight -= 1

    async def add_contact(self, stage_id: int, contact_id: int) -> None:
        await self._request("add", stage_id, contact_id)

    async def remove_contact(self, stage_id: int, contact_id: int) -> None:
        await self._request("remove", stage_id, contact_id)


def items(client: ScriptedClient, ids) -> list[MoveItem]:
    return [MoveItem.from_contact(client._contact(i)) for i in ids]


async def test_many_contacts_move_with_at_most_four_requests_in_flight():
    client = ScriptedClient({i: None for i in range(1, 41)})
    progress: list[tuple[int, int]] = []
    report = await move_contacts(
        client, items(client, range(1, 41)), 2, on_progress=lambda d, t: progress.append((d, t))
    )
    assert report.ok and len(report.moved) == 40
    assert client.max_in_flight == 4
    assert all(client.stages[i] == 2 for i in range(1, 41))
    assert progress[0] == (0, 40) and progress[-1] == (40, 40)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


async def test_concurrency_one_sends_one_at_a_time():
    client = ScriptedClient({i: None for i in range(1, 6)})
    report = await move_contacts(client, items(client, range(1, 6)), 1, concurrency=1)
    assert len(report.moved) == 5 and client.max_in_flight == 1


async def test_moving_from_another_stage_reports_where_each_came_from():
    client = ScriptedClient({1: 1, 2: None, 3: 2})
    report = await move_contacts(client, items(client, [1, 2, 3]), 2)
    assert report.previous_stage_ids == {1: 1, 2: None}
    assert [p.reason for p in report.skipped] == ["already in this stage"]
    assert ("add", 2, 3) not in client.calls


async def test_remove_only_sends_for_contacts_really_in_the_stage():
    client = ScriptedClient({1: 1, 2: 2, 3: None})
    report = await move_contacts(client, items(client, [1, 2, 3]), None, from_stage_id=1)
    assert client.calls == [("remove", 1, 1)]
    assert report.moved_ids == [1]
    reasons = {p.item.contact_id: p.reason for p in report.skipped}
    assert reasons == {2: "not in this stage (it is in Customer)", 3: "not in this stage (it has no stage)"}
    assert client.stages == {1: None, 2: 2, 3: None}


async def test_remove_guard_uses_the_servers_stage_not_the_callers_stale_copy():
    client = ScriptedClient({1: 1})
    stale = MoveItem(contact_id=1, label="C1", stage_id=1, stage_name="Lead")
    client.stages[1] = 2  # someone moved it meanwhile
    report = await move_contacts(client, [stale], None, from_stage_id=1)
    assert client.calls == [] and report.moved == []
    assert report.skipped[0].reason == "not in this stage (it is in Customer)"


async def test_remove_without_a_from_stage_is_refused():
    with pytest.raises(ValueError):
        await move_contacts(ScriptedClient({}), [], None)


async def test_a_failing_contact_is_reported_and_the_others_still_move():
    client = ScriptedClient({i: None for i in range(1, 7)})
    todo = items(client, range(1, 7))
    del client.stages[4]  # deleted meanwhile: verification finds it gone
    client.fail[5] = ServerError("Mautic reported an internal error (HTTP 500).", status=500)
    report = await move_contacts(client, todo, 1)
    assert sorted(report.moved_ids) == [1, 2, 3, 6]
    failures = {p.item.contact_id: (p.reason, p.status) for p in report.failed}
    assert failures == {4: ("Contact not found.", 404), 5: ("Mautic reported an internal error (HTTP 500).", 500)}
    assert "2 failed" in report.headline() and not report.ok


async def test_a_404_from_the_add_request_is_a_per_contact_failure():
    client = ScriptedClient({1: None, 2: None})
    todo = items(client, [1, 2])
    del client.stages[2]
    report = await move_contacts(client, todo, 1, verify=False)
    assert report.moved_ids == [1]
    assert [(p.item.contact_id, p.reason) for p in report.failed] == [(2, "Contact not found.")]
    assert report.aborted is None


async def test_a_lost_login_stops_sending_and_says_why():
    client = ScriptedClient({i: None for i in range(1, 21)})
    for i in range(1, 21):
        client.fail[i] = AuthFailed("API authorization denied.", status=401)
    report = await move_contacts(client, items(client, range(1, 21)), 1, verify=False)
    assert len(client.calls) <= 4  # only the first wave was sent
    assert "authentication failed" in report.aborted
    assert len(report.failed) + len(report.not_sent) == 20


async def test_hitting_the_rate_limit_stops_the_run():
    client = ScriptedClient({i: None for i in range(1, 21)})
    client.fail[3] = RateLimited("You exceeded the rate limit of 100 API calls per hour.", status=429)
    report = await move_contacts(client, items(client, range(1, 21)), 1, concurrency=1, verify=False)
    assert report.moved_ids == [1, 2] and len(report.not_sent) == 17
    assert report.aborted == "Mautic's API rate limit: You exceeded the rate limit of 100 API calls per hour."


async def test_a_deleted_target_stage_stops_the_run():
    client = ScriptedClient({i: None for i in range(1, 21)})
    for i in range(1, 21):
        client.fail[i] = NotFound("Item was not found.", status=404)
    report = await move_contacts(client, items(client, range(1, 21)), 1, verify=False)
    assert "stage no longer exists" in report.aborted and len(client.calls) <= 4


async def test_cancel_stops_new_requests_and_reports_what_was_done():
    client = ScriptedClient({i: None for i in range(1, 101)})
    client.gate = asyncio.Event()
    cancel = asyncio.Event()
    task = asyncio.create_task(
        move_contacts(client, items(client, range(1, 101)), 1, cancel=cancel)
    )
    await client.started.wait()
    cancel.set()
    client.gate.set()  # the four in flight finish
    report = await task
    assert len(report.moved) == 4 and len(report.not_sent) == 96
    assert report.cancelled and "(cancelled)" in report.headline()
    assert sum(1 for s in client.stages.values() if s == 1) == 4


async def test_duplicates_are_sent_once():
    client = ScriptedClient({1: None})
    report = await move_contacts(client, items(client, [1, 1, 1]), 1)
    assert report.requested == 1 and client.calls == [("add", 1, 1)]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    stages=st.lists(st.sampled_from([None, 1, 2]), min_size=0, max_size=25),
    failing=st.sets(st.integers(1, 25), max_size=5),
    deleted=st.sets(st.integers(1, 25), max_size=3),
    target=st.sampled_from([None, 1, 2]),
    concurrency=st.integers(1, 6),
    cancel_after=st.one_of(st.none(), st.integers(0, 25)),
)
def test_every_contact_ends_in_exactly_one_bucket_and_only_moved_ones_change(
    stages, failing, deleted, target, concurrency, cancel_after
):
    async def scenario():
        client = ScriptedClient({i: s for i, s in enumerate(stages, start=1)}, delay=0)
        todo = items(client, range(1, len(stages) + 1))
        for cid in failing & set(client.stages):
            client.fail[cid] = ServerError("boom", status=500)
        for cid in deleted & set(client.stages):
            del client.stages[cid]
        before = dict(client.stages)
        cancel = asyncio.Event()
        sent = 0

        original = client._request

        async def counting(kind, stage_id, cid):
            nonlocal sent
            sent += 1
            if cancel_after is not None and sent > cancel_after:
                cancel.set()
            await original(kind, stage_id, cid)

        client._request = counting
        report = await move_contacts(
            client, todo, target, from_stage_id=1 if target is None else None,
            concurrency=concurrency, cancel=cancel,
        )
        return client, before, report

    client, before, report = asyncio.run(scenario())
    buckets = [
        [i.contact_id for i in report.moved],
        [p.item.contact_id for p in report.skipped],
        [p.item.contact_id for p in report.failed],
        [i.contact_id for i in report.not_sent],
    ]
    everyone = sorted(cid for bucket in buckets for cid in bucket)
    assert everyone == list(range(1, len(stages) + 1))  # each exactly once
    assert client.max_in_flight <= concurrency
    for cid, stage in before.items():
        if cid in report.moved_ids:
            assert client.stages[cid] == target
            if target is None:
                assert stage == 1  # the remove guard: only contacts really in stage 1
        else:
            assert client.stages[cid] == stage  # nobody else changed
    assert report.previous_stage_ids == {cid: before[cid] for cid in report.moved_ids}


def test_an_anonymous_contacts_label_is_not_repeated_in_the_summary():
    # Mautic's anonymous visitors have no name or email: their label is already "#id".
    from stages_tui.moves import MoveProblem, MoveReport

    report = MoveReport(2, None, requested=2)
    report.failed.append(MoveProblem(MoveItem(7, "#7"), "Contact not found."))
    report.skipped.append(MoveProblem(MoveItem(8, "Ann Lee"), "already in this stage"))
    assert report.detail_lines() == [
        "failed: #7: Contact not found.", "skipped: Ann Lee (#8): already in this stage"]


async def test_a_failed_stage_check_says_what_kind_of_failure_it_was():
    from stages_tui.api.errors import Unreachable

    class Down:
        async def list_contacts(self, **_):
            raise Unreachable("http://m.example: All connection attempts failed")

    report = await move_contacts(Down(), [MoveItem(1, "Ann")], 2)
    assert report.aborted == ("could not read the contacts' current stages: "
                              "Cannot reach Mautic: http://m.example: All connection attempts failed")
    assert report.not_sent == [MoveItem(1, "Ann")] and report.moved == []
