"""Pure logic behind the screens: publish state, local-time parsing, what a save changes."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest

from stages_tui.api import Category, Stage
from stages_tui.tui.display import local_time, publish_state, publish_window
from stages_tui.tui.form_values import (
    RawForm,
    changed_fields,
    cleared_by_replace,
    first_field,
    parse,
    parse_local,
    raw_from_stage,
    values_from_stage,
)

UTC = timezone.utc
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("published, up, down, expected", [
    (False, None, None, "unpublished"),
    (False, datetime(2020, 1, 1, tzinfo=UTC), None, "unpublished"),
    (True, None, None, "active"),
    (True, datetime(2025, 6, 1, 12, 0, tzinfo=UTC), None, "active"),      # starts right now
    (True, datetime(2025, 6, 1, 12, 1, tzinfo=UTC), None, "scheduled"),
    (True, None, datetime(2025, 6, 1, 12, 0, tzinfo=UTC), "expired"),     # ended right now
    (True, None, datetime(2025, 6, 1, 12, 1, tzinfo=UTC), "active"),
    (True, datetime(2026, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC), "scheduled"),
])
def test_publish_state(published, up, down, expected):
    assert publish_state(published, up, down, NOW) == expected


def test_publish_window_text():
    assert publish_window(None, None) == "always"
    assert publish_window(datetime(2024, 1, 2, 3, 4, tzinfo=UTC), None) == "from 2024-01-02 03:04"
    assert publish_window(None, datetime(2024, 1, 2, 3, 4, tzinfo=UTC)) == "until 2024-01-02 03:04"


def test_local_time_round_trip_in_another_zone():
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        moment = parse_local("2031-07-04 09:30")
        assert moment == datetime(2031, 7, 4, 13, 30, tzinfo=UTC)  # EDT = UTC-4
        assert local_time(moment) == "2031-07-04 09:30"
        assert local_time(None) == "—"
    finally:
        os.environ["TZ"] = "UTC"
        time.tzset()


@pytest.mark.parametrize("text", ["2024-01-15", "2024-01-15T10:30", "15/01/2024 10:30",
                                  "2024-1-5 1:3", "2024-02-30 10:00", "2024-01-15 24:00"])
def test_parse_local_rejects_what_mautic_rejects(text):
    with pytest.raises(ValueError):
        parse_local(text)


def test_parse_collects_every_field_error_in_form_order():
    values, errors = parse(RawForm(name="  ", weight="1.5", publish_up="x", publish_down="2024-13-01 00:00"))
    assert values is None
    assert list(errors) == ["name", "weight", "publish_up", "publish_down"]
    assert first_field(errors) == "name"
    _, errors = parse(RawForm(name="N" * 192))
    assert "At most 191 characters" in errors["name"]
    _, errors = parse(RawForm(name="ok", weight=str(2**31)))
    assert "between" in errors["weight"]


def stage(**fields) -> Stage:
    base = dict(id=7, name="Lead", weight=10, description="about", isPublished=True,
                category={"id": 3, "title": "Sales", "alias": "sales"},
                publishUp="2024-01-01T00:00:00+00:00", publishDown=None,
                dateModified="2024-05-02T14:45:00+00:00")
    base.update(fields)
    return Stage.model_validate(base)


def test_changed_fields_and_what_put_would_clear():
    before = values_from_stage(stage())
    after, _ = parse(RawForm(name="Lead", weight="10", description="", is_published=True,
                             category_id=None, publish_up="", publish_down=""))
    assert changed_fields(before, after) == ["description", "category_id", "publish_up"]
    assert cleared_by_replace(before, after) == ["description", "category", "publish up"]
    assert after.changes(["category_id", "publish_up"]) == {"category": None, "publish_up": None}
    same, _ = parse(raw_from_stage(stage()))
    assert changed_fields(before, same) == []


def test_server_text_in_the_form_is_cleaned():
    raw = raw_from_stage(stage(name="\x1b[31mRed\x1b[0m", description="a\x07b\nc"))
    assert raw.name == "Red" and raw.description == "ab\nc"
    assert isinstance(stage().category, Category)
