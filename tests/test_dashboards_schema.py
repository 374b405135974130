"""Every generated dashboard validates against Grafana's published schema (npm @grafana/schema).

The JSON Schema is generated from Grafana's TypeScript types by ts-json-schema-generator
(dashboards/schema/generate.mjs) into a temp dir; `npm ci` runs first when node_modules is
missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from dashboards.catalog import build_all
from dashboards.queries import FlavourName
from netmon.config.loader import load_config
from netmon.config.models import NetmonConfig

SCHEMA_PROJECT = Path(__file__).resolve().parents[1] / "dashboards" / "schema"
NPM_TIMEOUT_S = 300
GENERATE_TIMEOUT_S = 120


def _run(command: list[str], timeout_s: float) -> None:
    done = subprocess.run(command, cwd=SCHEMA_PROJECT, capture_output=True, text=True,
                          timeout=timeout_s, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def grafana_schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """*.schema.json generated for this session, in tmp (a few seconds; never in the tree)."""
    for tool in ("node", "npm"):
        assert shutil.which(tool), f"{tool} is needed to read Grafana's schema (npm package)"
    # What `./dev test` installs; a bare `pytest` run installs it the same way.
    if not (SCHEMA_PROJECT / "node_modules" / "@grafana" / "schema").is_dir():
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], NPM_TIMEOUT_S)
    schemas = tmp_path_factory.mktemp("grafana-schema")
    _run(["node", "generate.mjs", str(schemas)], GENERATE_TIMEOUT_S)
    return schemas


@pytest.fixture(scope="module")
def dashboards(demo_entry: Path) -> dict[tuple[FlavourName, str], dict[str, Any]]:
    config: NetmonConfig = load_config(demo_entry)
    return build_all(config)


def _validator(path: Path) -> Draft7Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def _errors(validator: Draft7Validator, instance: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


def test_every_dashboard_validates_against_grafana_dashboard_schema(
        grafana_schemas: Path, dashboards: dict[tuple[FlavourName, str], dict[str, Any]]) -> None:
    validator = _validator(grafana_schemas / "dashboard.schema.json")
    assert len(dashboards) == 10
    for key, dashboard in dashboards.items():
        assert _errors(validator, dashboard) == [], key


def test_every_panel_options_validate_against_its_panel_schema(
        grafana_schemas: Path, dashboards: dict[tuple[FlavourName, str], dict[str, Any]]) -> None:
    checked: set[str] = set()
    for key, dashboard in dashboards.items():
        for panel in dashboard["panels"]:
            kind = panel["type"]
            options = grafana_schemas / f"{kind}.options.schema.json"
            assert options.exists(), f"{key}: no Grafana schema for panel type {kind}"
            assert _errors(_validator(options), panel.get("options", {})) == [], (key, kind)
            custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom")
            field_schema = grafana_schemas / f"{kind}.fieldconfig.schema.json"
            if custom is not None and field_schema.exists():
                assert _errors(_validator(field_schema), custom) == [], (key, kind, "custom")
            checked.add(kind)
    assert {"stat", "timeseries", "table", "bargauge", "geomap", "state-timeline"} <= checked


def test_the_schema_catches_a_broken_dashboard(grafana_schemas: Path,
        dashboards: dict[tuple[FlavourName, str], dict[str, Any]]) -> None:
    validator = _validator(grafana_schemas / "dashboard.schema.json")
    broken = json.loads(json.dumps(dashboards[("prometheus", "fleet")]))
    broken["panels"][0]["gridPos"] = {"h": "tall"}
    broken["refresh"] = 60
    messages = _errors(validator, broken)
    assert any(m.startswith("refresh:") for m in messages), messages
    assert any("gridPos" in m for m in messages), messages
