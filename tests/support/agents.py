"""Real SNMP agents for tests: net-snmp snmpd and snmpsim, on 127.0.0.1, stopped by PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from collectors.snmp.settings import SnmpCredentials
from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import free_udp_ports
from tests.support.wait import wait_until

V3_USERS = {
    # user: (auth protocol, auth key, priv protocol, priv key) as net-snmp spells them
    "authpriv": ("SHA", "authpass-123", "AES", "privpass-123"),
    "authnopriv": ("SHA-256", "authpass-456", None, None),
    "md5des": ("MD5", "authpass-789", "DES", "privpass-789"),
    # Every other auth and privacy protocol net-snmp 5.9 speaks.
    "md5aes": ("MD5", "authpass-md5a", "AES", "privpass-md5a"),
    "sha224aes192": ("SHA-224", "authpass-224", "AES-192", "privpass-224"),
    "sha384aes256": ("SHA-384", "authpass-384", "AES-256", "privpass-384"),
    "sha512aes256": ("SHA-512", "authpass-512", "AES-256", "privpass-512"),
    "sha512nopriv": ("SHA-512", "authpass-512n", None, None),
    # SHA-1 gives 20 bytes, AES-256 needs 32: how the key grows is a vendor's choice.
    "sha1aes256": ("SHA", "authpass-sha1x", "AES-256", "privpass-sha1x"),
}
COMMUNITY = "public"
START_TIMEOUT_S = 15.0


@dataclass
class Snmpd:
    port: int
    process: subprocess.Popen[bytes]
    work_dir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


def start_snmpd(work_dir: Path, extra: str = "", ipv6: bool = False) -> Snmpd:
    """A net-snmp agent with a v1/v2c community and the V3_USERS, on a free port (of
    127.0.0.1, and of ::1 too with `ipv6`)."""
    binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
    port = free_udp_ports(1)[0]
    work_dir.mkdir(parents=True, exist_ok=True)
    address = f"udp:127.0.0.1:{port}" + (f",udp6:[::1]:{port}" if ipv6 else "")
    lines = [f"agentaddress {address}", f"rocommunity {COMMUNITY} 127.0.0.1",
             *([f"rocommunity6 {COMMUNITY} ::1"] if ipv6 else []),
             "sysLocation Hôtel de Ville, Aix-les-Bains", "sysContact it@example.org"]
    for user, (auth, auth_key, priv, priv_key) in V3_USERS.items():
        priv_part = f" {priv} {priv_key}" if priv else ""
        lines.append(f'createUser {user} {auth} "{auth_key}"{priv_part}')
        lines.append(f"rouser {user} {'priv' if priv else 'auth'}")
    conf = work_dir / "snmpd.conf"
    conf.write_text("\n".join(lines) + "\n" + extra)
    # -C: only our config; persistent state in work_dir so the host's agent is untouched.
    env = {**os.environ, "SNMP_PERSISTENT_DIR": str(work_dir / "persist")}
    process = subprocess.Popen([binary, "-f", "-C", "-c", str(conf), "-Lf",
                                str(work_dir / "snmpd.log"), "-p", str(work_dir / "snmpd.pid")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)

    def answering() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"snmpd exited: {(work_dir / 'snmpd.log').read_text()}")
        return snmp_answers("127.0.0.1", port)

    try:
        wait_until(answering, START_TIMEOUT_S,
                   lambda: f"snmpd to answer: {(work_dir / 'snmpd.log').read_text()}", poll_s=0.1)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return Snmpd(port, process, work_dir)


def credentials(**fields: object) -> SnmpCredentials:
    """SNMP credentials from plain values, as a config file gives them."""
    return SnmpCredentials.model_validate(fields)
