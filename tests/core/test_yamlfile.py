"""The YAML reader keeps lines, and pydantic errors come back as file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from bot.core.errors import FlowError
from bot.core.yamlfile import YamlSyntaxError, dotted, load_yaml, parse


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    to: str
    weight: int = 1


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    steps: dict[str, list[Step]]
    label: str | list[str] = ""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> FlowError:
    with pytest.raises(FlowError) as caught:
        parse(Plan, load_yaml(path), FlowError)
    return caught.value


def test_a_wrong_type_deep_in_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, "steps:\n  a:\n    - {to: b}\n    - {to: c, weight: heavy}\n")
    error = error_of(path)
    assert (error.key, error.line, error.file) == ("steps.a[1].weight", 4, str(path))


def test_an_unknown_key_and_a_missing_one(tmp_path: Path) -> None:
    unknown = error_of(write(tmp_path, "steps: {}\ncolour: red\n"))
    assert (unknown.key, unknown.line, unknown.message) == ("colour", 2, "unknown key")
    missing = error_of(write(tmp_path, "label: x\n"))
    assert missing.key == "steps" and missing.line == 1 and missing.message.startswith("missing")


def test_a_union_member_is_not_named_and_booleans_are_explained(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "steps: {}\nlabel: yes\n"))
    assert error.key == "label" and error.line == 2 and "quotes" in error.message


def test_verbatim_keeps_the_words_as_written(tmp_path: Path) -> None:
    doc = load_yaml(write(tmp_path, "words: [no, on, 3]\n"), verbatim=True)
    assert doc.data == {"words": ["no", "on", "3"]} and doc.line("words", 1) == 1


def test_dotted_keys() -> None:
    assert dotted(("combinations", 2, "then")) == "combinations[2].then"
    assert dotted(()) == ""


def test_a_repeated_key_is_an_error_not_a_lost_text(tmp_path: Path) -> None:
    path = write(tmp_path, "steps:\n  a: []\n  b: []\n  a: []\n")
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(path)
    assert (caught.value.line, caught.value.key) == (4, "steps.a")
