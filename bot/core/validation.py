"""``backcheck validate``: prove a flow and its content are safe to run before anyone chats.

Every problem is reported at once, each naming the file, the line and the key, so a broken
edit is fixed in one pass. The bot refuses to start while any problem remains.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.aftercare import SPECIAL_FOLLOWUPS
from bot.core.content import Catalog, placeholders
from bot.core.errors import BackcheckError, ContentError, FlowError
from bot.core.flow.model import Flow
from bot.core.regions import REGIONS

# Texts the engine, the renderer and the adapters use directly (not through the flow).
UI_KEYS = (
    "ui.welcome", "ui.resume", "ui.answer_this_first", "ui.use_buttons", "ui.back_at_start",
    "ui.help", "ui.about", "ui.language_set", "ui.region_set", "ui.forgotten",
    "ui.already_answered", "ui.red_flag_typed", "ui.red_flag_noted", "ui.confirm",
    "ui.confirm_thanks", "ui.choose_language", "ui.choose_region", "ui.language_name",
    "ui.anything_else", "ui.followups", "ui.red_flag_banner", "ui.not_a_diagnosis",
    "ui.because", "ui.because_nothing", "ui.you_wrote", "ui.summary_title", "ui.summary_level",
    "ui.summary_footer", "ui.urgent_unknown_region", "ui.error", "ui.unavailable",
    "ui.your_answer", "ui.private_only", "ui.open_private", "ui.checkins_on",
    "ui.timer_started", "ui.compress_over", "ui.compress_off", "ui.compress_next",
    "ui.next_compress_set", "ui.checkin_question", "ui.checkin_better", "ui.checkin_same_early",
    "ui.checkin_same_late", "ui.checkin_worse", "ui.checkin_new", "ui.stopped", "ui.no_summary",
    "ui.summary_checkins", "choices.better", "choices.same", "choices.worse",
    "choices.new_symptom", "choices.start_timer", "choices.remind_next",
    "choices.stop_reminders", "choices.set_region", "ui.compress_missed", "ui.flow_updated",
    "choices.nothing_else", "choices.restart", "choices.confirm_yes", "choices.confirm_no",
    "choices.not_sure", "choices.present", "choices.absent", "choices.still_true",
    "choices.change", "ui.number_unknown", "ui.profile_confirm", "ui.profile_nothing",
    "ui.picked", "console.hello", "ui.because_typed",
    # The result screens (bot/core/render.py): action lines, tailored steps, medicines.
    "outcomes.emergency_ambulance.text", "outcomes.emergency_department.text",
    "outcomes.emergency_department.call", "outcomes.emergency_department.dark_urine",
    "outcomes.emergency_department.pregnancy", "outcomes.urgent_doctor.action",
    "outcomes.urgent_doctor.line", "outcomes.urgent_doctor.muscles", "outcomes.doctor.action",
    "outcomes.doctor.line", "outcomes.self_care.action", "outcomes.self_care.line",
    "outcomes.steps.stop", "outcomes.steps.positions", "outcomes.steps.positions_pregnant",
    "outcomes.steps.cold", "outcomes.steps.no_heat", "outcomes.steps.after_72h",
    "outcomes.steps.move", "outcomes.steps.move_muscles", "outcomes.medicines",
    "outcomes.medicines_avoid", "outcomes.medicines_pregnancy", "outcomes.pregnancy",
    "outcomes.safety_net", "followups.alt.cold_pack_wrapped",
    "followups.alt.rest_back_calves_on_chair", "followups.alt.rest_side_pillow_knees",
)  # fmt: skip


def validate(flow: Flow, catalog: Catalog) -> list[BackcheckError]:
    """All problems of ``flow`` with ``catalog``; an empty list means ready to run."""
    return [*check_graph(flow), *check_content(flow, catalog)]


def check_graph(flow: Flow) -> Iterator[FlowError]:
    """Reachability, a way forward everywhere, and no path that never ends in an outcome."""
    edges = {name: set[str]() for name in flow.states}
    for state in flow.states.values():
        for choice in state.choices:
            edges[state.name].update(step.to for step in flow.transitions_of(state, choice))
    seen, todo = {flow.start}, [flow.start]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    for name, state in flow.states.items():
        if name not in seen:
            yield flow.error(
                f"state {name!r} cannot be reached from {flow.start!r}", "states", name
            )
        if state.outcome is None and not state.choices:
            yield flow.error(
                f"state {name!r} is not an outcome and has no choices: nowhere to go",
                "states",
                name,
            )
        if state.outcome is not None and state.choices:
            yield flow.error("an outcome state ends the flow and has no choices", "states", name)
        if state.multi and not any(c.done for c in state.choices):
            yield flow.error("a multi question needs a choice with done: true", "states", name)
    yield from _cycles(flow, edges)
    for level in flow.rules.levels:
        if not any(s.outcome == level for s in flow.states.values()):
            yield flow.error(f"no outcome state declares level {level!r}", "states")


def _cycles(flow: Flow, edges: dict[str, set[str]]) -> Iterator[FlowError]:
    """A loop other than a multi question asking "anything else?" could go on forever."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(edges, white)

    def visit(node: str) -> str | None:
        colour[node] = grey
        for nxt in sorted(edges[node] - {node}):
            if colour[nxt] == grey:
                return nxt
            if colour[nxt] == white and (found := visit(nxt)) is not None:
                return found
        colour[node] = black
        return None

    for name in edges:
        if colour[name] == white and (loop := visit(name)) is not None:
            yield flow.error(f"a loop through {loop!r} may never reach an outcome", "states", loop)
            return
    for name, state in flow.states.items():
        if name in edges[name] and not state.multi:
            yield flow.error("only a multi question may lead back to itself", "states", name)


def flow_keys(flow: Flow) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every content key the flow uses, with where in the flow file it is used."""
    for name, state in flow.states.items():
        if state.outcome is None:
            yield state.text, ("states", state.group or name)
            yield state.short, ("states", state.group or name)
        for i, choice in enumerate(state.choices):
            yield choice.label, ("states", state.group or name, "choices", i)
        for followup in state.followups:
            yield f"followups.{followup}.label", ("states", name, "followups")
            if followup not in SPECIAL_FOLLOWUPS:
                yield f"followups.{followup}.text", ("states", name, "followups")
    for finding in flow.rules.findings:
        yield f"findings.{finding}", ("rules",)
    for level in flow.rules.levels:
        yield f"levels.{level}", ("rules",)
    for region in REGIONS.values():
        yield f"regions.{region.id}", ()
        yield f"regions.urgent.{region.id}", ()
    for key in UI_KEYS:
        yield key, ()


def check_content(flow: Flow, catalog: Catalog) -> Iterator[BackcheckError]:
    """Every key in every locale, identical key sets, and matching ``{placeholders}``."""
    default = catalog.locales[0]
    for key, where in flow_keys(flow):
        for locale in catalog.locales:
            if not catalog.has(key, locale):
                yield ContentError(
                    f"missing in locale {locale!r} (used by {flow.path.name})",
                    file=f"content/{locale}/{key.split('.')[0]}.yaml",
                    line=flow.doc.line(*where) if where else None,
                    key=key,
                )
    base = catalog.texts[default]
    for locale in catalog.locales[1:]:
        other = catalog.texts[locale]
        for key in sorted(base.keys() ^ other.keys()):
            lacking = locale if key in base else default
            origin = catalog.where[default if key in base else locale][key]
            yield ContentError(
                f"present in {origin.file.parent.name!r} but missing in {lacking!r}",
                file=origin.file,
                line=origin.line,
                key=key,
            )
        for key in sorted(base.keys() & other.keys()):
            if placeholders(base[key]) != placeholders(other[key]):
                origin = catalog.where[locale][key]
                yield ContentError(
                    f"placeholders differ from {default!r}: "
                    f"{sorted(placeholders(other[key]))} vs {sorted(placeholders(base[key]))}",
                    file=origin.file,
                    line=origin.line,
                    key=key,
                )
