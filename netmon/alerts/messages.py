"""Notices in words, in the town's language: what, where, since when, for how long, and a link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from netmon.alerts.notice import Notice
from netmon.config.models import NetmonConfig

NS_PER_S = 1_000_000_000
COLOURS = {"firing": {"info": "#2f80ed", "warning": "#f2994a", "critical": "#d0021b"},
           "resolved": {"info": "#27ae60", "warning": "#27ae60", "critical": "#27ae60"}}

TITLES = {
    "en": {
        "ap_down": "AP down: {name} ({zone})",
        "ap_up": "AP back up: {name} ({zone})",
        "zone_down": "Zone down: {zone} — {down} of {total} APs down",
        "zone_up": "Zone back up: {zone}",
        "flapping": "AP flapping: {name} ({zone})",
        "flapping_end": "AP stable again: {name} ({zone})",
        "rebooted": "AP rebooted: {name} ({zone})",
        "degraded": "AP answers without data: {name} ({zone})",
        "degraded_end": "AP data back: {name} ({zone})",
        "silent": "AP serves no one: {name} ({zone})",
        "silent_end": "AP serving again: {name} ({zone})",
        "zone_silent": "Zone serves no one: {zone} — {down} of {total} APs silent",
        "zone_silent_end": "Zone serving again: {zone}",
        "overload": "AP at capacity: {name} ({zone})",
        "overload_end": "AP below capacity again: {name} ({zone})",
        "zone_overload": "Zone at capacity: {zone}",
        "zone_overload_end": "Zone below capacity again: {zone}",
        "test": "Test message from netmon ({site})",
        "reminder": "Reminder {n}: ",
    },
    "fr": {
        "ap_down": "Borne hors service : {name} ({zone})",
        "ap_up": "Borne rétablie : {name} ({zone})",
        "zone_down": "Zone hors service : {zone} — {down} bornes sur {total} hors service",
        "zone_up": "Zone rétablie : {zone}",
        "flapping": "Borne instable : {name} ({zone})",
        "flapping_end": "Borne de nouveau stable : {name} ({zone})",
        "rebooted": "Borne redémarrée : {name} ({zone})",
        "degraded": "Borne sans données : {name} ({zone})",
        "degraded_end": "Données de la borne rétablies : {name} ({zone})",
        "silent": "Borne muette : {name} ({zone})",
        "silent_end": "Borne de nouveau utilisée : {name} ({zone})",
        "zone_silent": "Zone muette : {zone} — {down} bornes sur {total} sans aucun client",
        "zone_silent_end": "Zone de nouveau utilisée : {zone}",
        "overload": "Borne saturée : {name} ({zone})",
        "overload_end": "Borne de nouveau sous son seuil : {name} ({zone})",
        "zone_overload": "Zone saturée : {zone}",
        "zone_overload_end": "Zone de nouveau sous son seuil : {zone}",
        "test": "Message de test de netmon ({site})",
        "reminder": "Rappel {n} : ",
    },
}
TEXTS = {
    "en": {
        "ap_down": "{name} ({ap}) stopped answering at {since}.",
        "ap_up": "{name} ({ap}) answers again since {ended}; it was down for {duration} "
                 "(since {since}).",
        "zone_down": "{down} of the {total} APs of {zone} are down since {since}.",
        "zone_up": "{zone} is back after {duration} (down since {since}); {down} of {total} "
                   "APs still down.",
        "flapping": "{name} ({ap}) keeps going up and down ({cause}); its up/down pages are "
                    "held until it has been stable for a while.",
        "flapping_end": "{name} ({ap}) has been stable since its last change; it is {state}.",
        "rebooted": "{name} ({ap}) restarted at {since}; it answers again.",
        "degraded": "{name} ({ap}) answers SNMP since {since} but without the figures its "
                    "profile reads (uptime, clients or traffic): not an outage, but what "
                    "netmon shows of it is incomplete.",
        "degraded_end": "{name} ({ap}) gives its figures again since {ended} (missing for "
                        "{duration}).",
        "silent": "{name} ({ap}) answers but serves no one since {since}: its clients or "
                  "radios are gone while its own history expects the public.",
        "silent_end": "{name} ({ap}) serves clients again since {ended} (silent for "
                      "{duration}).",
        "zone_silent": "{down} of the {total} APs of {zone} answer but serve no one since "
                       "{since}.",
        "zone_silent_end": "{zone} serves clients again after {duration} (silent since "
                           "{since}).",
        "overload": "{name} ({ap}) is at capacity since {since}.",
        "overload_end": "{name} ({ap}) is below its capacity threshold again (busy for "
                        "{duration}).",
        "zone_overload": "{zone} is at capacity since {since}.",
        "zone_overload_end": "{zone} is below its capacity threshold again (busy for "
                             "{duration}).",
        "test": "If you read this, netmon reaches this channel. Sent at {now}.",
        "cause": "Cause: {cause}",
        "address": "Address: {address}",
        "status": "Status page: {url}",
        "maintenance_over": "Still down after its maintenance window ended.",
        "zone_recovered": "Still down after the rest of its zone came back.",
        "up": "up", "down": "down", "unknown": "unknown",
    },
    "fr": {
        "ap_down": "{name} ({ap}) ne répond plus depuis {since}.",
        "ap_up": "{name} ({ap}) répond de nouveau depuis {ended} ; coupure de {duration} "
                 "(depuis {since}).",
        "zone_down": "{down} des {total} bornes de {zone} sont hors service depuis {since}.",
        "zone_up": "{zone} est rétablie après {duration} (coupure depuis {since}) ; {down} "
                   "bornes sur {total} encore hors service.",
        "flapping": "{name} ({ap}) ne cesse de tomber et revenir ({cause}) ; ses alertes sont "
                    "suspendues jusqu'à ce qu'elle soit stable.",
        "flapping_end": "{name} ({ap}) est stable depuis son dernier changement ; état : {state}.",
        "rebooted": "{name} ({ap}) a redémarré à {since} ; elle répond de nouveau.",
        "degraded": "{name} ({ap}) répond en SNMP depuis {since} mais sans les valeurs que "
                    "son profil lit (durée de fonctionnement, clients ou trafic) : ce n'est "
                    "pas une coupure, mais ce que netmon en montre est incomplet.",
        "degraded_end": "{name} ({ap}) donne de nouveau ses valeurs depuis {ended} (absentes "
                        "pendant {duration}).",
        "silent": "{name} ({ap}) répond mais ne sert plus personne depuis {since} : ses "
                  "clients ou ses radios ont disparu alors que son historique attend du "
                  "public.",
        "silent_end": "{name} ({ap}) sert de nouveau des clients depuis {ended} (muette "
                      "pendant {duration}).",
        "zone_silent": "{down} des {total} bornes de {zone} répondent mais ne servent "
                       "personne depuis {since}.",
        "zone_silent_end": "{zone} sert de nouveau des clients après {duration} (muette "
                           "depuis {since}).",
        "overload": "{name} ({ap}) est saturée depuis {since}.",
        "overload_end": "{name} ({ap}) est de nouveau sous son seuil (saturée pendant "
                        "{duration}).",
        "zone_overload": "{zone} est saturée depuis {since}.",
        "zone_overload_end": "{zone} est de nouveau sous son seuil (saturée pendant "
                             "{duration}).",
        "test": "Si vous lisez ceci, netmon atteint ce canal. Envoyé à {now}.",
        "cause": "Cause : {cause}",
        "address": "Adresse : {address}",
        "status": "Page d'état : {url}",
        "maintenance_over": "Toujours hors service après la fin de sa fenêtre de maintenance.",
        "zone_recovered": "Toujours hors service alors que le reste de sa zone est rétabli.",
        "up": "en service", "down": "hors service", "unknown": "inconnu",
    },
}


@dataclass(frozen=True, slots=True)
class Message:
    """One notice in words; every channel takes what it needs."""

    title: str
    lines: list[str]
    facts: list[tuple[str, str]]
    severity: str
    status: str
    colour: str
    link: str | None
    notice: Notice
    site: str
    names: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def duration_text(seconds: float) -> str:
    """45 s, 12 min, 2 h 05 min, 3 d 4 h."""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    minutes, hours, days = s // 60, s // 3600, s // 86400
    if hours == 0:
        return f"{minutes} min"
    if days == 0:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{days} d {hours % 24} h"


class MessageWriter:
    """Renders notices with the names, addresses, language and time zone of the config."""

    def __init__(self, config: NetmonConfig) -> None:
        self.language = config.language
        self.tz = ZoneInfo(config.timezone)
        self.site = config.site
        self.status_url = str(config.alerts.status_url) if config.alerts.status_url else None
        self.aps = {ap.id: ap for ap in config.aps}
        self.zone_names = {z.id: z.name for z in config.zones}

    def when(self, time_ns: int | None) -> str:
        if time_ns is None:
            return "?"
        moment = datetime.fromtimestamp(time_ns / NS_PER_S, self.tz)
        return moment.strftime("%Y-%m-%d %H:%M:%S %Z")

    def render(self, notice: Notice) -> Message:
        words = TEXTS[self.language]
        ap = self.aps.get(notice.subject_id) if notice.subject == "ap" else None
        zone = self.zone_names.get(notice.zone, notice.zone)
        values = {
            "name": ap.name if ap else notice.subject_id, "ap": notice.subject_id,
            "zone": zone, "site": self.site, "down": notice.down, "total": notice.total,
            "since": self.when(notice.since_ns), "ended": self.when(notice.ended_ns),
            "now": self.when(notice.time_ns), "cause": notice.cause or "",
            "duration": duration_text(notice.duration_s or 0),
            "state": words.get((notice.cause or "").removeprefix("now "), ""),
        }
        title = TITLES[self.language][notice.kind].format(**values)
        if notice.reminder:
            title = TITLES[self.language]["reminder"].format(n=notice.reminder) + title
        lines = [words[notice.kind].format(**values)]
        if notice.note in ("maintenance_over", "zone_recovered"):
            lines.append(words[notice.note])
        if notice.cause and notice.kind in ("ap_down", "zone_down", "degraded", "silent",
                                            "zone_silent", "overload", "zone_overload"):
            lines.append(words["cause"].format(cause=notice.cause))
        if ap is not None and ap.address:
            lines.append(words["address"].format(address=ap.address))
        if self.status_url:
            lines.append(words["status"].format(url=self.status_url))
        facts = [("site", self.site), ("zone", zone)]
        if ap is not None:
            facts.append(("ap", f"{ap.name} ({ap.id})"))
        if notice.since_ns is not None and notice.kind != "test":
            facts.append(("since", self.when(notice.since_ns)))
        if notice.status == "resolved":
            facts.append(("duration", duration_text(notice.duration_s or 0)))
        return Message(title, lines, facts, notice.severity, notice.status,
                       COLOURS[notice.status][notice.severity], self.status_url, notice,
                       self.site, {"ap_name": ap.name if ap else "", "zone_name": zone,
                                   "address": (ap.address or "") if ap else ""})
