"""/healthz and /metrics over real HTTP: counts only, never user data."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.core.messages import Event, EventKind
from bot.metrics import metrics_app
from bot.settings import Settings


async def test_health_and_metrics(tmp_path: Path) -> None:
    app = await App.open(Settings(BACKCHECK_DB=tmp_path / "m.db"))
    conv = app.conversations
    await conv.handle("u1", Event(EventKind.START))
    await conv.handle("u1", Event(EventKind.CHOICE, "faint", "rf_emergency"))
    await conv.handle("u2", Event(EventKind.START))
    await conv.handle("u2", Event(EventKind.TEXT, "I have a fever, secret-health-detail"))
    async with TestClient(TestServer(metrics_app(app))) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        body = await (await client.get("/metrics")).text()
    assert "backcheck_conversations_started_total 2.0" in body
    assert 'backcheck_outcomes_total{level="emergency_ambulance"} 1.0' in body
    assert "backcheck_red_flag_interrupts_total 1.0" in body
    assert "backcheck_handler_seconds_count 4.0" in body
    assert "secret-health-detail" not in body and "u1" not in body
    await app.close()


async def test_health_reports_storage_outage(tmp_path: Path) -> None:
    app = await App.open(Settings(BACKCHECK_DB=tmp_path / "m.db"))
    await app.close()  # a closed storage is an unavailable one
    async with TestClient(TestServer(metrics_app(app))) as client:
        assert (await client.get("/healthz")).status == 503
