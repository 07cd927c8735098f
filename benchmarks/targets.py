"""Ratios against the baselines, the issue's targets (met/missed) and the headline sentences.

Targets are compared, never asserted: a benchmark that fails on a busy machine teaches
nothing, a row that says "missed" next to the number that missed does.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.stats import Row

CORE_P50_US = 30.0
SQLITE_P50_US = 150.0
MEMORY_FACTOR = 100.0
CREATION_FACTOR = 1000.0
JSON_LIMIT = 1024.0


def apply(rows: Sequence[Row]) -> list[str]:
    """Fill ratio/target/met on the rows that have them; return the headline sentences."""
    by = {row.key: row for row in rows if not row.skipped}
    lines: list[str] = []
    service, b = by.get("core.service_memory"), by.get("baseline_b.process_update")
    if service and b and service.rate and b.rate and service.p50_us is not None:
        service.baseline, service.ratio = "B (rate)", service.rate / b.rate
        service.target = f"≥ B events/s, p50 < {CORE_P50_US:.0f} µs"
        service.met = service.ratio >= 1 and service.p50_us < CORE_P50_US
        lines.append(
            f"Service step on the memory store: {service.rate:,.0f} events/s, p50"
            f" {service.p50_us:,.0f} µs, vs PTB ConversationHandler {b.rate:,.0f} events/s"
            f" (ours / B = {service.ratio:.2f})."
        )
    engine = by.get("core.engine")
    if engine and b and engine.rate and b.rate:
        engine.baseline, engine.ratio = "B (rate)", engine.rate / b.rate
    lines += _creation(by) + _trigger(by) + _memory(by) + _storage(by) + _e2e(by)
    parse = by.get("baseline_b.de_json")
    if parse and parse.p50_us is not None:
        lines.append(f"Update.de_json alone: p50 {parse.p50_us:,.0f} µs per update.")
    return lines


def _creation(by: dict[str, Row]) -> list[str]:
    ours, a = by.get("core.session_new"), by.get("baseline_a.create")
    if not (ours and a and ours.p50_us and a.p50_us):
        return []
    ours.baseline, ours.ratio = "A (time)", ours.p50_us / a.p50_us
    ours.target = f"≥ {CREATION_FACTOR:,.0f}x cheaper than A"
    factor = a.p50_us / ours.p50_us
    ours.met = factor >= CREATION_FACTOR
    return [
        f"Session creation: {ours.p50_us:,.2f} µs vs {a.p50_us / 1000:,.2f} ms for a new"
        f" Machine per user ({factor:,.0f}x cheaper)."
    ]


def _trigger(by: dict[str, Row]) -> list[str]:
    ours, a = by.get("core.trigger_shared"), by.get("baseline_a.trigger")
    if not (ours and a and ours.p50_us and a.p50_us):
        return []
    ours.baseline, ours.ratio = "A (time)", ours.p50_us / a.p50_us
    return [
        f"Trigger (verdict + transition): shared Machine p50 {ours.p50_us:,.1f} µs vs a Machine"
        f" per user {a.p50_us:,.1f} µs."
    ]


def _memory(by: dict[str, Row]) -> list[str]:
    lines = []
    wire = by.get("memory.json")
    if wire and wire.value is not None:
        wire.target, wire.met = "mean < 1 KB", wire.value < JSON_LIMIT
    ours, a = by.get("memory.resident"), by.get("baseline_a.memory")
    if ours and a and ours.value and a.value:
        ours.baseline, ours.ratio = "A (bytes)", ours.value / a.value
        factor = a.value / ours.value
        ours.target, ours.met = f"≥ {MEMORY_FACTOR:.0f}x smaller than A", factor >= MEMORY_FACTOR
        json_part = f"; {wire.value:,.0f} B serialised" if wire and wire.value else ""
        lines.append(
            f"Memory per sleeping session: {ours.value:,.0f} B resident vs"
            f" {a.value / 1024:,.0f} KiB for a Machine per user ({factor:,.0f}x smaller)"
            f"{json_part}."
        )
    return lines


def _storage(by: dict[str, Row]) -> list[str]:
    sqlite = by.get("storage.sqlite.service_1")
    if not (sqlite and sqlite.p50_us is not None):
        return []
    sqlite.target, sqlite.met = f"p50 < {SQLITE_P50_US:.0f} µs", sqlite.p50_us < SQLITE_P50_US
    return [f"Service step on SQLite, one at a time: p50 {sqlite.p50_us:,.0f} µs."]


def _e2e(by: dict[str, Row]) -> list[str]:
    """Ours against each peer, same run: CPU per update (and RSS against the PTB bot)."""
    lines: list[str] = []
    for mode in ("polling", "webhook", "discord"):
        key = "e2e.discord" if mode == "discord" else f"e2e.telegram.{mode}"
        ours = by.get(key)
        if not (ours and ours.value):
            continue
        parts = [f"{ours.rate or 0:,.0f} updates/s, {ours.value:.2f} CPU ms per update"]
        for peer, limit in PEER_LIMITS[mode]:
            row = by.get(f"{key}.{peer}")
            if not (row and row.value):
                continue
            row.baseline, row.ratio = "ours / this (CPU)", ours.value / row.value
            row.target, row.met = f"ours ≤ {limit:g}× this", row.ratio <= limit
            parts.append(f"{row.ratio:.2f}× the {peer} peer's CPU (target ≤ {limit:g})")
            rss, peer_rss = ours.extra.get("rss_after_mb"), row.extra.get("rss_after_mb")
            if peer == "ptb" and rss and peer_rss:
                met = rss <= peer_rss + RSS_MARGIN_MB
                parts.append(
                    f"RSS after {ours.extra.get('conversations', 0):,} conversations"
                    f" {rss:,.0f} MB vs PTB's {peer_rss:,.0f} MB (target ≤ +{RSS_MARGIN_MB:g}"
                    f" MB: {'met' if met else 'missed'})"
                )
        name = "Discord gateway" if mode == "discord" else f"Telegram {mode}"
        lines.append(f"End to end, {name}: " + "; ".join(parts) + ".")
    return lines


#: Issue targets: ours / peer CPU per update at most this.
PEER_LIMITS = {
    "polling": (("ptb", 0.4), ("aiogram", 0.5)),
    "webhook": (("ptb", 0.4), ("aiogram", 0.5)),
    "discord": (("plain", 1.0),),
}
RSS_MARGIN_MB = 30.0
