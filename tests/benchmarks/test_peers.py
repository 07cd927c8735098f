"""The peers' screen table follows the script: on every scripted walk, each press is a button
of the screen a peer shows, and that screen is the one backcheck shows.

Keyed by the press alone, the table could not tell one country question from another, and the
peers walked off the script 348-1,129 times a window while ours stayed on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.peers import screens
from benchmarks.peers.child import START, follow
from benchmarks.workload import Workload, make_workload
from bot.adapters.discord.format import button_id
from bot.adapters.telegram.format import encode_callback
from bot.core.messages import EventKind


@pytest.fixture(scope="module")
def work() -> Workload:
    return make_workload(60)


def _telegram_buttons(screen: list[dict[str, Any]]) -> set[str]:
    return {
        str(button["callback_data"])
        for message in screen
        if message["markup"]
        for row in message["markup"].get("inline_keyboard", ())
        for button in row
    }


def _discord_buttons(screen: list[dict[str, Any]]) -> set[str]:
    return {str(custom_id) for message in screen for custom_id, _, _ in message["buttons"]}


@pytest.mark.parametrize(
    ("build", "press", "buttons"),
    [
        (screens.telegram, encode_callback, _telegram_buttons),
        (screens.discord, button_id, _discord_buttons),
    ],
    ids=["telegram", "discord"],
)
def test_every_scripted_press_is_on_the_screen_the_peer_shows(
    work: Workload, build: Any, press: Any, buttons: Any
) -> None:
    table = build(work)
    for steps in work.per_user.values():
        node: int | None = None
        offered: set[str] | None = None
        for step in steps:
            event = step.event
            locale = event.locale or "en"
            if event.kind is EventKind.START:
                pressed = START
            else:
                pressed = press(event.question or "", event.value or "")
                assert offered is not None and pressed in offered, (step.user, event)
            node, screen, _ = follow(table["moves"], node, locale, pressed)
            offered = buttons(table["screens"][screen])


def test_two_country_questions_show_their_own_next_screens(work: Workload) -> None:
    """The same press on two paths may lead to two screens; the table keeps both."""
    table = screens.telegram(work)
    by_press: dict[str, set[int]] = {}
    for move, (_, screen, _) in table["moves"].items():
        by_press.setdefault(move.split("|", 1)[1], set()).add(screen)
    assert any(len(shown) > 1 for shown in by_press.values())


def test_a_press_off_the_script_starts_over(work: Workload) -> None:
    table = screens.telegram(work)
    root = follow(table["moves"], None, "en", START)
    assert follow(table["moves"], root[0], "en", "no|such_button") == root


def test_the_telegram_peers_make_backchecks_calls(work: Workload) -> None:
    """A press backcheck folds into the pressed message is one screen ending in its question,
    and "Where are you now?" comes with the share-location keyboard as its own message, so
    the peers make the same Bot API calls per update as ours (they made 8% fewer)."""
    table = screens.telegram(work)
    folds = [move for move in table["moves"].values() if move[2]]
    assert folds and len(folds) < len(table["moves"])
    for _, screen, _ in folds:
        shown = table["screens"][screen]
        assert shown[-1]["state"] is not None and "inline_keyboard" in shown[-1]["markup"]
        assert all(m["state"] is None for m in shown[:-1])
    location = [
        m for shown in table["screens"] for m in shown if m["markup"] and "keyboard" in m["markup"]
    ]
    assert location and all(m["markup"]["keyboard"][0][0]["request_location"] for m in location)
