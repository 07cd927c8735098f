"""The benchmarks still run: a tiny workload, every row present, every number sane.

No timing is asserted (the machine may be busy); what this guards is that a change to the bot
does not silently break ``python -m benchmarks`` or make a row measure nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

import bot.app
from benchmarks import detector, e2e, workload
from benchmarks.run import main
from tests.conftest import SharedDetector
from tests.core.redflags.corpus import parts

pytestmark = pytest.mark.slow  # one benchmark run, about 20 s: started first (tests/conftest.py)

ROWS = {
    "core.service_memory",
    "core.engine",
    "baseline_b.process_update",
    "baseline_b.de_json",
    "core.trigger_shared",
    "baseline_a.trigger",
    "core.session_new",
    "baseline_a.create",
    "memory.json",
    "memory.resident",
    "memory.startup",
    "baseline_a.memory",
    "storage.sqlite.load_save",
    "storage.sqlite.service_1",
    "storage.sqlite.service_n",
    "storage.sqlite.load",
    "storage.sqlite.save",
    "storage.aiosqlite.load",
    "storage.aiosqlite.save",
    "storage.sqlite.stall",
    "storage.redis.load_save",
    "storage.redis.service_1",
    "storage.redis.service_n",
    "e2e.telegram.polling",
    "e2e.telegram.polling.ptb",
    "e2e.telegram.polling.aiogram",
    "e2e.telegram.webhook",
    "e2e.telegram.webhook.ptb",
    "e2e.telegram.webhook.aiogram",
    "e2e.telegram.limited",
    "e2e.discord",
    "e2e.discord.plain",
    "startup.process",
    "startup.build_engine",
    "detector.startup",
    "detector.message",
    "detector.flood",
    *(f"detector.corpus.{lang}.{part}" for lang in ("en", "ru") for part in parts(lang)),
}
CONVERSATIONS = 12  # people in the polling row before its last RSS
OPTIONAL = ("e2e.", "storage.redis.", "storage.aiosqlite.")
ALWAYS_MEASURED = ROWS - {key for key in ROWS if key.startswith(OPTIONAL)}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One quick run for the whole module (it takes a few seconds): the JSON and the table."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    args = ["--quick", "--json", str(out)]
    if e2e.adapter_ready("telegram") is None:
        # The smallest drive that still runs every phase of the row for ours and both peers
        # (alone, at once, warm-up and window, filling): the figures are not what is checked.
        args += ["--e2e-rows", "polling", "--e2e-seconds", "0.2", "--e2e-users", "5"]
        args += ["--conversations", str(CONVERSATIONS)]
        # The PTB peer only: importing aiogram alone costs about 3 s of CPU (its pydantic
        # models), 5 s with its run, a fifth of this test. Its peer is type-checked by mypy
        # and its screens by test_peers.py; ``python -m benchmarks`` runs it.
        args += ["--peers", "ptb"]
    else:
        args += ["--skip-e2e"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), pytest.MonkeyPatch.context() as patch:
        # The engine and detector this worker's other tests use (tests/conftest.py), not two
        # more builds of the same content (about 2 s of CPU). The start-up rows still time a
        # fresh interpreter's imports, loads and builds.
        patch.setattr(workload, "build_engine", bot.app.build_engine)
        patch.setattr(detector, "RedFlagDetector", SharedDetector)
        assert main(args) == 0
    return json.loads(Path(out).read_text()), printed.getvalue()


def test_every_row_is_reported(result: tuple[dict[str, Any], str]) -> None:
    rows = {row["key"]: row for row in result[0]["rows"]}
    assert rows.keys() == ROWS
    measured = {key for key, row in rows.items() if not row["skipped"]}
    assert measured >= ALWAYS_MEASURED
    for row in rows.values():
        if row["skipped"]:
            assert row["notes"] and row["notes"][0].startswith("not measured")


def test_numbers_are_sane(result: tuple[dict[str, Any], str]) -> None:
    for row in result[0]["rows"]:
        if row["skipped"]:
            continue
        for name in ("rate", "p50_us", "p99_us", "value", "ratio"):
            value = row[name]
            assert value is None or (math.isfinite(value) and value > 0), (row["key"], name)
        if row["p50_us"] is not None:
            assert row["p99_us"] >= row["p50_us"], row["key"]
        assert row["n"] is None or row["n"] > 0, row["key"]


def test_telegram_end_to_end_runs_when_the_adapter_exists(
    result: tuple[dict[str, Any], str],
) -> None:
    if e2e.adapter_ready("telegram") is not None:
        pytest.skip("bot.adapters.telegram is not importable yet")
    rows = {r["key"]: r for r in result[0]["rows"]}
    polling = rows["e2e.telegram.polling"]
    assert not polling["skipped"], polling["notes"]
    assert polling["n"] > 0
    assert polling["extra"]["rss_after_mb"] > 0
    assert polling["extra"]["conversations"] >= CONVERSATIONS
    ptb = rows["e2e.telegram.polling.ptb"]  # the peer bot replays the same walks
    assert not ptb["skipped"], ptb["notes"]
    assert ptb["ratio"] > 0 and ptb["baseline"]


def test_table_machine_and_targets_are_printed(result: tuple[dict[str, Any], str]) -> None:
    data, printed = result
    assert printed.startswith("Machine: ")
    for row in data["rows"]:
        assert f"| {row['label']} |" in printed
    assert data["machine"]["cores"] >= 1 and data["machine"]["python"]
    statuses = {r["key"]: r["met"] for r in data["rows"]}
    assert statuses["core.session_new"] is not None  # a target was evaluated
    assert data["headlines"]
