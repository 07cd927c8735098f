"""``/healthz`` and Prometheus ``/metrics`` on a local port, when enabled.

Only counts leave the process: conversations started, outcomes by level, red-flag interrupts,
duplicates, retries, errors and the handler latency histogram. The counters live in the
service (``bot.service.Metrics``) and are read at scrape time, so the hot path never touches
the Prometheus client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from itertools import accumulate

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from bot.app import App
from bot.service import LATENCY_BUCKETS, Metrics


class ServiceCollector(Collector):
    """Turns the service's counters into Prometheus metric families."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        yield CounterMetricFamily(
            "backcheck_conversations_started", "Checks started or restarted", value=m.started
        )
        outcomes = CounterMetricFamily(
            "backcheck_outcomes", "Outcomes reached, by triage level", labels=["level"]
        )
        for level, count in sorted(m.outcomes.items()):
            outcomes.add_metric([level], count)
        yield outcomes
        yield CounterMetricFamily(
            "backcheck_red_flag_interrupts",
            "Turns where typed text raised a red flag",
            value=m.red_flag_interrupts,
        )
        yield CounterMetricFamily(
            "backcheck_duplicate_events",
            "Platform events ignored as duplicates",
            value=m.duplicates,
        )
        yield CounterMetricFamily(
            "backcheck_save_retries", "Saves retried after a lost race", value=m.retries
        )
        yield CounterMetricFamily(
            "backcheck_errors", "Events answered with an error or outage", value=m.errors
        )
        cumulative = list(accumulate(m.latency_counts))
        buckets = [(str(b), c) for b, c in zip(LATENCY_BUCKETS, cumulative, strict=True)]
        buckets.append(("+Inf", m.latency_total))
        yield HistogramMetricFamily(
            "backcheck_handler_seconds",
            "Time to handle one event (lock, load, step, save)",
            buckets=buckets,
            sum_value=m.latency_sum,
        )


def metrics_app(app: App) -> web.Application:
    """The aiohttp application with both routes (separate so tests can run it)."""
    registry = CollectorRegistry()
    registry.register(ServiceCollector(app.conversations.metrics))

    async def healthz(request: web.Request) -> web.Response:
        try:
            await app.conversations.storage.sessions.load("healthz:probe")
        except Exception:  # any storage failure means not healthy
            return web.Response(status=503, text="storage unavailable\n")
        return web.Response(text="ok\n")

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(registry), headers={"Content-Type": "text/plain; version=0.0.4"}
        )

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


async def serve_metrics(app: App, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set."""
    runner = web.AppRunner(metrics_app(app), access_log=None)
    await runner.setup()
    port = app.settings.metrics_port or 0
    site = web.TCPSite(runner, app.settings.metrics_host, port)
    await site.start()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
