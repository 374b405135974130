"""The JSON API and the page, through the app netmon serves (FastAPI), on a filled store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import ignored_auth

from netmon.web.app import create_app
from netmon.web.status.router import status_router
from netmon.web.status.settings import StatusPageSettings
from tests.support.status_fleet import (
    DEGRADED_AP,
    DOWN_AP,
    WAS_DEGRADED_AP,
    WATCHED_S,
    filled,
    status_config,
)

API_TOKEN = "status-api-token-123"
BASE_URL = "http://testserver"
EXAMPLES = 25  # per operation: enough for the few parameters these endpoints take


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    config = status_config(tmp_path_factory.mktemp("status"))
    with filled(config) as (database, samples):
        yield create_app(CollectorRegistry(), [status_router(config, database, samples)])


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def test_aps_lists_every_demo_ap_with_the_down_one_down(client: TestClient) -> None:
    aps = client.get("/api/aps").json()
    assert len(aps) == 50
    by_id = {a["id"]: a for a in aps}
    assert by_id[DOWN_AP]["status"] == "down"
    assert by_id[DOWN_AP]["clients"] is None and by_id[DOWN_AP]["open_incident"] is not None
    assert sum(a["status"] == "up" for a in aps) == 49
    assert by_id["centre-02"]["clients"] == 1 and by_id["centre-02"]["uptime_s"] == 86_401.0
    # Only the 3 h netmon watched count: 5 minutes down in 3 h, not in 24 h.
    assert by_id["centre-01"]["availability_24h_pct"] == pytest.approx(
        100 * (1 - 300 / WATCHED_S), abs=0.01)
    assert by_id["centre-01"]["observed_24h_pct"] == pytest.approx(100 * 3 / 24, abs=0.1)
    assert set(aps[0]) >= {"status", "zone", "clients", "uptime_s", "last_seen"}
    assert all(set(a) & {"mac", "ip", "client_ips"} == set() for a in aps)  # counts only
    # Up without its figures is up and says so; a degraded poll before the newest is past.
    assert by_id[DEGRADED_AP]["status"] == "up" and by_id[DEGRADED_AP]["degraded"] is True
    assert by_id[WAS_DEGRADED_AP]["degraded"] is False
    assert sum(a["degraded"] for a in aps) == 1
    page = client.get("/?lang=fr").text
    row = page[page.index(f'id="ap-{DEGRADED_AP}"'):]
    assert 'class="status degraded"' in row[:row.index("</tr>")] and "sans données" in row


def test_zone_filter_and_unknown_zone(client: TestClient) -> None:
    port = client.get("/api/aps", params={"zone": "grand-port"}).json()
    assert len(port) == 10 and {a["zone"] for a in port} == {"grand-port"}
    missing = client.get("/api/aps", params={"zone": "nowhere"})
    assert missing.status_code == 404 and "nowhere" in missing.json()["detail"]


def test_zones_and_incidents(client: TestClient) -> None:
    zones = {z["id"]: z for z in client.get("/api/zones").json()}
    assert zones["centre"]["aps"] == 40 and zones["centre"]["aps_down"] == 1
    assert zones["grand-port"]["aps_up"] == 10
    current = client.get("/api/incidents", params={"state": "open"}).json()
    assert [(i["subject"], i["open"]) for i in current] == [(DOWN_AP, True)]
    assert current[0]["duration_s"] == pytest.approx(600, abs=30)
    recent = client.get("/api/incidents").json()
    assert [i["subject"] for i in recent] == [DOWN_AP, "centre-01"]
    assert recent[1]["end"] is not None and recent[1]["duration_s"] == pytest.approx(300)
    assert client.get("/api/incidents", params={"limit": 0}).status_code == 422


def test_page_in_both_languages_is_read_only(client: TestClient) -> None:
    french = client.get("/").text
    assert "hors service" in french and f'id="ap-{DOWN_AP}"' in french
    english = client.get("/", params={"lang": "en"}).text
    assert "Access points" in english and 'data-status="down"' in english
    assert english.count('<tr id="ap-') == 50
    assert "http://" not in english.replace('xmlns="http://', "")  # nothing fetched elsewhere
    assert client.post("/api/aps").status_code == 405
    assert client.get("/static/status/status.js").headers["content-type"].startswith(
        "text/javascript")
    assert client.get("/static/status/../settings.py").status_code == 404


def test_bearer_token_guards_the_api_not_the_page(tmp_path: Path) -> None:
    settings = StatusPageSettings(api_token=SecretStr(API_TOKEN))
    config = status_config(tmp_path, status_page=settings)
    with filled(config) as (database, samples):
        guarded = TestClient(create_app(CollectorRegistry(),
                                        [status_router(config, database, samples)]))
        refused = guarded.get("/api/aps")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert guarded.get("/api/aps", headers={"Authorization": "Bearer nope"}
                           ).status_code == 401
        assert len(guarded.get("/api/aps", headers={"Authorization": f"Bearer {API_TOKEN}"}
                               ).json()) == 50
        assert guarded.get("/").status_code == 200
        security = guarded.get("/openapi.json").json()["components"]["securitySchemes"]
        assert security["HTTPBearer"]["scheme"] == "bearer"


def test_openapi_document_describes_the_three_endpoints(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert {"/api/aps", "/api/zones", "/api/incidents"} <= set(document["paths"])
    assert "/" not in document["paths"] and "/metrics" not in document["paths"]
    # No page that would load Swagger UI or ReDoc from a CDN, blank on an offline network.
    assert client.get("/docs").status_code == client.get("/redoc").status_code == 404


# Schemathesis generates the requests and checks the answers; they are sent by Starlette's
# TestClient (httpx): its requests transport breaks beside grafana-client's urllib3-future.
# Its `ignored_auth` check resends through that transport: the bearer test above covers it.
@pytest.mark.parametrize("token", [None, API_TOKEN])
def test_api_conforms_to_its_openapi_document(tmp_path: Path, token: str | None) -> None:
    page = StatusPageSettings(api_token=None if token is None else SecretStr(token))
    config = status_config(tmp_path, status_page=page)
    with filled(config) as (database, samples):
        app = create_app(CollectorRegistry(), [status_router(config, database, samples)])
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        client = TestClient(app, base_url=BASE_URL)
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        assert {op.path for op in operations} == {"/api/aps", "/api/zones", "/api/incidents"}
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def conforms(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
                request = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
                case.validate_response(client.request(**request), headers=headers,
                                       excluded_checks=[ignored_auth])

            conforms()
