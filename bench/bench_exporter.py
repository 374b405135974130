"""The Go baseline: Debian's prometheus-snmp-exporter, scraped concurrently for every AP.

Two modules ask the same OIDs as netmon: `bench_get` sends the very PDU of netmon's
steady-state poll (one GET of 14 OIDs); `bench_walk` is how the exporter is usually set up
(GET of the scalars, then a GETBULK walk per column). curl scrapes them (`--parallel`); only
the exporter's CPU counts (utime + stime from /proc/PID/stat), as only netmon's does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.agents import COMMUNITY, V3_AUTH_KEY, V3_PRIV_KEY, V3_USER
from bench.bench_netsnmp import CLIENTS, COLUMNS, SYS_UPTIME, get_oids, interfaces_of
from bench.bench_poll import RETRIES, TIMEOUT_S
from tests.support.tsdb import free_tcp_port

BINARY = shutil.which("prometheus-snmp-exporter") or "/usr/bin/prometheus-snmp-exporter"
MODULES = ("bench_get", "bench_walk")
V3_MODULES = ("bench_get_v3", "bench_walk_v3")
V2C_AUTH = f"  version: 2\n  auth: {{community: {COMMUNITY}}}"
# snmp_exporter 0.21: SNMPv3 credentials in the module's auth (later versions split them).
V3_AUTH = (f"  version: 3\n  auth: {{username: {V3_USER}, security_level: authPriv, "
           f"password: {V3_AUTH_KEY}, auth_protocol: SHA, priv_protocol: AES, "
           f"priv_password: {V3_PRIV_KEY}}}")
READY_TIMEOUT_S = 20.0
NAMES = {SYS_UPTIME: "sysUpTime", CLIENTS: "hrSystemNumUsers", COLUMNS[0]: "ifOperStatus",
         COLUMNS[1]: "ifHCInOctets", COLUMNS[2]: "ifHCOutOctets"}


def module_yaml(name: str, get: list[str], walk: list[str], auth: str = V2C_AUTH) -> str:
    lines = [f"{name}:", auth, f"  timeout: {TIMEOUT_S:g}s", f"  retries: {RETRIES}",
             f"  get: [{', '.join(get)}]"]
    if walk:
        lines.append(f"  walk: [{', '.join(walk)}]")
    lines.append("  metrics:")
    for oid, metric in NAMES.items():
        kind = "counter" if "Octets" in metric else "gauge"
        index = "" if oid in (SYS_UPTIME, CLIENTS) else \
            ", indexes: [{labelname: ifIndex, type: gauge}]"
        lines.append(f"    - {{name: {metric}, oid: {oid}, type: {kind}{index}}}")
    return "\n".join(lines) + "\n"


def write_config(path: Path, interfaces: list[int]) -> None:
    """snmp_exporter 0.21's format: modules at the top level, the credentials in each."""
    scalars = [f"{SYS_UPTIME}.0", f"{CLIENTS}.0"]
    path.write_text(module_yaml("bench_get", get_oids(interfaces), [])
                    + module_yaml("bench_walk", scalars, list(COLUMNS))
                    + module_yaml("bench_get_v3", get_oids(interfaces), [], V3_AUTH)
                    + module_yaml("bench_walk_v3", scalars, list(COLUMNS), V3_AUTH))


def version() -> str:
    out = subprocess.run([BINARY, "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(", version ")[1].split()[0] if first else "?"


class Exporter:
    """One exporter process on 127.0.0.1, stopped by PID."""

    def __init__(self, work: Path, interfaces: list[int]) -> None:
        self.config = work / "snmp.yml"
        write_config(self.config, interfaces)
        self.port = free_tcp_port()
        self.log = work / "exporter.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Exporter:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [BINARY, f"--config.file={self.config}",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=error"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1):
                    return self
            except OSError as exc:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"snmp_exporter did not start: {self.log.read_text()}"
                                       ) from exc
                time.sleep(0.1)

    def url(self, port: int, module: str) -> str:
        return f"http://127.0.0.1:{self.port}/snmp?target=127.0.0.1:{port}&module={module}"

    def cpu_s(self) -> float:
        assert self.process is not None
        stat = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


def values_in(text: str) -> int:
    return sum(1 for line in text.splitlines()
               if line and not line.startswith(("#", "snmp_scrape")))


def scrape_cycle(exporter: Exporter, ports: list[int], module: str, concurrency: int,
                 work: Path) -> tuple[float, float, int]:
    """(exporter CPU s, wall s, failed scrapes) of one scrape of every AP."""
    config = work / f"curl-{module}.txt"
    config.write_text("".join(f'url = "{exporter.url(p, module)}"\noutput = "/dev/null"\n'
                              for p in ports))
    cpu, started = exporter.cpu_s(), time.perf_counter()
    out = subprocess.run(["curl", "--silent", "--parallel", "--parallel-max", str(concurrency),
                          "--parallel-immediate", "--write-out", "%{http_code}\n",
                          "--config", str(config)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    failed = sum(1 for code in out.stdout.split() if code != "200")
    failed += max(0, len(ports) - len(out.stdout.split()))
    return exporter.cpu_s() - cpu, wall, failed


def measure(ports: list[int], cycles: int, concurrency: int, module: str,
            ) -> dict[str, float]:
    """One module (MODULES: v2c, V3_MODULES: SNMPv3 authPriv) on a fresh exporter (its own
    peak RSS): one warm-up scrape of every AP, then `cycles` timed ones."""
    interfaces = interfaces_of(ports[0])
    with tempfile.TemporaryDirectory(prefix="netmon-bench-exporter-") as tmp:
        work = Path(tmp)
        exporter = Exporter(work, interfaces).start()
        try:
            with urllib.request.urlopen(exporter.url(ports[0], module), timeout=10) as got:
                per_ap = values_in(got.read().decode())
            expected = 2 + len(COLUMNS) * len(interfaces)
            if per_ap != expected:
                raise RuntimeError(f"{module}: {per_ap} values per scrape, not {expected}")
            scrape_cycle(exporter, ports, module, concurrency, work)
            runs = [scrape_cycle(exporter, ports, module, concurrency, work)
                    for _ in range(cycles)]
            cpu = sum(r[0] for r in runs)
            return {"aps": len(ports), "cycles": cycles, "cpu_s_per_cycle": cpu / cycles,
                    "wall_s_per_cycle": sum(r[1] for r in runs) / cycles,
                    "aps_per_cpu_s": len(ports) * cycles / max(cpu, 1e-9),
                    "errors_per_cycle": sum(r[2] for r in runs) / cycles,
                    "peak_rss_mb": exporter.peak_rss_mb()}
        finally:
            exporter.stop()
