"""The `fibre:` config section: defaults, paths, and a clear message for each mistake."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from netmon.config import ConfigError, load_config
from netmon.fibre.paths import FibrePaths
from netmon.fibre.settings import DAILY_AT_6, FibreSettings, plan_problems
from tests.support.fibre_files import REPO, config_in, write_config


def test_sample_section_is_valid() -> None:
    doc = yaml.safe_load((REPO / "collectors" / "fibre" / "sample.yaml").read_text())
    settings = FibreSettings.model_validate(doc["fibre"])
    assert settings.communes == ["73008"]
    assert settings.plan[0].date == date(2022, 12, 31)


def test_demo_config_follows_aix_les_bains(demo_entry: Path) -> None:
    config = load_config(demo_entry)
    assert config.fibre is not None
    assert config.fibre.communes == ["73008"]
    assert plan_problems(config.fibre, [z.id for z in config.zones], "demo.yaml") == []
    paths = FibrePaths.of(config, config.fibre)
    [(demo_file, fmt)] = paths.imports
    assert demo_file == demo_entry.parent / "fibre-milestones.csv" and demo_file.exists()
    assert fmt == "milestones"


def test_defaults_and_paths_relative_to_the_config(tmp_path: Path) -> None:
    config = config_in(tmp_path, {"imports": [{"path": "fibre/a.csv"}], "watch_dir": "inbox"})
    assert config.fibre is not None
    assert config.fibre.schedule == DAILY_AT_6
    assert (config.fibre.projection_quarters, config.fibre.completion_pct) == (8, 100.0)
    paths = FibrePaths.of(config, config.fibre)
    assert paths.imports == ((tmp_path / "fibre" / "a.csv", None),)
    assert paths.watch_dir == tmp_path / "inbox"
    assert paths.buildings == tmp_path / "var" / "fibre-buildings.gpkg"
    assert paths.rejects_dir == tmp_path / "var" / "fibre-rejects"


@pytest.mark.parametrize(("fibre", "message"), [
    ({"shedule": "0 6 * * *"}, "fibre.shedule: unknown key"),
    ({"schedule": "0 25 * * *"}, "fibre.schedule: not a cron expression"),
    ({"communes": ["7308"]}, "fibre.communes[0]: String should match pattern"),
    ({"communes": ["73008", "73008"]}, "fibre.communes: a commune is listed twice"),
    ({"plan": [{"zone": "centre", "date": "2025-12-31", "connectable_pct": 120}]},
     "fibre.plan[0].connectable_pct: must be <= 100"),
    ({"imports": [{"path": "a.csv", "format": "excel"}]}, "fibre.imports[0].format: Input"),
    ({"projection_quarters": 1}, "fibre.projection_quarters: must be >= 2"),
])
def test_each_mistake_names_file_and_key(tmp_path: Path, fibre: dict[str, object],
                                         message: str) -> None:
    path = write_config(tmp_path, fibre)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert any(p.startswith(f"{path}: {message}") for p in caught.value.problems), \
        caught.value.problems
