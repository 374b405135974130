"""Which column of a published hotspot list holds what: French open-data names, or the user's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

ROLES: Final = ("id", "name", "address", "lat", "lon", "point", "count", "status")
# Normalised header names seen in French towns' lists (Opendatasoft portals, data.gouv.fr).
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "site_id", "id_site", "idsite", "code_site", "code", "identifiant",
           "identifiant_site", "num_site", "numero_site", "ref", "reference"),
    "name": ("nom_site", "nom_du_site", "nom", "name", "site", "libelle", "designation",
             "nom_du_hotspot", "hotspot"),
    "address": ("adresse", "adresse_postale", "address", "adr", "localisation", "lieu",
                "adresse_du_site"),
    "lat": ("lat", "latitude", "y_wgs84", "coord_y", "y", "lat_wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "x_wgs84", "coord_x", "x", "lon_wgs84"),
    "point": ("geo_point_2d", "geo_point", "geopoint", "coordonnees", "coordonnees_gps",
              "coordinates", "wgs84", "position", "geo_shape", "geometry", "geometrie"),
    "count": ("nombre_de_bornes", "nb_bornes", "nombre_bornes", "nbre_bornes", "bornes",
              "nb_ap", "nombre_ap", "nb_points_d_acces", "nombre_de_points_d_acces",
              "nombre_de_points_d_acces_wifi", "aps", "count"),
    "status": ("etat_du_site", "etat_site", "etat", "statut", "status", "etat_de_la_borne"),
}
# Status words (normalised) of a site that is not in service: its APs are imported disabled.
INACTIVE_WORDS: Final = ("ferme", "hors_service", "inactif", "inactive", "closed", "travaux",
                         "projet", "prevu", "planned", "suspendu", "desactive", "retire",
                         "down", "en_panne")


def normalised(text: str) -> str:
    """`Nombre de bornes` -> `nombre_de_bornes`: lower case, no accents, words joined by _."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def inactive(status: str) -> bool:
    words = normalised(status)
    return any(word in words for word in INACTIVE_WORDS)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """The header each role was found under (None: the list has no such column)."""

    id: str | None
    name: str | None
    address: str | None
    lat: str | None
    lon: str | None
    point: str | None
    count: str | None
    status: str | None

    @classmethod
    def detect(cls, headers: Iterable[str], given: Mapping[str, str | None]) -> ColumnMap:
        """Columns named by the user (`given`, role -> header) win; others by their alias.

        Raises ValueError when a header the user named is not in the list.
        """
        headers = list(headers)
        by_norm = {normalised(h): h for h in reversed(headers)}
        found: dict[str, str | None] = {}
        for role in ROLES:
            wanted = given.get(role)
            if wanted is not None:
                if wanted not in headers:
                    raise ValueError(f"--{role}-column {wanted!r}: no such column "
                                     f"(columns: {', '.join(headers)})")
                found[role] = wanted
                continue
            found[role] = next((by_norm[a] for a in ALIASES[role] if a in by_norm), None)
        return cls(**found)
