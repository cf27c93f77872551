"""The sandbox's SQLite schema: the one place the table and column names are defined.

Modelled on Mautic's own tables (stages, categories, leads, lead_stages_change_log) so
that search/order code can map Mautic's property and column names one to one.
Dates are stored as UTC text 'YYYY-MM-DD HH:MM:SS' (sortable, like Mautic's DATETIME).
"""

from __future__ import annotations

# Mautic's default contact fields (ids 1-28), in field-id order: (alias, group).
# The full field metadata (labels, types, properties) lives in sandbox/fields.py.
CONTACT_FIELD_COLUMNS: tuple[str, ...] = (
    "title", "firstname", "lastname", "company", "position", "email", "mobile", "phone",
    "points", "fax", "address1", "address2", "city", "state", "zipcode", "country",
    "preferred_locale", "timezone", "last_active", "attribution_date", "attribution",
    "website", "facebook", "foursquare", "instagram", "linkedin", "skype", "twitter",
)

SCHEMA = """
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    is_published INTEGER NOT NULL DEFAULT 1,
    date_added TEXT,
    date_modified TEXT,
    created_by INTEGER,
    created_by_user TEXT,
    modified_by INTEGER,
    modified_by_user TEXT,
    title TEXT NOT NULL,
    alias TEXT NOT NULL,
    description TEXT,
    color TEXT,
    bundle TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_categories_bundle ON categories(bundle);
CREATE INDEX IF NOT EXISTS idx_categories_alias ON categories(alias);

CREATE TABLE IF NOT EXISTS stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    is_published INTEGER NOT NULL DEFAULT 1,
    date_added TEXT,
    date_modified TEXT,
    created_by INTEGER,
    created_by_user TEXT,
    modified_by INTEGER,
    modified_by_user TEXT,
    name TEXT NOT NULL,
    category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    weight INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    publish_up TEXT,
    publish_down TEXT
);
CREATE INDEX IF NOT EXISTS idx_stages_category ON stages(category_id);

CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    is_published INTEGER NOT NULL DEFAULT 1,
    date_added TEXT,
    date_modified TEXT,
    created_by INTEGER,
    created_by_user TEXT,
    modified_by INTEGER,
    modified_by_user TEXT,
    stage_id INTEGER REFERENCES stages(id) ON DELETE SET NULL,
    color TEXT,
    date_identified TEXT,
    title TEXT, firstname TEXT, lastname TEXT, company TEXT, position TEXT,
    email TEXT, mobile TEXT, phone TEXT, points INTEGER NOT NULL DEFAULT 0, fax TEXT,
    address1 TEXT, address2 TEXT, city TEXT, state TEXT, zipcode TEXT, country TEXT,
    preferred_locale TEXT, timezone TEXT, last_active TEXT, attribution_date TEXT,
    attribution REAL, website TEXT, facebook TEXT, foursquare TEXT, instagram TEXT,
    linkedin TEXT, skype TEXT, twitter TEXT
);
-- Case-insensitive prefix search (email:, name:) and stage paging must stay fast at 1M rows.
-- LIKE 'x%' can use an index only if the index collation is NOCASE (SQLite's LIKE is
-- case-insensitive). last_active in those indexes lets SQLite pick the default order's
-- top 30 from the index and read only those rows (email:a at 1M: 200 ms -> 11 ms).
-- (stage_id, last_active) serves "contacts in a stage" in the default order
-- (last_active DESC) without sorting; (stage_id, id) serves orderBy=id.
CREATE INDEX IF NOT EXISTS idx_leads_email ON leads(email COLLATE NOCASE, last_active);
CREATE INDEX IF NOT EXISTS idx_leads_firstname ON leads(firstname COLLATE NOCASE, last_active);
CREATE INDEX IF NOT EXISTS idx_leads_lastname ON leads(lastname COLLATE NOCASE, last_active);
CREATE INDEX IF NOT EXISTS idx_leads_stage ON leads(stage_id, id);
CREATE INDEX IF NOT EXISTS idx_leads_stage_active ON leads(stage_id, last_active);
CREATE INDEX IF NOT EXISTS idx_leads_last_active ON leads(last_active);

CREATE TABLE IF NOT EXISTS lead_stages_change_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    stage_id INTEGER REFERENCES stages(id) ON DELETE CASCADE,
    event_name TEXT NOT NULL,
    action_name TEXT NOT NULL,
    date_added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_stage_log_lead ON lead_stages_change_log(lead_id, date_added);
CREATE INDEX IF NOT EXISTS idx_stage_log_stage ON lead_stages_change_log(stage_id);
"""
