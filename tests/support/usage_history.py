"""Two months of made-up usage with known answers, for the report and the status page.

fleet_config(folder, 5): ap-00000/2/4 in `nord`, ap-00001/3 in `sud`. Polled every 15 min
from 1 October to 30 November 2026 (Paris time, across the end of summer time):

- mean clients: ap-00000 6, ap-00002 3, ap-00003 2, ap-00001 1 (most to least used);
- `nord` is busy on Saturdays 15:00-16:00 local (+20 on ap-00000 and ap-00002), and on
  Saturday 14 November 15:00 even more (+50 on ap-00000): its November peak;
- `sud` is busy on Wednesdays 09:00-10:00 local (+10 on ap-00001) and never polled on Sundays;
- traffic: ap-00000 16 kbit/s, ap-00002 8 kbit/s (rx + tx, constant), `sud` reports none;
- ap-00004 is never polled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from netmon.config.models import NetmonConfig
from netmon.sample import FieldValue, Sample
from netmon.store.session import write_session

NS: Final = 1_000_000_000
STEP_S: Final = 900
PERIOD: Final = "2026-10-01..2026-11-30"
TZ: Final = ZoneInfo("Europe/Paris")
START: Final = datetime(2026, 10, 1, tzinfo=TZ)
END: Final = datetime(2026, 12, 1, tzinfo=TZ)
BASE: Final = {"ap-00000": 6, "ap-00001": 1, "ap-00002": 3, "ap-00003": 2}
RATE_BPS: Final = {"ap-00000": 8000.0, "ap-00002": 4000.0}  # rx, and tx the same
BIG_SATURDAY: Final = datetime(2026, 11, 14, 15, tzinfo=TZ)
# Bytes: (16 + 8) kbit/s / 8 x 3600 s per local hour; October has 745 (25 October is 25 h).
NORD_BYTES: Final = {"2026-10": 3000 * 3600 * 745, "2026-11": 3000 * 3600 * 720}
NORD_PEAK: Final = {"2026-10": 6 + 3 + 40, "2026-11": 6 + 3 + 40 + 50}
SUD_PEAK: Final = 1 + 2 + 10


def clients(ap: str, zone: str, local: datetime) -> int:
    value = BASE[ap]
    if zone == "nord" and local.weekday() == 5 and local.hour == 15:
        value += 20
        if ap == "ap-00000" and local.replace(minute=0) == BIG_SATURDAY:
            value += 50
    if ap == "ap-00001" and local.weekday() == 2 and local.hour == 9:
        value += 10
    return value


def write_usage(config: NetmonConfig) -> tuple[int, int]:
    """Write the polls, roll them up; returns the period as [start, end) ns."""
    start_ns, end_ns = int(START.timestamp()) * NS, int(END.timestamp()) * NS
    polled = [ap for ap in config.aps if ap.id in BASE]
    with write_session(config.store) as session:
        store = session.store
        for t in range(start_ns, end_ns, STEP_S * NS):
            local = datetime.fromtimestamp(t / NS, TZ)
            batch = []
            for ap in polled:
                if ap.zone == "sud" and local.weekday() == 6:
                    continue
                fields: dict[str, FieldValue] = {"up": 1,
                                                  "clients": clients(ap.id, ap.zone, local)}
                if ap.id in RATE_BPS:
                    fields |= {"rx_bps": RATE_BPS[ap.id], "tx_bps": RATE_BPS[ap.id]}
                batch.append(Sample("ap", {"ap": ap.id, "ap_name": ap.name, "zone": ap.zone,
                                           "site": "", "vendor": "test", "model": "test"},
                                    fields, t))
            store.write(batch)
        store.flush()
        store.maintain(end_ns)
    return start_ns, end_ns
