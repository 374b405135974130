"""What every command shares: loading the config (exit 2 on errors), logging, the console."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.logging import RichHandler

from collectors.snmp.profile import ProfileCatalog, default_catalog
from netmon import redaction
from netmon.config import ConfigError, NetmonConfig, load_config
from netmon.logs import JsonFormatter, LogFormat, human_format, under_journald

EXIT_CONFIG = 2
console = Console(soft_wrap=True)  # long paths and messages stay on one line
err_console = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="netmon YAML config file.",
                                            show_default=False)]


def fail_config(problems: list[str]) -> NoReturn:
    err_console.print(f"[bold red]configuration error[/] ({len(problems)} problem"
                      f"{'s' if len(problems) != 1 else ''}):", highlight=False)
    for problem in problems:
        err_console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_CONFIG)


def catalog_or_exit() -> ProfileCatalog:
    try:
        return default_catalog()
    except ConfigError as exc:
        fail_config(exc.problems)


def load_checked(path: Path, catalog: ProfileCatalog) -> NetmonConfig:
    """Load and validate; ConfigError lists every problem (file, key path, expectation)."""
    return load_config(path, profiles={name: catalog.get(name).kind
                                       for name in catalog.names()})


def config_or_exit(path: Path) -> NetmonConfig:
    """Load and validate, or print every problem (file, key path, expectation) and exit 2."""
    catalog = catalog_or_exit()
    try:
        return load_checked(path, catalog)
    except ConfigError as exc:
        fail_config(exc.problems)


def setup_logging(level: str, fmt: LogFormat = "human") -> None:
    if fmt == "json":
        handler = logging.StreamHandler()  # stderr, one object per line
        handler.setFormatter(JsonFormatter())
        logging.basicConfig(level=level.upper(), handlers=[handler])
    elif console.is_terminal and not under_journald():
        # Through rich, so log lines print above a live view instead of through it.
        logging.basicConfig(level=level.upper(), format="%(name)s: %(message)s",
                            handlers=[RichHandler(console=console, show_path=False)])
    else:
        logging.basicConfig(level=level.upper(), format=human_format())
    redaction.install()  # every library's records pass the secrets filter
    # pysnmp and apscheduler are chatty at INFO; their warnings still show.
    for noisy in ("apscheduler.executors", "apscheduler.scheduler", "pysnmp"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

