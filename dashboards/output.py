"""`netmon dashboards build`: the dashboards and provisioning files as a folder of text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from dashboards.catalog import build_all
from dashboards.provisioning import datasources_yaml, providers_yaml
from netmon.config.models import NetmonConfig

README: Final = """\
# Generated — do not edit

Everything in this folder is written by `netmon dashboards build --out DIR`
from the Python in `dashboards/` (see docs/dashboards.md); a test rebuilds it
and fails on any difference. Change the Python, then rebuild.

- `influxdb/*.json`, `prometheus/*.json`: the five dashboards per data source flavour
- `provisioning/datasources/netmon.yaml`, `provisioning/dashboards/netmon.yaml`
"""


def render_json(data: dict[str, Any]) -> str:
    """Stable text: the same dashboards always give the same bytes."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generated_files(config: NetmonConfig) -> dict[str, str]:
    """Relative path -> text of every generated file."""
    files = {"README.md": README,
             "provisioning/datasources/netmon.yaml": datasources_yaml(config),
             "provisioning/dashboards/netmon.yaml": providers_yaml()}
    for (flavour, slug), data in build_all(config).items():
        files[f"{flavour}/{slug}.json"] = render_json(data)
    return files


def write_tree(config: NetmonConfig, out_dir: Path) -> list[Path]:
    """Write every file; stale generated files (a dashboard since removed) are deleted."""
    files = generated_files(config)
    wanted = {out_dir / rel for rel in files}
    for old in [*out_dir.glob("*/*.json"), *out_dir.glob("provisioning/*/*.yaml")]:
        if old not in wanted:
            old.unlink()
    written = []
    for rel, text in sorted(files.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
