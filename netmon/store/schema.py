"""The SQL of the embedded store: tables, writes, rollups and reads."""

from __future__ import annotations

from typing import Final

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY,
    measurement TEXT NOT NULL,
    tags TEXT NOT NULL,  -- canonical JSON: keys sorted, no spaces, UTF-8
    UNIQUE (measurement, tags)
);
CREATE TABLE IF NOT EXISTS field_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- Numbers only (bool as 0/1); string fields live in `latest` only. `value` has no declared
-- type so integers stay exact integers.
CREATE TABLE IF NOT EXISTS points (
    series_id INTEGER NOT NULL, field_id INTEGER NOT NULL, ts INTEGER NOT NULL, value NOT NULL,
    PRIMARY KEY (series_id, field_id, ts)
) WITHOUT ROWID;
-- The newest raw points, same shape; moved into `points` in bulk (see the module docstring).
CREATE TABLE IF NOT EXISTS points_recent (
    series_id INTEGER NOT NULL, field_id INTEGER NOT NULL, ts INTEGER NOT NULL, value NOT NULL,
    PRIMARY KEY (series_id, field_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
    series_id INTEGER NOT NULL, field_id INTEGER NOT NULL, ts INTEGER NOT NULL, value NOT NULL,
    PRIMARY KEY (series_id, field_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_5m (
    series_id INTEGER NOT NULL, field_id INTEGER NOT NULL, bucket_ts INTEGER NOT NULL,
    count INTEGER NOT NULL, sum REAL NOT NULL, min NOT NULL, max NOT NULL,
    PRIMARY KEY (series_id, field_id, bucket_ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_1h (
    series_id INTEGER NOT NULL, field_id INTEGER NOT NULL, bucket_ts INTEGER NOT NULL,
    count INTEGER NOT NULL, sum REAL NOT NULL, min NOT NULL, max NOT NULL,
    PRIMARY KEY (series_id, field_id, bucket_ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
"""

INSERT_POINT: Final = (
    "INSERT OR REPLACE INTO points_recent (series_id, field_id, ts, value) VALUES "
)
COMPACT_SQL: Final = (
    "INSERT OR REPLACE INTO points (series_id, field_id, ts, value) "
    "SELECT series_id, field_id, ts, value FROM points_recent"
)
INSERT_LATEST: Final = "INSERT INTO latest (series_id, field_id, ts, value) VALUES "
# An older point written late must not replace a newer one.
UPSERT_LATEST_SUFFIX: Final = (
    " ON CONFLICT (series_id, field_id) DO UPDATE SET ts = excluded.ts, value = excluded.value"
    " WHERE excluded.ts >= latest.ts"
)
# Many rows per INSERT: one statement step per ROWS_PER_INSERT rows, not per row (~3x faster).
ROWS_PER_INSERT: Final = 250
ROW_PARAMS: Final = "(?, ?, ?, ?)"
# One bucket per statement. CROSS JOIN keeps `latest` (every series/field pair) outside, so each
# pair is one primary-key range scan and rows arrive grouped: no full scan, no sort.
ROLLUP_5M_SQL: Final = """
INSERT OR REPLACE INTO rollup_5m (series_id, field_id, bucket_ts, count, sum, min, max)
SELECT l.series_id, l.field_id, :start, count(*), total(p.value), min(p.value), max(p.value)
FROM latest AS l CROSS JOIN points AS p
  ON p.series_id = l.series_id AND p.field_id = l.field_id AND p.ts >= :start AND p.ts < :end
GROUP BY l.series_id, l.field_id
"""
ROLLUP_1H_SQL: Final = """
INSERT OR REPLACE INTO rollup_1h (series_id, field_id, bucket_ts, count, sum, min, max)
SELECT l.series_id, l.field_id, :start, sum(r.count), total(r.sum), min(r.min), max(r.max)
FROM latest AS l CROSS JOIN rollup_5m AS r
  ON r.series_id = l.series_id AND r.field_id = l.field_id
  AND r.bucket_ts >= :start AND r.bucket_ts < :end
GROUP BY l.series_id, l.field_id
"""
FIRST_RAW_TS_SQL: Final = """
SELECT min((SELECT min(p.ts) FROM points AS p
            WHERE p.series_id = l.series_id AND p.field_id = l.field_id))
FROM latest AS l JOIN series AS s ON s.id = l.series_id
WHERE s.measurement NOT IN (SELECT value FROM json_each(:keep_raw))
"""
FIRST_5M_TS_SQL: Final = """
SELECT min((SELECT min(r.bucket_ts) FROM rollup_5m AS r
            WHERE r.series_id = l.series_id AND r.field_id = l.field_id)) FROM latest AS l
"""
MATCHING_SERIES_SQL: Final = """
SELECT s.id, s.tags FROM series AS s
JOIN latest AS l ON l.series_id = s.id AND l.field_id = ?
WHERE s.measurement = ? {tag_filter} ORDER BY s.tags
"""
LATEST_SQL: Final = """
SELECT s.id, s.tags, f.name, l.ts, l.value FROM series AS s
JOIN latest AS l ON l.series_id = s.id JOIN field_names AS f ON f.id = l.field_id
WHERE s.measurement = ? {tag_filter} ORDER BY s.tags, f.name
"""
# One per wanted tag; json_each matches any key text, where a JSON path would need quoting.
TAG_FILTER_SQL: Final = (
    " AND EXISTS (SELECT 1 FROM json_each(s.tags) AS t WHERE t.key = ? AND t.value = ?)"
)
ROLLUP_POINTS_SQL: Final = (
    "FROM {table} WHERE series_id = ? AND field_id = ? AND bucket_ts >= ? AND bucket_ts < ? "
    "ORDER BY bucket_ts"
)
FIELD_NAMES_SQL: Final = """
SELECT DISTINCT f.name FROM series AS s
JOIN latest AS l ON l.series_id = s.id JOIN field_names AS f ON f.id = l.field_id
WHERE s.measurement = ? ORDER BY 1
"""
# A point rewritten after compaction is in both tables until the next one: the recent copy wins.
RAW_POINTS_SQL: Final = """
SELECT ts, value + 0.0 FROM points_recent
WHERE series_id = ?1 AND field_id = ?2 AND ts >= ?3 AND ts < ?4
UNION ALL
SELECT ts, value + 0.0 FROM points AS p
WHERE series_id = ?1 AND field_id = ?2 AND ts >= ?3 AND ts < ?4
  AND NOT EXISTS (SELECT 1 FROM points_recent AS r
                  WHERE r.series_id = ?1 AND r.field_id = ?2 AND r.ts = p.ts)
ORDER BY 1
"""
