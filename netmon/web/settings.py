"""The `http:` configuration section."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_LISTEN = "127.0.0.1:9108"


def split_listen(listen: str) -> tuple[str, int]:
    """`host:port` or `[v6]:port` to (host, port); raises ValueError with the reason."""
    host, sep, port_text = listen.rpartition(":")
    if not sep or not host:
        raise ValueError("must be host:port, e.g. 127.0.0.1:9108 or [::1]:9108")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"port {port_text!r} is not a number from 1 to 65535")
    return host, int(port_text)


class HttpSettings(BaseModel):
    """On by default, on loopback only: open it to the network deliberately (0.0.0.0:9108)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    listen: str = DEFAULT_LISTEN
    # /readyz fails once the InfluxDB sink has failed this long (its spool absorbs less).
    ready_sink_failing_s: Annotated[float, Field(gt=0)] = 600.0

    @field_validator("listen")
    @classmethod
    def _address(cls, v: str) -> str:
        split_listen(v)
        return v

    @property
    def host(self) -> str:
        return split_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return split_listen(self.listen)[1]
