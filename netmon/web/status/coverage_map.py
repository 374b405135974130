"""The offline coverage map (geo's Leaflet page) of the fleet as the page sees it, cached."""

from __future__ import annotations

import threading
import time

from netmon.config.models import NetmonConfig
from netmon.web.status.i18n import Language
from netmon.web.status.reader import NS_PER_S, StatusReader


class MapUnavailable(RuntimeError):
    """A map layer the config names cannot be read; the message says which and why."""


class CoverageMapPage:
    """Rebuilt at most every `keep_s` per language: the coverage model is the costly part."""

    def __init__(self, config: NetmonConfig, reader: StatusReader, keep_s: float) -> None:
        self.config = config
        self.reader = reader
        self.keep_s = keep_s
        self._lock = threading.Lock()
        self._pages: dict[Language, tuple[float, str]] = {}

    def html(self, language: Language, now_ns: int) -> str:
        with self._lock:
            cached = self._pages.get(language)
            if cached is not None and time.monotonic() - cached[0] < self.keep_s:
                return cached[1]
            page = self._render(language, now_ns)
            self._pages[language] = (time.monotonic(), page)
            return page

    def _render(self, language: Language, now_ns: int) -> str:
        # Imported here: geopandas and shapely load in about a second, once, on the first map.
        from geo.html_map import render_html_map
        from geo.vector_files import LayerError
        from netmon.maps.build import build_layers
        from netmon.maps.fleet_now import UPTIME_WINDOW_S, ApNow

        _, month = self.reader.availability(now_ns, UPTIME_WINDOW_S * NS_PER_S)
        fleet = {a.id: ApNow(a.status, None if a.clients is None else float(a.clients),
                             None if a.last_poll is None else int(a.last_poll.timestamp()
                                                                   * NS_PER_S),
                             month.get(a.id))
                 for a in self.reader.aps(now_ns)}
        config = self.config.model_copy(update={"language": language})
        try:
            layers = build_layers(config, now_ns, fleet=fleet,
                                  progress=self.reader.fibre_progress.current())
        except LayerError as exc:
            raise MapUnavailable(str(exc)) from exc
        return render_html_map(layers)
