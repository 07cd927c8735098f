"""rules.yaml is checked against its model: an operator's typo names the file, line and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.errors import FlowError
from bot.core.flow.rules import load_rules
from tests.conftest import FLOW


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules.yaml"
    shutil.copy(FLOW.parent / "rules.yaml", target)
    return target


def broken(path: Path, old: str, new: str) -> FlowError:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        load_rules(path)
    return caught.value


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_real_rules_load(rules: Path) -> None:
    loaded = load_rules(rules)
    assert loaded.levels[0] == "emergency_ambulance" and loaded.combinations


def test_a_wrong_type_names_its_key_and_line(rules: Path) -> None:
    error = broken(rules, "major_trauma: {level: emergency_ambulance, red_flag: true}",
                   "major_trauma: {level: emergency_ambulance, red_flag: often}")  # fmt: skip
    assert error.key == "findings.major_trauma.red_flag"
    assert error.line == line_of(rules, "major_trauma:")
    assert "bool" in error.message and str(error).startswith(f"{rules}:{error.line}:")


def test_an_unknown_key_is_refused(rules: Path) -> None:
    error = broken(rules, "{id: C2, all:", "{id: C2, when: later, all:")
    assert error.key == "combinations[1].when" and error.message == "unknown key"
    assert error.line == line_of(rules, "id: C2")


def test_a_missing_key_points_at_its_parent(rules: Path) -> None:
    error = broken(rules, "numbness_in_leg], then: urgent_doctor}", "numbness_in_leg]}")
    assert error.key == "combinations[1].then" and error.message.startswith("missing")
    assert error.line == line_of(rules, "id: C2")


def test_a_level_outside_the_table_is_refused(rules: Path) -> None:
    error = broken(rules, "sharp_pain: {level: doctor", "sharp_pain: {level: soon")
    assert error.key == "findings.sharp_pain.level" and error.line == line_of(rules, "sharp_pain")
