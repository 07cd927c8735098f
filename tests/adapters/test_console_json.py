"""The JSON-lines protocol survives any line: exactly one JSON reply each, the stream goes on.

The fuzz drives :func:`bot.adapters.console.answer` in-process: hypothesis draws 2,000 lines
(protocol objects with wrong types and odd strings, raw bytes, the known killers) and each is
fed with nine mutants (cut short, a byte flipped, doubled, deeply nested), 20,000 in all;
one child process covers what only the byte level shows (invalid UTF-8 on a real stdin).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.console import COMMANDS, MAX_LINE, answer, run_json
from bot.core.engine import Engine
from bot.core.flow.model import Flow
from bot.service import Conversations
from bot.storage.memory import open_memory
from tests.conftest import ROOT

#: Lines that each ended ``backcheck chat --json`` before it parsed with pydantic.
KILLERS = [
    b'{"user":"\\ud800","command":"start"}',
    b'{"user":"u1","text":"\\udfff x"}',
    b"[" * 1000 + b"]" * 1000,
    b'{"user":"u1","command":"start","x":' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"user":"u1","choice":' + b"9" * 4301 + b"}",
    b'{"user":"u1","text":"\xff\xfe"}',
    b'{"user":"\xed\xa0\x80","command":"start"}',  # a surrogate encoded as UTF-8
    b"\xef\xbb\xbf{}",
]
EDGES = [
    b"",
    b"   ",
    b"\t\r",
    b"null",
    b"[]",
    b'"just a string"',
    b"NaN",
    b'{"user":"u1","command":"start","locale":"\xe2\x80\xa8"}',
    b'{"user":"u1","text":"line\\u2028separator\\u2029"}',
    b'{"user":"u1","text":"\xe2\x80\xa8 raw"}',
    b'{"user":"\\u2028","command":"start"}',
    b'{"user":"u1","command":"start","\\u2028":1}',
    b'{"user":"u1","text":"' + b"a" * 5000 + b'"}',
    b'{"user":"u1","text":"\\u0000"}',
    b'{"user":"u1","command":"region","arg":"\\u0000"}',
    b'{"user":"u1","choice":"x","question":"' + b"q" * 300 + b'"}',
    b'{"user":1,"command":"start"}',
    b'{"user":"u1","command":"start","user":"u2"}',
]
TYPED = ["my legs are numb", "не чувствую ног", "I wet myself", "it hurts", "no numbness", ""]


def _json_value() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def _lines(flow: Flow) -> st.SearchStrategy[bytes]:
    choice_ids = sorted({c.id for s in flow.states.values() for c in s.choices})
    words = st.text(max_size=30)
    field = {
        "command": st.sampled_from(sorted(COMMANDS)) | words,
        "choice": st.sampled_from(choice_ids) | words,
        "text": st.sampled_from(TYPED) | words,
        "arg": st.sampled_from(["en", "ru", "uk", "us", "xx"]) | words,
        "question": st.sampled_from(sorted(flow.states)) | words,
        "locale": st.sampled_from(["en", "ru", "en-GB", "de", "xx-YY"]) | words,
    }
    objects = st.fixed_dictionaries(
        {"user": st.sampled_from(["u1", "u2", "u3"]) | words | _json_value()},
        optional={k: v | _json_value() for k, v in field.items()} | {"extra": _json_value()},
    )

    valid = st.fixed_dictionaries(
        {"user": st.sampled_from(["u1", "u2", "u3"])},
        optional={"locale": st.sampled_from(["en", "ru", "en-GB", "ru-RU"])},
    ).flatmap(
        lambda base: st.one_of(
            st.sampled_from(sorted(COMMANDS)).map(lambda c: {**base, "command": c}),
            st.sampled_from(choice_ids).map(lambda c: {**base, "choice": c}),
            st.sampled_from(TYPED[:-1]).map(lambda t: {**base, "text": t}),
        )
    )

    def dumped(obj: dict[str, Any], ascii_only: bool) -> bytes:
        # ensure_ascii=False with a lone surrogate gives bytes that are not UTF-8 at all.
        return json.dumps(obj, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")

    return st.one_of(
        st.builds(dumped, valid, st.just(False)),
        st.builds(dumped, valid, st.just(False)),
        st.builds(dumped, objects, st.booleans()),
        st.sampled_from(KILLERS + EDGES),
        st.binary(max_size=60),
        st.text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


def variants(line: bytes, seed: int, count: int = 10) -> list[bytes]:
    """``line`` and ``count - 1`` mutants: cut short, a byte flipped, doubled, nested."""
    rng = random.Random(seed)
    out = [line]
    while len(out) < count:
        cut = rng.randrange(len(line) + 1)
        out.append(
            rng.choice(
                [
                    line[:cut],
                    line[:cut] + bytes([rng.randrange(256)]) + line[cut + 1 :],
                    line[:cut] + line,
                    b"[" * rng.randrange(150, 1200) + line,
                    line.replace(b'"', b"", 1),
                ]
            ).replace(b"\n", b" ")
        )
    return out


def check_reply(raw: bytes) -> dict[str, Any]:
    """One line of strict UTF-8 JSON, no raw line separators, a known shape."""
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1, raw[:200]
    text = raw.decode("utf-8")  # strict
    assert "\u2028" not in text and "\u2029" not in text
    reply: dict[str, Any] = json.loads(text)
    assert isinstance(reply, dict) and ({"error"} == set(reply) or "replies" in reply), reply
    assert reply.get("error") != "internal error; the line was not applied"
    return reply


def test_every_killer_line_gets_one_error_and_the_stream_goes_on(engine: Engine) -> None:
    conversations = Conversations(engine, open_memory(retention=86400))

    async def feed() -> None:
        for line in KILLERS:
            assert "error" in check_reply(await answer(conversations, line))
        start = check_reply(await answer(conversations, b'{"user":"u1","command":"start"}'))
        assert start["state"] == "rf_emergency"

    asyncio.run(feed())


def test_u2028_is_escaped_in_replies(engine: Engine) -> None:
    conversations = Conversations(engine, open_memory(retention=86400))
    line = b'{"user":"\\u2028","command":"start"}'
    raw = asyncio.run(answer(conversations, line))
    assert "error" in check_reply(raw) and b"\xe2\x80\xa8" not in raw


def test_fuzz_20000_lines(flow: Flow, engine: Engine) -> None:
    tried = 0
    with asyncio.Runner() as runner:

        @settings(
            max_examples=100,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.lists(_lines(flow), min_size=20, max_size=20), st.integers(0, 2**32))
        def check(drawn: list[bytes], seed: int) -> None:
            nonlocal tried
            conversations = Conversations(engine, open_memory(retention=86400))
            lines = [v for i, line in enumerate(drawn) for v in variants(line, seed + i)]

            async def feed() -> None:
                for line in lines:
                    check_reply(await answer(conversations, line))

            runner.run(feed())
            tried += len(lines)

        check()
    assert tried >= 20_000


async def test_run_json_answers_blank_and_overlong_lines(engine: Engine) -> None:
    lines = [b"", b'{"user":"u1","command":"start"}', b"x" * (MAX_LINE + 10), b"  ", b"{}"]
    stdin = io.BytesIO(b"\n".join(lines) + b"\n")
    stdout = io.BytesIO()
    await run_json(Conversations(engine, open_memory(retention=86400)), stdin, stdout)
    replies = [check_reply(line + b"\n") for line in stdout.getvalue().splitlines()]
    assert len(replies) == len(lines)
    assert "empty line" in replies[0]["error"] and replies[1]["state"] == "rf_emergency"
    assert "too long" in replies[2]["error"] and "empty line" in replies[3]["error"]


def test_byte_level_lines_through_a_real_stdin(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")}
    lines = [*KILLERS, *EDGES, b'{"user":"u1","command":"start"}']
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--json"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=ROOT,
        env={**env, "BACKCHECK_DB": str(tmp_path / "j.db")},
        timeout=60,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-2000:]
    replies = [check_reply(line + b"\n") for line in done.stdout.splitlines()]
    assert len(replies) == len(lines)
    assert replies[-1]["state"] == "rf_emergency"
