"""How the store's chunks are laid out: levels, spans, buckets; shared by writer and reader."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, select

from netmon.store.tables import store_meta

NS_PER_S: Final = 1_000_000_000
NS_PER_DAY: Final = 86_400 * NS_PER_S
BUCKET_5M_NS: Final = 300 * NS_PER_S
BUCKET_1H_NS: Final = 3_600 * NS_PER_S
RAW, FIVE_MINUTES, HOURLY = 0, 1, 2
# Each level: how long one chunk spans, and the bucket of its points (0: raw points).
CHUNK_NS: Final = {RAW: BUCKET_1H_NS, FIVE_MINUTES: NS_PER_DAY, HOURLY: 30 * NS_PER_DAY}
BUCKET_NS: Final = {FIVE_MINUTES: BUCKET_5M_NS, HOURLY: BUCKET_1H_NS}
PACKED_UNTIL: Final = "packed_until"


def packed_until(conn: Connection) -> int:
    value = conn.execute(select(store_meta.c.value)
                         .where(store_meta.c.key == PACKED_UNTIL)).scalar()
    return 0 if value is None else int(value)
