"""What a trap means (catalog.yaml): its name, down/up/reboot/info, and where it names the AP."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

Meaning = Literal["down", "up", "reboot", "info"]
SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"


class TrapKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    oid: str
    name: str
    meaning: Meaning
    ap_name: str | None = None


class _Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    traps: list[TrapKind]


@dataclass(frozen=True, slots=True)
class TrapCatalog:
    kinds: dict[str, TrapKind]

    def classify(self, trap_oid: str) -> TrapKind:
        """The known kind, or an `info` kind named by its OID."""
        return self.kinds.get(trap_oid.lstrip(".")) or TrapKind(oid=trap_oid, name=trap_oid,
                                                                 meaning="info")

    def ap_name(self, kind: TrapKind, varbinds: dict[str, str]) -> str | None:
        """The AP a controller's trap is about, when its kind says which varbind names it."""
        if kind.ap_name is None:
            return None
        prefix = kind.ap_name + "."
        for oid, value in varbinds.items():
            if oid == kind.ap_name or oid.startswith(prefix):
                return value
        return None


def default_trap_catalog() -> TrapCatalog:
    text = resources.files("collectors.traps").joinpath("catalog.yaml").read_text("utf-8")
    try:
        catalog = _Catalog.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise ValueError(f"collectors/traps/catalog.yaml: {exc}") from exc
    return TrapCatalog({k.oid: k for k in catalog.traps})
