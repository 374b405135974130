"""The `status_page:` configuration section."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from netmon.tokens import MIN_API_TOKEN_CHARS, checked_token


class StatusPageSettings(BaseModel):
    """The page is read-only and open; `api_token` (Bearer) guards only the JSON API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    api_token: SecretStr | None = None
    refresh_s: Annotated[int, Field(ge=5, le=3600)] = 30
    recent_incidents: Annotated[int, Field(ge=1, le=500)] = 20
    # The coverage map is recomputed at most this often (it reads the store and the layers).
    map_cache_s: Annotated[float, Field(ge=0, le=3600)] = 60.0

    @field_validator("api_token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        return checked_token(value, MIN_API_TOKEN_CHARS)
