"""What a site's status word in a published hotspot list means: in service, closed or planned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from netmon.inventory.columns import normalised

Standing = Literal["in-service", "closed", "planned"]
STANDINGS: Final[tuple[Standing, ...]] = ("in-service", "closed", "planned")
MATCH_ORDER: Final[tuple[Standing, ...]] = ("closed", "planned", "in-service")
# The vocabulary of French towns' lists (docs/maps-and-report.md shows it as a table).
# Phrases are matched as whole words, closed and planned before in service: "non
# opérationnel" must not read as "opérationnel".
VOCABULARY: Final[dict[Standing, tuple[str, ...]]] = {
    "closed": ("ferme", "fermee", "fermeture", "travaux", "hors service", "hs", "en panne",
               "panne", "suspendu", "suspendue", "desactive", "desactivee", "inactif",
               "inactive", "retire", "retiree", "supprime", "supprimee", "demonte",
               "en maintenance", "maintenance", "indisponible", "non operationnel",
               "non actif", "pas en service", "arrete", "closed", "out of service", "down",
               "disabled", "removed"),
    "planned": ("en deploiement", "deploiement", "en cours de deploiement", "en etude",
                "etude", "a l etude", "projet", "en projet", "prevu", "prevue", "a venir",
                "planifie", "programme", "en cours d installation", "en installation",
                "a installer", "en construction", "planned", "proposed", "future"),
    "in-service": ("en service", "service", "operationnel", "operationnelle", "ouvert",
                   "ouverte", "actif", "active", "disponible", "fonctionnel", "en fonctionnement",
                   "en ligne", "deploye", "installe", "ok", "oui", "in service", "open",
                   "up", "live", "enabled"),
}


def _words(text: str) -> str:
    return f" {normalised(text).replace('_', ' ')} "


@dataclass(frozen=True, slots=True)
class StatusVocabulary:
    """The built-in phrases plus the user's (`--status-word WORD=STANDING`), which win."""

    extra: Mapping[str, Standing] = field(default_factory=dict)

    @classmethod
    def with_words(cls, pairs: Iterable[str]) -> StatusVocabulary:
        """`["En réflexion=planned"]` -> a vocabulary; ValueError names a bad pair."""
        extra: dict[str, Standing] = {}
        for pair in pairs:
            word, sep, standing = pair.rpartition("=")
            if not sep or not word.strip() or standing.strip() not in STANDINGS:
                raise ValueError(f"--status-word {pair!r}: write WORD=STANDING with STANDING "
                                 f"one of {', '.join(STANDINGS)}")
            extra[_words(word).strip()] = next(s for s in STANDINGS if s == standing.strip())
        return cls(extra)

    def standing(self, status: str) -> Standing | None:
        """The standing of a status word; None when no phrase of the vocabulary is in it."""
        words = _words(status)
        if words.strip() in self.extra:
            return self.extra[words.strip()]
        for phrase, standing in self.extra.items():
            if f" {phrase} " in words:
                return standing
        for standing in MATCH_ORDER:
            if any(f" {phrase} " in words for phrase in VOCABULARY[standing]):
                return standing
        return None
