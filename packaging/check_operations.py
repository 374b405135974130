#!/usr/bin/env python3
"""Follow docs/operations.md's own commands in a temporary prefix standing for `/`.

    check_operations.py PREFIX [--guide FILE] [--source DIR]

Every ```sh block of the guide runs in order with `bash -euo pipefail`, the production paths
moved under PREFIX, the sample APs (192.0.2.x) served by `netmon sim` on free ports. The
commands that need a running systemd or change the machine (systemctl, journalctl, useradd,
userdel, chown, apt-get) are played by this script, first on PATH under their names; a block
using one must say what CI does in a `<!-- ci: ... -->` note before it, and a block whose
note starts with "not run" is only read. Exit 0 when every block ran and every
section's outcome was checked; it prints `followed: <section>` for each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
MOVED: Final = ("/opt/netmon", "/etc/netmon", "/var/lib/netmon", "/var/backups/netmon",
                "/usr/local/bin", "/usr/local/src", "/etc/systemd/system", "/etc/cron.d",
                "/tmp/netmon-demo")
SKELETON: Final = ("etc/systemd/system", "etc/cron.d", "usr/local/bin", "usr/local/src", "opt",
                   "var/lib", "var/backups", "tmp", "root", "ci/bin", "ci/run", "ci/log")
PLAYED: Final = ("systemctl", "journalctl", "useradd", "userdel", "chown", "apt-get")
NOT_COPIED: Final = (".git", ".venv", "node_modules", "__pycache__", "*.egg-info", "build",
                     "dist", "var", ".*_cache")
INSTALLED: Final = ("/opt/netmon", "/usr/local/bin/netmon", "/etc/netmon", "/var/lib/netmon",
                    "/var/backups/netmon", "/etc/systemd/system/netmon.service")
GUIDE_LISTEN: Final = "127.0.0.1:9105"
SAMPLE_AP: Final = re.compile(r"host: 192\.0\.2\.(\d+)")
NOTE: Final = re.compile(r"<!--\s*ci:\s*((?:(?!-->).)*?)\s*-->\s*$", re.S)  # the last note
BLOCK: Final = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M)
HEADING: Final = re.compile(r"^## (.+)$", re.M)
BLOCK_TIMEOUT_S: Final = 900.0
READY_TIMEOUT_S: Final = 120.0
STOP_TIMEOUT_S: Final = 90.0  # the unit's TimeoutStopSec
POLL_S: Final = 0.2


@dataclass(frozen=True, slots=True)
class Block:
    section: str
    line: int
    script: str
    note: str | None  # the `<!-- ci: ... -->` before it

    @property
    def only_read(self) -> bool:
        return self.note is not None and self.note.startswith("not run")


def parse_guide(text: str) -> list[Block]:
    """The guide's sh blocks in order, each with its section and CI note."""
    headings = [(m.start(), m.group(1).strip()) for m in HEADING.finditer(text)]
    blocks, previous_end = [], 0
    for match in BLOCK.finditer(text):
        section = next((name for at, name in reversed(headings) if at < match.start()), "")
        note = NOTE.search(text[previous_end:match.start()])
        blocks.append(Block(section, text.count("\n", 0, match.start()) + 1, match.group(1),
                            " ".join(note.group(1).split()) if note else None))
        previous_end = match.end()
    return blocks


def unannounced(block: Block) -> list[str]:
    """Host commands a block uses without a CI note saying what CI does instead."""
    used = {line.split()[0] for line in block.script.splitlines() if line.split()}
    return [] if block.note else sorted(used & set(PLAYED))


def moved(text: str, prefix: Path) -> str:
    """The production paths of `text` under `prefix`."""
    pattern = "(?<![\\w./-])(" + "|".join(map(re.escape, MOVED)) + ")(?![\\w.-])"
    return re.sub(pattern, lambda m: f"{prefix}{m.group(1)}", text)


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(slots=True)
class CiRewrite:
    """What CI changes in a block before running it (printed at the start)."""

    prefix: Path
    version: str
    listen_port: int
    ap_ports: dict[str, int]

    def apply(self, script: str) -> str:
        def ap(match: re.Match[str]) -> str:
            port = self.ap_ports.setdefault(match.group(1), free_port(socket.SOCK_DGRAM))
            return f"host: 127.0.0.1, port: {port}"

        script = SAMPLE_AP.sub(ap, moved(script, self.prefix))
        script = script.replace(GUIDE_LISTEN, f"127.0.0.1:{self.listen_port}")
        script = re.sub(r"(?m)^(NEW|OLD)=\S+", rf"\1={self.version}", script)
        return script.replace("pip install --upgrade ",
                              "pip install --upgrade --force-reinstall --no-deps ")

    def describe(self) -> str:
        return "\n".join([f"  {p} -> {self.prefix}{p}" for p in MOVED] + [
            "  host: 192.0.2.N -> host: 127.0.0.1, port: <free port> (served by netmon sim)",
            f"  {GUIDE_LISTEN} -> 127.0.0.1:{self.listen_port}",
            f"  NEW=/OLD= -> {self.version}; pip install --upgrade gets --force-reinstall "
            "--no-deps (the same release is reinstalled)"])


def prepare(prefix: Path, source: Path, version: str) -> None:
    """The folders a Debian system has, the release's source, and the played commands."""
    for folder in SKELETON:
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, prefix / "usr/local/src" / f"netmon-{version}",
                    ignore=shutil.ignore_patterns(*NOT_COPIED))
    for name in PLAYED:
        shim = prefix / "ci/bin" / name
        shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} "
                        f"{shlex.quote(str(Path(__file__).resolve()))} --play {name} \"$@\"\n")
        shim.chmod(0o755)


def block_env(prefix: Path, listen_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    venv = os.environ.get("VIRTUAL_ENV")
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != f"{venv}/bin"]
    env["PATH"] = os.pathsep.join([str(prefix / "ci/bin"), str(prefix / "usr/local/bin"), *path])
    env.update(NETMON_CI_PREFIX=str(prefix), NETMON_CI_LISTEN=f"127.0.0.1:{listen_port}",
               TMPDIR=str(prefix / "tmp"))
    return env


def rows(database: Path, table: str = "points_recent") -> int:
    # Closed at once: `netmon restore` refuses a store another process has open.
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def secrets_guarded(config_dir: Path) -> str | None:
    """The secrets file is 0640, and netmon refuses it once others can read it, as said."""
    secrets = config_dir / "secrets.yaml"
    if secrets.stat().st_mode & 0o777 != 0o640:
        return f"{secrets} is not 0640"
    netmon = config_dir.parents[1] / "opt/netmon/venv/bin/netmon"
    secrets.chmod(0o644)
    try:
        done = subprocess.run([str(netmon), "check-config", str(config_dir / "netmon.yaml")],
                              capture_output=True, text=True, timeout=60, check=False)
    finally:
        secrets.chmod(0o640)
    if done.returncode != 2 or "secrets.yaml" not in done.stdout + done.stderr:
        return f"a world-readable secrets file was not refused: {done.stdout}{done.stderr}"
    return None


def check_outcome(section: str, prefix: Path) -> str | None:
    """What the section must have left behind; the reason when it did not."""
    store = prefix / "var/lib/netmon/netmon.db"
    if section == "Configure":
        return secrets_guarded(prefix / "etc/netmon")
    if section == "Back up":
        backups = sorted((prefix / "var/backups/netmon").glob("netmon-*.db"))
        if not backups or rows(backups[-1]) == 0:
            return f"no backup with points in {prefix}/var/backups/netmon"
    kept = list(store.parent.glob("netmon.db.before-restore-*"))
    if section == "Restore" and (rows(store) == 0 or not kept):
        return "the restored store has no points, or the replaced one was not kept"
    if section == "Upgrade" and (rows(store) == 0 or not list(
            (prefix / "var/backups/netmon").glob("before-upgrade-*.db"))):
        return "no backup before the upgrade, or the store rolled back to has no points"
    if section == "Uninstall":
        left = [p for p in INSTALLED if (prefix / p.lstrip("/")).exists()]
        if left:
            return f"left behind: {', '.join(left)}"
    return None


def run_block(block: Block, guide: str, rewrite: CiRewrite, env: dict[str, str]) -> bool:
    where = f"{block.section}, {guide}:{block.line}"
    if block.note:
        print(f"== {where}: CI: {block.note}", flush=True)
    if block.only_read:
        return True
    print(f"== {where}: running", flush=True)
    started = time.monotonic()
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", rewrite.apply(block.script)],
                          cwd=rewrite.prefix / "root", env=env, timeout=BLOCK_TIMEOUT_S,
                          check=False)
    if done.returncode != 0:
        print(f"FAILED: {where} exited {done.returncode}", file=sys.stderr)
        return False
    print(f"== {where}: ok in {time.monotonic() - started:.1f} s", flush=True)
    return True


def follow(guide: Path, prefix: Path, source: Path) -> int:
    blocks = parse_guide(guide.read_text(encoding="utf-8"))
    silent = [f"{guide}:{b.line}: uses {', '.join(unannounced(b))} without a <!-- ci: --> note"
              for b in blocks if unannounced(b)]
    if silent or not blocks:
        print("\n".join(silent) or f"{guide}: no sh blocks", file=sys.stderr)
        return 2
    version = tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]
    rewrite = CiRewrite(prefix, version, free_port(socket.SOCK_STREAM), {})
    prepare(prefix, source, version)
    env = block_env(prefix, rewrite.listen_port)
    print(f"following {guide} in {prefix}; CI changes:\n{rewrite.describe()}", flush=True)
    started = time.monotonic()
    try:
        for i, block in enumerate(blocks):
            if not run_block(block, guide.name, rewrite, env):
                return 1
            ran = [b for b in blocks if b.section == block.section and not b.only_read]
            if block.section in [b.section for b in blocks[i + 1:]] or not ran:
                continue
            problem = check_outcome(block.section, prefix)
            if problem:
                print(f"FAILED: {block.section}: {problem}", file=sys.stderr)
                return 1
            print(f"followed: {block.section}", flush=True)
    finally:
        for pid_file in (prefix / "ci/run").glob("*.pid"):
            stop(pid_file)
    print(f"guide followed in {time.monotonic() - started:.0f} s")
    return 0


# ---- the host commands, as CI plays them (run as `check_operations.py --play NAME ARGS`) ----

def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")  # an orphan's zombie is nobody's to reap here


def wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def stop(pid_file: Path) -> bool:
    """SIGTERM to the process the file names, then wait for it to go; SIGKILL its group late."""
    pid = int(pid_file.read_text())
    pid_file.unlink()
    if not alive(pid):
        return True
    os.kill(pid, signal.SIGTERM)
    if wait(lambda: not alive(pid), STOP_TIMEOUT_S):
        return True
    os.killpg(pid, signal.SIGKILL)  # its own session and group, started by this script
    return False


def start(argv: list[str], name: str, cwd: Path, prefix: Path) -> int:
    log = (prefix / "ci/log" / f"{name}.log").open("a")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, env=env, start_new_session=True)
    (prefix / "ci/run" / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def ready(listen: str) -> bool:
    """/readyz answers 200 after a first poll cycle was stored."""
    try:
        with urllib.request.urlopen(f"http://{listen}/readyz", timeout=2) as answer:
            body = json.load(answer)
    except (OSError, urllib.error.URLError, ValueError):
        return False
    return str(body["checks"]["cycle"]["detail"]).startswith("last poll cycle")


def unit_directives(unit: Path, prefix: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in moved(unit.read_text(), prefix).splitlines()
             if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def start_unit(name: str, prefix: Path) -> int:
    unit = unit_directives(prefix / "etc/systemd/system" / f"{name}.service", prefix)
    argv = shlex.split(unit["ExecStart"])
    sim_pid = prefix / "ci/run/sim.pid"
    if name == "netmon" and not (sim_pid.exists() and alive(int(sim_pid.read_text()))):
        config = argv[argv.index("-c") + 1]
        pid = start([argv[0], "sim", "-c", config, "--work-dir", str(prefix / "ci/sim")], "sim",
                    prefix / "root", prefix)
        sim_log = prefix / "ci/log/sim.log"
        if not wait(lambda: "serving" in sim_log.read_text() or not alive(pid), READY_TIMEOUT_S):
            return fail(f"netmon sim did not start:\n{sim_log.read_text()}")
    pid = start(argv, name, Path(unit.get("WorkingDirectory", prefix / "root")), prefix)
    listen = os.environ["NETMON_CI_LISTEN"]
    if name == "netmon" and not wait(lambda: ready(listen) or not alive(pid), READY_TIMEOUT_S):
        return fail(f"{name}: /readyz not ready:\n{(prefix / 'ci/log/netmon.log').read_text()}")
    if not alive(pid):
        return fail(f"{name} exited:\n{(prefix / 'ci/log' / f'{name}.log').read_text()}")
    print(f"ci: {name} started as PID {pid}: {shlex.join(argv)}")
    return 0


def verify_units(prefix: Path) -> int:
    copies = prefix / "ci/verify"
    shutil.rmtree(copies, ignore_errors=True)
    copies.mkdir()
    for unit in sorted((prefix / "etc/systemd/system").glob("*.service")):
        (copies / unit.name).write_text(moved(unit.read_text(), prefix))
    units = sorted(map(str, copies.iterdir()))
    if not units:
        return 0
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], text=True,
                          capture_output=True, timeout=120, check=False)
    if done.returncode != 0 or done.stderr.strip():
        return fail(f"systemd-analyze verify: {done.stderr}")
    print(f"ci: systemd-analyze verify: {len(units)} units ok")
    return 0


def systemctl(args: list[str], prefix: Path) -> int:
    words = [a for a in args if not a.startswith("-")]
    verb, units = words[0], [u.removesuffix(".service") for u in words[1:]]
    if verb == "daemon-reload":
        return verify_units(prefix)
    status = 0
    for name in units:
        pid_file = prefix / "ci/run" / f"{name}.pid"
        running = pid_file.exists() and alive(int(pid_file.read_text()))
        if verb in ("stop", "restart") or (verb == "disable" and "--now" in args):
            if running and not stop(pid_file):
                status = fail(f"{name} did not stop within {STOP_TIMEOUT_S:.0f} s")
            running = False
        if verb in ("start", "restart") or (verb == "enable" and "--now" in args):
            status = status or (0 if running else start_unit(name, prefix))
        elif verb == "reload":
            if not running:
                return fail(f"{name} is not running")
            os.kill(int(pid_file.read_text()), signal.SIGHUP)
            print(f"ci: SIGHUP to {name}")
        elif verb in ("status", "is-active"):
            print(f"ci: {name} {'active, PID ' + pid_file.read_text() if running else 'inactive'}")
            status = status or (0 if running else 3)
    return status


def play(command: str, args: list[str]) -> int:
    prefix = Path(os.environ["NETMON_CI_PREFIX"])
    if command == "systemctl":
        return systemctl(args, prefix)
    if command == "journalctl":
        unit = args[args.index("-u") + 1].removesuffix(".service")
        print((prefix / "ci/log" / f"{unit}.log").read_text()[-20000:], end="")
        return 0
    if command == "apt-get" and args[:1] != ["update"]:
        wanted = [a for a in args[1:] if not a.startswith("-")]
        missing = [p for p in wanted if "install ok installed" not in subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True,
            check=False).stdout]
        print(f"ci: apt-get: {len(wanted) - len(missing)} of {len(wanted)} packages installed")
        return fail(f"not installed here: {' '.join(missing)}") if missing else 0
    print(f"ci: not run (changes the host): {shlex.join([command, *args])}")
    return 0


def fail(message: str) -> int:
    print(f"ci: {message}", file=sys.stderr)
    return 1


def main() -> int:
    if sys.argv[1:2] == ["--play"]:
        return play(sys.argv[2], sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("prefix", type=Path, help="an empty or new folder standing for /")
    parser.add_argument("--guide", type=Path, default=REPO / "docs/operations.md")
    parser.add_argument("--source", type=Path, default=REPO, help="the release's source tree")
    args = parser.parse_args()
    prefix = args.prefix.resolve()
    if prefix.exists() and any(prefix.iterdir()):
        parser.error(f"{prefix} is not empty")
    return follow(args.guide, prefix, args.source.resolve())


if __name__ == "__main__":
    sys.exit(main())
