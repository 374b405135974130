"""Where fibre files are: inputs relative to the config file, outputs next to the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from netmon.config.models import NetmonConfig
from netmon.fibre.settings import FibreSettings, FormatChoice

BUILDINGS_FILE: Final = "fibre-buildings.gpkg"
BUILDINGS_LAYER: Final = "buildings"
REJECTS_DIR: Final = "fibre-rejects"
# Files a watched folder may hold; anything else there is left alone.
WATCHED_SUFFIXES: Final = (".csv", ".txt", ".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class FibrePaths:
    """Every path the fibre import reads or writes, resolved once."""

    config_dir: Path
    store: Path
    imports: tuple[tuple[Path, FormatChoice | None], ...]
    watch_dir: Path | None

    @classmethod
    def of(cls, config: NetmonConfig, settings: FibreSettings) -> FibrePaths:
        base = config.source.parent if config.source is not None else Path.cwd()
        return cls(
            config_dir=base,
            store=config.store.path,
            imports=tuple((_under(base, i.path), i.format) for i in settings.imports),
            watch_dir=None if settings.watch_dir is None else _under(base, settings.watch_dir),
        )

    @property
    def buildings(self) -> Path:
        """The building points of the newest base_imb import, for the maps (GeoPackage)."""
        return self.store.parent / BUILDINGS_FILE

    @property
    def rejects_dir(self) -> Path:
        return self.store.parent / REJECTS_DIR

    def watched_files(self) -> list[Path]:
        """The fibre files in the watched folder, sorted by name (dated names sort in time)."""
        if self.watch_dir is None or not self.watch_dir.is_dir():
            return []
        return sorted(p for p in self.watch_dir.iterdir()
                      if p.is_file() and p.suffix.lower() in WATCHED_SUFFIXES
                      and not p.name.endswith(".rejects.csv"))


def _under(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path).resolve()
