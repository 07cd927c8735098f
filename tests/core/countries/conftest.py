"""The real country catalog, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.countries import CountryCatalog

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="session")
def countries() -> CountryCatalog:
    return CountryCatalog.load(CONTENT)
