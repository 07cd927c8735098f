"""Row 2, ours: what a sleeping conversation costs, on the wire and in a process.

A sleeping conversation is its stored JSON record and nothing else (no Machine, no objects), so
the serialised size is the real unit of storage, and the resident cost of many sleeping
conversations is that of a dict of strings, measured here as ``MemoryStorage`` keeps them. With
SQLite or Redis the bot process holds none of them at all.

What a Telegram bot process holds before its first update is the other half of the RSS row
of the end-to-end table: :func:`startup` loads it stage by stage in a fresh interpreter, in
the order ``backcheck run`` does, so the row says which stage the megabytes come from (the
first two stages are what the PTB peer pays too). ``python -m benchmarks.memory`` prints it.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import tracemalloc
from dataclasses import replace
from pathlib import Path

from benchmarks.peers.child import rss_bytes
from benchmarks.stats import Row
from benchmarks.workload import Workload
from bot.core.session import Session


def serialised(workload: Workload) -> Row:
    """Bytes of the stored JSON of every simulated user's final session, asleep: a day after
    its last step the hourly purge drops that step's replies (``SessionStore.settle``)."""
    sizes = sorted(len(_sleeping(s).encode()) for s in workload.final.values())
    awake = statistics.fmean(len(s.to_json().encode()) for s in workload.final.values())
    return Row(
        "memory.json",
        2,
        "ours: bytes per stored sleeping session (JSON)",
        n=len(sizes),
        value=statistics.fmean(sizes),
        unit="B/session",
        notes=[
            f"mean of the workload's final sessions; largest {sizes[-1]:,} B; within a day"
            f" of the last step, with its replies kept for a replay: mean {awake:,.0f} B"
        ],
    )


def _sleeping(session: Session) -> str:
    return replace(session, shown=[]).to_json()


def resident(workload: Workload, count: int) -> Row:
    """tracemalloc growth of ``count`` records (user -> (version, JSON)) in a memory store."""
    templates = [(s.user, _sleeping(s)) for s in workload.final.values()]
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


#: (stage, code run after the previous stages), in ``backcheck run``'s order for Telegram.
#: The last stages repeat what ``build_engine`` does, one part at a time, so that the
#: detector's share shows; the totals row below runs the real ``App.open`` instead.
STAGES: tuple[tuple[str, str], ...] = (
    ("interpreter, asyncio, uvloop", "import asyncio, uvloop"),
    ("python-telegram-bot (the PTB peer imports it too)", "import telegram, telegram.ext"),
    ("aiohttp (our Bot API client)", "import aiohttp"),
    ("pydantic (settings and the YAML loaders)", "import pydantic, pydantic_settings"),
    ("PyYAML, transitions, rapidfuzz", "import yaml, transitions, rapidfuzz"),
    ("our own modules", "import bot.adapters.telegram.adapter, bot.app, bot.runner"),
    (
        "settings, flow, content, countries",
        "from bot.app import *; from bot.settings import Settings\n"
        "s = Settings(_env_file=None, telegram_token='1:x')\n"
        "flow = load_flow(s.flow); catalog = load_catalog(s.content); validate(flow, catalog)\n"
        "countries = CountryCatalog.load(s.content); flow.machine",
    ),
    ("red-flag detector", "detector = RedFlagDetector.load(s.content, catalog.locales)"),
)
_PROBE = """
import json, os, sys
def rss():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
sizes = [rss()]
for code in json.loads(sys.argv[1]):
    exec(code)
    sizes.append(rss())
print(json.dumps(sizes))
"""
_ROOT = Path(__file__).resolve().parents[1]


def startup() -> Row:
    """RSS of a fresh interpreter after each of :data:`STAGES`: the value is the total."""
    codes = json.dumps([code for _, code in STAGES])
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, codes], cwd=_ROOT, capture_output=True, check=True
    )
    sizes = [size / 2**20 for size in json.loads(done.stdout)]
    notes = [f"bare interpreter {sizes[0]:,.1f} MB"] + [
        f"+{after - before:,.1f} MB {stage}"
        for (stage, _), before, after in zip(STAGES, sizes[:-1], sizes[1:], strict=True)
    ]
    return Row(
        "memory.startup",
        2,
        "ours: RSS of a Telegram bot process before its first update, by stage",
        n=len(STAGES),
        value=sizes[-1],
        unit="MB",
        notes=notes,
    )


if __name__ == "__main__":
    row = startup()
    print(f"{row.label}: {row.value:,.1f} MB")
    print("\n".join(f"  {note}" for note in row.notes))
