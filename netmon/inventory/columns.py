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
# Word rules for headers no alias names (e.g. Paris's `idpw`, `etat2`,
# `nombre_de_borne_wifi`): a header matches a role when one of its words starts with a stem
# of `first` and, for `count`, another word starts with a stem of `also`.
STEMS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "id": (("id", "identifiant", "ident", "code", "ref", "num"), ()),
    "name": (("nom", "name", "libelle", "designation", "intitule", "denomination"), ()),
    "address": (("adresse", "adr", "address", "voie", "rue"), ()),
    "lat": (("lat",), ()),
    "lon": (("lon", "lng"), ()),
    "point": (("geo", "coord", "position"), ()),
    "count": (("nb", "nbr", "nbre", "nombre", "count", "total", "quantite", "qte"),
              ("borne", "ap", "point", "acces", "hotspot", "antenne", "emetteur", "wifi",
               "equipement")),
    "status": (("etat", "statut", "status", "state", "situation"), ()),
}
# Words that say a header is something else: a postcode is not a site code.
NOT_ID: Final = ("postal", "insee", "commune", "cp", "departement", "dataset", "record",
                  "voie", "rue", "tel")


def normalised(text: str) -> str:
    """`Nombre de bornes` -> `nombre_de_bornes`: lower case, no accents, words joined by _."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def _matches(role: str, header: str) -> bool:
    words = normalised(header).split("_")
    first, also = STEMS[role]
    if role == "id" and any(w.startswith(NOT_ID) for w in words):
        return False
    hit = [w for w in words if w.startswith(first)]
    if not hit:
        return False
    return not also or any(w.startswith(also) for w in words if w not in hit)


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
        used = {h for h in found.values() if h is not None}
        for role in ROLES:
            if found[role] is None and given.get(role) is None:
                header = next((h for h in headers if h not in used and _matches(role, h)), None)
                if header is not None:
                    found[role] = header
                    used.add(header)
        return cls(**found)

    def missing(self) -> list[str]:
        """Roles no column was found for."""
        return [role for role in ROLES if getattr(self, role) is None]

    def unused(self, headers: Iterable[str]) -> list[str]:
        """Headers of the list that no role reads."""
        used = {getattr(self, role) for role in ROLES}
        return [h for h in headers if h not in used]
