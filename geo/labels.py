"""The words on the maps, in French and English, and numbers/dates in the reader's locale."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

Language = Literal["fr", "en"]

LABELS: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "coverage_title": "Couverture du Wi-Fi public — {site}",
        "fibre_title": "Déploiement de la fibre — {site}",
        "as_of": "État au {when}",
        "up": "en service",
        "down": "hors service",
        "unknown": "état inconnu",
        "disabled": "désactivée",
        "maintenance": "en maintenance",
        "aps": "Bornes Wi-Fi",
        "coverage": "Zone couverte",
        "zones": "Zones",
        "water": "Plan d'eau",
        "fibre": "Fibre (% raccordable : locaux, ou bâtiments d'après la base_imb)",
        "buildings": "Immeubles (fibre)",
        "connectable": "raccordable",
        "planned": "prévu",
        "abandoned": "abandonné",
        "clients": "clients",
        "clients_now": "Clients connectés",
        "status": "État",
        "uptime_30d": "Disponibilité 30 jours",
        "covered": "couverte",
        "of_land": "de la surface (hors eau)",
        "connectable_pct": "raccordables",
        "no_data": "pas de données",
        "assumed": "supposée en service",
        "unlabelled": "{n} zone(s) sans étiquette faute de place (voir le tableau des zones)",
        "outliers": "{n} point(s) à plus de {km} km hors cadre : {ids}",
        "min_disc": "couverture tracée au moins {px} px au-delà de chaque borne pour rester "
                    "visible",
        "sources": "Sources",
        "model_radius": "rayon par borne",
        "model_pathloss": "modèle de propagation log-distance, seuil {threshold} dBm",
        "counted": "{n} bornes comptées",
        "what_if": "simulation sans : {aps}",
        "assumed_up": "toutes les bornes supposées en service",
        "north": "N",
        "address": "Adresse",
        "zone": "Zone",
        "as_of_day": "au {day}",
        "no_fibre": "Aucune donnée fibre importée",
        "src_milestones": "suivi du déploiement FttH",
        "src_arcep-communes": "ARCEP, déploiement par commune",
        "src_arcep-buildings": "ARCEP, base_imb",
        "no_basemap": "sans fond de carte",
        "no_polls": "aucun relevé récent (netmon run arrêté ?) : --assume-up montre la "
                    "couverture déployée",
    },
    "en": {
        "coverage_title": "Public Wi-Fi coverage — {site}",
        "fibre_title": "Fibre rollout — {site}",
        "as_of": "As of {when}",
        "up": "up",
        "down": "down",
        "unknown": "unknown",
        "disabled": "disabled",
        "maintenance": "maintenance",
        "aps": "Wi-Fi access points",
        "coverage": "Covered area",
        "zones": "Zones",
        "water": "Water",
        "fibre": "Fibre (% connectable: premises, or buildings from base_imb)",
        "buildings": "Buildings (fibre)",
        "connectable": "connectable",
        "planned": "planned",
        "abandoned": "abandoned",
        "clients": "clients",
        "clients_now": "Clients now",
        "status": "Status",
        "uptime_30d": "Uptime, 30 days",
        "covered": "covered",
        "of_land": "of the land area",
        "connectable_pct": "connectable",
        "no_data": "no data",
        "assumed": "assumed up",
        "unlabelled": "{n} zone(s) without a label for lack of room (see the zone table)",
        "outliers": "{n} point(s) over {km} km away left out of the frame: {ids}",
        "min_disc": "coverage drawn at least {px} px beyond each AP to stay visible",
        "sources": "Sources",
        "model_radius": "radius per AP",
        "model_pathloss": "log-distance propagation model, threshold {threshold} dBm",
        "counted": "{n} APs counted",
        "what_if": "what if without: {aps}",
        "assumed_up": "every AP assumed up",
        "north": "N",
        "address": "Address",
        "zone": "Zone",
        "as_of_day": "on {day}",
        "no_fibre": "No fibre data imported",
        "src_milestones": "FTTH rollout tracking",
        "src_arcep-communes": "ARCEP, rollout per commune",
        "src_arcep-buildings": "ARCEP, base_imb",
        "no_basemap": "no basemap",
        "no_polls": "no recent poll (is netmon run stopped?): --assume-up shows the coverage "
                    "as deployed",
    },
}


def label(language: Language, key: str, **values: object) -> str:
    return LABELS[language][key].format(**values)


def number(value: float, language: Language, digits: int = 1) -> str:
    """`99,4` in French, `99.4` in English; thousands grouped."""
    from babel.numbers import format_decimal

    return str(format_decimal(round(value, digits), format=f"#,##0.{'0' * digits}"
                              if digits else "#,##0", locale=language))


def percent(value: float | None, language: Language, digits: int = 1) -> str:
    if value is None or value != value:
        return "–"
    return f"{number(value, language, digits)}\u00a0%"


def percent_or_no_data(value: float | None, language: Language, digits: int = 1) -> str:
    """A figure nothing was measured for says so: `pas de données`, never `–` or `0 %`."""
    if value is None or value != value:
        return label(language, "no_data")
    return percent(value, language, digits)


def covered_text(value: float | None, language: Language) -> str:
    """`42,0 %`, or `pas de données` when nothing was polled (never a false `0,0 %`)."""
    if value is None or value != value:
        return label(language, "no_data")
    return f"{percent(value, language)} {label(language, 'covered')}"


def when(moment: datetime, language: Language) -> str:
    """`12 novembre 2026 à 14:05` / `12 November 2026, 14:05` (in the moment's own zone)."""
    from babel.dates import format_datetime

    pattern = "d MMMM y 'à' HH:mm" if language == "fr" else "d MMMM y, HH:mm"
    return str(format_datetime(moment, pattern, locale=language))


def day(moment: datetime, language: Language) -> str:
    from babel.dates import format_date

    return str(format_date(moment, "d MMMM y", locale=language))
