"""Every hostile config is one error naming file and key or line: exit 2, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netmon.cli.main import app

CORPUS = Path(__file__).with_name("hostile_configs")
CASES = sorted(p.name for p in CORPUS.glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("case", CASES)
def test_hostile_config_is_one_clear_error(case: str, tmp_path: Path) -> None:
    config = tmp_path / case
    shutil.copyfile(CORPUS / case, config)  # relative paths resolve in tmp, never the repo
    result = CliRunner().invoke(app, ["check-config", str(config)])
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert str(config) in output and _expected(config) in output, output
