"""net-snmp snmpd agents on many loopback ports: the benchmark's simulated APs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import free_udp_ports

COMMUNITY = "bench"
# An SNMPv3 authPriv user on every agent too (SHA + AES), as net-snmp spells it.
V3_USER, V3_AUTH_KEY, V3_PRIV_KEY = "bench-v3", "bench-auth-key", "bench-priv-key"
PORTS_PER_AGENT = 125  # snmpd listens on at most 128 addresses


class SnmpdFleet:
    """N APs as ports of a few snmpd processes (each process serves PORTS_PER_AGENT ports)."""

    def __init__(self, count: int, work_dir: Path) -> None:
        self.count = count
        self.work_dir = work_dir
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> SnmpdFleet:
        binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.ports = free_udp_ports(self.count)
        for n, first in enumerate(range(0, self.count, PORTS_PER_AGENT)):
            ports = self.ports[first:first + PORTS_PER_AGENT]
            conf = self.work_dir / f"snmpd-{n}.conf"
            # snmpd cuts long config lines: a few ports per agentaddress line.
            lines = [f"agentaddress {','.join(f'udp:127.0.0.1:{p}' for p in ports[i:i + 20])}"
                     for i in range(0, len(ports), 20)]
            conf.write_text("\n".join(lines) + f"\nrocommunity {COMMUNITY} 127.0.0.1\n"
                            f'createUser {V3_USER} SHA "{V3_AUTH_KEY}" AES "{V3_PRIV_KEY}"\n'
                            f"rouser {V3_USER} priv\n"
                            "dontLogTCPWrappersConnects yes\n")
            env = {**os.environ, "SNMP_PERSISTENT_DIR": str(self.work_dir / f"persist-{n}")}
            self.processes.append(subprocess.Popen(
                [binary, "-f", "-C", "-c", str(conf), "-Lf", str(self.work_dir / f"{n}.log")],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        try:
            for first in range(0, self.count, PORTS_PER_AGENT):
                port = self.ports[first]
                deadline = time.monotonic() + 30
                while not snmp_answers("127.0.0.1", port, COMMUNITY):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"snmpd on {port} did not start")
                    time.sleep(0.1)
        except BaseException:
            self.stop()  # none of them outlives a failed start
            raise
        return self

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
