"""Which ``{placeholders}`` each content text may use: the names the code fills for that key.

A text naming anything else would render with a hole (``{numbr}`` in place of ``{number}``
drops the emergency number from the ambulance screen), so ``backcheck validate`` refuses it,
and tests render strictly (:func:`bot.core.content.strict_placeholders`). Keep this table next
to the renderer's calls: a new ``render.t(key, ..., name=...)`` or ``catalog.text(key, ...)``
call site needs its row here.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Final

#: The emergency numbers (:meth:`bot.core.render.Renderer.numbers`).
NUMBERS = frozenset({"number", "urgent"})
#: The commands a text may name: ``{start}``, ``{stop}``... Each platform calls them its own
#: way (Discord's ``/start`` is ``/backpain``, shown as a clickable mention), so a text never
#: spells a command out; the adapter passes its names with the event (``Event.commands``,
#: ``Hints.commands``), and these defaults (Telegram, the terminal) fill the rest.
COMMANDS: Final = frozenset(
    {"start", "help", "back", "restart", "language", "region", "country", "about", "summary"}
    | {"stop", "forget"}
)
DEFAULT_COMMANDS: Final[Mapping[str, str]] = MappingProxyType({c: f"/{c}" for c in COMMANDS})
#: What :meth:`bot.core.render.Renderer.t` (and so ``Conversations.say``) fills for every key.
#: A key's own names (below) win over these, so a key may name a value "country" too.
FILLED = NUMBERS | COMMANDS
NONE: frozenset[str] = frozenset()

#: Keys with names of their own, first match wins; every other key gets :data:`FILLED`.
#: Keys rendered straight from the catalog (to build the numbers themselves, pictures sent
#: without a session, language names) get no numbers at all.
PLACEHOLDERS: tuple[tuple[str, frozenset[str]], ...] = (
    # bot.core.render: the numbers themselves
    ("ui.non_urgent", frozenset({"line"})),
    ("ui.number_unknown", NONE),
    ("ui.urgent_unknown_region", NONE),
    # bot.core.countries.numbers
    ("country.number_or", frozenset({"first", "other"})),
    ("country.local_number", NONE),
    ("country.non_urgent", frozenset({"line"})),
    # bot.core.countries / engine: country screens
    ("country.zone_set", FILLED | {"zone"}),
    # bot.core.pictures: captions also go out without a session
    ("pictures.*", NONE),
    # bot.core.engine: the language menu, in each language's own words
    ("ui.language_name", NONE),
    ("ui.red_flag_typed", FILLED | {"finding"}),
    ("ui.confirm", FILLED | {"finding"}),
    ("ui.profile_confirm", FILLED | {"facts"}),
    # bot.core.render
    ("ui.picked", FILLED | {"label"}),
    ("ui.summary_title", FILLED | {"date"}),
    ("ui.summary_level", FILLED | {"level"}),
    ("ui.advice_stays", FILLED | {"action"}),
    # bot.service and bot.adapters.telegram
    ("ui.your_answer", FILLED | {"answer"}),
    ("ui.so_far", FILLED | {"answers"}),
)


def allowed(key: str) -> frozenset[str]:
    """The placeholder names the code supplies when it renders ``key``."""
    for pattern, names in PLACEHOLDERS:
        if fnmatchcase(key, pattern):
            return names
    return FILLED
