"""`netmon --version` and the schema revision `check-config` reports, read without writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from netmon.db.migrate import _config, head
from tests.alerts_support.fleet import town_doc

NETMON = [sys.executable, "-m", "netmon"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NETMON, *args], capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def _config_file(tmp_path: Path) -> Path:
    import yaml

    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(town_doc(tmp_path / "netmon.db")))
    return path


def test_version_names_the_package_and_the_schema_head() -> None:
    result = _run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("netmon ") and f"database schema {head()}" in result.stdout


def test_check_config_reports_the_schema_of_the_store_and_never_migrates(
        tmp_path: Path) -> None:
    path = _config_file(tmp_path)
    fresh = _run("check-config", str(path))
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert f"no database yet (this netmon creates schema {head()})" in fresh.stdout
    assert not (tmp_path / "netmon.db").exists()
    # A file left at the previous revision: reported, and still at it afterwards.
    engine = create_engine(f"sqlite:///{tmp_path / 'netmon.db'}")
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    old = _run("check-config", str(path))
    assert old.returncode == 0, old.stdout + old.stderr
    assert f"database at schema 0004: `netmon run` migrates it to {head()}" in old.stdout
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
            "0004"
    engine.dispose()
