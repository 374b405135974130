"""The demo town shipped inside the package: Aix-les-Bains' simulated Wi-Fi and fibre plan.

Installed, these files are world-readable and may be read-only, so `netmon demo` runs a private
copy of them: its store beside it, its secrets file readable by its owner only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

FOLDER: Final = Path(__file__).parent
ENTRY: Final = "demo.yaml"
SECRETS: Final = "demo-secrets.yaml"
CONFIG_DIR: Final = "config"


def prepare(workdir: Path) -> Path:
    """Copy the demo town into `workdir/config/` (rewritten each time) and return its entry file.

    The store, maps and report then land in `workdir` itself (demo.yaml names `../demo.db`).
    """
    target = workdir / CONFIG_DIR
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(FOLDER.iterdir()):
        if not source.is_file() or source.suffix in (".py", ".pyc"):
            continue
        copy = target / source.name
        copy.unlink(missing_ok=True)  # a previous copy may be read-only
        # Created with its final mode: the secrets are never readable by others, not even briefly.
        mode = 0o600 if source.name == SECRETS else 0o644
        with os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as out:
            out.write(source.read_bytes())
    return target / ENTRY
