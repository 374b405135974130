"""Prometheus histograms between two scrapes: bucket deltas, quantiles as histogram_quantile."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

# One scrape: per metric family, its samples by (sample name, sorted labels).
Scrape = dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]]


def parse(text: str, families: Iterable[str] | None = None) -> Scrape:
    """A /metrics body as {family: {(sample name, sorted labels): value}}, only `families` when
    given (a 10,000-AP body has ~100,000 lines: the pure-Python parser would take a core)."""
    if families is not None:
        names = "|".join(re.escape(f) for f in families)
        wanted = re.compile(rf"^(?:# (?:HELP|TYPE) )?(?:{names})"
                            r"(?:_bucket|_count|_sum|_total)?[ {].*$", re.MULTILINE)
        text = "\n".join(wanted.findall(text)) + "\n"
    scrape: Scrape = {}
    for family in text_string_to_metric_families(text):
        samples = scrape.setdefault(family.name, {})
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return scrape


def counter(scrape: Scrape, family: str) -> float | None:
    """The sum of a counter's or gauge's series (over every label set); None when absent."""
    samples = scrape.get(family)
    if not samples:
        return None
    return sum(v for (name, _), v in samples.items() if not name.endswith("_created"))


@dataclass(frozen=True)
class Window:
    """What a histogram recorded between two scrapes (every label set summed)."""

    buckets: list[tuple[float, float]]  # (upper bound, cumulative count), +Inf last
    count: float
    total: float  # the sum of the observed values

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan

    def quantile(self, q: float) -> float:
        """As PromQL's histogram_quantile: linear within the bucket, the last finite bound
        when the rank falls in +Inf; NaN when nothing was observed."""
        if not self.buckets or self.count <= 0:
            return math.nan
        rank = q * self.buckets[-1][1]
        lower, below = 0.0, 0.0
        for upper, cumulative in self.buckets:
            if cumulative >= rank:
                if math.isinf(upper):
                    return lower
                inside = cumulative - below
                return upper if inside <= 0 else lower + (upper - lower) * (rank - below) / inside
            lower, below = upper, cumulative
        return lower

    def largest_bound(self) -> float:
        """The upper bound of the highest bucket that gained an observation (a ceiling of the
        largest value seen)."""
        for upper, cumulative in self.buckets:
            if self.count > 0 and cumulative >= self.buckets[-1][1]:
                return upper
        return math.nan


def window(first: Scrape, last: Scrape, family: str) -> Window | None:
    """The histogram `family` observed between `first` and `last`; None when not exported."""
    if family not in last:
        return None

    def totals(scrape: Scrape) -> tuple[dict[float, float], float, float]:
        bounds: dict[float, float] = {}
        count = total = 0.0
        for (name, labels), value in scrape.get(family, {}).items():
            if name == f"{family}_bucket":
                le = float(dict(labels)["le"])
                bounds[le] = bounds.get(le, 0.0) + value
            elif name == f"{family}_count":
                count += value
            elif name == f"{family}_sum":
                total += value
        return bounds, count, total

    start, start_count, start_sum = totals(first)
    end, end_count, end_sum = totals(last)
    buckets = [(le, end[le] - start.get(le, 0.0)) for le in sorted(end)]
    return Window(buckets, end_count - start_count, end_sum - start_sum)
