"""The systemd units verify cleanly with `systemd-analyze verify` (Debian `systemd`) and keep
the hardening and the notify/watchdog wiring netmon implements."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "packaging" / "systemd"
INSTALLED = "/opt/netmon/venv/bin/netmon"
HARDENING = {"User": "netmon", "ProtectSystem": "strict", "ProtectHome": "yes",
             "NoNewPrivileges": "yes", "PrivateTmp": "yes", "ReadWritePaths": "/var/lib/netmon",
             "StateDirectory": "netmon",
             "Restart": "on-failure", "ExecReload": "/bin/kill -HUP $MAINPID",
             "Type": "notify"}


def directives(unit: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in unit.read_text().splitlines()
             if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def verify(unit: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` on a copy whose ExecStart is a real executable in tmp (the
    verifier checks that it exists), everything else as shipped."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze missing: install the Debian package `systemd` "
                    "(listed in .ci/packages.txt)")
    fake = tmp_path / "bin" / "netmon"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED, str(fake)))
    return subprocess.run([analyze, "verify", "--man=no", str(copy)], capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.mark.parametrize("name", ["netmon.service", "netmon-web.service"])
def test_unit_verifies_without_a_warning(name: str, tmp_path: Path) -> None:
    unit = UNITS / name
    assert INSTALLED in unit.read_text()
    result = verify(unit, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # a value systemd ignores is a warning


@pytest.mark.parametrize("name", ["netmon.service", "netmon-web.service"])
def test_unit_hardening_and_watchdog(name: str) -> None:
    found = directives(UNITS / name)
    assert {k: found.get(k) for k in HARDENING} == HARDENING
    assert int(found["RestartSec"]) > 0 and int(found["WatchdogSec"]) > 0
    command = "run" if name == "netmon.service" else "web"
    assert found["ExecStart"] == f"{INSTALLED} {command} -c /etc/netmon/netmon.yaml"
    # systemd makes a ConfigurationDirectory root's alone: with mode 0750 the service could not
    # read its own config. /etc/netmon is root:netmon, made by the install.
    assert "ConfigurationDirectory" not in found


def test_verify_does_catch_a_broken_value(tmp_path: Path) -> None:
    broken = tmp_path / "src" / "netmon.service"
    broken.parent.mkdir()
    broken.write_text((UNITS / "netmon.service").read_text()
                      .replace("ProtectSystem=strict", "ProtectSystem=bogus"))
    assert "bogus" in verify(broken, tmp_path).stderr


def test_the_documented_self_watching_rules_pass_promtool(tmp_path: Path) -> None:
    """The rules docs/export.md gives for watching netmon itself are valid Prometheus rules."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool missing: install the Debian package `prometheus`")
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    section = text[text.index("### Rules that watch netmon itself"):]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "netmon_ready" in block and "netmon_check_ok" in block
    rules = tmp_path / "netmon-self.rules.yml"
    rules.write_text(block, encoding="utf-8")
    result = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 6 rules found" in result.stdout, result.stdout
