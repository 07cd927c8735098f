"""The machine line, the Markdown table, the headlines and the JSON file.

The table is Markdown so that ``docs/performance.md`` can hold the exact output of a run;
notes go below it as footnotes to keep the table narrow enough to read in a terminal.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.stats import Row
from benchmarks.workload import CALM_SHARE, FOLLOWUP_SHARE, Workload

COLUMNS = (
    "#",
    "measurement",
    "n",
    "conc",
    "rate /s",
    "p50 µs",
    "p99 µs",
    "value",
    "ours / baseline",
    "target",
    "status",
)


def machine() -> dict[str, Any]:
    """Cores, CPU, Python, platform, load and the library versions the numbers depend on."""
    versions = {}
    for dist in (
        "transitions",
        "python-telegram-bot",
        "aiogram",
        "discord.py",
        "aiohttp",
        "httpx",
        "uvloop",
        "redis",
        "aiosqlite",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def machine_line(info: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in info["load_average"])
    end = ", ".join(f"{x:.2f}" for x in info.get("load_average_end", []))
    libs = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return (
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['python']}, {info['platform']};"
        f" load average at start {load}, at end {end or '?'}; {libs}"
    )


def workload(work: Workload) -> dict[str, Any]:
    """What the rows replayed, so that a number can be traced back to its input."""
    return {
        "seed": work.seed,
        "users": len(work.users),
        "events": len(work.steps),
        "calm_share": CALM_SHARE,
        "followup_share": FOLLOWUP_SHARE,
        "outcomes": dict(work.outcomes().most_common()),
    }


def workload_line(info: dict[str, Any]) -> str:
    outcomes = ", ".join(f"{level} {count:,}" for level, count in info["outcomes"].items())
    return (
        f"Workload: seed {info['seed']}, {info['users']:,} users, {info['events']:,} events"
        f" ({info['events'] / max(1, info['users']):.1f} per user; calm button"
        f" {info['calm_share']:.0%} of the time); outcomes: {outcomes}"
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def table(rows: Sequence[Row]) -> str:
    """The Markdown table, then one footnote line per note."""
    numeric = ("n", "conc", "rate /s", "p50 µs", "p99 µs")
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---:" if c in numeric else "---" for c in COLUMNS) + "|",
    ]
    notes: list[str] = []
    for row in rows:
        cells = [
            str(row.section),
            row.label,
            _int(row.n),
            _int(row.concurrency),
            _num(row.rate, 0),
            _us(row.p50_us),
            _us(row.p99_us),
            _value(row),
            _ratio(row),
            row.target,
            _status(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        notes.extend(f"- {row.label}: {note}" for note in row.notes)
    return "\n".join(lines + (["", *notes] if notes else []))


PEER_COLUMNS = (
    "mode",
    "bot",
    "updates/s",
    "CPU ms/update",
    "calls/update",
    "one user p50 / p99 ms",
    "under load p50 / p99 ms",
    "RSS idle MB",
    "RSS after N MB",
    "ours / this (CPU)",
    "target",
)


def peers_table(rows: Sequence[Row]) -> str:
    """End to end, ours next to each peer: the figures of the issue in one place."""
    e2e = [r for r in rows if r.key.startswith("e2e.") and not r.skipped and r.extra]
    if not e2e:
        return ""
    lines = [
        "| " + " | ".join(PEER_COLUMNS) + " |",
        "|---|---|" + "---:|" * (len(PEER_COLUMNS) - 3) + "---|",
    ]
    for row in sorted(e2e, key=lambda r: r.key):
        mode, _, bot = row.label.partition(": ")
        x = row.extra
        after = x.get("rss_after_mb")
        cells = [
            mode,
            bot if row.baseline else "backcheck",
            _num(row.rate, 0),
            _num(x["cpu_ms"], 2),
            _num(x.get("calls_per_update"), 2),
            f"{x['alone_p50_ms']:,.1f} / {x['alone_p99_ms']:,.1f}",
            f"{x['load_p50_ms']:,.1f} / {x['load_p99_ms']:,.1f}",
            _num(x["rss_idle_mb"], 0),
            f"{after:,.0f} (N = {x['conversations']:,})" if after else "",
            f"{row.ratio:.2f}" if row.ratio is not None and row.baseline else "",
            f"{row.target} ({_status(row)})" if row.target and row.baseline else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _num(value: float | None, digits: int) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:,.{digits}f}"


def _us(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return _num(value, 2 if value < 10 else 1 if value < 1000 else 0)


def _value(row: Row) -> str:
    if row.value is None:
        return ""
    if row.unit == "B/session" and row.value >= 10_000:
        return f"{row.value / 1024:,.1f} KiB/session"
    digits = 2 if abs(row.value) < 10 else 1 if abs(row.value) < 1000 else 0
    return f"{_num(row.value, digits)} {row.unit}".strip()


def _ratio(row: Row) -> str:
    if row.ratio is None or row.baseline is None:
        return ""
    return f"{row.ratio:.3g} × {row.baseline}"


def _status(row: Row) -> str:
    if row.skipped:
        return "not measured"
    if row.met is None:
        return ""
    return "met" if row.met else "missed"


def write_json(
    path: Path,
    info: dict[str, Any],
    config: dict[str, Any],
    rows: Sequence[Row],
    headlines: Sequence[str],
) -> None:
    """Everything the table shows, as numbers, for tools and later comparison."""
    payload = {
        "machine": info,
        "config": config,
        "argv": sys.argv[1:],
        "headlines": list(headlines),
        "rows": [row.to_dict() for row in rows],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
