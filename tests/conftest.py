"""Shared fixtures: real agents started on 127.0.0.1 and stopped by PID."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.agents import Snmpd, start_snmpd

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # Wide, fixed terminal for every CLI run in the suite, so tables and messages never wrap.
    os.environ["COLUMNS"] = "200"


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpd]:
    agent = start_snmpd(tmp_path_factory.mktemp("snmpd"))
    yield agent
    agent.stop()
