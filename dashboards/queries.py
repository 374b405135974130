"""The panel queries of both flavours: InfluxQL for InfluxDB, PromQL for Prometheus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from grafana_foundation_sdk.builders import prometheus, testdata
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models.dashboard import DataSourceRef
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

FlavourName = Literal["influxdb", "prometheus"]
ResultFormat = Literal["time_series", "table"]
DATASOURCE_VARIABLE = "datasource"
INVENTORY_DATASOURCE = DataSourceRef(type_val="grafana-testdata-datasource",
                                     uid="netmon-inventory")
MIXED_DATASOURCE = DataSourceRef(type_val="datasource", uid="-- Mixed --")


class InfluxQLTarget(cogvariants.Dataquery):
    """A raw InfluxQL query of Grafana's InfluxDB data source (the SDK has no InfluxDB model)."""

    def __init__(self, ref_id: str, query: str, result_format: ResultFormat, alias: str | None,
                 datasource: DataSourceRef) -> None:
        self.ref_id, self.query, self.result_format = ref_id, query, result_format
        self.alias, self.datasource = alias, datasource

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "refId": self.ref_id, "datasource": self.datasource, "query": self.query,
            "rawQuery": True, "resultFormat": self.result_format}
        if self.alias is not None:
            payload["alias"] = self.alias
        return payload


class InfluxQLQuery(cogbuilder.Builder[cogvariants.Dataquery]):
    def __init__(self, target: InfluxQLTarget) -> None:
        self._target = target

    def build(self) -> cogvariants.Dataquery:
        return self._target


@dataclass(frozen=True, slots=True)
class Query:
    """One panel query written for both flavours; `build` picks the flavour's text."""

    influx: str
    prom: str
    legend: str | None = None  # InfluxQL alias ($tag_zone) or Prometheus legend ({{zone}})
    prom_legend: str | None = None
    table: bool = False
    instant: bool = False  # Prometheus: the value now, not a range
    interval: str | None = None  # Prometheus: the step, e.g. "1h"

    def build(self, flavour: FlavourName, ref_id: str
              ) -> cogbuilder.Builder[cogvariants.Dataquery]:
        source = datasource(flavour)
        if not (self.influx if flavour == "influxdb" else self.prom):
            raise ValueError(f"query {ref_id} has no {flavour} text")
        if flavour == "influxdb":
            return InfluxQLQuery(InfluxQLTarget(ref_id, self.influx,
                                                "table" if self.table else "time_series",
                                                self.legend, source))
        query = prometheus.Dataquery().expr(self.prom).ref_id(ref_id).datasource(source)
        if self.table:
            query = query.format(PromQueryFormat.TABLE)
        query = query.instant() if self.instant or self.table else query.range()
        if self.prom_legend is not None:
            query = query.legend_format(self.prom_legend)
        if self.interval is not None:
            query = query.interval(self.interval)
        return query


def datasource(flavour: FlavourName) -> DataSourceRef:
    """Panels use the dashboard's data source variable, so one JSON serves any instance."""
    return DataSourceRef(type_val=flavour, uid=f"${{{DATASOURCE_VARIABLE}}}")


def inventory_query(csv_text: str, ref_id: str) -> cogbuilder.Builder[cogvariants.Dataquery]:
    """The AP positions from the config, as a CSV frame of Grafana's TestData data source."""
    return (testdata.Dataquery().scenario_id("csv_content").csv_content(csv_text)
            .ref_id(ref_id).datasource(INVENTORY_DATASOURCE))
