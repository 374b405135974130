"""The alert tables, in the store's SQLite file but through netmon.alerts' own connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

BUSY_TIMEOUT_S: Final = 5.0
SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS alert_incidents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- ap_down | zone_down | flapping
    subject TEXT NOT NULL,         -- AP id or zone id
    zone TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER,                -- NULL while open
    cause TEXT,
    severity TEXT NOT NULL,
    planned INTEGER NOT NULL DEFAULT 0,
    paged INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER,             -- the zone incident that grouped this AP incident
    last_notice_ns INTEGER,
    reminders INTEGER NOT NULL DEFAULT 0,
    channels TEXT NOT NULL DEFAULT '[]'   -- JSON list of the channels that delivered
);
CREATE INDEX IF NOT EXISTS alert_incidents_time ON alert_incidents (start_ns, end_ns);
CREATE INDEX IF NOT EXISTS alert_incidents_open ON alert_incidents (end_ns) WHERE end_ns IS NULL;
CREATE TABLE IF NOT EXISTS alert_state (
    subject TEXT PRIMARY KEY,      -- 'ap:<id>' or 'zone:<id>'
    state TEXT NOT NULL            -- JSON
);
CREATE TABLE IF NOT EXISTS alert_events (
    id INTEGER PRIMARY KEY,
    time_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,            -- rebooted | trap | ...
    ap TEXT,
    zone TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS alert_events_time ON alert_events (time_ns);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    notice TEXT NOT NULL,          -- Notice as JSON
    incident_id INTEGER,
    status TEXT NOT NULL,          -- pending | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    created_ns INTEGER NOT NULL,
    next_attempt_ns INTEGER NOT NULL,
    done_ns INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS alert_deliveries_pending ON alert_deliveries (channel, id)
    WHERE status = 'pending';
"""


def open_alert_db(path: Path) -> sqlite3.Connection:
    """Open (and create) the alert tables; WAL so the store's writer and readers are not blocked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn
