"""``python -m bot chat --json`` as a child process: the protocol as a script would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT


class JsonBot:
    """One line in, one line out; ``env`` adds to a clean environment (no messenger tokens)."""

    def __init__(self, **env: str) -> None:
        base = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**base, **env},
        )

    def send(self, obj: dict[str, Any] | str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        line = obj if isinstance(obj, str) else json.dumps(obj)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        result: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return result

    def close(self) -> str:
        """End the input and wait; the process must exit cleanly. Returns its stderr."""
        _, err = self.proc.communicate(timeout=10)
        assert self.proc.returncode == 0, err
        return err
