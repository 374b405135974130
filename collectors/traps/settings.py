"""Settings of `traps:`: where the receiver listens and which credentials it accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from collectors.snmp.usm import check_usm_keys

DEFAULT_LISTEN = "127.0.0.1:1162"  # unprivileged: no root needed


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrapUser(_Strict):
    """An SNMPv3 user that may send traps; `engine_id` is the sender's (hex), as RFC 3414 asks."""

    user: str
    auth_protocol: Literal["none", "md5", "sha", "sha224", "sha256", "sha384", "sha512"] = "sha"
    auth_key: SecretStr | None = None
    priv_protocol: Literal["none", "des", "aes", "aes128", "aes192", "aes256"] = "none"
    priv_key: SecretStr | None = None
    engine_id: str

    @field_validator("engine_id")
    @classmethod
    def _hex(cls, v: str) -> str:
        text = v.removeprefix("0x").removeprefix("0X")
        if len(text) < 10 or len(text) > 64 or len(text) % 2:
            raise ValueError("an engine id is 5 to 32 bytes, written in hex")
        try:
            bytes.fromhex(text)
        except ValueError as exc:
            raise ValueError("an engine id is written in hex, e.g. 0x8000000001020304") from exc
        return text.lower()

    @model_validator(mode="after")
    def _keys(self) -> TrapUser:
        check_usm_keys(self.auth_protocol, self.auth_key, self.priv_protocol, self.priv_key)
        return self


class TrapSettings(_Strict):
    """`traps:` the receiver runs only when this section is present."""

    listen: str = DEFAULT_LISTEN
    communities: list[SecretStr] = []
    v3_users: list[TrapUser] = []
    # How long after a trap a failed confirming poll counts as a confirmed outage.
    confirm_window_s: Annotated[float, Field(gt=0, le=3600)] = 60.0
    # The confirming poll asks once and waits this long (the trap is already one piece of
    # evidence), so a trap about a dead AP is paged within about a second.
    confirm_timeout_s: Annotated[float, Field(gt=0, le=60)] = 0.5

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        host, sep, port = v.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{v!r}: expected HOST:PORT, e.g. {DEFAULT_LISTEN}")
        return v

    @model_validator(mode="after")
    def _some_credentials(self) -> TrapSettings:
        if not self.communities and not self.v3_users:
            raise ValueError("give at least one community or v3 user to accept traps from")
        return self

    @property
    def address(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)
