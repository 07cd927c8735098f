"""Row 4: end to end, a fake platform and many simulated people against the real bot process.

The fake (``tests/fakes``) and the simulated users run here; the bot runs the real adapter in a
child process (:mod:`benchmarks.e2e_bot`). Every user is its own task: it sends ``/start`` or
presses the button its seeded walk chose, then waits until the bot sends the next message with
buttons. Latency is from the injected update to that message reaching the fake; the rate is
replied updates over the measured window; CPU is the bot process's ``time.process_time()`` over
the same window, per 1,000 replied updates. A row that fails (an adapter being rewritten, say)
becomes a "not measured" row with the error instead of ending the whole run.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.stats import Row, Timer, percentile, summarize
from benchmarks.workload import Step, Workload, make_workload

ROOT = Path(__file__).resolve().parents[1]
REPLY_TIMEOUT = 60.0
Walk = Callable[[tuple[Step, ...], "Outcome"], Coroutine[Any, Any, None]]
ROWS = {
    "polling": ("e2e.telegram.polling", "Telegram polling: update -> reply"),
    "webhook": ("e2e.telegram.webhook", "Telegram webhook: update -> reply"),
    "limited": ("e2e.telegram.limited", "Telegram polling, 30 msg/s limiter on"),
    "discord": ("e2e.discord", "Discord gateway: interaction -> reply"),
}


@dataclass
class Outcome:
    """What the simulated users saw."""

    samples: list[int] = field(default_factory=list)
    diverged: int = 0
    timeouts: int = 0


def skipped(why: str, only: tuple[str, ...] = tuple(ROWS)) -> list[Row]:
    return [Row.missing(ROWS[name][0], 4, ROWS[name][1], why) for name in only]


def adapter_ready(module: str) -> str | None:
    """None when ``bot.adapters.<module>`` imports; else why it cannot be measured."""
    if importlib.util.find_spec(f"bot.adapters.{module}") is None:
        return "not measured: adapter missing"
    try:
        importlib.import_module(f"bot.adapters.{module}")
    except Exception as exc:  # a half-written module: say so instead of crashing the run
        return f"not measured: adapter does not import ({type(exc).__name__}: {exc})"
    return None


def measure(users: int, window: float, only: tuple[str, ...] = tuple(ROWS)) -> list[Row]:
    """The end-to-end rows that can run; the others say why not."""
    work = make_workload(users + 1)
    rows: list[Row] = []
    for name in only:
        key, label = ROWS[name]
        platform = "discord" if name == "discord" else "telegram"
        problem = adapter_ready(platform)
        if problem:
            rows.append(Row.missing(key, 4, label, problem))
            continue
        try:
            rows.append(asyncio.run(_one(name, key, label, work, window)))
        except Exception as exc:  # report it in the table, keep the other rows
            rows.append(Row.missing(key, 4, label, f"not measured: {type(exc).__name__}: {exc}"))
    return rows


async def _one(name: str, key: str, label: str, work: Workload, window: float) -> Row:
    if name == "discord":
        from benchmarks import e2e_discord

        return await e2e_discord.run(key, label, work, window)
    from benchmarks import e2e_telegram

    return await e2e_telegram.run(key, label, name, work, window)


class BotProcess:
    """The child process running one adapter; see :mod:`benchmarks.e2e_bot`."""

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

    async def cpu(self) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"cpu\n")
        await self.proc.stdin.drain()
        return float(await self.line())


@asynccontextmanager
async def bot_process(spec: dict[str, Any]) -> AsyncIterator[BotProcess]:
    """Start the bot child with ``spec``, wait for "ready", stop it whatever happens."""
    with tempfile.TemporaryDirectory(prefix="backcheck-e2e-") as tmp:
        spec["settings"]["db"] = str(Path(tmp) / "e2e.db")
        log = Path(tmp) / "bot.log"
        with log.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.e2e_bot",
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


@dataclass
class Run:
    """One end-to-end run: what the users saw, over which wall time, at what CPU cost."""

    outcome: Outcome
    wall: float
    bot_cpu: float
    own_cpu: float
    users: int
    probe: list[int]
    unfinished: int


async def drive(child: BotProcess, walks: list[tuple[Step, ...]], walk: Walk, window: float) -> Run:
    """A single user alone first (unloaded latency), then every other user at once.

    The burst is closed loop: each user sends its next update only after the reply to the
    previous one. It ends when every walk is done or after ``window`` seconds, whichever is
    first; updates still in flight then are not counted (and the bot is killed, not drained).
    """
    probe = Outcome()
    await walk(walks[0], probe)
    outcome = Outcome()
    cpu_before, own_before = await child.cpu(), time.process_time()
    with Timer() as timer:
        tasks = [asyncio.create_task(walk(steps, outcome)) for steps in walks[1:]]
        _, pending = await asyncio.wait(tasks, timeout=window)
    cpu, own = await child.cpu() - cpu_before, time.process_time() - own_before
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        child.abandon()
    return Run(outcome, timer.seconds, cpu, own, len(walks) - 1, probe.samples, len(pending))


def row(key: str, label: str, run: Run) -> Row:
    """The row, with CPU per 1,000 updates, the unloaded latency and how busy our side was."""
    stats = summarize(run.outcome.samples, run.wall)
    per_k = run.bot_cpu / max(1, stats.n) * 1000
    ceiling = f"{1000 / per_k:,.0f}" if per_k else "?"
    probe = sorted(run.probe)
    notes = [
        f"bot process CPU {per_k:.2f} s per 1,000 updates (CPU-bound ceiling ≈ {ceiling}"
        f" updates/s); fake + users process busy {run.own_cpu / run.wall:.0%} of the run",
        f"{run.users:,} users at once for up to {run.wall:.1f} s, closed loop;"
        f" {run.unfinished:,} walks unfinished when the window closed; one user alone first:"
        f" p50 {percentile(probe, 0.5) / 1000:,.1f} ms over {len(probe)} updates",
    ]
    if run.outcome.diverged or run.outcome.timeouts:
        notes.append(
            f"{run.outcome.diverged} presses off the script, {run.outcome.timeouts} timeouts"
        )
    return Row.timed(
        key, 4, label, stats, concurrency=run.users, value=per_k, unit="CPU s/1k", notes=notes
    )
