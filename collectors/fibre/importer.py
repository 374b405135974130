"""The one import path, for `netmon fibre import` and the scheduled job alike.

A file is read by its importer, its bad rows go to a rejects file, its milestones to the
fibre history and, as `fibre` Samples, to every sink; the import is logged with the file's
hash so a scheduled run imports only new or changed files.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from collectors.fibre.counts import counted, plural
from collectors.fibre.detect import read_fibre_file
from collectors.fibre.records import FormatError, FormatName, ImportResult, Rejection
from collectors.fibre.rejects import write_rejects
from collectors.fibre.scope import District, ImportScope
from netmon.config.models import NetmonConfig, Zone
from netmon.db.owner import DatabaseOwner
from netmon.fibre import history
from netmon.fibre.history import ImportRecord
from netmon.fibre.measurement import fibre_samples
from netmon.fibre.paths import BUILDINGS_LAYER, FibrePaths
from netmon.fibre.settings import FibreSettings
from netmon.sample import Sample

log = logging.getLogger(__name__)
# Formats whose every file is the whole picture (ARCEP's): a much smaller one is suspect.
SNAPSHOT_FORMATS = ("arcep-buildings", "arcep-communes")


@dataclass(slots=True)
class ImportOutcome:
    """What importing one file did."""

    path: Path
    format: str | None = None
    sha256: str = ""
    imported: int = 0  # figures: one zone on one day
    rejected: int = 0
    skipped: int = 0  # rows about other communes: not ours
    counted: str = ""  # what was imported, in the file's unit (collectors.fibre.counts)
    rejects_file: Path | None = None
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: bool = False  # already imported, with the same content and config
    error: str | None = None  # the file could not be imported at all
    sink_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """`N imported, M rejected (see FILE)`, or why nothing was imported."""
        if self.error is not None:
            return self.error
        if self.unchanged:
            return f"{self.path}: unchanged since its last import, nothing to do"
        text = f"{self.counted}; {plural(self.rejected, 'row')} rejected"
        if self.skipped:
            text += f", {plural(self.skipped, 'row')} about other communes left aside"
        if self.rejects_file is not None:
            text += f" (see {self.rejects_file})"
        return text


def scope_of(config: NetmonConfig, settings: FibreSettings) -> ImportScope:
    """The config's districts and the communes of `fibre.communes`."""
    districts = [_district(z) for z in config.zones]
    return ImportScope.of(districts, settings.communes)


def _district(zone: Zone) -> District:
    outline = zone.outline() if zone.parts else None  # several polygons, or holes
    return District(zone.id, zone.name, tuple(zone.polygon) if zone.polygon else None,
                    None if outline is None else outline.wkt)


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# Hands the `fibre` samples of one file to the pipeline (in `netmon run`) or the store (CLI).
Publish = Callable[[Sequence[Sample]], None]


class FibreImporter:
    """Imports fibre files for one config: history through the owner, samples to `publish`."""

    def __init__(self, config: NetmonConfig, owner: DatabaseOwner, publish: Publish) -> None:
        self.config = config
        self.settings = config.fibre or FibreSettings()
        self.paths = FibrePaths.of(config, self.settings)
        self.scope = scope_of(config, self.settings)
        self.owner = owner
        self.publish = publish

    def import_file(self, path: Path, fmt: FormatName | None = None, *, day: date | None = None,
                    skip_unchanged: bool = False, rejects_path: Path | None = None,
                    now_ns: int | None = None, sheet: str | None = None,
                    replace: bool = False) -> ImportOutcome:
        """Import one file; never raises for a bad file: `outcome.error` says what is wrong.

        A file cut short, or with far fewer rows than the last import of its format, is
        refused (nothing imported) unless `replace`.
        """
        outcome = ImportOutcome(path)
        try:
            outcome.sha256 = file_sha256(path)
        except OSError as exc:
            outcome.error = f"{path}: cannot read: {exc.strerror or exc}"
            return outcome
        scope_key = f"{self.scope.fingerprint()}|{fmt or 'auto'}|{day or ''}"
        sha256 = outcome.sha256
        if skip_unchanged and self.owner.run(
                lambda conn: history.last_import(conn, sha256, scope_key)) is not None:
            outcome.unchanged = True
            return outcome
        try:
            result = read_fibre_file(path, self.scope, fmt, day, sheet)
        except FormatError as exc:
            outcome.error = str(exc)
            return outcome
        refusal = self._refusal(result, replace)
        if refusal is not None:
            outcome.error = refusal
            return outcome
        self._fill(outcome, result, rejects_path)
        self._publish(outcome, result)
        stamp = time.time_ns() if now_ns is None else now_ns
        entry = ImportRecord(
            str(path), sha256, result.format, stamp, outcome.imported,
            outcome.rejected, outcome.skipped,
            None if outcome.rejects_file is None else str(outcome.rejects_file), result.rows)
        # Not logged when the samples were not taken: the next scheduled run imports it again.
        logged = None if outcome.sink_errors else entry

        def keep(conn: Connection) -> date | None:
            newest = history.newest_day(conn, "arcep-buildings")
            history.record(conn, result.milestones, sha256, stamp, logged, scope_key)
            return newest

        newest = self.owner.run(keep)
        if result.buildings is not None and len(result.buildings) and result.milestones:
            self._keep_buildings(result, newest, outcome)
        return outcome

    def import_configured(self, skip_unchanged: bool = True) -> list[ImportOutcome]:
        """Every file of `fibre.imports` and of `fibre.watch_dir`, new or changed ones only."""
        outcomes = []
        listed = {p for p, _ in self.paths.imports}
        wanted = [*self.paths.imports, *((p, None) for p in self.paths.watched_files()
                                          if p not in listed)]
        for path, fmt in wanted:
            outcomes.append(self.import_file(path, fmt, skip_unchanged=skip_unchanged))
        return outcomes

    def _refusal(self, result: ImportResult, replace: bool) -> str | None:
        """Why a whole file is refused (a cut download, a partial export); None to import."""
        path, cut = result.path, result.cut_line
        # With --replace the readers have rejected the cut row (reading.CUT_ROW).
        if cut is not None and not replace:
            return (f"{path}: ends in the middle of line {cut} (a download cut short?): "
                    "refused, nothing imported, the stored figures unchanged; fetch it again, "
                    "or give --replace to import its complete rows")
        if result.format not in SNAPSHOT_FORMATS:
            return None  # milestone files add or correct rows: a small one is normal
        fingerprint = self.scope.fingerprint() + "|"
        last = self.owner.run(lambda conn: history.last_of_format(conn, result.format,
                                                                   fingerprint))
        limit = self.settings.shrink_limit
        if replace or last is None or not last.rows or result.rows >= last.rows * (1 - limit):
            return None
        return (f"{path}: {result.rows:,} rows, {1 - result.rows / last.rows:.0%} fewer than "
                f"the last {result.format} import ({last.file}: {last.rows:,} rows; the limit is "
                f"{limit:.0%}, fibre.shrink_limit): refused as a likely cut or partial file, "
                "nothing imported, the stored figures unchanged; if the file is right, give "
                "--replace")

    def _fill(self, outcome: ImportOutcome, result: ImportResult,
              rejects_path: Path | None) -> None:
        outcome.format = result.format
        outcome.imported = len(result.milestones)
        outcome.rejected = len(result.rejections)
        outcome.skipped = result.skipped
        outcome.counted = counted(result, self.scope.communes)
        outcome.rejections = result.rejections
        outcome.notes = result.notes
        if result.rejections:
            target = rejects_path or (self.paths.rejects_dir
                                      / f"{result.path.stem}.{outcome.sha256[:8]}.rejects.csv")
            outcome.rejects_file = write_rejects(result, target)

    def _publish(self, outcome: ImportOutcome, result: ImportResult) -> None:
        """Hand the samples on; a failure is noted on the outcome, never raised."""
        samples = fibre_samples(result.milestones)
        if not samples:
            return
        try:
            self.publish(samples)
        except Exception as exc:
            log.exception("%d fibre samples were not taken", len(samples))
            outcome.sink_errors.append(f"samples not stored: {exc}")

    def _keep_buildings(self, result: ImportResult, newest: date | None,
                        outcome: ImportOutcome) -> None:
        """Save the building points for the maps, unless a newer snapshot is already kept."""
        day = result.milestones[0].day
        target = self.paths.buildings
        if newest is not None and day < newest and target.exists():
            outcome.notes.append(f"building points not saved: {target} holds a newer snapshot "
                                 f"({newest.isoformat()})")
            return
        partial = target.with_name(f".{target.stem}.part{target.suffix}")  # GDAL wants .gpkg
        partial.unlink(missing_ok=True)
        result.buildings.to_file(partial, driver="GPKG", layer=BUILDINGS_LAYER)
        partial.replace(target)
        outcome.notes.append(f"{len(result.buildings)} building points saved to {target}")
