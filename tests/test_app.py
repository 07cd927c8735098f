"""Start-up refuses a broken flow, naming every problem; the CLI says the same."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import App, InvalidFlow
from bot.settings import Settings
from tests.conftest import CONTENT, FLOW, ROOT


def broken_copy(tmp_path: Path) -> Path:
    shutil.copytree(FLOW.parent, tmp_path / "flows")
    flow = tmp_path / "flows" / "triage.yaml"
    text = flow.read_text(encoding="utf-8")
    text = text.replace("    - {if: level_is_doctor, to: out_doctor}\n", "")
    flow.write_text(text, encoding="utf-8")
    return flow


async def test_the_bot_refuses_to_start_on_an_invalid_flow(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BACKCHECK_FLOW=broken_copy(tmp_path),
        BACKCHECK_CONTENT=CONTENT,
        BACKCHECK_DB=tmp_path / "x.db",
    )
    with pytest.raises(InvalidFlow) as caught:
        await App.open(settings)
    problems = [str(p) for p in caught.value.problems]
    assert any("out_doctor" in p and "triage.yaml" in p for p in problems), problems
    assert not (tmp_path / "x.db").exists()  # nothing was opened


def test_validate_command_names_file_line_and_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"BACKCHECK_FLOW": str(broken_copy(tmp_path)), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert "triage.yaml:" in done.stderr and "out_doctor" in done.stderr
    assert "the bot will not start" in done.stderr


async def test_an_open_app_purges_expired_sessions_in_every_mode(tmp_path: Path) -> None:
    """`backcheck chat` too: retention is the app's job, not only `backcheck run`'s."""
    import asyncio
    import time

    from bot.core.session import Session
    from bot.storage.sqlite import open_sqlite

    db = tmp_path / "chat.db"
    storage = await open_sqlite(db, retention=3600.0, clock=lambda: time.time() - 7200)
    await storage.sessions.save(Session(user="cli:old", updated_at=time.time() - 7200))
    await storage.close()
    settings = Settings(_env_file=None, BACKCHECK_DB=db, BACKCHECK_RETENTION=3600)  # type: ignore[call-arg]
    app = await App.open(settings)
    for _ in range(10):
        await asyncio.sleep(0)
    sessions = app.conversations.storage.sessions
    assert await sessions.purge() == 0  # already purged by the app itself
    await app.close()
