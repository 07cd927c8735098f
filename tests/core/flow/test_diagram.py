"""The committed flow diagram matches the flow (regenerate with `backcheck diagram`)."""

from __future__ import annotations

from bot.core.flow.diagram import mermaid_document
from bot.core.flow.model import Flow
from tests.conftest import FLOW


def test_committed_diagram_is_current(flow: Flow) -> None:
    committed = FLOW.with_suffix(".md").read_text(encoding="utf-8")
    assert committed == mermaid_document(flow), "run `backcheck diagram` and commit flows/triage.md"


def test_diagram_shows_every_state_and_outcome(flow: Flow) -> None:
    text = mermaid_document(flow)
    for name, state in flow.states.items():
        assert name in text
        if state.outcome:
            assert f"outcome {state.outcome}" in text
