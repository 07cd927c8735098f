"""Row 2, ours: what a sleeping conversation costs, on the wire and in a process.

A sleeping conversation is its stored JSON record and nothing else (no Machine, no objects), so
the serialised size is the real unit of storage, and the resident cost of many sleeping
conversations is that of a dict of strings, measured here as ``MemoryStorage`` keeps them. With
SQLite or Redis the bot process holds none of them at all.
"""

from __future__ import annotations

import gc
import statistics
import tracemalloc

from benchmarks.peers.child import rss_bytes
from benchmarks.stats import Row
from benchmarks.workload import Workload


def serialised(workload: Workload) -> Row:
    """Bytes of the stored JSON of every simulated user's final session."""
    sizes = sorted(len(s.to_json().encode()) for s in workload.final.values())
    return Row(
        "memory.json",
        2,
        "ours: bytes per stored sleeping session (JSON)",
        n=len(sizes),
        value=statistics.fmean(sizes),
        unit="B/session",
        notes=[f"mean of the workload's final sessions; largest {sizes[-1]:,} B"],
    )


def resident(workload: Workload, count: int) -> Row:
    """tracemalloc growth of ``count`` records (user -> (version, JSON)) in a memory store."""
    templates = [(s.user, s.to_json()) for s in workload.final.values()]
    gc.collect()
    rss_before = rss_bytes()
    kept = _records(templates, count)  # untraced pass for the RSS cross-check
    rss_per = (rss_bytes() - rss_before) / count
    del kept
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        records = _records(templates, count)
        per = (tracemalloc.get_traced_memory()[0] - before) / count
    finally:
        tracemalloc.stop()
    del records
    return Row(
        "memory.resident",
        2,
        f"ours: bytes per sleeping session, {count:,} in memory",
        n=count,
        value=per,
        unit="B/session",
        notes=[
            f"tracemalloc: {per * count / 2**20:,.1f} MiB for {count:,} sessions in the memory"
            f" store; RSS growth {max(rss_per, 0):,.0f} B/session"
        ],
    )


def _records(templates: list[tuple[str, str]], count: int) -> dict[str, tuple[int, str]]:
    """``count`` distinct users, each stored exactly like a workload session (same bytes)."""
    records: dict[str, tuple[int, str]] = {}
    base = 90_000_000
    for i in range(count):
        old, text = templates[i % len(templates)]
        user = str(base + i)
        records[user] = (12, text.replace(f'"u":"{old}"', f'"u":"{user}"', 1))
    return records
