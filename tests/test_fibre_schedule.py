"""The scheduled import: a cron job in `netmon run`, new or changed files only."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from collectors.fibre.importer import FibreImporter
from collectors.fibre.schedule import JOB_ID, add_fibre_import_job, run_scheduled_import
from collectors.snmp.profile import default_catalog
from netmon.db.owner import DatabaseOwner
from netmon.db.reader import DatabaseReader
from netmon.db.url import database_url
from netmon.fibre.history import FibreHistory
from netmon.observation import Cycle
from netmon.runtime import Monitor
from netmon.store.reader import SampleReader
from netmon.store.session import write_session
from tests.support.fibre_files import SAMPLES, config_in
from tests.support.wait import async_wait_until

PARIS = ZoneInfo("Europe/Paris")


def test_cron_job_daily_by_default_and_only_with_a_fibre_section(tmp_path: Path) -> None:
    scheduler = AsyncIOScheduler(timezone=PARIS)
    config = config_in(tmp_path, {"communes": ["73008"]})
    owner = DatabaseOwner(database_url(config.store))
    try:
        assert add_fibre_import_job(scheduler, config_in(tmp_path), owner, print) is None
        job = add_fibre_import_job(scheduler, config, owner, print)
        weekly = add_fibre_import_job(AsyncIOScheduler(timezone=PARIS),
                                      config_in(tmp_path, {"schedule": "30 7 * * mon"}),
                                      owner, print)
    finally:
        owner.close()
    assert job is not None and job.id == JOB_ID
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["minute"], fields["hour"], fields["day"]) == ("0", "6", "*")
    assert weekly is not None
    assert {f.name: str(f) for f in weekly.trigger.fields}["day_of_week"] == "mon"


def test_monitor_adds_the_fibre_job(tmp_path: Path) -> None:
    config = config_in(tmp_path, {"communes": ["73008"]})
    monitor = Monitor(config, default_catalog())
    try:
        assert monitor.scheduler.scheduler.get_job(JOB_ID) is not None
    finally:
        monitor.store.close()
        monitor.owner.close()


def test_watched_folder_new_and_changed_files_only(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "milestones.csv", inbox / "t1.csv")
    shutil.copy(SAMPLES / "arcep-communes.csv", inbox / "arcep.csv")
    (inbox / "notes.csv").write_text("ordre du jour\n", encoding="utf-8")
    (inbox / "photo.jpg").write_bytes(b"\xff\xd8")  # not a fibre file type: left alone
    config = config_in(tmp_path, {"communes": ["73008"], "watch_dir": "inbox"})
    with write_session(config.store) as session, caplog.at_level(logging.INFO):
        importer = FibreImporter(config, session.owner, session.publish)
        first = run_scheduled_import(importer)
        assert [(o.path.name, o.imported, o.error is None) for o in first] == [
            ("arcep.csv", 31, True), ("notes.csv", 0, False), ("t1.csv", 6, True)]
        assert "notes.csv: not a fibre file netmon knows" in caplog.text
        second = run_scheduled_import(importer)
        assert [o.unchanged for o in second if o.error is None] == [True, True]
        (inbox / "t1.csv").write_text(
            (SAMPLES / "milestones.csv").read_text().replace("3395", "3396"), encoding="utf-8")
        third = run_scheduled_import(importer)
    changed = [o.path.name for o in third if o.error is None and not o.unchanged]
    assert changed == ["t1.csv"]


async def test_the_job_runs_in_netmon_run_and_its_samples_go_through_the_pipeline(
        tmp_path: Path) -> None:
    config = config_in(tmp_path, {"communes": ["73008"],
                                  "imports": [{"path": str(SAMPLES / "milestones.csv"),
                                               "format": "milestones"}]},
                       http={"enabled": False})
    monitor = Monitor(config, default_catalog())
    published: list[str] = []
    monitor.pipeline.consumers.append(Seen(published))
    await monitor.start()
    try:
        job = monitor.scheduler.scheduler.get_job(JOB_ID)
        assert job is not None
        job.modify(next_run_time=datetime.now(PARIS))  # now, rather than at 06:00

        def recorded() -> bool:
            with FibreHistory(config.store) as history:
                return bool(history.imports())

        await async_wait_until(recorded, 10, "the scheduled import's record", poll_s=0.1)
    finally:
        await monitor.stop()
    assert published == ["fibre"]  # one cycle of fibre samples, through the pipeline
    with FibreHistory(config.store) as history:
        [entry] = history.imports()
    assert (entry.format, entry.imported, entry.rejected) == ("milestones", 6, 0)
    reader = DatabaseReader(database_url(config.store))
    try:
        assert len(SampleReader(reader, config.store).latest("fibre")) == 3
    finally:
        reader.close()


class Seen:
    """A consumer noting the source of every cycle."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources

    def consume(self, cycle: Cycle) -> None:
        self.sources.append(cycle.source)
