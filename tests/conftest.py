"""Shared fixtures: real agents started on 127.0.0.1 and stopped by PID."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.support.agents import Snmpd, start_snmpd

REPO = Path(__file__).resolve().parents[1]
# What tools keep inside a checkout by design; anything else a test leaves there is a bug.
TOOL_DIRS = frozenset({".venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache",
                       ".ruff_cache", ".import_linter_cache"})


def pytest_configure(config: pytest.Config) -> None:
    # Wide, fixed terminal for every CLI run in the suite, so tables and messages never wrap.
    os.environ["COLUMNS"] = "200"
    # Hypothesis keeps its examples outside the repository, not in ./.hypothesis.
    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="netmon-hypothesis-"))


def _tree_changes() -> set[str]:
    """Files under the checkout that git does not track (new or ignored); editing a tracked
    file while the suite runs is a developer's doing, not a test's."""
    listed = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--ignored",
                             "--untracked-files=all"], capture_output=True, text=True,
                            check=False).stdout.splitlines()
    return {line[3:] for line in listed if line[:2] in ("??", "!!")
            and not TOOL_DIRS & set(Path(line[3:]).parts) and ".egg-info/" not in line}


@pytest.fixture(scope="module", autouse=True)
def tree_left_alone() -> Iterator[None]:
    """Tests write into tmp paths only: a module that leaves files in the checkout fails."""
    before = _tree_changes()
    yield
    added = _tree_changes() - before
    assert not added, f"tests wrote into the repository tree: {sorted(added)[:10]}"


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    agent = start_snmpd(tmp_path_factory.mktemp("snmpd"))
    yield agent
    agent.stop()
