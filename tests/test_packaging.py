"""The wheel carries flows/ and content/ and serves from any folder, with nothing else around.

Built from a copy of the sources (so the checkout gets no build/ or egg-info) without build
isolation: the test extra brings setuptools, so no download is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "bot", "flows", "content")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip, "--no-index", "-w", str(dist), str(src)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("backcheck-*.whl")
    return built


# Picture sources and their render script are for developers; the bot reads only the PNGs.
DEV_ONLY = (".svg", ".py")


def data_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for name in ("flows", "content")
        for p in (root / name).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(DEV_ONLY)
    }


def test_the_wheel_holds_every_flow_and_content_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("bot/_data/") for n in names if n.startswith("bot/_data/")}
    assert shipped == data_files(ROOT)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text and "Requires-Dist: tzdata" in text
    assert "Requires-Python: >=3.11" in text


def test_the_unpacked_wheel_validates_and_reads_its_own_data(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKCHECK_", "TELEGRAM_"))}
    env |= {"PYTHONPATH": str(site), "BACKCHECK_DB": str(tmp_path / "w.db")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, cwd=elsewhere, env=env
        )

    done = run("-m", "bot", "validate")
    assert done.returncode == 0 and done.stdout.startswith("ok: triage.yaml"), done.stderr
    where = run("-c", "from bot.settings import Settings; s = Settings(); print(s.flow, s.content)")
    flow, content = where.stdout.split()
    assert Path(flow).is_relative_to(site) and Path(content).is_relative_to(site)
    assert run("-m", "bot", "--version").stdout.strip() == "backcheck 0.1.0"


def test_every_package_is_listed_in_pyproject() -> None:
    # The package list is explicit (the data mapping needs it): a new folder of modules under
    # bot/ must be added there, or the wheel would ship without it.
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "bot").rglob("__init__.py")
    }
    assert listed - {"bot._data.flows", "bot._data.content"} == found
