"""Shared fixtures: real agents started on 127.0.0.1 and stopped by PID."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from netmon import demo_town
from tests.support.agents import Snmpd, start_snmpd
from tests.support.postgres import PostgresCluster
from tests.support.tree_guard import TreeGuard

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # Wide, fixed terminal for every CLI run in the suite, so tables and messages never wrap.
    os.environ["COLUMNS"] = "200"
    # Hypothesis keeps its examples outside the repository, not in ./.hypothesis.
    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="netmon-hypothesis-"))
    # A test that creates or rewrites a file in the checkout fails the run (under xdist too).
    config.pluginmanager.register(TreeGuard(REPO), "netmon-tree-guard")


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    agent = start_snmpd(tmp_path_factory.mktemp("snmpd"))
    yield agent
    agent.stop()


@pytest.fixture(scope="session")
def demo_entry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo town copied as `netmon demo` copies it (secrets 0600): its entry file."""
    return demo_town.prepare(tmp_path_factory.mktemp("demo-town"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL server per test worker; each test takes a database of its own."""
    cluster = PostgresCluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()
