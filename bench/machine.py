"""What the figures were measured on: the machine, its load, and every component's version."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench.bench_exporter import version as exporter_version

ROOT = Path(__file__).resolve().parents[1]


def _first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "?"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def debian_version(package: str) -> str:
    found = _first_line(["dpkg-query", "-W", "-f=${Version}", package])
    return found if found and "no packages" not in found else "?"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    load = os.getloadavg()
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": cpu_model(),
        "memory": f"{memory_gib():.1f} GiB",
        "kernel": platform.release(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
    }


def versions() -> dict[str, str]:
    netsnmp = _first_line(["snmpget", "--version"]).replace("NET-SNMP version:", "").strip()
    return {
        "netmon": f"{package_version('netmon')} (git {git_commit()})",
        "Python": platform.python_version(),
        "gufo-snmp": package_version("gufo-snmp"),
        "pysnmp": package_version("pysnmp"),
        "pyasn1": package_version("pyasn1"),
        "influxdb-client": package_version("influxdb-client"),
        "net-snmp": netsnmp,
        "snmp_exporter": exporter_version(),
        "VictoriaMetrics": debian_version("victoria-metrics"),
    }


def git_commit() -> str:
    commit = _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _first_line(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no",
                         "--", "collectors", "bench"])
    return f"{commit}{' + local changes' if dirty != '?' and dirty else ''}"
