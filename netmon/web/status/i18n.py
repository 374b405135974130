"""The page's words in French and English, and numbers, dates and durations as each writes them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal

from babel.dates import format_datetime, format_timedelta, get_timezone
from babel.numbers import format_decimal

Language = Literal["fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fr", "en")
LOCALES: Final[dict[Language, str]] = {"fr": "fr_FR", "en": "en_GB"}

TEXT: Final[dict[Language, dict[str, str]]] = {
    "en": {
        "title": "{site}: public Wi-Fi status",
        "updated": "Updated {when}; refreshes every {seconds} s.",
        "fleet": "Access points", "zones": "Zones", "incidents": "Incidents",
        "current_incidents": "Current incidents", "recent_incidents": "Recent incidents",
        "map": "Coverage map", "fibre": "Fibre rollout",
        "ap": "AP", "zone": "Zone", "status": "Status", "clients": "Clients",
        "uptime": "Up since", "availability": "Available (24 h)", "last_seen": "Last seen",
        "all_zones": "All zones", "filter": "Zone",
        "up": "up", "down": "down", "unknown": "unknown", "disabled": "disabled",
        "maintenance": "maintenance",
        "aps": "APs", "aps_up": "up", "aps_down": "down",
        "kind": "Kind", "subject": "Subject", "start": "Start", "end": "End",
        "duration": "Duration", "cause": "Cause", "ongoing": "ongoing",
        "ap_down": "AP down", "zone_down": "zone down", "flapping": "flapping",
        "usage": "Usage",
        "silent": "serves no one", "zone_silent": "zone serves no one",
        "overload": "at capacity", "zone_overload": "zone at capacity",
        "silent_hint": "Answers, but 0 clients while its own history expects some, or a "
                       "radio or SSID out of service.",
        "degraded": "no data",
        "degraded_hint": "Answers, but without the uptime, clients or traffic its profile "
                         "reads: check its profile (netmon probe).",
        "no_incident": "No incident.", "no_current": "No current incident.",
        "no_fibre": "No fibre figures imported.", "never": "never",
        "connectable": "Premises connectable", "plan": "Plan", "projection": "Completion",
        "as_of": "As of", "ago": "{delta} ago",
        "summary": "{up} of {total} APs up, {down} down; {clients} Wi-Fi clients now.",
        "api": "JSON API", "map_note": "Offline map: no tiles, positions from the inventory.",
        "sort_hint": "Click a column heading to sort.",
        "no_data": "No data yet: no poller has written the database so far.",
    },
    "fr": {
        "title": "{site} : état du Wi-Fi public",
        "updated": "Mis à jour {when} ; actualisé toutes les {seconds} s.",
        "fleet": "Bornes", "zones": "Zones", "incidents": "Incidents",
        "current_incidents": "Incidents en cours", "recent_incidents": "Incidents récents",
        "map": "Carte de couverture", "fibre": "Déploiement de la fibre",
        "ap": "Borne", "zone": "Zone", "status": "État", "clients": "Clients",
        "uptime": "En service depuis", "availability": "Disponibilité (24 h)",
        "last_seen": "Dernière réponse",
        "all_zones": "Toutes les zones", "filter": "Zone",
        "up": "en service", "down": "hors service", "unknown": "inconnu",
        "disabled": "désactivée", "maintenance": "en maintenance",
        "aps": "Bornes", "aps_up": "en service", "aps_down": "hors service",
        "kind": "Type", "subject": "Objet", "start": "Début", "end": "Fin",
        "duration": "Durée", "cause": "Cause", "ongoing": "en cours",
        "ap_down": "borne hors service", "zone_down": "zone hors service",
        "flapping": "instable",
        "usage": "Fréquentation",
        "silent": "muette", "zone_silent": "zone muette",
        "overload": "saturée", "zone_overload": "zone saturée",
        "silent_hint": "Répond, mais aucun client alors que son historique en attend, ou une "
                       "radio ou un SSID hors service.",
        "degraded": "sans données",
        "degraded_hint": "Répond, mais sans la durée de fonctionnement, les clients ou le "
                         "trafic que son profil lit : vérifier son profil (netmon probe).",
        "no_incident": "Aucun incident.", "no_current": "Aucun incident en cours.",
        "no_fibre": "Aucun chiffre fibre importé.", "never": "jamais",
        "connectable": "Locaux raccordables", "plan": "Objectif", "projection": "Achèvement",
        "as_of": "Au", "ago": "il y a {delta}",
        "summary": "{up} bornes sur {total} en service, {down} hors service ; "
                   "{clients} clients Wi-Fi en ce moment.",
        "api": "API JSON", "map_note": "Carte hors ligne : sans fond de plan, positions de "
                                      "l'inventaire.",
        "sort_hint": "Cliquer sur un titre de colonne pour trier.",
        "no_data": "Pas encore de données : aucun collecteur n'a encore écrit la base.",
    },
}


class Words:
    """Everything the template needs to write one language."""

    def __init__(self, language: Language, timezone: str) -> None:
        self.language = language
        self.locale = LOCALES[language]
        self.timezone = get_timezone(timezone)

    def __call__(self, key: str, **values: object) -> str:
        return TEXT[self.language][key].format(**values)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        return format_decimal(round(value, digits), locale=self.locale)

    def percent(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return "—"
        return f"{format_decimal(round(value, digits), locale=self.locale)} %"

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        return format_timedelta(timedelta(seconds=seconds), threshold=1.1, locale=self.locale)

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return self("never")
        return format_datetime(moment, "short", tzinfo=self.timezone, locale=self.locale)

    def ago(self, moment: datetime | None, now: datetime) -> str:
        if moment is None:
            return self("never")
        return self("ago", delta=self.duration(max((now - moment).total_seconds(), 0.0)))
