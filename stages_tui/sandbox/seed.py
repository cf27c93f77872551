"""Deterministic demo data for an empty sandbox database: categories, stages, contacts.

No network, no clock: the same arguments always give the same rows. Contacts are built
from fixed name lists with a seeded RNG, spread over the stages (some in none), each
staged contact with one "Manually Added" row in the stage-change log. Fast enough for a
million contacts: one transaction, big executemany batches, indexes rebuilt at the end.

    python -m stages_tui.sandbox.seed --db sandbox.db --contacts 1000000
"""

from __future__ import annotations

import argparse
import bisect
import random
import sqlite3
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate

ADMIN_ID = 1
ADMIN_NAME = "Admin User"
DEFAULT_CONTACTS = 2000
DEFAULT_RNG_SEED = 51
# The demo's "now": fixed so that seeding is reproducible.
SEED_NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=timezone.utc)
_BATCH = 50_000
_SEED_TABLES = ("leads", "lead_stages_change_log")

CATEGORIES = (
    # title, alias, description, color
    ("Marketing Funnel", "marketing-funnel", "Stages owned by the marketing team.", "4e5e9e"),
    ("Sales Pipeline", "sales-pipeline", "Stages owned by the sales team.", "f0ad4e"),
    ("Customer Success", "customer-success", "After the contract is signed.", "5cb85c"),
)

# name, weight, category index or None, description, published, publish_up, publish_down,
# share of contacts in this stage
STAGES = (
    ("Subscriber", 10, 0, "Opted in to the newsletter or downloaded a guide.", True, None, None, 25),
    ("Engaged Lead", 20, 0, "Opened or clicked several emails in the last 30 days.", True, None, None, 18),
    ("Marketing Qualified Lead", 30, 0, "Score of 50 or more [MQL]; ready for a sales follow-up.",
     True, None, None, 12),
    ("Sales Qualified Lead", 40, 1, "Accepted by sales after a discovery call.", True, None, None, 8),
    ("Opportunity", 50, 1, "Proposal sent; the deal is in the pipeline for this fiscal year.",
     True, "2026-01-01 00:00:00", "2027-12-31 23:59:00", 6),
    ("Customer", 60, 2, "Signed contract and an active subscription.", True, None, None, 10),
    ("Advocate", 70, 2, None, True, None, None, 3),
    ("Churned", 80, 2, "Cancelled; kept for win-back campaigns.", False, None, None, 2),
    ("Dormant", 5, None, "No activity for twelve months; excluded from campaigns.", True, None, None, 1),
)
NO_STAGE_SHARE = 15

FIRST_NAMES = (
    "Ann", "Bob", "Chloé", "David", "Emma", "Farid", "Grace", "Hiro", "Isabel", "James", "Karin",
    "Liam", "Maria", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Samuel", "Tanya", "Umar", "Vera",
    "William", "Xin", "Yusuf", "Zoë", "Aisha", "Björn", "Carmen", "Dmitri", "Elena", "Felix",
    "Giulia", "Hannah", "Ibrahim", "José", "Kenji", "Lucía", "Mateo", "Nadia", "Oscar", "Priya",
    "Renée", "Søren", "Thomas", "Ursula", "Victor", "Wei", "Yara", "Zane", "Łukasz", "Amelia",
    "Ben", "Clara", "Diego", "Eva", "Finn", "Hugo", "Ines", "Jonas",
)
LAST_NAMES = (
    "Smith", "Jones", "Müller", "García", "Rossi", "Nguyen", "Kowalski", "Johansson", "Dubois",
    "Silva", "Tanaka", "Kim", "Patel", "Okafor", "Novak", "Horvat", "Jensen", "O'Brien", "Fischer",
    "Schmidt", "Martin", "Bernard", "Lopez", "Hernández", "Ivanova", "Petrov", "Yilmaz", "Cohen",
    "Haddad", "Mensah", "Anderson", "Brown", "Clark", "Davies", "Evans", "Ferreira", "Gómez",
    "Hall", "Ito", "Jovanović", "Khan", "Larsen", "Moreau", "Nielsen", "Oliveira", "Park", "Quinn",
    "Reyes", "Sato", "Taylor", "Umarov", "Varga", "Walker", "Xu", "Young", "Zimmermann", "Lee",
    "Adams", "Baker", "Wright",
)
COMPANIES = (
    # company, email domain, city, country
    ("Northwind Traders", "northwind.example", "Seattle", "United States"),
    ("Globex", "globex.example", "Springfield", "United States"),
    ("Initech", "initech.example", "Austin", "United States"),
    ("Acme Widgets", "acme.example", "Zürich", "Switzerland"),
    ("Helvetia Data", "helvetia-data.example", "Genève", "Switzerland"),
    ("Kraków Software House", "krakow-soft.example", "Kraków", "Poland"),
    ("Sol & Mar Viagens", "solemar.example", "São Paulo", "Brazil"),
    ("Fjord Analytics", "fjord.example", "Bergen", "Norway"),
    ("Bracket [Labs]", "bracketlabs.example", "Berlin", "Germany"),
    ("Maple Leaf Foods", "mapleleaf.example", "Toronto", "Canada"),
    ("Sakura Robotics", "sakura-robotics.example", "Osaka", "Japan"),
    ("Kiwi Outdoor", "kiwi-outdoor.example", "Auckland", "New Zealand"),
    ("Lyon Gastronomie", "lyon-gastro.example", "Lyon", "France"),
    ("Delta Logistics", "delta-logistics.example", "Rotterdam", "Netherlands"),
    ("Savanna Solar", "savanna-solar.example", "Nairobi", "Kenya"),
    (None, "mail.example", "London", "United Kingdom"),
    (None, "inbox.example", "Madrid", "Spain"),
    (None, "post.example", "Dublin", "Ireland"),
)

_LOCAL_PART = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "'": "", " ": ""})


def email_part(name: str) -> str:
    """An ASCII, lower-case version of a name for an email address ("Zoë" -> "zoe")."""
    plain = unicodedata.normalize("NFKD", name.translate(_LOCAL_PART))
    return plain.encode("ascii", "ignore").decode("ascii").lower()


@dataclass(frozen=True)
class SeedSummary:
    categories: int
    stages: int
    contacts: int
    staged_contacts: int
    log_rows: int
    seconds: float


class NotEmpty(RuntimeError):
    """seed() only fills an empty database."""


def _db_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def is_empty(conn: sqlite3.Connection) -> bool:
    return all(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() is None
               for t in ("categories", "stages", "leads"))


def _insert_categories_and_stages(conn: sqlite3.Connection, added: str) -> list[tuple[int, str]]:
    category_ids = []
    for title, alias, description, color in CATEGORIES:
        cur = conn.execute(
            "INSERT INTO categories (is_published, date_added, created_by, created_by_user, title, alias,"
            " description, color, bundle) VALUES (1, ?, ?, ?, ?, ?, ?, ?, 'stage')",
            (added, ADMIN_ID, ADMIN_NAME, title, alias, description, color))
        category_ids.append(cur.lastrowid)
    stages = []
    for name, weight, cat, description, published, up, down, _share in STAGES:
        cur = conn.execute(
            "INSERT INTO stages (is_published, date_added, created_by, created_by_user, name, category_id,"
            " weight, description, publish_up, publish_down) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (1 if published else 0, added, ADMIN_ID, ADMIN_NAME, name,
             None if cat is None else category_ids[cat], weight, description, up, down))
        stages.append((cur.lastrowid, name))
    return stages


def _drop_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the bulk tables' indexes (rebuilt after the insert, which is much faster)."""
    marks = ",".join("?" * len(_SEED_TABLES))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})", _SEED_TABLES).fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


class _DbTimeFormatter:
    """Unix seconds -> 'Y-m-d H:i:s' (UTC), with cached day and time-of-day strings.

    strftime per value would be a third of the time it takes to seed a million contacts.
    """

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times = [f" {h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)]

    def __call__(self, timestamp: float) -> str:
        day, second = divmod(int(timestamp), 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        return prefix + self._times[second]


def _contact_rows(count: int, stages: list[tuple[int, str]], rng: random.Random, now: datetime):
    """Yield (lead row, log row or None) per contact, oldest contact first."""
    buckets: list[tuple[int, str] | None] = [None, *stages]
    cumulative = list(accumulate([NO_STAGE_SHARE, *(s[7] for s in STAGES)]))
    total_share = cumulative[-1]
    firsts = [(n, email_part(n)) for n in FIRST_NAMES]
    lasts = [(n, email_part(n)) for n in LAST_NAMES]
    seen: dict[str, int] = {}
    span = 3 * 365 * 86400  # contacts were added over the last three years
    now_ts = now.timestamp()
    random_ = rng.random
    pick = bisect.bisect_right
    fmt = _DbTimeFormatter()
    n_first, n_last, n_comp = len(firsts), len(lasts), len(COMPANIES)
    for i in range(count):
        first, first_mail = firsts[int(random_() * n_first)]
        last, last_mail = lasts[int(random_() * n_last)]
        company, domain, city, country = COMPANIES[int(random_() * n_comp)]
        local = f"{first_mail}.{last_mail}"
        key = f"{local}@{domain}"
        clash = seen.get(key, 0)
        seen[key] = clash + 1
        email = key if not clash else f"{local}{clash + 1}@{domain}"
        added_ts = now_ts - span * (1 - (i + random_()) / max(count, 1))
        added = fmt(added_ts)
        roll = random_()
        if roll < 0.04:
            last_active = None  # never seen on the website
            active_ts = added_ts
        else:
            active_ts = added_ts + (now_ts - added_ts) * (roll ** 0.35)
            last_active = fmt(active_ts)
        points = int((random_() ** 2.2) * 300)
        bucket = buckets[pick(cumulative, random_() * total_share)]
        stage_id = bucket[0] if bucket else None
        lead = (1, added, added, ADMIN_ID, ADMIN_NAME, stage_id, first, last, email, company,
                city, country, points, last_active)
        log = None
        if bucket:
            moved = fmt(added_ts + (active_ts - added_ts) * random_())
            log = (i, bucket[0], f"{bucket[0]}: {bucket[1]}", "Manually Added", moved)
        yield lead, log


def seed(conn: sqlite3.Connection, contacts: int = DEFAULT_CONTACTS, *, rng_seed: int = DEFAULT_RNG_SEED,
         now: datetime = SEED_NOW) -> SeedSummary:
    """Fill an empty sandbox database (schema already applied). Same arguments, same rows."""
    if contacts < 0:
        raise ValueError("contacts must be 0 or more")
    if not is_empty(conn):
        raise NotEmpty("the database already has categories, stages or contacts")
    started = time.perf_counter()
    rng = random.Random(rng_seed)
    conn.commit()
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -131072")  # 128 MiB while the indexes are built
    staged = log_rows = 0
    try:
        conn.execute("BEGIN")
        stages = _insert_categories_and_stages(conn, _db_time(now - timedelta(days=3 * 365 + 30)))
        index_sql = _drop_indexes(conn)
        first_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM leads").fetchone()[0]) + 1
        leads: list[tuple] = []
        logs: list[tuple] = []
        lead_sql = ("INSERT INTO leads (is_published, date_added, date_identified, created_by,"
                    " created_by_user, stage_id, firstname, lastname, email, company, city, country,"
                    " points, last_active) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        log_sql = ("INSERT INTO lead_stages_change_log (lead_id, stage_id, event_name, action_name,"
                   " date_added) VALUES (?,?,?,?,?)")
        for lead, log in _contact_rows(contacts, stages, rng, now):
            leads.append(lead)
            if log is not None:
                logs.append((first_id + log[0], *log[1:]))
            if len(leads) >= _BATCH:
                conn.executemany(lead_sql, leads)
                conn.executemany(log_sql, logs)
                staged += len(logs)
                leads, logs = [], []
        conn.executemany(lead_sql, leads)
        conn.executemany(log_sql, logs)
        staged += len(logs)
        log_rows = staged
        for sql in index_sql:
            conn.execute(sql)
        conn.execute("ANALYZE")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute(f"PRAGMA synchronous = {int(sync)}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return SeedSummary(len(CATEGORIES), len(STAGES), contacts, staged, log_rows,
                       time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stages_tui.sandbox.seed",
                                     description="Seed an empty sandbox database file.")
    parser.add_argument("--db", required=True, help="SQLite file (created if missing)")
    parser.add_argument("--contacts", type=int, default=DEFAULT_CONTACTS)
    args = parser.parse_args(argv)
    from .schema import SCHEMA

    conn = sqlite3.connect(args.db)
    try:
        conn.executescript(SCHEMA)
        summary = seed(conn, contacts=args.contacts)
    except NotEmpty as exc:
        print(f"error: {args.db}: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    print(f"seeded {summary.contacts} contacts ({summary.staged_contacts} in a stage), "
          f"{summary.stages} stages, {summary.categories} categories in {summary.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
