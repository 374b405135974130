"""Other towns' hotspot lists, in the shapes their open-data portals publish them.

Made here from the documented export formats (no real list is copied): an Opendatasoft
portal's exports (GeoJSON, `;` CSV, JSON records, the v1 and v2.1 API answers) of a big
city's list, and a data.gouv.fr-style CSV and workbook of a mid-size town's.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

# A big city (Opendatasoft field names: ids like `idpw`, `etat2`, a nested geo_point_2d).
CITY_CENTRE = (48.8566, 2.3522)
CITY_STATUSES = ("Opérationnel",) * 8 + ("Fermé pour travaux", "En déploiement", "En étude")
# A mid-size town publishing on data.gouv.fr (plain columns, French status words).
TOWN_CENTRE = (45.8992, 6.1294)
TOWN_STATUSES = ("En service",) * 6 + ("Hors service", "Projet")
SPAN_DEG = 0.04  # sites within ±0.02° of the centre: inside the test config's zone


@dataclass(frozen=True, slots=True)
class ListedSite:
    site_id: str
    name: str
    address: str
    postcode: str
    aps: int
    status: str
    lat: float
    lon: float


def sites(centre: tuple[float, float], statuses: tuple[str, ...], count: int, prefix: str,
          seed: int) -> list[ListedSite]:
    rng = random.Random(seed)
    return [ListedSite(site_id=f"{prefix}{n:03d}", name=f"Square {n}",
                       address=f"{n} rue de la République", postcode="75001",
                       aps=rng.randint(1, 5), status=rng.choice(statuses),
                       lat=round(centre[0] + rng.uniform(-SPAN_DEG, SPAN_DEG) / 2, 6),
                       lon=round(centre[1] + rng.uniform(-SPAN_DEG, SPAN_DEG) / 2, 6))
            for n in range(1, count + 1)]


def city_sites(count: int = 40) -> list[ListedSite]:
    return sites(CITY_CENTRE, CITY_STATUSES, count, "PW", seed=75)


def town_sites(count: int = 25) -> list[ListedSite]:
    return [replace(s, postcode="74000") for s in sites(TOWN_CENTRE, TOWN_STATUSES, count,
                                                         "ANN-", seed=74)]


def _ods_fields(site: ListedSite) -> dict[str, Any]:
    return {"idpw": site.site_id, "nom_site": site.name, "arc_adresse": site.address,
            "cp": site.postcode, "etat2": site.status, "nombre_de_borne_wifi": site.aps}


def _point(site: ListedSite) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [site.lon, site.lat]}


def ods_geojson(listed: list[ListedSite], path: Path) -> Path:
    """The portal's GeoJSON export: geo_point_2d is an object beside the real geometry."""
    features = [{"type": "Feature", "geometry": _point(s),
                 "properties": {**_ods_fields(s),
                                "geo_point_2d": {"lon": s.lon, "lat": s.lat}}}
                for s in listed]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def ods_csv(listed: list[ListedSite], path: Path) -> Path:
    """The portal's CSV export: `;`, geo_point_2d as "lat, lon", geo_shape as GeoJSON text."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([*_ods_fields(listed[0]), "geo_shape", "geo_point_2d"])
        for s in listed:
            writer.writerow([*_ods_fields(s).values(), json.dumps(_point(s)),
                             f"{s.lat}, {s.lon}"])
    return path


def _ods_record(site: ListedSite) -> dict[str, Any]:
    return {**_ods_fields(site),
            "geo_shape": {"type": "Feature", "geometry": _point(site), "properties": {}},
            "geo_point_2d": {"lon": site.lon, "lat": site.lat}}


def ods_json(listed: list[ListedSite], path: Path) -> Path:
    """The portal's JSON export (API v2.1 `exports/json`): a list of flat records."""
    path.write_text(json.dumps([_ods_record(s) for s in listed], ensure_ascii=False),
                    encoding="utf-8")
    return path


def ods_api_v1(listed: list[ListedSite], path: Path) -> Path:
    """The v1 records API answer: `records` of `fields` plus a `geometry`."""
    records = [{"datasetid": "sites-wifi", "recordid": f"{i:040x}",
                "fields": {**_ods_fields(s), "geo_point_2d": [s.lat, s.lon]},
                "geometry": _point(s)} for i, s in enumerate(listed)]
    path.write_text(json.dumps({"nhits": len(listed), "records": records}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def ods_api_v2(listed: list[ListedSite], path: Path) -> Path:
    """The v2.1 records API answer: `results`, records as in the JSON export."""
    path.write_text(json.dumps({"total_count": len(listed),
                                "results": [_ods_record(s) for s in listed]},
                               ensure_ascii=False), encoding="utf-8")
    return path


DATAGOUV_HEADER = ["identifiant", "nom", "adresse", "code_postal", "commune", "latitude",
                   "longitude", "nb_points_acces", "statut"]


def _datagouv_row(site: ListedSite) -> list[Any]:
    return [site.site_id, site.name, site.address, site.postcode, "Annecy", site.lat,
            site.lon, site.aps, site.status]


def datagouv_csv(listed: list[ListedSite], path: Path) -> Path:
    """A data.gouv.fr-style CSV: `,`, UTF-8, latitude/longitude columns."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DATAGOUV_HEADER)
        writer.writerows(_datagouv_row(s) for s in listed)
    return path


def datagouv_xlsx(listed: list[ListedSite], path: Path, sheet: str = "Bornes") -> Path:
    """The same list as a workbook, on a named sheet after a notes sheet."""
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notice"
    notes.append(["Liste des bornes Wi-Fi publiques, mise à jour mensuelle"])
    table = book.create_sheet(sheet)
    table.append(DATAGOUV_HEADER)
    for s in listed:
        table.append(_datagouv_row(s))
    book.save(path)
    return path


def town_config(tmp_path: Path, centre: tuple[float, float]) -> Path:
    """A config with one zone around the town's centre and no AP: the import fills it."""
    lat, lon = centre
    half = SPAN_DEG
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half]]
    doc = {"site": "Another town",
           "defaults": {"credentials": {"version": "2c", "community": "public-wifi"}},
           "zones": [{"id": "ville", "name": "Ville", "polygon": ring}]}
    path = tmp_path / "netmon.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path
