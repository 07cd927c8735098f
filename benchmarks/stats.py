"""Latency samples -> rate and percentiles, and the ``Row`` every measurement becomes.

Percentiles are nearest-rank on the raw samples (no interpolation, no histogram buckets), so a
p99 is a latency that really happened. Rates are events over the wall time of the whole timed
loop, so they include everything between events, not only the sum of the samples.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Stats:
    """What a timed loop produced."""

    n: int
    rate: float
    p50_us: float
    p99_us: float


def percentile(sorted_ns: Sequence[int], q: float) -> float:
    """Nearest-rank percentile of already sorted nanosecond samples, in microseconds."""
    if not sorted_ns:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_ns)))
    return sorted_ns[min(rank, len(sorted_ns)) - 1] / 1000.0


def summarize(samples_ns: Sequence[int], wall_s: float) -> Stats:
    """Rate over the wall time, p50 and p99 over the per-event samples."""
    ordered = sorted(samples_ns)
    rate = len(ordered) / wall_s if wall_s > 0 else math.nan
    return Stats(len(ordered), rate, percentile(ordered, 0.50), percentile(ordered, 0.99))


class Timer:
    """Wall clock of a whole loop: ``with Timer() as t: ...`` then ``t.seconds``."""

    seconds: float = 0.0

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


@dataclass
class Row:
    """One line of the table (and of the JSON); ``None`` means "not applicable"."""

    key: str
    section: int
    label: str
    n: int | None = None
    concurrency: int | None = None
    rate: float | None = None
    p50_us: float | None = None
    p99_us: float | None = None
    value: float | None = None
    unit: str = ""
    baseline: str | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    skipped: bool = False
    notes: list[str] = field(default_factory=list)
    #: Row-specific figures for the comparison tables (end-to-end: RSS, latency alone, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def timed(cls, key: str, section: int, label: str, stats: Stats, **kw: Any) -> Row:
        """A row for a timed loop."""
        return cls(
            key,
            section,
            label,
            n=stats.n,
            rate=stats.rate,
            p50_us=stats.p50_us,
            p99_us=stats.p99_us,
            **kw,
        )

    @classmethod
    def missing(cls, key: str, section: int, label: str, why: str) -> Row:
        """A row that was not measured, with the reason shown instead of numbers."""
        return cls(key, section, label, skipped=True, notes=[why])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
