"""Install a backup as the store: checked, migrated when older, swapped in atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from netmon.db.backup import (
    CopyError,
    Snapshot,
    backup,
    check,
    companions,
    in_use,
    same_file,
    stamp,
    standalone,
)
from netmon.db.engines import writer_engine
from netmon.db.migrate import head, known, upgrade


@dataclass(frozen=True)
class Restored:
    """What was installed (at head now) and where the replaced file was kept (if any)."""

    installed: Snapshot
    from_revision: str | None
    kept: Path | None


def restore(source: Path, target: Path, force: bool = False) -> Restored:
    """Check `source`, bring a copy to head, keep `target` aside and swap the copy in."""
    if same_file(source, target):
        raise CopyError(f"{source} is the store itself: restore a file `netmon backup` wrote")
    checked = check(source)
    if checked.revision is None or checked.revision not in known():
        raise CopyError(f"{source}: schema {checked.revision or 'none'} is not one this netmon "
                        f"knows (head {head()}); restore it with the netmon that made it")
    if target.exists() and not force:
        raise CopyError(f"{target} exists; --force replaces it (it is kept as "
                        f"{target.name}.before-restore-<time>)")
    for sidecar in companions(target):
        if sidecar.exists() and not target.exists():
            # SQLite would apply a leftover WAL to the new file: a database of two stores.
            raise CopyError(f"{sidecar} is left from a removed store; move it aside first")
    if in_use(target):
        raise CopyError(f"{target} is open in another process (a running `netmon run`?); "
                        "stop it first")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        backup(source, temp)  # never migrate the backup itself: it stays as it was
        if checked.revision != head():
            engine = writer_engine(make_url(f"sqlite+pysqlite:///{temp}"))
            try:
                upgrade(engine, str(source), keep_old=False)  # the backup is the old copy
            finally:
                engine.dispose()
            standalone(temp)
        installed = check(temp)
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.before-restore-{stamp()}")
            os.link(target, kept)  # the old file under its new name, before the swap
        os.replace(temp, target)  # atomic: the target is the old file or the new, never neither
    finally:
        temp.unlink(missing_ok=True)
    return Restored(Snapshot(target, installed.taken_ns, installed.revision, installed.rows),
                    checked.revision, kept)
