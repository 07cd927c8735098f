"""The free-text red-flag detector: start-up, cost per message, worst case, and what it hears.

Why: every typed message goes through ``detect`` before anything else, so it must stay far
below the cost of a step (target: p99 under 1 ms for a 10-word message, at most 5 ms for a
4,000-character flood), and its start-up (compiling the phrase lists, their word forms read
from the morphology cache, which the benchmark's own first load fills) is paid on every
restart. The corpus rows print
sensitivity and specificity per language on the development and the held-out phrases
(``python -m benchmarks.detector`` adds the per-finding table).

Messages are generated with a fixed seed and mostly unseen words, so the per-word cache is
cold for most tokens, as for a real stream of people.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.stats import Row, Timer, summarize
from bot.core.redflags.detector import RedFlagDetector
from tests.core.redflags import corpus

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SECTION = 8
P99_10_WORDS_US = 1000.0
WORST_MS = 5.0
_LOAD = (
    "import json, time; t0 = time.perf_counter();"
    "from pathlib import Path; from bot.core.redflags.detector import RedFlagDetector;"
    "t1 = time.perf_counter(); d = RedFlagDetector.load(Path('content'));"
    "t2 = time.perf_counter(); d.detect('I cannot feel my groin, не могу пописать');"
    "t3 = time.perf_counter();"
    "print(json.dumps([t1 - t0, t2 - t1, t3 - t2]))"
)
_GYM: tuple[str, ...] = (
    "my",
    "back",
    "hurts",
    "after",
    "squats",
    "deadlifts",
    "today",
    "legs",
    "sore",
    "lower",
    "glutes",
    "hamstrings",
    "tight",
    "stiff",
    "yesterday",
    "session",
    "heavy",
    "set",
    "rep",
    "felt",
    "pain",
    "left",
    "right",
    "side",
    "both",
    "bench",
    "press",
    "training",
    "спина",
    "болит",
    "после",
    "становой",
    "ноги",
    "забиты",
    "поясница",
    "вчера",
    "тяжело",
    "подход",
    "повтор",
    "тренировка",
    "сильно",
    "немного",
    "утром",
    "вечером",
    "слева",
    "справа",
)
_SIGNS: tuple[str, ...] = (
    "numb",
    "groin",
    "can't",
    "pee",
    "fell",
    "ladder",
    "chest",
    "pain",
    "dizzy",
    "fever",
    "онемел",
    "пах",
    "не",
    "могу",
    "пописать",
    "упал",
    "лестницы",
    "температура",
    "моча",
    "темная",
)


def measure(
    runs: int = 3,
    messages: int = 5000,
    floods: int = 60,
    *,
    passes: int = 3,
    phrases: int | None = None,
) -> list[Row]:
    """Every detector row, in table order; ``phrases`` scores only about that many phrases
    of each corpus part (the smoke test's tiny run)."""
    detector = RedFlagDetector.load(CONTENT)
    return [
        startup_row(runs),
        message_row(detector, messages, passes),
        flood_row(detector, floods, passes),
        *corpus_rows(detector, phrases),
    ]


def startup_row(runs: int) -> Row:
    """A new interpreter: import, load and compile both phrase lists, first message."""
    parts: list[list[float]] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD], cwd=ROOT, capture_output=True, text=True, check=True
        )
        parts.append(json.loads(out.stdout))
    imports, load, first = (statistics.median(p[i] for p in parts) * 1000 for i in range(3))
    return Row(
        "detector.startup",
        SECTION,
        "detector: start-up (import + load + first message)",
        n=runs,
        value=imports + load + first,
        unit="ms",
        notes=[
            f"median of {runs} new processes: imports {imports:,.0f} ms, load the compiled"
            f" lists {load:,.0f} ms (from the detector's cache file, written by the first"
            f" run), first message {first:,.1f} ms"
        ],
    )


def _ten_words(rng: random.Random) -> str:
    words = [rng.choice(_GYM) for _ in range(8)] + [rng.choice(_SIGNS) for _ in range(2)]
    rng.shuffle(words)
    if rng.random() < 0.5:  # an unseen word (a typo or a name): cold cache on every message
        words[rng.randrange(10)] += "".join(rng.choice("abcdefghijkst") for _ in range(3))
    return " ".join(words)


def _timed(detector: RedFlagDetector, texts: list[str], passes: int) -> tuple[list[int], float]:
    """Per message the fastest of ``passes`` passes, each starting with an empty word cache.

    On a shared machine a sample can include time the process was not running at all; the
    fastest of several equally cold passes is the detector's own cost.
    """
    best = [0] * len(texts)
    wall = 0.0
    for n in range(passes):
        detector.clear_caches()
        with Timer() as timer:
            for i, text in enumerate(texts):
                start = time.perf_counter_ns()
                detector.detect(text)
                took = time.perf_counter_ns() - start
                best[i] = took if n == 0 else min(best[i], took)
        wall = timer.seconds if n == 0 else min(wall, timer.seconds)
    return best, wall


def message_row(detector: RedFlagDetector, count: int, passes: int = 3) -> Row:
    """p50 / p99 of ``detect`` on 10-word messages."""
    rng = random.Random(16)
    texts = [_ten_words(rng) for _ in range(count)]
    samples, wall = _timed(detector, texts, passes)
    stats = summarize(samples, wall)
    return Row.timed(
        "detector.message",
        SECTION,
        "detector: 10-word message",
        stats,
        target=f"p99 < {P99_10_WORDS_US:,.0f} µs",
        met=stats.p99_us < P99_10_WORDS_US,
        notes=[
            "half the messages carry a word never seen before (a typo: cold cache); per"
            f" message the fastest of {passes} cold passes"
        ],
    )


def _flood(rng: random.Random, kind: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыьэюя"
    if kind == 0:  # distinct nonsense words: every one a cache miss and a typo look-up
        words = (
            "".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(900)
        )
        return " ".join(words)[:4000]
    if kind == 1:  # gym talk with danger words sprinkled in
        return " ".join(rng.choice((*_GYM, *_SIGNS)) for _ in range(900))[:4000]
    if kind == 2:
        return "".join(rng.choice("💪🔥😀🆘\u200d\ufe0f") for _ in range(4000))
    return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(4000))  # mixed scripts


def flood_row(detector: RedFlagDetector, count: int, passes: int = 3) -> Row:
    """The worst case: 4,000-character messages of unseen words, emoji and mixed scripts."""
    rng = random.Random(4000)
    texts = [_flood(rng, i % 4) for i in range(count)]
    samples, wall = _timed(detector, texts, passes)
    stats = summarize(samples, wall)
    worst = max(samples) / 1e6
    cache = detector.word_cache
    return Row.timed(
        "detector.flood",
        SECTION,
        "detector: 4,000-character message",
        stats,
        target=f"max ≤ {WORST_MS:.0f} ms",
        met=worst <= WORST_MS,
        notes=[
            f"max {worst:,.2f} ms (fastest of {passes} cold passes per message); nonsense"
            " words, gym talk, emoji floods, mixed scripts;"
            f" word cache afterwards {cache.bytes / 1024:,.0f} KiB of"
            f" {cache.max_bytes / 1024:,.0f} KiB, {len(cache):,} entries"
        ],
    )


def corpus_rows(detector: RedFlagDetector, phrases: int | None = None) -> list[Row]:
    """Sensitivity and specificity per language and corpus part."""
    rows: list[Row] = []
    for language in corpus.LANGUAGES:
        for part in corpus.parts(language):
            sample = corpus.load(language, part)
            if phrases is not None:  # evenly spread, so that benign phrases are in it too
                sample = sample[:: max(1, len(sample) // phrases)]
            result = corpus.score(detector.detect, sample)
            ok = result.sensitivity >= 0.98 and result.specificity >= 0.95
            rows.append(
                Row(
                    f"detector.corpus.{language}.{part}",
                    SECTION,
                    f"detector: {language} {part} phrases, sensitivity",
                    n=result.danger + result.benign,
                    value=result.sensitivity * 100,
                    unit="%",
                    target="≥ 98% / ≥ 95%, 0 alarms on benign",
                    met=ok and result.benign_alarms == 0,
                    notes=[corpus.report(f"{language} {part}", result)[0]],
                )
            )
    return rows


def main() -> int:
    """``python -m benchmarks.detector``: the rows, then the per-finding figures."""
    from benchmarks import report

    rows = measure()
    print(report.table(rows))
    detector = RedFlagDetector.load(CONTENT)
    for language in corpus.LANGUAGES:
        for part in corpus.parts(language):
            result = corpus.score(detector.detect, corpus.load(language, part))
            lines = corpus.report(f"{language} {part}", result)
            print()
            print(
                "\n".join(
                    line
                    for line in lines
                    if not line.startswith("  MISS") and not line.startswith("  FALSE")
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
