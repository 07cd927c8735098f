"""Row 5: start-up, from process start to a loaded, validated and compiled flow.

A restart (deploy, crash, scale-out) is only cheap if a fresh process is ready quickly, so the
subprocess row times a whole new interpreter doing exactly what ``backcheck run`` does before
it connects anywhere: ``build_engine(Settings())``. The in-process row isolates our own work
from interpreter start-up and imports.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.stats import Row

ROOT = Path(__file__).resolve().parents[1]
READY = (
    "from bot.app import build_engine; from bot.settings import Settings; build_engine(Settings())"
)


def subprocess_row(runs: int) -> Row:
    """Median wall time of ``python -c READY`` (interpreter start, imports, build, exit)."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", READY], cwd=ROOT, env=os.environ, check=True)
        times.append(time.perf_counter() - start)
    return Row(
        "startup.process",
        5,
        "start-up: new process to ready",
        n=runs,
        value=statistics.median(times) * 1000,
        unit="ms",
        notes=[f"median of {runs} runs of `python -c` (min {min(times) * 1000:,.0f} ms)"],
    )


def in_process_row(runs: int) -> Row:
    """Median of ``build_engine(Settings())`` with the modules already imported."""
    from bot.app import build_engine
    from bot.settings import Settings

    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        build_engine(Settings())  # type: ignore[call-arg]
        times.append(time.perf_counter() - start)
    return Row(
        "startup.build_engine",
        5,
        "start-up: build_engine in process",
        n=runs,
        value=statistics.median(times) * 1000,
        unit="ms",
        notes=["load flow + rules + content, validate, compile the shared Machine"],
    )
