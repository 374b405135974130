"""The SNMP collector's settings: credentials (v1, v2c, v3 USM) and how to poll."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from collectors.snmp.usm import check_usm_keys

__all__ = ["AuthProtocol", "PartialCredentials", "PollSettings", "PrivProtocol",
           "SnmpCredentials"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


AuthProtocol = Literal["none", "md5", "sha", "sha224", "sha256", "sha384", "sha512"]
PrivProtocol = Literal["none", "des", "aes", "aes128", "aes192", "aes256"]
# How AES-192/256 keys grow from a shorter hash (MD5, SHA-1): vendors differ.
KeyExpansion = Literal["blumenthal", "cisco"]
NO_CONTEXT = ("SNMPv3 context names are not supported: the poller's SNMP library "
              "(gufo-snmp) always asks the default context")

def _refuse_context(data: object) -> object:
    if isinstance(data, dict) and "context" in data:
        if data["context"]:
            raise ValueError(NO_CONTEXT)
        return {k: v for k, v in data.items() if k != "context"}  # the default context
    return data


class SnmpCredentials(_Strict):
    """SNMP v1/v2c community or v3 USM user; secrets print as `**********`."""

    version: Literal["1", "2c", "3"] = "2c"
    community: SecretStr | None = None
    user: str | None = None
    auth_protocol: AuthProtocol = "none"
    auth_key: SecretStr | None = None
    priv_protocol: PrivProtocol = "none"
    priv_key: SecretStr | None = None
    key_expansion: KeyExpansion = "blumenthal"

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: object) -> object:
        # YAML reads `version: 1` and `version: 3` as integers.
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="before")
    @classmethod
    def _no_context(cls, data: object) -> object:
        return _refuse_context(data)

    @model_validator(mode="after")
    def _complete(self) -> SnmpCredentials:
        if self.version in ("1", "2c"):
            if self.community is None:
                raise ValueError(f"SNMP v{self.version} needs a community")
            return self
        if not self.user:
            raise ValueError("SNMPv3 needs a user")
        check_usm_keys(self.auth_protocol, self.auth_key, self.priv_protocol, self.priv_key)
        return self

    @property
    def security_level(self) -> str:
        if self.version != "3":
            return "community"
        if self.auth_protocol == "none":
            return "noAuthNoPriv"
        return "authNoPriv" if self.priv_protocol == "none" else "authPriv"


class PartialCredentials(_Strict):
    """Credentials as a default, zone or group sets them: any subset, completed per AP."""

    version: Literal["1", "2c", "3"] | None = None
    community: SecretStr | None = None
    user: str | None = None
    auth_protocol: AuthProtocol | None = None
    auth_key: SecretStr | None = None
    priv_protocol: PrivProtocol | None = None
    priv_key: SecretStr | None = None
    key_expansion: KeyExpansion | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_context(cls, data: object) -> object:
        return _refuse_context(data)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v


class PollSettings(_Strict):
    """How to poll; every AP's work must fit in its interval (see `cycle_budget_s`)."""

    interval_s: Annotated[int, Field(ge=5, le=86400)] = 60
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 2.0
    retries: Annotated[int, Field(ge=0, le=10)] = 1
    concurrency: Annotated[int, Field(ge=1, le=1000)] = 50
    jitter_s: Annotated[float, Field(ge=0, le=300)] = 2.0
    max_repetitions: Annotated[int, Field(ge=1, le=200)] = 25
    # A safety net, not a working limit: a 10,000-AP controller must read whole.
    max_table_rows: Annotated[int, Field(ge=1, le=1_000_000)] = 100_000
    # Known table rows are read with one GET; every Nth poll walks the tables again for changes.
    rewalk_every: Annotated[int, Field(ge=1, le=10000)] = 10
