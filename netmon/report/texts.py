"""The report's words in French and English."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "title": "Wi-Fi public et fibre",
        "subtitle": "Rapport au comité — période du {start} au {end}",
        "generated": "Établi le {when} par netmon",
        "summary": "Synthèse",
        "s_fleet": "{aps} bornes Wi-Fi ({up} en service, {down} hors service, {unknown} sans "
                   "nouvelles au {when}).",
        "s_coverage": "Couverture (bornes déployées) : {zones}.",
        "s_uptime": "Disponibilité sur la période : {pct} ; {incidents} incident(s), "
                    "{down} d'interruption cumulée (bornes × durée).",
        "s_usage": "Fréquentation : {mean} clients simultanés en moyenne ; pointe de {peak} "
                   "clients le {peak_when} ; heures les plus chargées : {hours}.",
        "s_no_usage": "Fréquentation : aucune mesure sur la période.",
        "s_fibre": "Fibre : {pct} des locaux raccordables ({zone}, {day}){plan}.",
        "s_fibre_plan": " ; objectif du plan à cette date : {plan}",
        "s_no_fibre": "Fibre : aucune donnée importée.",
        "coverage": "Couverture",
        "coverage_intro": "Surface de chaque zone (plans d'eau exclus) où le Wi-Fi public est "
                          "reçu. « Déployée » compte toutes les bornes actives ; « maintenant » "
                          "seulement celles en service au dernier relevé. Méthode : {model}.",
        "zone": "Zone", "land": "Surface (km²)", "deployed": "Couverture déployée",
        "now": "Couverture maintenant", "aps": "Bornes",
        "availability": "Disponibilité",
        "availability_intro": "Temps de fonctionnement sur la période, hors fenêtres de "
                              "maintenance ; le temps non surveillé compte comme disponible.",
        "uptime": "Disponibilité", "down_time": "Interruption", "incidents": "Incidents",
        "longest": "Plus longue", "worst_aps": "Bornes les moins disponibles",
        "no_worst": "Aucune borne n'a été interrompue sur la période.",
        "no_availability": "Pas de données : aucun relevé sur la période "
                           "(netmon run arrêté ?).",
        "ap": "Borne", "name": "Nom",
        "incidents_title": "Incidents",
        "no_incidents": "Aucun incident sur la période.",
        "start": "Début", "end": "Fin", "duration": "Durée", "kind": "Type", "subject": "Objet",
        "cause": "Cause", "ongoing": "en cours", "planned": "prévu",
        "k_ap_down": "borne hors service", "k_zone_down": "zone hors service",
        "k_flapping": "instable",
        "more_incidents": "… et {n} autre(s) : `netmon uptime` les liste tous.",
        "usage": "Fréquentation",
        "usage_intro": "Nombre moyen d'appareils connectés simultanément (somme des bornes de "
                       "la zone), d'après les relevés SNMP. netmon ne compte que des nombres : "
                       "aucune adresse ni identité d'appareil n'est conservée.",
        "by_hour": "Par heure de la journée", "by_week": "Par semaine",
        "peak_hours": "Heures de pointe", "mean_clients": "Clients simultanés (moyenne)",
        "peak_clients": "Pointe horaire", "hour": "Heure", "week": "Semaine",
        "no_usage": "Aucune mesure de fréquentation sur la période.",
        "heatmap": "Par heure de la semaine",
        "heatmap_intro": "Clients simultanés en moyenne pour chaque heure de chaque jour de la "
                         "semaine (heure locale), par zone ; en gris : aucun relevé.",
        "heatmap_axis": "Heure (locale)",
        "weekdays": "lun.,mar.,mer.,jeu.,ven.,sam.,dim.",
        "by_month": "Par mois", "month": "Mois", "peak": "Pointe (clients)",
        "peak_at": "Heure de pointe", "traffic": "Trafic",
        "month_note": "Pointe : l'heure la plus chargée du mois (moyenne des clients "
                      "simultanés sur l'heure, somme des bornes de la zone). Trafic : débit "
                      "moyen reçu + émis (rx_bps + tx_bps) de chaque borne pour chaque heure "
                      "× 3 600 s ÷ 8, en octets, sommé sur les bornes de la zone et les heures "
                      "du mois ; une heure sans relevé ne compte pas.",
        "ap_use": "Bornes les plus et les moins utilisées",
        "ap_use_intro": "Moyenne des clients simultanés et trafic total sur la période, et "
                        "l'heure de la semaine où la borne est la plus chargée.",
        "top_aps": "Les plus utilisées", "bottom_aps": "Les moins utilisées",
        "clients_mean": "Clients (moyenne)", "busiest_slot": "Heure la plus chargée",
        "silent_aps": "Pas de données sur la période pour : {aps}.",
        "busiest_slots": "Heures les plus chargées de la semaine (toutes zones)",
        "slot": "Heure", "byte_units": "o,ko,Mo,Go,To",
        "fibre": "Fibre optique",
        "fibre_intro": "Part des locaux raccordables à la fibre (FttH), d'après les fichiers "
                       "importés (la base_imb de l'ARCEP compte des bâtiments, les autres "
                       "sources des locaux) ; projection à la tendance des derniers "
                       "trimestres.",
        "as_of": "Au", "premises": "Total", "connectable": "Raccordables", "pct": "%",
        "unit_premises": "locaux", "unit_buildings": "bâtiments",
        "plan": "Plan", "gap": "Écart", "projection": "Achèvement projeté",
        "complete": "atteint le {day}", "not_enough": "données insuffisantes",
        "no_progress": "pas de progression récente",
        "fibre_progress": "Évolution de la part de locaux raccordables",
        "no_fibre": "Aucune donnée fibre importée (voir `netmon fibre import`).",
        "methods": "Méthodes et sources",
        "methods_text": "Bornes et état : relevés SNMP de netmon. Couverture : {model}. "
                        "Disponibilité : registre des incidents de netmon. Sources : {sources}.",
        "page": "Page",
    },
    "en": {
        "title": "Public Wi-Fi and fibre",
        "subtitle": "Committee report — {start} to {end}",
        "generated": "Made on {when} by netmon",
        "summary": "Summary",
        "s_fleet": "{aps} Wi-Fi access points ({up} up, {down} down, {unknown} not heard from, "
                   "as of {when}).",
        "s_coverage": "Coverage (APs as deployed): {zones}.",
        "s_uptime": "Uptime over the period: {pct}; {incidents} incident(s), {down} of outage "
                    "in total (APs × time).",
        "s_usage": "Usage: {mean} concurrent clients on average; peak of {peak} clients on "
                   "{peak_when}; busiest hours: {hours}.",
        "s_no_usage": "Usage: no measurement in the period.",
        "s_fibre": "Fibre: {pct} of premises connectable ({zone}, {day}){plan}.",
        "s_fibre_plan": "; the plan says {plan} by then",
        "s_no_fibre": "Fibre: no data imported.",
        "coverage": "Coverage",
        "coverage_intro": "Share of each zone's land (water excluded) where the public Wi-Fi "
                          "is heard. \"Deployed\" counts every enabled AP; \"now\" only those "
                          "up at the last poll. Method: {model}.",
        "zone": "Zone", "land": "Land (km²)", "deployed": "Coverage deployed",
        "now": "Coverage now", "aps": "APs",
        "availability": "Availability",
        "availability_intro": "Time up over the period, maintenance windows excluded; time "
                              "netmon did not watch counts as up.",
        "uptime": "Uptime", "down_time": "Down", "incidents": "Incidents",
        "longest": "Longest", "worst_aps": "Least available APs",
        "no_worst": "No AP was down in the period.",
        "no_availability": "No data: nothing was polled in the period (is netmon run stopped?).",
        "ap": "AP", "name": "Name",
        "incidents_title": "Incidents",
        "no_incidents": "No incident in the period.",
        "start": "Start", "end": "End", "duration": "Duration", "kind": "Kind",
        "subject": "Subject", "cause": "Cause", "ongoing": "ongoing", "planned": "planned",
        "k_ap_down": "AP down", "k_zone_down": "zone down", "k_flapping": "flapping",
        "more_incidents": "… and {n} more: `netmon uptime` lists them all.",
        "usage": "Usage",
        "usage_intro": "Average number of devices connected at once (sum over the zone's "
                       "APs), from the SNMP polls. netmon keeps counts only: no device "
                       "address or identity is stored.",
        "by_hour": "By hour of the day", "by_week": "By week",
        "peak_hours": "Peak hours", "mean_clients": "Concurrent clients (mean)",
        "peak_clients": "Busiest hour", "hour": "Hour", "week": "Week",
        "no_usage": "No usage measurement in the period.",
        "heatmap": "By hour of the week",
        "heatmap_intro": "Mean concurrent clients for each hour of each day of the week "
                         "(local time), per zone; grey: nothing polled.",
        "heatmap_axis": "Hour (local time)",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "by_month": "By month", "month": "Month", "peak": "Peak (clients)",
        "peak_at": "Peak hour", "traffic": "Traffic",
        "month_note": "Peak: the month's busiest hour (concurrent clients averaged over the "
                      "hour, summed over the zone's APs). Traffic: each AP's mean received + "
                      "sent rate (rx_bps + tx_bps) in each hour × 3,600 s ÷ 8, in bytes, "
                      "summed over the zone's APs and the month's hours; an hour nothing was "
                      "polled in counts for nothing.",
        "ap_use": "Most and least used APs",
        "ap_use_intro": "Mean concurrent clients and total traffic over the period, and the "
                        "hour of the week each AP is busiest.",
        "top_aps": "Most used", "bottom_aps": "Least used",
        "clients_mean": "Clients (mean)", "busiest_slot": "Busiest hour",
        "silent_aps": "No data in the period for: {aps}.",
        "busiest_slots": "Busiest hours of the week (all zones)",
        "slot": "Hour", "byte_units": "B,kB,MB,GB,TB",
        "fibre": "Fibre",
        "fibre_intro": "Share of premises that can order an FTTH line, from the imported "
                       "files (ARCEP's base_imb counts buildings, the other sources premises); "
                       "projection at the trend of the last quarters.",
        "as_of": "As of", "premises": "Total", "connectable": "Connectable", "pct": "%",
        "unit_premises": "premises", "unit_buildings": "buildings",
        "plan": "Plan", "gap": "Gap", "projection": "Projected completion",
        "complete": "reached on {day}", "not_enough": "not enough data",
        "no_progress": "no recent progress",
        "fibre_progress": "Share of premises connectable over time",
        "no_fibre": "No fibre data imported (see `netmon fibre import`).",
        "methods": "Methods and sources",
        "methods_text": "APs and their state: netmon's SNMP polls. Coverage: {model}. "
                        "Availability: netmon's incident record. Sources: {sources}.",
        "page": "Page",
    },
}


def text(language: str, key: str, **values: object) -> str:
    return TEXTS[language][key].format(**values)
