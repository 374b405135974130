"""Write netmon-0004.db with the release before schema 0005 (run with that release's code).

    git -C REPO worktree add /tmp/prev f930015
    cd /tmp/prev && PYTHONPATH=/tmp/prev python REPO/tests/data/previous-release/make_fixture.py OUT
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tests.support.demo import DEMO, demo_config_copy


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config_path = demo_config_copy(Path(tmp), interval_s=5, zones=("grand-port",))
        doc = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        # One AP down and one flapping: incidents and notices to carry across the upgrade.
        doc["aps"][0]["sim"] = "down"
        doc["aps"][1]["sim"] = "flapping"
        # The plan's rows for the city centre name a zone this smaller fleet leaves out.
        doc["fibre"]["plan"] = [row for row in doc["fibre"]["plan"] if row["zone"] != "centre"]
        config_path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        netmon = [sys.executable, "-m", "netmon"]
        subprocess.run([*netmon, "demo", "-c", str(config_path), "--duration", "45"],
                       check=True, stdout=subprocess.DEVNULL)
        # Exit 1: the city centre's rows are rejected (unknown zone), the rest imported.
        imported = subprocess.run([*netmon, "fibre", "import", "-c", str(config_path),
                                   str(DEMO.parent / "fibre-milestones.csv")])
        assert imported.returncode in (0, 1), imported
        out.write_bytes((Path(tmp) / "netmon.db").read_bytes())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
