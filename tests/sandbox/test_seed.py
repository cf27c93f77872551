"""Demo data: deterministic, the promised shape, only into an empty database."""

from __future__ import annotations

import re
import sqlite3

import pytest

from stages_tui.sandbox.schema import SCHEMA
from stages_tui.sandbox.seed import NotEmpty, email_part, main, seed


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    return conn


def _dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("categories", "stages", "leads", "lead_stages_change_log")}


def test_same_arguments_give_the_same_rows():
    a, b = _db(), _db()
    seed(a, contacts=300)
    seed(b, contacts=300)
    assert _dump(a) == _dump(b)
    c = _db()
    seed(c, contacts=300, rng_seed=7)
    assert _dump(c)["leads"] != _dump(a)["leads"]


def test_counts_and_stage_shape():
    conn = _db()
    summary = seed(conn, contacts=500)
    assert summary.contacts == 500
    assert conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0] == 500
    assert conn.execute("SELECT COUNT(*) FROM categories WHERE bundle = 'stage'").fetchone()[0] == 3
    stages = conn.execute("SELECT name, weight, category_id, is_published, publish_up, publish_down,"
                          " description FROM stages").fetchall()
    assert 8 <= len(stages) <= 10
    assert len({s[1] for s in stages}) == len(stages), "weights are unique"
    assert sum(1 for s in stages if s[2] is None) == 1, "one uncategorised stage"
    assert sum(1 for s in stages if s[3] == 0) == 1, "one unpublished stage"
    assert sum(1 for s in stages if s[4] and s[5]) == 1, "one stage with a publish window"
    assert all(s[0].strip() for s in stages)


def test_contacts_look_real_and_logs_match_stages():
    conn = _db()
    summary = seed(conn, contacts=800)
    rows = conn.execute("SELECT id, firstname, lastname, email, stage_id, points, last_active,"
                        " date_added FROM leads").fetchall()
    emails = [r[3] for r in rows]
    assert len(set(emails)) == len(emails), "emails are unique"
    assert all("@" in e and e == e.lower() and e.isascii() for e in emails)
    assert all(r[1] and r[2] for r in rows)
    unstaged = sum(1 for r in rows if r[4] is None)
    assert 0 < unstaged < len(rows)
    assert len({r[4] for r in rows if r[4] is not None}) >= 6, "spread over the stages"
    assert all(0 <= r[5] <= 300 for r in rows)
    assert all(r[6] is None or r[6] >= r[7] for r in rows), "active after being added"
    stamp = re.compile(r"^20\d\d-[01]\d-[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d$")
    assert all(stamp.match(r[7]) and (r[6] is None or stamp.match(r[6])) for r in rows)
    assert max(r[7] for r in rows) <= "2026-11-30 12:00:00"
    staged = {r[0]: r[4] for r in rows if r[4] is not None}
    logs = conn.execute("SELECT lead_id, stage_id, event_name, action_name, date_added"
                        " FROM lead_stages_change_log").fetchall()
    assert summary.log_rows == len(logs) == len(staged)
    names = dict(conn.execute("SELECT id, name FROM stages"))
    for lead_id, stage_id, event, action, _when in logs:
        assert staged[lead_id] == stage_id
        assert event == f"{stage_id}: {names[stage_id]}"
        assert action == "Manually Added"


def test_indexes_survive_seeding():
    conn = _db()
    before = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
    seed(conn, contacts=50)
    after = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
    assert before == after
    assert conn.execute("PRAGMA synchronous").fetchone()[0] != 0  # restored


def test_refuses_a_database_with_data():
    conn = _db()
    seed(conn, contacts=5)
    with pytest.raises(NotEmpty):
        seed(conn, contacts=5)
    assert conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0] == 5


def test_zero_contacts_still_gives_stages():
    conn = _db()
    summary = seed(conn, contacts=0)
    assert summary.contacts == 0
    assert conn.execute("SELECT COUNT(*) FROM stages").fetchone()[0] >= 8


def test_email_part_is_ascii():
    assert email_part("Zoë") == "zoe"
    assert email_part("Łukasz") == "lukasz"
    assert email_part("O'Brien") == "obrien"
    assert email_part("Søren") == "soren"


def test_command_line_seeds_a_file(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["--db", str(db), "--contacts", "40"]) == 0
    assert "40 contacts" in capsys.readouterr().out
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0] == 40
    conn.close()
    assert main(["--db", str(db), "--contacts", "40"]) == 1
    assert "already has" in capsys.readouterr().err
