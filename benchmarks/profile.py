"""``--profile``: where the service step spends its time (cProfile, by own time).

Only printed on request: profiling slows every call several times, so these numbers explain
the table but never appear in it.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats

from benchmarks.core import service_pass
from benchmarks.workload import Workload
from bot.core.engine import Engine

TOP = 20


def hot_path(engine: Engine, workload: Workload) -> str:
    """The top functions of the memory-store service step, by own and cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(service_pass(engine, workload))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"cProfile of the memory-store service step ({len(workload.steps):,} events)\n")
    stats.sort_stats("tottime").print_stats(TOP)
    stats.sort_stats("cumulative").print_stats(TOP)
    return out.getvalue()
