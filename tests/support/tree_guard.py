"""The checkout is left alone: a session whose tests create or rewrite files in it fails.

Checked once, in the process that owns the session (pytest-xdist's controller, or pytest
itself): before any test and after the last. Each test's time window is kept, so a file is
blamed on the tests that were running when it was last written (workers send theirs).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Final

import pytest

# What tools keep inside a checkout by design; anything else a test leaves there is a bug.
TOOL_DIRS: Final = frozenset({".venv", "node_modules", "__pycache__", ".pytest_cache",
                              ".mypy_cache", ".ruff_cache", ".import_linter_cache"})
WINDOWS_KEY: Final = "netmon_tree_guard_windows"
# The kernel stamps mtimes from a coarse clock (a tick behind): a window starts this early.
MTIME_SLACK_NS: Final = 20_000_000
SUSPECTS_SHOWN: Final = 3
FILES_SHOWN: Final = 20

Stamp = tuple[int, int]  # (mtime_ns, size)
Window = tuple[str, int, int]  # (test node id, start_ns, end_ns)


def tree_files(repo: Path) -> dict[str, Stamp]:
    """Every file under `repo` that git does not track (new or ignored), with its stamp.

    Tracked files are left out: editing one while the suite runs is a developer's doing.
    """
    excluded = [f":(exclude,glob)**/{name}/**" for name in sorted(TOOL_DIRS)]
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "--others", "-z", "--", ".",
                             *excluded], capture_output=True, check=True).stdout
    stamps: dict[str, Stamp] = {}
    for raw in listed.split(b"\0"):
        name = raw.decode(errors="surrogateescape")
        if not name or TOOL_DIRS & set(Path(name).parts) or ".egg-info/" in name:
            continue
        try:
            stat = (repo / name).stat()
        except FileNotFoundError:  # gone between the listing and now
            continue
        stamps[name] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def written(before: Mapping[str, Stamp], after: Mapping[str, Stamp]) -> list[str]:
    """Files that appeared or were rewritten between two listings."""
    return sorted(name for name, stamp in after.items() if before.get(name) != stamp)


def suspects(mtime_ns: int, windows: list[Window]) -> list[str]:
    """The tests that were running when a file was last written (a tick early, if none)."""
    running = [node for node, start, end in windows if start <= mtime_ns <= end]
    return running or [node for node, start, end in windows
                       if start - MTIME_SLACK_NS <= mtime_ns <= end]


class TreeGuard:
    """A pytest plugin: records each test's window, and checks the tree around the session."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.before: dict[str, Stamp] = {}
        self.windows: list[Window] = []
        self.report: list[str] = []

    @staticmethod
    def _is_worker(config: pytest.Config) -> bool:
        return hasattr(config, "workerinput")

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self._is_worker(session.config):
            self.before = tree_files(self.repo)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        start_ns = time.time_ns()
        try:
            return (yield)
        finally:
            self.windows.append((item.nodeid, start_ns, time.time_ns()))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        """pytest-xdist: a worker finished; its tests' windows come with it."""
        sent = getattr(node, "workeroutput", {}).get(WINDOWS_KEY, [])
        self.windows += [(str(n), int(s), int(e)) for n, s, e in sent]

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = session.config
        if self._is_worker(config):
            config.workeroutput[WINDOWS_KEY] = self.windows  # type: ignore[attr-defined]
            return
        after = tree_files(self.repo)
        changed = written(self.before, after)
        for name in changed[:FILES_SHOWN]:
            blamed = suspects(after[name][0], self.windows)
            where = (f"while {', '.join(blamed[:SUSPECTS_SHOWN])}"
                     f"{' …' if len(blamed) > SUSPECTS_SHOWN else ''} ran"
                     if blamed else "outside any test (a fixture's setup or teardown?)")
            self.report.append(f"{name}: {'rewritten' if name in self.before else 'created'} "
                               f"{where}")
        if len(changed) > FILES_SHOWN:
            self.report.append(f"… and {len(changed) - FILES_SHOWN} more files")
        if self.report and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.report:
            return
        terminalreporter.section("tests wrote into the repository tree", sep="!", red=True,
                                 bold=True)
        for line in self.report:
            terminalreporter.line(line, red=True)
        terminalreporter.line("Tests write into tmp paths only (tmp_path, tmp_path_factory); "
                              "the run fails.", red=True)
