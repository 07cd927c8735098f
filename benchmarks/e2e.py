"""Row 4: end to end, a fake platform and many simulated people against real bot processes.

The fake (``tests/fakes``) and the simulated users run here; each bot (ours, or a peer from
:mod:`benchmarks.peers`) runs alone in a child process, so its CPU and memory are its own.
Every simulated user replays continuous walks: it presses through a whole check from the
seeded workload, each press after the reply to the previous one, and a finished walk starts a
new one as a new person, so presses dominate, not ``/start``.

For each bot and delivery mode, one child process is measured in phases: its RSS when idle;
one user alone (latency without contention); then ``users`` at once for ``window`` seconds
after a short warm-up (updates/s at saturation, CPU per update, latency under load); then, in
polling mode, enough extra ``/start`` conversations to reach ``conversations`` in total, and
its RSS again. Bots alternate within each round, and each keeps its best round, so that a burst
of someone else's load on a shared machine cannot land on one side of a ratio only.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import itertools
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.stats import Row, percentile, summarize
from benchmarks.workload import Step

ROOT = Path(__file__).resolve().parents[1]
REPLY_TIMEOUT = 15.0
FIRST_UID = 30_000_001
#: A walk: one person's steps, their numeric id, and where to put each reply's latency.
Walk = Callable[[tuple[Step, ...], int, "Outcome"], Coroutine[Any, Any, None]]
ROWS = {
    "polling": ("e2e.telegram.polling", "Telegram polling: update -> reply"),
    "webhook": ("e2e.telegram.webhook", "Telegram webhook: update -> reply"),
    "limited": ("e2e.telegram.limited", "Telegram polling, 30 msg/s limiter on"),
    "discord": ("e2e.discord", "Discord gateway: interaction -> reply"),
}
PEERS = {
    "polling": ("ptb", "aiogram"),
    "webhook": ("ptb", "aiogram"),
    "limited": (),
    "discord": ("plain",),
}
#: Who gets the "RSS after N conversations" figure (filling takes most of a row's time):
#: ours, and the peer the memory target is about (PTB), once, in polling mode; Discord both.
FILLED = {"polling": ("ours", "ptb"), "webhook": (), "limited": (), "discord": ("ours", "plain")}
PEER_LABELS = {
    "ptb": "PTB ConversationHandler bot",
    "aiogram": "aiogram 3 FSM bot",
    "plain": "plain discord.py bot",
}


@dataclass(frozen=True)
class Sizes:
    """How hard and how long each bot is driven."""

    users: int
    window: float
    warmup: float
    probe_updates: int
    conversations: int
    rounds: int
    ours_http: str = "aiohttp"
    ours_loop: str = "uvloop"
    #: Which peers run beside ours (``--peers``); the others' rows say they were left out.
    peers: tuple[str, ...] = tuple(PEER_LABELS)


@dataclass
class Outcome:
    """What the simulated users saw: latencies in ns with the time each reply arrived."""

    samples: list[tuple[float, int]] = field(default_factory=list)
    diverged: int = 0
    timeouts: int = 0
    #: Set when the measured window is over: every walk stops after its current step.
    stopped: bool = False

    def record(self, started_ns: int) -> None:
        now = time.perf_counter_ns()
        self.samples.append((now / 1e9, now - started_ns))

    def between(self, start: float, end: float) -> list[int]:
        return [latency for at, latency in self.samples if start <= at < end]


@dataclass
class Measured:
    """One bot in one mode, one round."""

    bot: str
    rate: float
    cpu_ms: float
    load: list[int]
    alone: list[int]
    rss_idle: int
    rss_after: int | None
    conversations: int
    outcome: Outcome
    users: int
    window: float
    late: int = 0
    calls_per_update: float | None = None


def skipped(why: str, only: tuple[str, ...] = tuple(ROWS)) -> list[Row]:
    rows = []
    for name in only:
        rows.append(Row.missing(ROWS[name][0], 4, ROWS[name][1], why))
        rows += [Row.missing(*_peer_names(name, p), why) for p in PEERS[name]]
    return rows


def _peer_names(mode: str, peer: str) -> tuple[str, int, str]:
    key, label = ROWS[mode]
    return f"{key}.{peer}", 4, f"{label.split(':')[0]}: {PEER_LABELS[peer]}"


def adapter_ready(module: str) -> str | None:
    """None when ``bot.adapters.<module>`` imports; else why it cannot be measured."""
    if importlib.util.find_spec(f"bot.adapters.{module}") is None:
        return "not measured: adapter missing"
    try:
        importlib.import_module(f"bot.adapters.{module}")
    except Exception as exc:  # a half-written module: say so instead of crashing the run
        return f"not measured: adapter does not import ({type(exc).__name__}: {exc})"
    return None


def peer_ready(peer: str) -> str | None:
    library = {"ptb": "telegram", "aiogram": "aiogram", "plain": "discord"}[peer]
    if importlib.util.find_spec(library) is None:
        return f"not measured: {library} is not installed (pip install -e '.[bench]')"
    return None


def measure(sizes: Sizes, only: tuple[str, ...] = tuple(ROWS)) -> list[Row]:
    """The end-to-end rows that can run, ours next to each peer; the others say why not."""
    from benchmarks.workload import make_workload

    work = make_workload(max(200, sizes.users * 2))
    walks = [work.per_user[u] for u in work.users]
    rows: list[Row] = []
    for name in only:
        platform = "discord" if name == "discord" else "telegram"
        problem = adapter_ready(platform)
        if problem:
            rows += skipped(problem, (name,))
            continue
        peers = [p for p in PEERS[name] if p in sizes.peers]
        bots = ["ours", *(p for p in peers if peer_ready(p) is None)]
        for peer in (p for p in PEERS[name] if p not in bots):
            why = peer_ready(peer) or "not measured: not selected (--peers)"
            rows.append(Row.missing(*_peer_names(name, peer), why))
        try:
            best = asyncio.run(_rounds(name, platform, bots, work, walks, sizes))
        except Exception as exc:  # report it in the table, keep the other rows
            rows += skipped(f"not measured: {type(exc).__name__}: {exc}", (name,))
            continue
        rows += _rows(name, best)
    return rows


async def _rounds(
    name: str,
    platform: str,
    bots: list[str],
    work: Any,
    walks: list[tuple[Step, ...]],
    sizes: Sizes,
) -> dict[str, Measured]:
    """Alternate the bots ``rounds`` times; keep each bot's cheapest round (CPU per update)."""
    if platform == "discord":
        from benchmarks import e2e_discord as driver
    else:
        from benchmarks import e2e_telegram as driver  # type: ignore[no-redef]
    uids = itertools.count(FIRST_UID)
    best: dict[str, Measured] = {}
    rounds = 1 if name == "limited" else sizes.rounds
    with tempfile.TemporaryDirectory(prefix="backcheck-peers-") as tmp:
        screens = driver.screens(work, Path(tmp))
        for round_no in range(rounds):
            for bot in bots:
                fill = sizes.conversations if round_no == 0 and bot in FILLED[name] else 0
                run = await driver.run(name, bot, walks, uids, sizes, screens, fill)
                if bot not in best or run.cpu_ms < best[bot].cpu_ms:
                    if bot in best and best[bot].rss_after and run.rss_after is None:
                        run.rss_after = best[bot].rss_after
                        run.conversations = best[bot].conversations
                    best[bot] = run
    return best


def _rows(name: str, best: dict[str, Measured]) -> list[Row]:
    key, label = ROWS[name]
    rows = []
    for bot, run in best.items():
        row_key, row_label = (key, label) if bot == "ours" else _peer_names(name, bot)[::2]
        rows.append(_row(row_key, row_label, run))
    return rows


def _row(key: str, label: str, run: Measured) -> Row:
    stats = summarize(run.load, 1.0)
    alone = sorted(run.alone)
    extra: dict[str, Any] = {
        "cpu_ms": run.cpu_ms,
        "alone_p50_ms": percentile(alone, 0.5) / 1000,
        "alone_p99_ms": percentile(alone, 0.99) / 1000,
        "load_p50_ms": stats.p50_us / 1000,
        "load_p99_ms": stats.p99_us / 1000,
        "rss_idle_mb": run.rss_idle / 2**20,
        "rss_after_mb": run.rss_after / 2**20 if run.rss_after else None,
        "conversations": run.conversations,
        "off_script": run.outcome.diverged,
    }
    notes = [
        f"{run.users:,} users at once, continuous walks, {run.window:.1f} s measured after a"
        f" warm-up; one user alone: p50 {extra['alone_p50_ms']:,.1f} ms, p99"
        f" {extra['alone_p99_ms']:,.1f} ms over {len(alone)} updates",
        f"RSS idle {extra['rss_idle_mb']:,.0f} MB"
        + (
            f", after {run.conversations:,} conversations {extra['rss_after_mb']:,.0f} MB"
            if run.rss_after
            else ""
        ),
    ]
    if run.calls_per_update is not None:
        notes.append(f"{run.calls_per_update:.2f} Bot API calls per update in the window")
        extra["calls_per_update"] = run.calls_per_update
    if run.late:
        notes.append(f"{run.late:,} interactions failed Discord's 3 s acknowledgement deadline")
    if run.outcome.diverged or run.outcome.timeouts:
        notes.append(
            f"{run.outcome.diverged} presses off the script, {run.outcome.timeouts} timeouts"
        )
    row = Row(
        key,
        4,
        label,
        n=stats.n,
        concurrency=run.users,
        rate=run.rate,
        p50_us=stats.p50_us,
        p99_us=stats.p99_us,
        value=run.cpu_ms,
        unit="CPU ms/update",
        notes=notes,
    )
    row.extra = extra
    return row


# -- driving one bot process ----------------------------------------------------------------


class BotProcess:
    """The child process running one bot; see :mod:`benchmarks.peers.child`."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log
        self.abandoned = False

    def abandon(self) -> None:
        """Updates are still queued: kill the bot at the end instead of draining them."""
        self.abandoned = True

    async def line(self, timeout: float = 60.0) -> str:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the bot process exited; its log ends with:\n{tail}")
        return raw.decode().strip()

    async def stats(self) -> dict[str, float]:
        """The child's CPU seconds so far and its RSS in bytes."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"stats\n")
        await self.proc.stdin.drain()
        data: dict[str, float] = json.loads(await self.line())
        return data


@asynccontextmanager
async def bot_process(module: str, spec: dict[str, Any]) -> AsyncIterator[BotProcess]:
    """Start ``python -m module spec``, wait for "ready", stop it whatever happens."""
    with tempfile.TemporaryDirectory(prefix="backcheck-e2e-") as tmp:
        if "settings" in spec:
            spec["settings"]["db"] = str(Path(tmp) / "e2e.db")
        log = Path(tmp) / "bot.log"
        with log.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                json.dumps(spec),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
            )
            child = BotProcess(proc, log)
            try:
                if await child.line() != "ready":
                    raise RuntimeError("the bot process did not say ready")
                yield child
            finally:
                await _end(child)


async def _end(child: BotProcess) -> None:
    proc = child.proc
    if proc.returncode is None and not child.abandoned and proc.stdin is not None:
        with contextlib.suppress(ConnectionError):
            proc.stdin.write(b"stop\n")
            await proc.stdin.drain()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), 20)
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


async def drive(
    bot: str,
    child: BotProcess,
    walks: list[tuple[Step, ...]],
    uids: Iterator[int],
    walk: Walk,
    sizes: Sizes,
    fill: int,
    calls: Callable[[], tuple[int, int]] | None = None,
) -> Measured:
    """Idle RSS, one user alone, ``users`` at once, then (``fill``) conversations and RSS.

    ``calls`` returns (platform calls, updates sent) so far: their ratio over the window is
    the row's calls per update."""
    rss_idle = int((await child.stats())["rss"])
    pool = itertools.cycle(walks)
    conversations = 0
    alone = Outcome()
    while len(alone.samples) < sizes.probe_updates:
        await walk(next(pool), next(uids), alone)
        conversations += 1
    load = Outcome()

    async def person() -> None:
        nonlocal conversations
        while not load.stopped:
            conversations += 1
            await walk(next(pool), next(uids), load)

    people = [asyncio.create_task(person()) for _ in range(sizes.users)]
    await asyncio.sleep(sizes.warmup)
    before, started, calls_before = await child.stats(), time.perf_counter(), _calls(calls)
    await asyncio.sleep(sizes.window)
    after, ended, calls_after = await child.stats(), time.perf_counter(), _calls(calls)
    load.stopped = True
    _, pending = await asyncio.wait(people, timeout=REPLY_TIMEOUT)
    for task in pending:
        task.cancel()
    if pending:
        child.abandon()
    samples = load.between(started, ended)
    wall = ended - started
    rss_after = None
    if fill and not pending:
        conversations += await _fill(walks, uids, walk, max(0, fill - conversations))
        rss_after = int((await child.stats())["rss"])
    sent = calls_after[1] - calls_before[1]
    measured = Measured(
        bot,
        len(samples) / wall,
        (after["cpu"] - before["cpu"]) / max(1, len(samples)) * 1000,
        samples,
        [latency for _, latency in alone.samples],
        rss_idle,
        rss_after,
        conversations,
        load,
        sizes.users,
        wall,
    )
    if calls is not None and sent > 0:
        measured.calls_per_update = (calls_after[0] - calls_before[0]) / sent
    return measured


def _calls(calls: Callable[[], tuple[int, int]] | None) -> tuple[int, int]:
    return calls() if calls is not None else (0, 0)


async def _fill(walks: list[tuple[Step, ...]], uids: Iterator[int], walk: Walk, count: int) -> int:
    """``count`` more people who each start a conversation (``/start``, first screen)."""
    firsts = itertools.cycle([w[:1] for w in walks])
    lane = iter(range(count))
    sink = Outcome()

    async def starter() -> None:
        for _ in lane:
            await walk(next(firsts), next(uids), sink)

    await asyncio.gather(*(starter() for _ in range(100)))
    return count
