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


def follow_guide(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    guide = tmp_path / "guide.md"
    guide.write_text(text)
    return subprocess.run([sys.executable, str(CHECKER), str(tmp_path / "root"), "--guide",
                           str(guide)], capture_output=True, text=True, timeout=60, check=False)


def test_blocks_run_in_order_under_the_prefix_and_a_failing_one_stops_it(tmp_path: Path) -> None:
    done = follow_guide("## One\n```sh\ninstall -d /etc/netmon\necho x > /etc/netmon/f\n```\n"
                        "<!-- ci: not run: only read -->\n```sh\nfalse\n```\n"
                        "## Two\n```sh\ngrep -q x /etc/netmon/f\nfalse\n```\n"
                        "## Three\n```sh\ntrue\n```\n", tmp_path)
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "root" / "etc" / "netmon" / "f").read_text() == "x\n"
    assert "followed: One" in done.stdout and "followed: Two" not in done.stdout
    assert "FAILED: Two, guide.md:11 exited 1" in done.stderr


def test_a_host_command_without_a_ci_note_is_refused(tmp_path: Path) -> None:
    done = follow_guide("## One\n```sh\nsystemctl enable --now netmon\n```\n", tmp_path)
    assert done.returncode == 2
    assert "guide.md:2: uses systemctl without a <!-- ci: --> note" in done.stderr


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
