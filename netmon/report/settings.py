"""The `report:` section of the config: what the committee report shows and how it is signed."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ReportSettings(BaseModel):
    """`report:`; every key has a default, so the section is optional."""

    # Same rules as netmon.config.models, which imports this module.
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None  # default: "Wi-Fi public et fibre" in the config's language
    organisation: str | None = None  # printed under the title, e.g. "Ville d'Aix-les-Bains, DSI"
    worst_aps: Annotated[int, Field(ge=1, le=200)] = 10
    max_incidents: Annotated[int, Field(ge=1, le=5000)] = 100
