"""docs/operations.md is followed as written: its commands install, start, back up, restore,
upgrade and uninstall netmon in a temporary prefix (packaging/check_operations.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKER = REPO / "packaging" / "check_operations.py"
GUIDE = REPO / "docs" / "operations.md"
SECTIONS = ["Install", "Configure", "Start", "Check health", "Back up", "Restore", "Upgrade",
            "Uninstall"]
# Building the venv (about 60 dependencies) is most of it; two workers share two cores.
FOLLOW_TIMEOUT_S = 840


def checker() -> ModuleType:
    # By path: `packaging` is also the name of a PyPI package.
    spec = importlib.util.spec_from_file_location("check_operations", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module's annotations
    spec.loader.exec_module(module)
    return module


def test_every_section_has_commands_and_host_commands_say_what_ci_does() -> None:
    ops = checker()
    blocks = ops.parse_guide(GUIDE.read_text(encoding="utf-8"))
    run = [b.section for b in blocks if not b.only_read]
    assert [s for s in SECTIONS if s not in run] == []
    assert [(b.line, ops.unannounced(b)) for b in blocks if ops.unannounced(b)] == []


def test_production_paths_move_under_the_prefix_and_only_they() -> None:
    ops = checker()
    text = ("ExecStart=/opt/netmon/venv/bin/netmon run -c /etc/netmon/netmon.yaml\n"
            "ln -sf /opt/netmon/venv/bin/netmon /usr/local/bin/netmon /etc/netmonitor "
            "file:///opt/netmon/share")
    assert ops.moved(text, Path("/p")) == (
        "ExecStart=/p/opt/netmon/venv/bin/netmon run -c /p/etc/netmon/netmon.yaml\n"
        "ln -sf /p/opt/netmon/venv/bin/netmon /p/usr/local/bin/netmon /etc/netmonitor "
        "file:///opt/netmon/share")


@pytest.mark.slow
@pytest.mark.timeout(FOLLOW_TIMEOUT_S + 60)
def test_the_guide_is_followed_in_a_temporary_prefix(tmp_path: Path) -> None:
    prefix = tmp_path / "root"
    try:
        done = subprocess.run([sys.executable, str(CHECKER), str(prefix)], capture_output=True,
                              text=True, timeout=FOLLOW_TIMEOUT_S, check=False)
    finally:  # a checker killed by the timeout leaves its netmon run and sim behind
        for pid_file in (prefix / "ci" / "run").glob("*.pid"):
            checker().stop(pid_file)
    shown = "\n".join(line for line in (done.stdout + done.stderr).splitlines()
                      if not line.startswith("WARNING: Location"))[-6000:]
    assert done.returncode == 0, shown
    followed = [line.removeprefix("followed: ") for line in done.stdout.splitlines()
                if line.startswith("followed: ")]
    assert followed == SECTIONS, shown
