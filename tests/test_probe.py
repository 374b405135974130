"""`netmon probe`: one command tells an IT person what a device is, which profile netmon
picks and why, what is missing; `--record` writes a recording that polls the same."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from collectors.snmp.poller import ApPoller, PollTarget
from collectors.snmp.profile import default_catalog
from collectors.snmp.settings import PollSettings, SnmpCredentials
from netmon.cli.main import app
from netmon.config.models import AccessPoint
from netmon.sample import Sample
from tests.support.recordings import case_recording, serving

SYSTEM = "1.3.6.1.2.1.1."


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    recordings = {"wlc": case_recording("cisco-wlc-5508"),
                  "openwrt": case_recording("generic-openwrt-ap")}
    with serving(recordings, tmp_path_factory.mktemp("probe")) as udp:
        yield udp


def _probe(port: int, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["probe", "127.0.0.1", "--port", str(port), *args],
                                env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _row(output: str, profile: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"│ {profile} "))


def test_probe_names_the_device_the_profile_and_what_each_candidate_lacks(port: int) -> None:
    code, out = _probe(port, "--community", "wlc")
    assert code == 0, out
    assert "sysObjectID 1.3.6.1.4.1.9.1.1069" in out and "sysDescr    Cisco Controller" in out
    assert "starts with 1.3.6.1.4.1.9.1.1069 (detect of profile cisco-wlc)" in out
    assert "as an AP: generic; as a controller: cisco-wlc" in out
    assert "11 of 11" in _row(out, "cisco-wlc") and "nothing" in _row(out, "cisco-wlc")
    assert "uptime, clients, AP table" in _row(out, "ruckus-zd")
    assert "clients" in _row(out, "unifi")
    # The picked profile's fields, with what the device returned for each.
    assert "ap.name" in out and "ap-hdv-01" in out and "radio.users" in out


def test_probe_of_a_linux_ap_says_no_profile_detects_it(port: int) -> None:
    code, out = _probe(port, "--community", "openwrt")
    assert code == 0, out
    assert "no profile detects sysObjectID 1.3.6.1.4.1.8072.3.2.10: generic is the fallback" \
        in out
    assert "as a controller: none" in out


async def _samples(port: int, community: str) -> dict[tuple[object, ...], dict[str, object]]:
    credentials = SnmpCredentials(version="2c", community=SecretStr(community))
    aps = [AccessPoint(id=i, name=i, zone="centre", lat=45.69, lon=5.92, controller="wlc",
                       controller_name=name)
           for i, name in (("hdv", "ap-hdv-01"), ("casino", "ap-casino-03"))]
    poller = ApPoller(PollSettings(), default_catalog(),
                      [PollTarget("wlc", "127.0.0.1", port, credentials, "cisco-wlc", aps,
                                  controller=True)])
    try:
        cycle = await poller.poll()
    finally:
        await poller.close()

    def fields(sample: Sample) -> dict[str, object]:
        return {k: v for k, v in sample.fields.items() if k != "poll_ms"}

    return {s.series_key(): fields(s) for s in cycle.samples}


def test_a_recording_polls_like_the_device_it_was_made_from(port: int, tmp_path: Path) -> None:
    record = tmp_path / "wlc.snmprec"
    code, out = _probe(port, "--community", "wlc", "--record", str(record))
    assert code == 0, out
    lines = record.read_text(encoding="utf-8").splitlines()
    # Only the system group and columns some profile reads: nothing else leaves the device.
    columns = {c.oid for p in default_catalog().profiles.values() for t in p.tables.values()
               for c in t.columns.values()}
    assert all(line.startswith(SYSTEM) or any(line.startswith(c + ".") for c in columns)
               for line in lines)
    oids = [tuple(int(a) for a in line.split("|")[0].split(".")) for line in lines]
    assert oids == sorted(oids) and len(set(oids)) == len(oids)
    with serving({"recorded": record.read_text(encoding="utf-8")},
                 tmp_path / "replay") as replay_port:
        replayed = asyncio.run(_samples(replay_port, "recorded"))
    assert replayed == asyncio.run(_samples(port, "wlc"))


def test_a_silent_device_is_one_line_and_exit_1() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        code, out = _probe(silent.getsockname()[1], "--timeout", "0.2")
    assert code == 1 and "timeout after 2 tries" in out and "Traceback" not in out


def test_credentials_from_a_file_never_print_their_secret(port: int, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    monkeypatch.setenv("PROBE_KEY", "a-very-secret-auth-key")
    creds = tmp_path / "creds.yaml"
    creds.write_text("version: 3\nauth_protocol: sha\nauth_key: ${PROBE_KEY}\n",
                     encoding="utf-8")
    code, out = _probe(port, "--credentials", str(creds))
    assert code == 2 and str(creds) in out and "SNMPv3 needs a user" in out
    assert "a-very-secret-auth-key" not in out
    creds.write_text("version: 2c\ncommunity: ${PROBE_KEY_UNSET}\n", encoding="utf-8")
    code, out = _probe(port, "--credentials", str(creds))
    assert code == 2 and "PROBE_KEY_UNSET" in out
