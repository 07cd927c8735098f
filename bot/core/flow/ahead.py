"""Which questions could still change the advice: read from the rule table, never a hand list.

Once a result has been shown early (a level of ``early_levels`` in ``flows/rules.yaml``), the
questionnaire goes on only with the questions whose answers could still *raise* the level;
every other one is skipped (clinical.md 1, "Stop the questionnaire early": further questions
must not delay the advice). Skipping a question means leaving it the way "None of these"
would, without recording an answer, so the summary card lists only what was asked.

A question matters when one of its answers (or a question only it leads to, such as the
pregnancy warning signs after "pregnant", or an unfolded single question) implies a more
urgent level on its own, or completes an escalating combination together with what is known
and with findings the questions still ahead could add, where those alone would not reach
that level. Because the rule table only ever raises a level, that test is exact for the
combinations (every combination names at most a few findings) and errs, if ever, towards
asking: a person is never under-triaged by a skipped question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.flow.model import Flow, FlowChoice, FlowState
from bot.core.flow.rules import TriageRules, Verdict


class Ahead:
    """Looks ahead in one flow; stateless, so one serves every person."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.rules: TriageRules = flow.rules

    def skip(self, state: FlowState, verdict: Verdict) -> str | None:
        """Where ``state`` leads when it is not asked: its own next, as "None of these" does."""
        return self.flow.resolve(state.next, verdict) if state.next is not None else None

    def matters(
        self, state: FlowState, findings: Iterable[str], offered: Sequence[FlowChoice]
    ) -> bool:
        """Could an answer to ``state`` (one of ``offered``) raise the level of ``findings``?"""
        known = frozenset(findings)
        verdict = self.rules.verdict(sorted(known))
        rank = self.rules.rank(verdict.level)
        spine = self._spine(state, verdict)
        own, raised = self._own(state, offered, known, rank, spine)
        if raised:
            return True
        later = self._findings_ahead(spine)
        return self._completes(known, own - known, later, rank)

    def _spine(self, state: FlowState, verdict: Verdict) -> list[str]:
        """The questions still ahead when ``state`` and each one after it are skipped."""
        path: list[str] = []
        current: str | None = self.skip(state, verdict)
        while current is not None and current not in path:
            following = self.flow.states[current]
            if following.outcome is not None:
                break
            path.append(current)
            current = self.skip(following, verdict)
        return path

    def _own(
        self,
        state: FlowState,
        offered: Sequence[FlowChoice],
        known: frozenset[str],
        rank: int,
        spine: list[str],
    ) -> tuple[set[str], bool]:
        """The findings ``state`` can add, with those of the questions only it leads to; and
        whether one answer alone already raises the level."""
        own: set[str] = set()
        todo: list[tuple[FlowState, Sequence[FlowChoice], frozenset[str]]] = [
            (state, offered, known)
        ]
        seen = {state.name, *spine}
        while todo:
            current, choices, base = todo.pop()
            for choice in choices:
                said = base | frozenset(choice.findings)
                own.update(choice.findings)
                verdict = self.rules.verdict(sorted(said))
                if self.rules.rank(verdict.level) < rank:
                    return own, True
                target = current.target_of(choice)
                if target.state == current.name:
                    continue  # an item of a checklist: it asks again for the rest
                to = self.flow.resolve(target, verdict)
                if to is None or to in seen or self.flow.states[to].outcome is not None:
                    continue
                seen.add(to)
                following = self.flow.states[to]
                todo.append((following, following.choices, said))
        return own, False

    def _findings_ahead(self, spine: list[str]) -> set[str]:
        """Every finding the questions ahead (and any question they lead to) can add."""
        found: set[str] = set()
        todo = list(spine)
        seen = set(spine)
        while todo:
            state = self.flow.states[todo.pop()]
            for choice in state.choices:
                found.update(choice.findings)
                for step in self.flow.steps(state.target_of(choice)):
                    if step.to and step.to not in seen:
                        seen.add(step.to)
                        todo.append(step.to)
        return found

    def _completes(self, known: frozenset[str], own: set[str], later: set[str], rank: int) -> bool:
        """A combination more urgent than the level, completed with at least one finding of
        this question, that the findings still ahead could not reach without it."""
        available = known | own | later
        for combo in self.rules.combinations:
            if self.rules.rank(combo.then) >= rank:
                continue
            for extra in self._completions(combo.any, combo.any_other_with_level, combo.all):
                needed = set(combo.all) | extra
                if not needed <= available or not needed & own:
                    continue
                without = known | (needed - own)
                if self.rules.rank(self.rules.verdict(sorted(without)).level) > self.rules.rank(
                    combo.then
                ):
                    return True
        return False

    def _completions(
        self, any_of: tuple[str, ...], other_level: str | None, every: tuple[str, ...]
    ) -> list[set[str]]:
        """The ways to satisfy a combination's ``any`` / ``any_other_with_level`` part."""
        if any_of:
            return [{f} for f in any_of]
        if other_level is not None:
            return [
                {f}
                for f, rule in self.rules.findings.items()
                if rule.level == other_level and f not in every
            ]
        return [set()]
