"""``python -m benchmarks.discord_burst``: N Discord interactions at once, the bot in a child.

Discord fails an interaction whose first response (the acknowledgement) arrives more than three
seconds after it was created. This harness starts the real adapter in its own process (as
:mod:`benchmarks.e2e` does, optionally under a lower open-files limit), lets N people run
``/backpain`` (or press a button) in the same instant through :class:`FakeDiscord`, and counts
what Discord would count: interactions acknowledged in time, late (404 10062 from the fake),
never acknowledged, and those answered "busy, try again". The fake stamps each interaction when
it creates it, before the gateway frame goes out, so the delays include the gateway hop.

Usage: ``python -m benchmarks.discord_burst [--users 2000] [--kind command|press]
[--nofile 1024] [--plain-frames]``. The figures in ``docs/reliability.md`` come from these.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.e2e import ROOT, BotProcess, _end
from benchmarks.stats import percentile
from bot.adapters.discord.format import button_id
from tests.fakes.discord_api import FakeDiscord, FakeMessage

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

TOKEN = "benchmark-discord-token"
FIRST_USER = 1_400_000_000_000_000_000
#: Runs the bot under a lower soft ``RLIMIT_NOFILE`` than this shell's, like a default server.
_CHILD = (
    "import resource, runpy, sys\n"
    "limit = int(sys.argv.pop(1))\n"
    "if limit:\n"
    "    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
    "    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))\n"
    "runpy.run_module('benchmarks.e2e_bot', run_name='__main__')\n"
)


@dataclass
class Burst:
    """What Discord would have seen."""

    users: int
    kind: str
    in_time: int
    late: int
    never: int
    busy: int
    answered: int
    delays: list[float]
    seconds: float
    cpu: float
    dispatched: float = 0.0

    def lines(self) -> list[str]:
        ns = sorted(int(d * 1e9) for d in self.delays)
        pcts = (
            f"p50 {percentile(ns, 0.5) / 1000:.0f} ms, p99 {percentile(ns, 0.99) / 1000:.0f} ms,"
            f" max {ns[-1] / 1e6:.0f} ms"
            if ns
            else "none"
        )
        return [
            f"{self.users:,} {self.kind}s at once, bot in its own process",
            f"  acknowledged within 3 s: {self.in_time:,}; late (10062): {self.late:,}; "
            f"never acknowledged: {self.never:,}",
            f"  answered 'busy, try again': {self.busy:,}; got their reply: {self.answered:,}",
            f"  first response after creation: {pcts}",
            f"  all sent by the fake after {self.dispatched:.1f} s; all settled after "
            f"{self.seconds:.1f} s; bot CPU {self.cpu:.1f} s",
        ]


class Counting(FakeDiscord):
    """FakeDiscord without the deep-copied event log (nothing here waits on events)."""

    def _record(self, kind: Any, data: Any = None, **kw: Any) -> Any:
        return None


async def burst(users: int, kind: str, nofile: int, settle: float, plain: bool) -> Burst:
    # zlib-compressed frames as Discord sends them; ``plain`` spares the fake (Discord's side,
    # sharing this machine's CPU with the bot) about a second of compression in a burst.
    fake = Counting(token=TOKEN, transport_compression=not plain)
    async with fake:
        spec = {
            "platform": "discord",
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            "settings": {
                "discord_token": TOKEN,
                "telegram_token": None,
                "redis_url": None,
                "discord_guild_id": None,
                "discord_shards": None,
            },
        }
        async with _bot(spec, nofile) as child:
            people = [fake.make_user(FIRST_USER + i, f"u{i}") for i in range(users)]
            questions: dict[int, FakeMessage] = {}
            if kind == "press":
                for person in people:  # everyone has a question on screen first, one by one
                    questions[person.id] = await _question(fake, person)
            cpu = (await child.stats())["cpu"]
            started = time.perf_counter()
            if kind == "press":
                iids = await asyncio.gather(
                    *(
                        fake.click_button(
                            questions[p.id],
                            custom_id=button_id("rf_emergency", "none_of_these"),
                            user=p,
                        )
                        for p in people
                    )
                )
            else:
                iids = await asyncio.gather(
                    *(fake.slash_command("backpain", user=p) for p in people)
                )
            dispatched = time.perf_counter() - started
            await _settle(fake, list(iids), settle)
            seconds = time.perf_counter() - started
            cpu = (await child.stats())["cpu"] - cpu
    burst = _count(fake, list(iids), users, kind, seconds, cpu)
    burst.dispatched = dispatched
    return burst


async def _question(fake: FakeDiscord, person: Any) -> FakeMessage:
    iid = await fake.slash_command("backpain", user=person)
    for _ in range(500):
        shown = _shown(fake, iid)
        if shown is not None:
            return shown
        await asyncio.sleep(0.01)
    raise RuntimeError("no first question within 5 s")


def _shown(fake: FakeDiscord, iid: int) -> FakeMessage | None:
    """The message with buttons this interaction produced, if any yet."""
    interaction = fake.interactions[iid]
    ids = [interaction.original_message_id, *interaction.followups]
    for mid in ids:
        message = fake.messages.get(mid or 0)
        if message is not None and message.custom_ids and not message.loading:
            return message
    return None


def _busy(fake: FakeDiscord, iid: int) -> bool:
    interaction = fake.interactions[iid]
    ids = [interaction.original_message_id, *interaction.followups]
    return any(
        (m := fake.messages.get(mid or 0)) is not None and "try again" in m.content.lower()
        for mid in ids
    )


async def _settle(fake: FakeDiscord, iids: list[int], settle: float) -> None:
    """Until every interaction got its reply, was failed or turned away, or ``settle`` s."""
    deadline = time.perf_counter() + settle
    while time.perf_counter() < deadline:
        open_ = [
            i
            for i in iids
            if fake.interactions[i].error is None and _shown(fake, i) is None and not _busy(fake, i)
        ]
        if not open_:
            return
        await asyncio.sleep(0.1)


def _count(
    fake: FakeDiscord, iids: list[int], users: int, kind: str, seconds: float, cpu: float
) -> Burst:
    in_time = late = never = busy = answered = 0
    delays: list[float] = []
    for iid in iids:
        interaction = fake.interactions[iid]
        if interaction.responded and interaction.response_delay is not None:
            delays.append(interaction.response_delay)
            in_time += interaction.response_delay <= fake.interaction_deadline
        elif any(e.get("code") == 10062 for e in interaction.errors):
            late += 1
        else:
            never += 1
        busy += _busy(fake, iid)
        answered += _shown(fake, iid) is not None
    return Burst(users, kind, in_time, late, never, busy, answered, delays, seconds, cpu)


class _bot:
    """The adapter in a child process with an open-files limit (0: this shell's)."""

    def __init__(self, spec: dict[str, Any], nofile: int) -> None:
        self.spec = spec
        self.nofile = nofile
        self.tmp = tempfile.TemporaryDirectory(prefix="backcheck-burst-")
        self.child: BotProcess | None = None

    async def __aenter__(self) -> BotProcess:
        self.spec["settings"]["db"] = str(Path(self.tmp.name) / "burst.db")
        log = Path(self.tmp.name) / "bot.log"
        self.err = log.open("wb")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CHILD,
            str(self.nofile),
            json.dumps(self.spec),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self.err,
        )
        self.child = BotProcess(proc, log)
        if await self.child.line() != "ready":
            raise RuntimeError("the bot process did not say ready")
        return self.child

    async def __aexit__(self, *exc: object) -> None:
        if self.child is not None:
            await _end(self.child)
            tail = self.child.log.read_text(errors="replace").strip().splitlines()
            errors = [line for line in tail if "Error" in line or "error" in line]
            if errors:
                print(f"  bot log: {len(errors)} error lines, last: {errors[-1][:200]}")
        self.err.close()
        self.tmp.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.discord_burst")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--kind", choices=("command", "press"), default="command")
    parser.add_argument("--nofile", type=int, default=1024, help="0 keeps this shell's limit")
    parser.add_argument("--settle", type=float, default=120.0)
    parser.add_argument("--plain-frames", action="store_true", help="no gateway compression")
    args = parser.parse_args(argv)
    result = asyncio.run(burst(args.users, args.kind, args.nofile, args.settle, args.plain_frames))
    print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
