"""Any YAML document at all is a config or one ConfigError: never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netmon.config import ConfigError, load_config

# Keys netmon knows, so the fuzzer reaches past "unknown key" into the sections themselves.
KEYS = ["site", "timezone", "language", "poll", "store", "alerts", "http", "status_page",
        "zones", "aps", "controllers", "defaults", "groups", "include", "secrets_file",
        "credentials", "version", "community", "user", "auth_key", "interval_s", "timeout_s",
        "retries", "path", "raw_days", "id", "name", "zone", "lat", "lon", "host", "port",
        "polygon", "webhooks", "url", "api_token", "listen", "maintenance", "profile"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["${UNSET_ANYWHERE}", "127.0.0.1", "centre", "3", ".."]))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
                                            inner, max_size=5)),
    max_leaves=25)


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=st.dictionaries(st.sampled_from(KEYS), DOCUMENTS, max_size=6))
def test_any_document_loads_or_is_one_config_error(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    try:
        load_config(path)
    except ConfigError as exc:
        # Each problem starts with the file it is in (an absolute path).
        assert exc.problems and all(p.startswith("/") for p in exc.problems), exc.problems
