"""check-config knows what each profile is for: a controller's profile on an AP, an AP's on a
controller, and APs a controller could only tell apart by a shared name are caught early."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netmon.cli.main import app
from tests.test_config import BASE, write

CONTROLLER = {"id": "wlc", "name": "WLC", "host": "127.0.0.1", "profile": "cisco-wlc",
              "credentials": {"version": "2c", "community": "${TEST_COMMUNITY}"}}


def _served(ap_id: str, **keys: str) -> dict[str, Any]:
    return {"id": ap_id, "name": ap_id, "zone": "centre", "lat": 45.688, "lon": 5.915,
            "controller": "wlc", **keys}


@pytest.fixture(autouse=True)
def _community(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_COMMUNITY", "community-for-roles")


def _check(tmp_path: Path, doc: dict[str, Any]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check-config", str(write(tmp_path, doc))])
    return result.exit_code, " ".join(result.output.split())


def test_a_controller_profile_on_a_direct_ap_is_refused(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["aps"][0]["profile"] = "cisco-wlc"
    code, out = _check(tmp_path, doc)
    assert code == 2
    assert "netmon.yaml: aps[0].profile: 'cisco-wlc' is a controller profile" in out


def test_an_ap_profile_on_a_controller_is_refused(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["controllers"] = [{**CONTROLLER, "profile": "unifi"}]
    doc["aps"].append(_served("ap-9"))
    code, out = _check(tmp_path, doc)
    assert code == 2
    assert "controllers[0].profile: 'unifi' is an AP profile, it reads no AP table" in out
    assert "cisco-wlc" in out  # the controller profiles are listed


def test_a_controller_may_leave_its_profile_to_auto(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["controllers"] = [{k: v for k, v in CONTROLLER.items() if k != "profile"}]
    doc["aps"].append(_served("ap-9"))
    code, out = _check(tmp_path, doc)
    assert code == 0, out


def test_aps_one_name_would_match_are_warned_about(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["controllers"] = [CONTROLLER]
    doc["aps"] += [_served("ap-8", controller_name="AP-PORT"),
                   _served("ap-9", controller_name="AP-PORT"),
                   _served("ap-10", controller_name="AP-PORT", mac="00:3a:7d:11:22:01")]
    code, out = _check(tmp_path, doc)
    assert code == 0, out
    assert "controller wlc: APs ap-8, ap-9 are all looked up by the name 'AP-PORT'" in out
    doc["aps"][-3]["serial"] = "FCZ1234X0AB"
    assert "looked up by the name" not in _check(tmp_path, doc)[1]


def test_a_mac_is_checked_and_written_one_way(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["controllers"] = [CONTROLLER]
    doc["aps"].append(_served("ap-9", mac="00:3a:7d:11:22"))
    code, out = _check(tmp_path, doc)
    assert code == 2 and "aps[3].mac" in out and "not a MAC address: '00:3a:7d:11:22'" in out
