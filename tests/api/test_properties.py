"""Property tests: parsing any JSON raises only BadResponse; publish dates keep the minute."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stages_tui.api import BadResponse, Category, Contact, Stage, StageChange, StageDraft
from stages_tui.api import envelopes
from stages_tui.api.errors import MauticError, error_from_response
from stages_tui.api.models import parse_wire_datetime, to_wire_datetime

from .conftest import RECORDED

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", "0", "1", "12", "-3", "2024-10-24T15:54:35+00:00", "0000-00-00 00:00:00",
                     "2024-10-24 15:54:35", "9999-12-31T23:59:59-23:59", "1.0", "1e400"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
stage_keys = ["id", "name", "description", "weight", "isPublished", "category", "publishUp",
              "publishDown", "dateAdded", "dateModified", "createdBy", "createdByUser",
              "modifiedBy", "modifiedByUser", "title", "alias", "color", "bundle"]
# Objects that look almost like Mautic's, so parsing goes deep before it fails.
stage_like = st.dictionaries(st.sampled_from(stage_keys), json_values, max_size=14)
contact_like = st.dictionaries(
    st.sampled_from(["id", "points", "lastActive", "dateAdded", "stage", "fields"]),
    json_values | st.fixed_dictionaries({"all": st.dictionaries(st.sampled_from(["firstname", "lastname", "email"]), json_values)}),
    max_size=6,
)
envelope_like = st.dictionaries(
    st.sampled_from(["total", "stages", "contacts", "stage", "contact", "categories", "events",
                     "maxPages", "success", "errors"]),
    json_values | st.lists(stage_like, max_size=3) | st.dictionaries(st.text(max_size=3), stage_like, max_size=3),
    max_size=4,
)


def only_bad_response(fn, value):
    try:
        fn(value)
    except BadResponse:
        pass


@SETTINGS
@given(st.one_of(json_values, stage_like))
def test_stage_parsing_raises_only_bad_response(value):
    only_bad_response(Stage.from_api, value)
    only_bad_response(Category.from_api, value)


@SETTINGS
@given(st.one_of(json_values, contact_like))
def test_contact_parsing_raises_only_bad_response(value):
    only_bad_response(Contact.from_api, value)
    only_bad_response(StageChange.from_api, value)


@SETTINGS
@given(st.one_of(json_values, envelope_like))
def test_envelopes_raise_only_bad_response(body):
    only_bad_response(lambda b: envelopes.page(b, "stages", Stage), body)
    only_bad_response(lambda b: envelopes.page(b, "contacts", Contact), body)
    only_bad_response(lambda b: envelopes.one(b, "stage", Stage.from_api), body)
    only_bad_response(lambda b: envelopes.many(b, "categories", Category.from_api), body)
    only_bad_response(envelopes.success, body)
    only_bad_response(envelopes.stage_changes, body)


@SETTINGS
@given(st.integers(min_value=100, max_value=599), json_values)
def test_error_bodies_always_give_a_mautic_error(status, body):
    err = error_from_response(status, body)
    assert isinstance(err, MauticError)
    assert err.status == status
    assert err.user_message.strip()


@SETTINGS
@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31),
                 timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)),
                                            timezone(timedelta(hours=-11))]))
)
def test_publish_date_round_trip_keeps_the_minute(moment):
    wire = to_wire_datetime(moment)
    back = parse_wire_datetime(wire)
    assert back.tzinfo is not None
    assert back == moment.astimezone(timezone.utc).replace(second=0, microsecond=0)
    # and what Mautic echoes back (ISO, +00:00) parses to the same instant
    echoed = Stage.from_api({"name": "x", "publishUp": back.strftime("%Y-%m-%dT%H:%M:%S+00:00")})
    assert echoed.publish_up == back
    # a draft built from that stage sends the same wire text again
    assert StageDraft.from_stage(echoed).to_wire()["publishUp"] == wire


def test_recorded_bodies_parse():
    """Every recorded real-Mautic success body parses with the matching reader."""
    for name, entry in RECORDED.items():
        body = entry["body"]
        if name.startswith("error_"):
            assert isinstance(error_from_response(entry["status"], body), MauticError)
        elif "stages" in body and "total" in body:
            page = envelopes.page(body, "stages", Stage)
            assert page.total >= len(page.items)
        elif "contacts" in body:
            envelopes.page(body, "contacts", Contact)
        elif "stage" in body:
            envelopes.one(body, "stage", Stage.from_api)
        elif "contact" in body:
            envelopes.one(body, "contact", Contact.from_api)
        elif "events" in body:
            envelopes.stage_changes(body)
        elif "categories" in body:
            envelopes.many(body, "categories", Category.from_api)
        elif "stages" in body:
            envelopes.many(body, "stages", Stage.from_api)
        else:
            envelopes.success(body)


WIRE_DATE = __import__("re").compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
date_inputs = st.one_of(
    st.none(),
    st.datetimes(timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=14)),
                                            timezone(timedelta(hours=-12))])),
    st.text(max_size=20),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?\Z"),
)


@SETTINGS
@given(
    name=st.text(max_size=200),
    weight=st.one_of(st.integers(min_value=-(2**40), max_value=2**40), st.text(max_size=12),
                     st.floats(allow_nan=True)),
    up=date_inputs,
    down=date_inputs,
)
def test_a_draft_is_either_sendable_in_mautic_form_or_explained(name, weight, up, down):
    draft = StageDraft(name=name, weight=weight, publish_up=up, publish_down=down)
    problems = draft.problems()
    if problems:
        assert set(problems) <= {"name", "weight", "publishUp", "publishDown"}
        assert all(msgs and all(isinstance(m, str) and m for m in msgs) for msgs in problems.values())
        return
    body = draft.to_wire()
    assert body["name"] == body["name"].strip() and body["name"]
    assert isinstance(body["weight"], int) and -(2**31) <= body["weight"] < 2**31
    for key in ("publishUp", "publishDown"):
        assert body[key] is None or WIRE_DATE.match(body[key])
