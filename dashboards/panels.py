"""Panels as netmon's dashboards use them: a title, queries of both flavours, a unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    heatmap,
    stat,
    statetimeline,
    table,
    timeseries,
)
from grafana_foundation_sdk.builders.common import (
    ReduceDataOptions,
    VizLegendOptions,
    VizTooltipOptions,
)
from grafana_foundation_sdk.builders.dashboard import ThresholdsConfig
from grafana_foundation_sdk.models.common import (
    AxisPlacement,
    BarGaugeDisplayMode,
    BigValueColorMode,
    BigValueGraphMode,
    HeatmapCellLayout,
    LegendDisplayMode,
    LegendPlacement,
    SortOrder,
    TooltipDisplayMode,
    VisibilityMode,
)
from grafana_foundation_sdk.models.dashboard import (
    DataTransformerConfig,
    Threshold,
    ThresholdsMode,
    ValueMap,
    ValueMappingResult,
)
from grafana_foundation_sdk.models.heatmap import HeatmapColorMode, HeatmapColorScale

from dashboards.queries import FlavourName, Query

REF_IDS = "ABCDEFGHIJ"
# Grid: 24 columns; heights in grid rows (about 30 px each).
STAT_SPAN, STAT_HEIGHT = 6, 4
WIDE_SPAN, HALF_SPAN, GRAPH_HEIGHT = 24, 12, 8
UP_MAPPING = ValueMap({"0": ValueMappingResult(text="down", color="red", index=0),
                       "1": ValueMappingResult(text="up", color="green", index=1)})

# Options are set in full: what Grafana's schema requires, and no drift when its defaults change.
LAST_VALUE = ReduceDataOptions().calcs(["lastNotNull"]).values(False)
LEGEND = (VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.LIST)
          .placement(LegendPlacement.BOTTOM))
TOOLTIP = VizTooltipOptions().mode(TooltipDisplayMode.MULTI).sort(SortOrder.DESCENDING)

# Heatmap: a warm scale from 0 (no clients) up, one row per series (zone), no cell values.
HEATMAP_COLOR = (heatmap.HeatmapColorOptions().mode(HeatmapColorMode.SCHEME).scheme("Oranges")
                 .fill("dark-orange").scale(HeatmapColorScale.EXPONENTIAL).exponent(0.5)
                 .steps(64).reverse(False).min(0))
HEATMAP_EXEMPLAR_COLOR = "rgba(255,0,255,0.7)"

Panel = (stat.Panel | timeseries.Panel | table.Panel | bargauge.Panel | statetimeline.Panel
         | heatmap.Panel)


def thresholds(*steps: tuple[float | None, str]) -> ThresholdsConfig:
    """Colour steps from the lowest (value None) up."""
    return ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(
        [Threshold(value=value, color=color) for value, color in steps])


def transformation(kind: str, options: dict[str, Any]) -> DataTransformerConfig:
    return DataTransformerConfig(id_val=kind, options=options)


def _with_queries(panel: Any, flavour: FlavourName, queries: Sequence[Query]) -> Any:
    for ref_id, query in zip(REF_IDS, queries, strict=False):
        panel = panel.with_target(query.build(flavour, ref_id))
    return panel


def stat_panel(title: str, flavour: FlavourName, query: Query, unit: str = "short",
               description: str = "") -> stat.Panel:
    panel = (stat.Panel().title(title).description(description).unit(unit)
             .span(STAT_SPAN).height(STAT_HEIGHT).reduce_options(LAST_VALUE)
             .color_mode(BigValueColorMode.VALUE).graph_mode(BigValueGraphMode.NONE))
    return _with_queries(panel, flavour, [query])  # type: ignore[no-any-return]


def series_panel(title: str, flavour: FlavourName, queries: Sequence[Query], unit: str = "short",
                 span: int = HALF_SPAN, description: str = "") -> timeseries.Panel:
    panel = (timeseries.Panel().title(title).description(description).unit(unit)
             .span(span).height(GRAPH_HEIGHT).legend(LEGEND).tooltip(TOOLTIP))
    return _with_queries(panel, flavour, queries)  # type: ignore[no-any-return]


def table_panel(title: str, flavour: FlavourName, queries: Sequence[Query],
                span: int = HALF_SPAN, description: str = "") -> table.Panel:
    panel = (table.Panel().title(title).description(description).span(span)
             .height(GRAPH_HEIGHT).show_header(True))
    return _with_queries(panel, flavour, queries)  # type: ignore[no-any-return]


def bars_panel(title: str, flavour: FlavourName, query: Query, unit: str = "short",
               span: int = HALF_SPAN, description: str = "") -> bargauge.Panel:
    panel = (bargauge.Panel().title(title).description(description).unit(unit)
             .span(span).height(GRAPH_HEIGHT).reduce_options(LAST_VALUE)
             .display_mode(BarGaugeDisplayMode.GRADIENT))
    return _with_queries(panel, flavour, [query])  # type: ignore[no-any-return]


def state_panel(title: str, flavour: FlavourName, queries: Sequence[Query],
                span: int = WIDE_SPAN, height: int = STAT_HEIGHT,
                description: str = "") -> statetimeline.Panel:
    """Up (1) or down (0) over time, one row per series."""
    panel = (statetimeline.Panel().title(title).description(description).span(span)
             .height(height).mappings([UP_MAPPING]).show_value(VisibilityMode.AUTO)
             .legend(LEGEND).tooltip(TOOLTIP))
    return _with_queries(panel, flavour, queries)  # type: ignore[no-any-return]


def heatmap_panel(title: str, flavour: FlavourName, query: Query, unit: str = "short",
                  span: int = WIDE_SPAN, description: str = "") -> heatmap.Panel:
    """Series already bucketed (one per zone, one point per hour): Grafana draws each series
    as a row, named after it, and colours each cell by its value."""
    panel = (heatmap.Panel().title(title).description(description).span(span)
             .height(GRAPH_HEIGHT).calculate(False)
             .rows_frame(heatmap.RowsHeatmapOptions().layout(HeatmapCellLayout.UNKNOWN))
             .color(HEATMAP_COLOR).show_value(VisibilityMode.AUTO).cell_gap(1)
             .cell_values(heatmap.CellValues().unit(unit).decimals(0))
             .y_axis(heatmap.YAxisConfig().axis_placement(AxisPlacement.LEFT).reverse(False))
             .show_legend().mode(TooltipDisplayMode.SINGLE).hide_y_histogram()
             .show_color_scale(False).exemplars_color(HEATMAP_EXEMPLAR_COLOR))
    return _with_queries(panel, flavour, [query])  # type: ignore[no-any-return]
