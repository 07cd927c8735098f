"""Each validation rule, proven on a deliberately broken copy of the real flow.

Every error must name the file and the key (and the line where YAML gives one), because an
operator fixes the file from this message alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.content import load_catalog
from bot.core.errors import BackcheckError, ContentError, FlowError
from bot.core.flow.parser import load_flow
from bot.core.validation import (
    DISCORD_CUSTOM_ID,
    PLATFORM_LABEL,
    TELEGRAM_CALLBACK_BYTES,
    label_warnings,
    validate,
)
from tests.conftest import CONTENT, FLOW


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(FLOW.parent, tmp_path / "flows")
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(tree: Path) -> list[BackcheckError]:
    try:
        flow = load_flow(tree / "flows" / "triage.yaml")
        catalog = load_catalog(tree / "content")
    except BackcheckError as exc:
        return [exc]
    return validate(flow, catalog)


def only(tree: Path, kind: type[BackcheckError]) -> BackcheckError:
    found = problems(tree)
    assert found, "expected a validation problem"
    assert isinstance(found[0], kind), found
    return found[0]


def test_the_real_flow_and_content_are_valid(tree: Path) -> None:
    assert problems(tree) == []


BROKEN_FLOWS: list[tuple[str, str, str, str]] = [
    # (rule, old text, new text, key the message must name)
    (
        "unreachable",
        "  rf_urine:\n",
        "  orphan:\n    choices: [{id: go, next: out_self_care}]\n  rf_urine:\n",
        "states.orphan",
    ),
    (
        "no way forward",
        "      - {id: gradual}\n",
        "      - {id: gradual, next: dead_end}\n",
        "states.dead_end",
    ),
    (
        "no outcome at the end",
        "      - {id: over_three_improving}\n",
        "      - {id: over_three_improving, next: onset}\n",
        "states.onset",
    ),
    (
        "boolean choice id",
        "      - {id: today}\n",
        "      - {id: yes}\n",
        "states.course.choices[0].id",
    ),
    (
        "unknown finding",
        "findings: [sharp_pain]}",
        "findings: [stabbing_agony]}",
        "states.rf_urine.choices[15].findings",
    ),
    ("unknown condition", "if: level_is_doctor,", "if: os.system,", "routes.by_level[3].if"),
    ("unknown level", "outcome: self_care", "outcome: relax", "states.out_self_care.outcome"),
    ("unknown target", "    next: rf_hospital\n", "    next: rf_hospitl\n", "states.rf_urine.next"),
    (
        "duplicate choice",
        "      - {id: improving}\n",
        "      - {id: today}\n",
        "states.course.choices[1]",
    ),
    # Shapes, checked by the pydantic models of the flow file.
    (
        "wrong type",
        "  rf_urine:\n    multi: true\n",
        "  rf_urine:\n    multi: maybe\n",
        "states.rf_urine.multi",
    ),
    (
        "unknown key",
        "  onset:\n    choices:\n",
        "  onset:\n    colour: red\n    choices:\n",
        "states.onset.colour",
    ),
    (
        "missing key",
        "  - {if: level_is_emergency_ambulance, to: out_emergency_ambulance}\n  - {if: hospital",
        "  - {if: level_is_emergency_ambulance}\n  - {if: hospital",
        "interrupt[0].to",
    ),
    (
        "wrong type in a list",
        "      - {id: today}\n",
        "      - {id: today, findings: sharp_pain}\n",
        "states.course.choices[0].findings",
    ),
]


@pytest.mark.parametrize(
    ("rule", "old", "new", "key"), BROKEN_FLOWS, ids=[b[0] for b in BROKEN_FLOWS]
)
def test_broken_flow_is_reported_with_file_and_key(
    tree: Path, rule: str, old: str, new: str, key: str
) -> None:
    edit(tree / "flows" / "triage.yaml", old, new)
    if rule == "no way forward":
        edit(
            tree / "flows" / "triage.yaml",
            "  rf_urine:\n",
            "  dead_end:\n    text: ui.help\n  rf_urine:\n",
        )
    error = only(tree, FlowError)
    assert isinstance(error, FlowError)
    assert str(error).count("\n") == 0, "one line for the operator"
    assert error.file is not None and error.file.endswith("triage.yaml"), error
    assert error.key is not None and error.key.startswith(key), error
    assert error.line is not None, error
    assert f"triage.yaml:{error.line}:" in str(error)


def test_yaml_syntax_error_names_file_and_line(tree: Path) -> None:
    edit(tree / "flows" / "triage.yaml", "  course:\n", "  course:\n   - broken: [\n")
    error = only(tree, FlowError)
    assert "triage.yaml" in str(error) and error.line is not None


def test_unknown_finding_in_rules_combination(tree: Path) -> None:
    edit(
        tree / "flows" / "rules.yaml",
        "all: [pain_below_knee, numbness_in_leg]",
        "all: [pain_below_knee, numb]",
    )
    error = only(tree, FlowError)
    assert "rules.yaml" in str(error) and "combinations[1]" in str(error)


def test_missing_content_key_in_one_locale(tree: Path) -> None:
    edit(tree / "content" / "ru" / "questions.yaml", "  gradual:", "  gradual_x:")
    found = [str(p) for p in problems(tree)]
    assert any("questions.onset.gradual" in p and "'ru'" in p for p in found), found
    assert any("questions.onset.gradual_x" in p for p in found), found


def test_empty_text_is_refused(tree: Path) -> None:
    edit(tree / "content" / "en" / "levels.yaml", "self_care: Self-care at home", "self_care: ''")
    error = only(tree, ContentError)
    assert error.key == "levels.self_care" and error.line is not None


def test_unquoted_boolean_text_is_explained(tree: Path) -> None:
    edit(tree / "content" / "en" / "choices.yaml", 'present: "Yes"', "present: Yes")
    error = only(tree, ContentError)
    assert "quotes" in str(error) and error.key == "choices.present"


def test_placeholders_must_match_between_locales(tree: Path) -> None:
    path = tree / "content" / "ru" / "ui.yaml"
    text = path.read_text(encoding="utf-8").replace("звоните {number}.", "звоните {numbr}.", 1)
    path.write_text(text, encoding="utf-8")
    assert any("placeholders differ" in str(p) for p in problems(tree))


def test_a_placeholder_typo_in_both_locales_fails_with_file_line_key_and_allowed_names(
    tree: Path,
) -> None:
    """{numbr} in every locale agrees between locales, and would render "Call  now."."""
    for locale in ("en", "ru"):
        path = tree / "content" / locale / "outcomes.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("{number}", "{numbr}"), "utf-8")
    found = [p for p in problems(tree) if "unknown placeholder" in str(p)]
    assert found, "a typo must not pass validate"
    error = found[0]
    assert isinstance(error, ContentError) and error.key == "outcomes.emergency_ambulance.text"
    assert error.line is not None and str(error.file).endswith("outcomes.yaml")
    assert "{numbr}" in str(error) and "{number}" in str(error) and "{start}" in str(error)


def test_a_text_built_without_a_session_may_not_name_the_numbers(tree: Path) -> None:
    path = tree / "content" / "en" / "pictures.yaml"
    text = path.read_text(encoding="utf-8")
    first_caption = next(line for line in text.splitlines() if "caption:" in line)
    edit(path, first_caption, first_caption + " {number}")
    found = [p for p in problems(tree) if "unknown placeholder" in str(p)]
    assert found and found[0].key is not None and found[0].key.startswith("pictures.")
    assert "allowed here: none" in str(found[0])


def test_a_button_payload_over_the_platform_limits_fails(tree: Path) -> None:
    long_id = "none_of_these_" + "x" * 60
    edit(
        tree / "flows" / "triage.yaml",
        "      - {id: none_of_these, label: choices.none_of_these}",
        f"      - {{id: {long_id}, label: choices.none_of_these}}",
    )
    found = [p for p in problems(tree) if "button payload" in str(p)]
    assert found and isinstance(found[0], FlowError)
    assert found[0].key == f"rf_emergency.{long_id}" and found[0].line is not None
    assert "64" in str(found[0]) and "100" in str(found[0])


def test_a_label_over_80_characters_fails_and_over_our_budget_warns(tree: Path) -> None:
    edit(
        tree / "content" / "en" / "choices.yaml",
        "none_of_these: None of these",
        "none_of_these: " + "N" * 81,
    )
    found = [p for p in problems(tree) if "button label" in str(p)]
    assert found and found[0].key == "choices.none_of_these" and "80" in str(found[0])
    flow, catalog = load_flow(tree / "flows" / "triage.yaml"), load_catalog(tree / "content")
    assert any("choices.none_of_these" in w for w in label_warnings(flow, catalog))


def test_the_limits_are_the_adapters_own() -> None:
    telegram = pytest.importorskip("bot.adapters.telegram.format")
    discord = pytest.importorskip("bot.adapters.discord.format")
    assert telegram.CALLBACK_DATA_LIMIT == TELEGRAM_CALLBACK_BYTES
    assert telegram.encode_callback("q", "c") == "q|c"
    assert len(discord.button_id("q", "c")) == len("bc|q|c")
    assert discord.BUTTON_LABEL_LIMIT == PLATFORM_LABEL
    with pytest.raises(discord.CustomIdTooLong):
        discord.button_id("q" * (DISCORD_CUSTOM_ID - len("bc||c") + 1), "c")
