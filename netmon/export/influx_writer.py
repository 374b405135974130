"""One HTTP write of one batch through influxdb-client, and what its answer means for us.

influxdb-client's batching mode retries and drops in a background thread and reports only
through callbacks, so a failure never reaches the spool; the SYNCHRONOUS write API raises
instead, which lets netmon decide: retry later (spool), or refuse for good (dead letter).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol, cast

import urllib3
from influxdb_client.client.exceptions import InfluxDBError
from influxdb_client.client.influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.domain.write_precision import WritePrecision

from netmon.export.line_protocol import EncodedBatch
from netmon.export.settings import InfluxSettings

log = logging.getLogger(__name__)
Verdict = Literal["ok", "retry", "reject"]
# Kinds of failure, as the metric netmon_influxdb_write_failures_total labels them.
FailureKind = Literal["unreachable", "timeout", "throttled", "server_error", "rejected"]
# Statuses a later attempt may cure; every other 4xx is refused for good.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
THROTTLE_STATUSES = frozenset({429, 503})
MAX_REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    verdict: Verdict
    reason: str = ""
    kind: FailureKind | None = None
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


OK = WriteOutcome("ok")


class BatchWriter(Protocol):
    """Sends one encoded batch; never raises for a server or network problem."""

    def write(self, batch: EncodedBatch) -> WriteOutcome: ...

    def close(self) -> None: ...


def _retry_after(value: object) -> float | None:
    try:
        return max(0.0, float(str(value)))
    except (TypeError, ValueError):
        return None  # an HTTP date: fall back to our own backoff


def _server_answer(exc: InfluxDBError, status: int) -> WriteOutcome:
    message = str(getattr(exc, "message", "") or "")
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    reason = f"HTTP {status}: {message}".strip()[:MAX_REASON_CHARS]
    if status in RETRY_STATUSES or status >= 500:
        kind: FailureKind = "throttled" if status in THROTTLE_STATUSES else "server_error"
        return WriteOutcome("retry", reason, kind, _retry_after(exc.retry_after))
    if status == 413:
        reason += " (lower influxdb.batch_size)"
    return WriteOutcome("reject", reason, "rejected")


def _network_failure(exc: urllib3.exceptions.HTTPError) -> WriteOutcome:
    cause = getattr(exc, "reason", None) or exc
    # NewConnectionError derives from ConnectTimeoutError: a refused connection is no timeout.
    refused = isinstance(cause, urllib3.exceptions.NewConnectionError)
    timed_out = not refused and isinstance(cause, urllib3.exceptions.TimeoutError)
    kind: FailureKind = "timeout" if timed_out else "unreachable"
    # urllib3 prefixes the connection object's repr: "<...HTTPConnection object at 0x..>: "
    reason = str(cause).split(">: ", 1)[-1]
    return WriteOutcome("retry", reason[:MAX_REASON_CHARS], kind)


class InfluxWriter:
    """influxdb-client's v2 write API, synchronous, no retries of its own."""

    def __init__(self, settings: InfluxSettings) -> None:
        self.settings = settings
        # No token (VictoriaMetrics, open InfluxDB 1.8): the client sends no Authorization.
        token = settings.token.get_secret_value() if settings.token is not None else ""
        self.client = InfluxDBClient(url=settings.url, token=token, org=settings.org,
                                     timeout=int(settings.timeout_s * 1000),
                                     enable_gzip=settings.gzip, retries=False)
        self.api = self.client.write_api(write_options=SYNCHRONOUS)

    def write(self, batch: EncodedBatch) -> WriteOutcome:
        if not batch.body:
            return OK
        try:
            self.api.write(bucket=self.settings.bucket, org=self.settings.org,
                           record=batch.body,
                           write_precision=cast(WritePrecision, batch.precision))
        except InfluxDBError as exc:
            status = getattr(exc, "status", None)
            if status is None and exc.response is not None:
                status = getattr(exc.response, "status", None)
            if isinstance(status, int):
                return _server_answer(exc, status)
            return WriteOutcome("retry", f"no HTTP answer: {exc}"[:MAX_REASON_CHARS],
                                "unreachable")
        except urllib3.exceptions.HTTPError as exc:
            return _network_failure(exc)
        except OSError as exc:
            return WriteOutcome("retry", str(exc)[:MAX_REASON_CHARS], "unreachable")
        return OK

    def close(self) -> None:
        self.api.close()  # type: ignore[no-untyped-call]
        self.client.close()  # type: ignore[no-untyped-call]
        # The client's pools are disposed again when collected; let that happen now, not
        # during interpreter shutdown, when urllib3 can no longer import what it needs.
        del self.api, self.client
