"""The `status_page:` configuration section."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class StatusPageSettings(BaseModel):
    """The page is read-only and open; `api_token` (Bearer) guards only the JSON API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    api_token: SecretStr | None = None
    refresh_s: Annotated[int, Field(ge=5, le=3600)] = 30
    recent_incidents: Annotated[int, Field(ge=1, le=500)] = 20
    # The coverage map is recomputed at most this often (it reads the store and the layers).
    map_cache_s: Annotated[float, Field(ge=0, le=3600)] = 60.0
