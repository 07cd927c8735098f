"""A Mermaid state diagram of a flow, committed as ``flows/<flow>.md`` and checked in CI.

Reviewers see the conversation as a picture; a test fails when the YAML changed and the
picture did not.
"""

from __future__ import annotations

from bot.core.flow.model import Flow


def mermaid(flow: Flow) -> str:
    """The ``stateDiagram-v2`` source: questions, choices as edges, outcomes as ends."""
    lines = ["stateDiagram-v2", f"    [*] --> {flow.start}"]
    for state in flow.states.values():
        if state.outcome is not None:
            lines.append(f"    {state.name} : outcome {state.outcome}")
            lines.append(f"    {state.name} --> [*]")
            continue
        edges: dict[str, list[str]] = {}
        for choice in state.choices:
            target = state.target_of(choice)
            dest = f"route {target.route}" if target.route else (target.state or "?")
            alone = flow.interrupt_target(flow.rules.verdict(choice.findings))
            if alone is not None and state.interrupt:  # this answer alone interrupts the flow
                dest = alone
            edges.setdefault(dest, []).append(choice.id)
        for dest, ids in edges.items():
            if dest.startswith("route "):
                for step in flow.routes[dest.removeprefix("route ")]:
                    cond = f" if {step.condition}" if step.condition else " otherwise"
                    lines.append(f"    {state.name} --> {step.to} : {', '.join(ids)}{cond}")
            else:
                lines.append(f"    {state.name} --> {dest} : {', '.join(ids)}")
    for step in flow.interrupt:
        lines.append(f"    note right of {step.to} : reached from any answer if {step.condition}")
    return "\n".join(lines) + "\n"


def mermaid_document(flow: Flow) -> str:
    """The Markdown file that GitHub renders as a diagram."""
    return (
        f"# Flow `{flow.name}` (generated)\n\n"
        f"Generated from `{flow.path.name}` by `backcheck diagram`; do not edit by hand.\n"
        "After any answer, an emergency level interrupts the questions and goes straight to "
        "its outcome (the notes below).\n\n"
        f"```mermaid\n{mermaid(flow)}```\n"
    )
