"""Benchmark alert latency: AP silent -> notification, and trap -> notification (p50/p99).

Targets (issue #4): silent -> notification p99 <= one poll interval + 2 s; trap -> notification
<= 1 s. Real parts: one net-snmp snmpd per AP (each on its own loopback address, frozen with
SIGSTOP to make the AP silent), netmon's Monitor (scheduler, poller, AlertDesk), a local HTTP
server receiving the webhook, and net-snmp `snmptrap`.

Run from the repository root:
  .venv/bin/python -m bench.bench_alerts [--aps 8] [--rounds 3] [--interval 10] [--timeout 0.5]
      [--retries 0] [--traps 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collectors.snmp.profile import default_catalog
from netmon.config.models import NetmonConfig
from netmon.observation import Cycle
from netmon.runtime import Monitor
from netmon.sim.probe import snmp_answers
from netmon.sim.snmpsim_process import free_udp_ports
from tests.alerts_support.fleet import reading
from tests.alerts_support.servers import WebhookSink

COMMUNITY = "bench"
TRAP_COMMUNITY = "bench-traps"
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
SQUARE = [[5.90, 45.68], [5.92, 45.68], [5.92, 45.70]]


@dataclass
class Agent:
    ap: str
    host: str
    port: int
    process: subprocess.Popen[bytes]

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.thaw()
        os.kill(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)


def start_agents(count: int, work: Path) -> list[Agent]:
    binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
    agents = []
    ports = free_udp_ports(count)
    for i, port in enumerate(ports):
        host = f"127.0.1.{i + 1}"
        folder = work / f"agent-{i}"
        folder.mkdir(parents=True)
        conf = folder / "snmpd.conf"
        conf.write_text(f"agentaddress udp:{host}:{port}\nrocommunity {COMMUNITY}\n")
        process = subprocess.Popen(
            [binary, "-f", "-C", "-c", str(conf), "-Lf", str(folder / "log"), "-p",
             str(folder / "pid")], env={**os.environ, "SNMP_PERSISTENT_DIR": str(folder)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        agents.append(Agent(f"ap-{i:02d}", host, port, process))
    for agent in agents:
        deadline = time.monotonic() + 15
        while not snmp_answers(agent.host, agent.port, community=COMMUNITY):
            if time.monotonic() > deadline:
                raise RuntimeError(f"snmpd on {agent.host}:{agent.port} did not start")
            time.sleep(0.1)
    return agents


def bench_config(agents: list[Agent], work: Path, args: argparse.Namespace, hook: str,
                 trap_port: int | None = None) -> NetmonConfig:
    # One zone per AP: the bench measures AP pages, never a zone page.
    doc: dict[str, Any] = {
        "store": {"path": str(work / "bench.db")},
        "poll": {"interval_s": args.interval, "timeout_s": args.timeout,
                 "retries": args.retries, "jitter_s": 0},
        "zones": [{"id": f"z-{a.ap}", "name": a.ap, "polygon": SQUARE} for a in agents],
        "aps": [{"id": a.ap, "name": a.ap, "zone": f"z-{a.ap}", "lat": 45.69, "lon": 5.91,
                 "host": a.host, "port": a.port, "profile": "generic",
                 "credentials": {"version": "2c", "community": COMMUNITY}} for a in agents],
        "alerts": {"webhooks": [{"url": hook}], "reminder_every_min": 0,
                   "flap": {"changes": 1000, "window_min": 1}}}
    if trap_port is not None:
        doc["traps"] = {"listen": f"127.0.0.1:{trap_port}", "communities": [TRAP_COMMUNITY]}
    return NetmonConfig.model_validate(doc)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


async def wait_for(sink: WebhookSink, kind: str, ap: str, after: float,
                   timeout_s: float) -> float | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for hook in list(sink.received):
            body = hook.body
            if hook.at >= after and body["kind"] == kind and body["subject"]["id"] == ap:
                return hook.at
        await asyncio.sleep(0.01)
    return None


async def silent_latencies(agents: list[Agent], work: Path, args: argparse.Namespace,
                           ) -> list[float]:
    sink = WebhookSink()
    config = bench_config(agents, work / "silent", args, sink.url("/hook"))
    monitor = Monitor(config, default_catalog())
    latencies: list[float] = []
    await monitor.start()
    try:
        await asyncio.sleep(args.interval + 2)  # every AP is UP

        async def trials(agent: Agent) -> None:
            for _ in range(args.rounds):
                # Silence falls at a random moment of the poll cycle.
                await asyncio.sleep(random.uniform(0, args.interval))
                silenced = time.monotonic()
                agent.freeze()
                paged = await wait_for(sink, "ap_down", agent.ap, silenced,
                                       4 * args.interval + 10)
                agent.thaw()
                if paged is not None:
                    latencies.append(paged - silenced)
                await wait_for(sink, "ap_up", agent.ap, silenced, 3 * args.interval + 10)

        await asyncio.gather(*(trials(a) for a in agents))
    finally:
        await monitor.stop()
        sink.close()
    return latencies


async def trap_latencies(agents: list[Agent], work: Path, args: argparse.Namespace,
                         ) -> list[float]:
    sink = WebhookSink()
    trap_port = free_udp_ports(1)[0]
    config = bench_config(agents, work / "traps", args, sink.url("/hook"), trap_port)
    monitor = Monitor(config, default_catalog())
    await monitor.alerts.start()  # no scheduled polls: only the trap's confirmation polls
    assert monitor.traps is not None
    await monitor.traps.start()
    await monitor.poller.prepare()
    desk = monitor.alerts
    latencies: list[float] = []
    try:
        for i in range(args.traps):
            agent = agents[i % len(agents)]
            await desk.consume(Cycle(time.time_ns(), 0.0, [reading(agent.ap, True)]))
            agent.freeze()
            sent = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                "snmptrap", "-v2c", "-c", TRAP_COMMUNITY, f"--clientaddr={agent.host}",
                f"127.0.0.1:{trap_port}", "", LINK_DOWN, stdout=asyncio.subprocess.DEVNULL)
            await process.wait()
            paged = await wait_for(sink, "ap_down", agent.ap, sent, 10)
            agent.thaw()
            if paged is not None:
                latencies.append(paged - sent)
            await desk.consume(Cycle(time.time_ns(), 0.0, [reading(agent.ap, True)]))
            await asyncio.sleep(0.2)
    finally:
        await monitor.traps.stop()
        await monitor.alerts.stop()
        await monitor.confirmer.close()
        await monitor.poller.close()
        monitor.store.close()
        monitor.reader.close()
        await monitor.owner.aclose()
        sink.close()
    return latencies


def report(name: str, values: list[float], expected: int, target_s: float) -> None:
    if not values:
        print(f"{name}: no notification at all ({expected} expected)")
        return
    p50, p99 = statistics.median(values), percentile(values, 99)
    print(f"{name}: n={len(values)}/{expected}  p50 {p50:.2f} s  p99 {p99:.2f} s  "
          f"max {max(values):.2f} s  target {target_s:.1f} s  p99/target {p99 / target_s:.2f}")


@dataclass
class AlertFigures:
    trap_s: list[float]
    silent_s: list[float]
    traps_sent: int
    silences: int


def summary(values: list[float]) -> tuple[float, float]:
    """(p50, p99) in seconds; NaN when nothing arrived."""
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values), percentile(values, 99)


async def measure(agents: list[Agent], work: Path, args: argparse.Namespace) -> AlertFigures:
    traps = await trap_latencies(agents, work, args) if args.traps else []
    silent = await silent_latencies(agents, work, args) if args.rounds else []
    return AlertFigures(traps, silent, args.traps, args.aps * args.rounds)


def run(args: argparse.Namespace) -> AlertFigures:
    """Start one snmpd per AP, measure, stop them."""
    work = Path(tempfile.mkdtemp(prefix="netmon-bench-alerts-"))
    agents = start_agents(args.aps, work)
    try:
        return asyncio.run(measure(agents, work, args))
    finally:
        for agent in agents:
            agent.stop()
        shutil.rmtree(work, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=0.5)
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--traps", type=int, default=30)
    return parser


def main() -> None:
    args = parser().parse_args()
    print(f"poll interval {args.interval} s, timeout {args.timeout} s, retries "
          f"{args.retries}, {args.aps} APs (one snmpd each)")
    figures = run(args)
    if args.traps:
        report("trap -> notification", figures.trap_s, args.traps, 1.0)
    if args.rounds:
        report("AP silent -> notification", figures.silent_s, args.aps * args.rounds,
               args.interval + 2.0)


if __name__ == "__main__":
    main()
