"""What `netmon demo` leaves behind after its run: the maps and a report of the demo period."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from netmon.config.models import NetmonConfig

MAPS_DIR = "maps"
REPORT_DIR = "report"


def demo_output_dirs(config: NetmonConfig) -> tuple[Path, Path]:
    """Next to the store: DIR/maps and DIR/report for the shipped demo town."""
    base = config.store.path.parent
    return base / MAPS_DIR, base / REPORT_DIR


def write_demo_outputs(config: NetmonConfig, started_ns: int, console: Console) -> list[Path]:
    """Maps of the fleet as the demo left it, and the report from its start to now.

    A `maps:` layer that cannot be read is reported, not raised: the demo itself went well.
    """
    from geo.vector_files import LayerError

    try:
        return _write(config, started_ns, console)
    except LayerError as exc:
        console.print(f"[red]maps and report not written[/]: {exc}", highlight=False,
                      soft_wrap=True)
        return []


def _write(config: NetmonConfig, started_ns: int, console: Console) -> list[Path]:
    from collectors.fibre.importer import FibreImporter
    from netmon.maps.build import build_layers
    from netmon.maps.files import write_maps
    from netmon.report.documents import write_report

    maps_dir, report_dir = demo_output_dirs(config)
    if config.fibre is not None:
        from netmon.store.session import write_session

        # The demo's fibre milestones (imported once; unchanged files are skipped after).
        with write_session(config.store) as session:
            for outcome in FibreImporter(config, session.owner, session.publish) \
                    .import_configured():
                if outcome.error:
                    console.print(f"fibre: {outcome.error}", markup=False, highlight=False)
    now_ns = time.time_ns()
    written = write_maps(build_layers(config, now_ns), maps_dir)
    written += write_report(config, started_ns, now_ns, now_ns, report_dir)
    console.print(f"maps in {maps_dir} (open {maps_dir / 'map.html'} in a browser), "
                  f"report in {report_dir / 'report.pdf'}", highlight=False)
    return written
