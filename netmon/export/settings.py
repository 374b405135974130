"""The `influxdb:` and `shard:` configuration sections."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from netmon.tokens import checked_token

Precision = Literal["s", "ms", "us", "ns"]
TagKey = Annotated[str, Field(min_length=1, max_length=64)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InfluxSettings(_Section):
    """Where and how Samples are written through the InfluxDB v2 write API."""

    url: str
    # VictoriaMetrics ignores org and bucket; InfluxDB 1.8 takes `database/retention` as bucket.
    org: str = ""
    bucket: str = "netmon"
    token: SecretStr | None = None

    @field_validator("token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        return checked_token(value)
    batch_size: Annotated[int, Field(ge=1, le=100_000)] = 5000
    flush_interval_s: Annotated[float, Field(gt=0, le=300)] = 1.0
    # Concurrent write requests: the server parses one batch while it answers another.
    writes_in_flight: Annotated[int, Field(ge=1, le=8)] = 2
    gzip: bool = False
    precision: Precision = "ms"
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 10.0
    retry_initial_s: Annotated[float, Field(gt=0, le=3600)] = 1.0
    retry_max_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    # Relative to the config file; default: `influx-spool/` beside the store file.
    spool_dir: Path | None = None
    spool_max_mb: Annotated[float, Field(gt=0, le=1_000_000)] = 512.0
    # The config's `site` (the town) is written under this tag on every point; "" to omit.
    site_tag: str = "town"
    # Constant tags added to every point (a point's own tags win), e.g. {poller: shard-0}.
    tags: dict[TagKey, str] = {}

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")) or len(v) <= len("https://"):
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:8428")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _retry_bounds(self) -> InfluxSettings:
        if self.retry_max_s < self.retry_initial_s:
            raise ValueError("retry_max_s must be >= retry_initial_s")
        return self

    @property
    def spool_max_bytes(self) -> int:
        return int(self.spool_max_mb * 1024 * 1024)


class ShardSettings(_Section):
    """This poller owns the agents whose stable hash falls in shard `index` of `count`."""

    index: Annotated[int, Field(ge=0)] = 0
    count: Annotated[int, Field(ge=1, le=10_000)] = 1

    @model_validator(mode="after")
    def _in_range(self) -> ShardSettings:
        if self.index >= self.count:
            raise ValueError(f"index must be < count (0..{self.count - 1})")
        return self
