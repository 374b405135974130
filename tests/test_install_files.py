"""What an installed netmon relies on: a private secrets file, and the demo town it ships."""

from __future__ import annotations

import copy
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from netmon import demo_town
from netmon.config import ConfigError, load_config
from tests.test_config import BASE, SECRET, write


def _town_with_secrets(tmp_path: Path, mode: int) -> Path:
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(f"TEST_COMMUNITY: {SECRET}\n", encoding="utf-8")
    secrets.chmod(mode)
    return write(tmp_path, {**copy.deepcopy(BASE), "secrets_file": "secrets.yaml"})


@pytest.mark.parametrize(("mode", "word"), [(0o644, "readable"), (0o604, "readable"),
                                             (0o602, "writable"), (0o666, "readable")])
def test_a_secrets_file_open_to_every_user_is_refused_naming_file_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int, word: str) -> None:
    monkeypatch.delenv("TEST_COMMUNITY", raising=False)
    entry = _town_with_secrets(tmp_path, mode)
    with pytest.raises(ConfigError) as caught:
        load_config(entry)
    [problem] = caught.value.problems
    assert problem.startswith(f"{entry}: secrets_file: {tmp_path / 'secrets.yaml'} is {word} "
                              f"by every user (mode {mode:04o}): chmod 600")
    assert SECRET not in problem


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o400])
def test_a_secrets_file_of_its_owner_or_group_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    monkeypatch.delenv("TEST_COMMUNITY", raising=False)
    credentials = load_config(_town_with_secrets(tmp_path, mode)).aps[0].credentials
    assert credentials is not None and credentials.community is not None
    assert credentials.community.get_secret_value() == SECRET


def test_check_config_exits_2_on_an_exposed_secrets_file(tmp_path: Path) -> None:
    entry = _town_with_secrets(tmp_path, 0o644)
    done = subprocess.run([sys.executable, "-m", "netmon", "check-config", str(entry)],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "secrets_file" in done.stderr and "chmod 600" in done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_the_shipped_demo_town_is_copied_private_and_loads_where_it_was_copied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETMON_SNMP_COMMUNITY", raising=False)
    entry = demo_town.prepare(tmp_path / "work")
    assert entry == tmp_path / "work" / "config" / "demo.yaml"
    shipped = sorted(p.name for p in demo_town.FOLDER.iterdir()
                     if p.is_file() and p.suffix != ".py")
    assert sorted(p.name for p in entry.parent.iterdir()) == shipped
    assert stat.S_IMODE((entry.parent / demo_town.SECRETS).stat().st_mode) == 0o600
    config = load_config(entry)
    assert config.store.path == tmp_path / "work" / "demo.db"
    assert len(config.aps) == 50 and config.fibre is not None


def test_a_second_copy_replaces_a_read_only_first_one(tmp_path: Path) -> None:
    entry = demo_town.prepare(tmp_path)
    entry.write_text("site: edited by hand\n", encoding="utf-8")
    for copied in entry.parent.iterdir():
        copied.chmod(0o400)
    again = demo_town.prepare(tmp_path)
    assert again.read_text(encoding="utf-8") == \
        (demo_town.FOLDER / demo_town.ENTRY).read_text(encoding="utf-8")
    assert stat.S_IMODE((again.parent / demo_town.SECRETS).stat().st_mode) == 0o600


def test_the_secrets_copy_is_never_readable_by_others_even_under_a_loose_umask(
        tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        entry = demo_town.prepare(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((entry.parent / demo_town.SECRETS).stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.stat().st_mode) == 0o644


def test_a_secrets_file_that_is_a_folder_is_refused_as_such(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").mkdir(mode=0o700)
    entry = write(tmp_path, {**copy.deepcopy(BASE), "secrets_file": "secrets.yaml"})
    with pytest.raises(ConfigError) as caught:
        load_config(entry)
    assert caught.value.problems == [
        f"{entry}: secrets_file: {tmp_path / 'secrets.yaml'} is not a file"]


def test_demo_with_a_file_in_the_way_of_its_folder_says_so(tmp_path: Path) -> None:
    in_the_way = tmp_path / "netmon-demo"
    in_the_way.write_text("a file, not a folder\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "netmon", "demo", "--dir", str(in_the_way),
                           "--duration", "1"], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot copy the demo town into {in_the_way}/config: Not a directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_secrets_file_name_is_not_taken_for_a_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its key says "secrets", its value is a path: messages about it must name it."""
    from netmon.redaction import REDACTOR

    monkeypatch.delenv("TEST_COMMUNITY", raising=False)
    load_config(_town_with_secrets(tmp_path, 0o600))
    assert REDACTOR.redact(f"see {tmp_path / 'secrets.yaml'}") == \
        f"see {tmp_path / 'secrets.yaml'}"
    assert SECRET not in REDACTOR.redact(f"community {SECRET}")
