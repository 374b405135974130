"""The scheduled fibre import: a cron job that imports new or changed files, like the CLI."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from netmon.config.models import NetmonConfig
from netmon.db.owner import DatabaseOwner

if TYPE_CHECKING:  # the importer pulls in pandas and geopandas: loaded only when the job runs
    from collectors.fibre.importer import FibreImporter, ImportOutcome, Publish

log = logging.getLogger(__name__)
JOB_ID: Final = "fibre-import"
MISFIRE_GRACE_S: Final = 3600  # a run missed while netmon was busy still happens within the hour


def run_scheduled_import(importer: FibreImporter) -> list[ImportOutcome]:
    """Import the configured and watched files that are new or changed; log what happened."""
    outcomes = importer.import_configured(skip_unchanged=True)
    for outcome in outcomes:
        if outcome.error is not None:
            log.error("fibre import: %s", outcome.error)
        elif not outcome.unchanged:
            log.info("fibre import %s: %s", outcome.path, outcome.summary())
        for problem in outcome.sink_errors:
            log.error("fibre import %s: %s", outcome.path, problem)
    return outcomes


def _scheduled(config: NetmonConfig, owner: DatabaseOwner, publish: Publish,
               ) -> list[ImportOutcome]:
    # Imported at the first run, not when `netmon run` starts: pandas and geopandas are slow
    # to load and most runs of the job find nothing new.
    from collectors.fibre.importer import FibreImporter

    return run_scheduled_import(FibreImporter(config, owner, publish))


def add_fibre_import_job(scheduler: BaseScheduler, config: NetmonConfig,
                         owner: DatabaseOwner, publish: Publish) -> Job | None:
    """Add the cron job when the config has a `fibre:` section; samples go to `publish`."""
    if config.fibre is None:
        return None
    trigger = CronTrigger.from_crontab(config.fibre.schedule, timezone=config.timezone)
    # A plain function: APScheduler runs it in a worker thread, off the polling loop.
    return scheduler.add_job(_scheduled, trigger, args=[config, owner, publish], id=JOB_ID,
                             max_instances=1, coalesce=True, misfire_grace_time=MISFIRE_GRACE_S)
