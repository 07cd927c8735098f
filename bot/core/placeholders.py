"""Which ``{placeholders}`` each content text may use: the names the code fills for that key.

A text naming anything else would render with a hole (``{numbr}`` in place of ``{number}``
drops the emergency number from the ambulance screen), so ``backcheck validate`` refuses it,
and tests render strictly (:func:`bot.core.content.strict_placeholders`). Keep this table next
to the renderer's calls: a new ``render.t(key, ..., name=...)`` or ``catalog.text(key, ...)``
call site needs its row here.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

#: What :meth:`bot.core.render.Renderer.t` (and so ``Conversations.say``) fills for every key.
NUMBERS = frozenset({"number", "urgent"})
NONE: frozenset[str] = frozenset()

#: Keys with names of their own, first match wins; every other key gets :data:`NUMBERS`.
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
    ("country.set", NUMBERS | {"country"}),
    ("country.no_non_urgent", NUMBERS | {"country"}),
    ("country.zone_set", NUMBERS | {"zone"}),
    # bot.core.pictures: captions also go out without a session
    ("pictures.*", NONE),
    # bot.core.engine: the language menu, in each language's own words
    ("ui.language_name", NONE),
    ("ui.red_flag_typed", NUMBERS | {"finding"}),
    ("ui.confirm", NUMBERS | {"finding"}),
    ("ui.profile_confirm", NUMBERS | {"facts"}),
    # bot.core.render
    ("ui.picked", NUMBERS | {"label"}),
    ("ui.summary_title", NUMBERS | {"date"}),
    ("ui.summary_level", NUMBERS | {"level"}),
    ("ui.advice_stays", NUMBERS | {"action"}),
    # bot.service and bot.adapters.telegram
    ("ui.your_answer", NUMBERS | {"answer"}),
    ("telegram.so_far", NUMBERS | {"answers"}),
)


def allowed(key: str) -> frozenset[str]:
    """The placeholder names the code supplies when it renders ``key``."""
    for pattern, names in PLACEHOLDERS:
        if fnmatchcase(key, pattern):
            return names
    return NUMBERS
