"""The Dockerfile and compose.yaml agree with the README and with the settings.

Nothing is built here (no container engine in the test run): the test reads the files.
"""

from __future__ import annotations

import inspect
import re
import shlex

import yaml

from bot.metrics import metrics_app
from bot.settings import Settings
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = {field.alias for field in Settings.model_fields.values()}


def pip_targets(command: str) -> list[str]:
    """What a shell line asks pip to install, ``-e`` and options dropped."""
    words = shlex.split(command.replace("\\\n", " "))
    targets: list[str] = []
    for i, word in enumerate(words):
        if word == "install" and words[i - 1].endswith("pip"):
            for arg in words[i + 1 :]:
                if arg in ("&&", ";"):
                    break
                if not arg.startswith("-"):
                    targets.append(arg)
    return targets


def readme_install_line() -> str:
    (line,) = [
        line for line in README.splitlines() if "pip install" in line and "backcheck run" in line
    ]
    return line


def test_the_image_installs_what_the_readme_installs() -> None:
    runs = re.findall(r"^RUN (.+?)(?<!\\)$", DOCKERFILE, flags=re.M | re.S)
    image = [t for run in runs for t in pip_targets(run)]
    assert image == pip_targets(readme_install_line()) == [".[all]"]
    assert "-e" not in " ".join(r for r in runs if "pip install" in r)  # a real install
    assert re.search(r'^CMD \["backcheck", "run"\]$', DOCKERFILE, flags=re.M)


def test_the_image_is_slim_runs_unprivileged_and_keeps_sqlite_on_a_volume() -> None:
    assert re.search(r"^FROM python:3\.1[1-9]-slim$", DOCKERFILE, flags=re.M)
    assert re.search(r"^USER backcheck$", DOCKERFILE, flags=re.M)
    assert 'VOLUME ["/data"]' in DOCKERFILE and "BACKCHECK_DB=/data/" in DOCKERFILE


def test_the_healthcheck_asks_the_health_endpoint() -> None:
    (check,) = re.findall(r"^HEALTHCHECK .*?CMD (.+)$", DOCKERFILE, flags=re.M | re.S)
    assert "/healthz" in check and "BACKCHECK_METRICS_PORT" in check
    assert 'add_get("/healthz"' in inspect.getsource(metrics_app)


def test_every_environment_name_is_a_setting() -> None:
    named = set(re.findall(r"\b((?:BACKCHECK|TELEGRAM|DISCORD|REDIS)_[A-Z_]+)=", DOCKERFILE))
    for service in COMPOSE["services"].values():
        named |= set(service.get("environment") or {})
    assert named and named <= SETTINGS, named - SETTINGS


def test_compose_runs_the_bot_with_redis() -> None:
    services = COMPOSE["services"]
    assert services["bot"]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "redis" in services["bot"]["depends_on"]
    assert services["redis"]["image"].startswith("redis:")
    assert any(v.endswith(":/data") for v in services["bot"]["volumes"])


def test_the_readme_documents_the_deploy() -> None:
    assert "docker compose up" in README and "compose.yaml" in README


def test_ci_runs_the_readme_lines() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    fenced = re.findall(r"```sh\n(.+?)\n```", README, flags=re.S)
    test_line = next(block for block in fenced if "pytest -q" in block)
    develop = next(block for block in fenced if ".[all,test,dev]" in block)
    assert ci[-1] == test_line and develop in ci
    assert ".venv/bin/backcheck validate" in ci
    assert "export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost" in ci
    assert any(line.strip().startswith("redis-server ") for line in ci)
