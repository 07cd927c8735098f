"""``backcheck validate``: prove a flow and its content are safe to run before anyone chats.

Every problem is reported at once, each naming the file, the line and the key, so a broken
edit is fixed in one pass. The bot refuses to start while any problem remains. The flow's own
checks live in :mod:`bot.core.flow.validation`; this module adds what needs the content too.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.content import Catalog, placeholders
from bot.core.errors import BackcheckError, ContentError, FlowError
from bot.core.flow.model import Flow
from bot.core.flow.validation import KeyUse, check_graph, flow_keys
from bot.core.flow.vocabulary import UI_KEYS
from bot.core.placeholders import allowed


def validate(flow: Flow, catalog: Catalog) -> list[BackcheckError]:
    """All problems of ``flow`` with ``catalog``; an empty list means ready to run."""
    return [
        *check_graph(flow),
        *check_content(flow, catalog),
        *check_platform_limits(flow, catalog),
    ]


def content_keys(flow: Flow) -> Iterator[KeyUse]:
    """Every content key the bot can show: the flow's and the code's own."""
    yield from flow_keys(flow)
    for key in UI_KEYS:
        yield key, ()


def check_content(flow: Flow, catalog: Catalog) -> Iterator[BackcheckError]:
    """Every key in every locale, identical key sets, and matching ``{placeholders}``."""
    default = catalog.locales[0]
    for key, where in content_keys(flow):
        for locale in catalog.locales:
            if not catalog.has(key, locale):
                yield ContentError(
                    f"missing in locale {locale!r} (used by {flow.path.name})",
                    file=f"content/{locale}/{key.split('.')[0]}.yaml",
                    line=flow.doc.line(*where) if where else None,
                    key=key,
                )
    yield from check_placeholders(catalog)
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
                yield _at(
                    catalog,
                    locale,
                    key,
                    f"placeholders differ from {default!r}: "
                    f"{sorted(placeholders(other[key]))} vs {sorted(placeholders(base[key]))}",
                )


def _at(catalog: Catalog, locale: str, key: str, message: str) -> ContentError:
    """A content problem at the file and line where ``locale`` defines ``key``."""
    origin = catalog.where[locale][key]
    return ContentError(message, file=origin.file, line=origin.line, key=key)


def check_placeholders(catalog: Catalog) -> Iterator[ContentError]:
    """Every ``{name}`` in a text is one the code fills for that key, in every locale."""
    for locale in catalog.locales:
        for key, value in catalog.texts[locale].items():
            names = allowed(key)
            unknown = sorted(placeholders(value) - names)
            if unknown:
                yield _at(
                    catalog,
                    locale,
                    key,
                    f"unknown placeholder {', '.join('{' + n + '}' for n in unknown)}; "
                    f"allowed here: {', '.join('{' + n + '}' for n in sorted(names)) or 'none'}",
                )


# Platform limits a custom flow must fit (the adapters' own constants; a test keeps them equal).
TELEGRAM_CALLBACK_BYTES = 64  # callback_data "<question>|<choice>", UTF-8 bytes
DISCORD_CUSTOM_ID = 100  # custom_id "bc|<question>|<choice>", characters
PLATFORM_LABEL = 80  # Discord's button label limit; Telegram cuts long ones off
#: Our own budget, so that two buttons fit a phone's row: past it ``validate`` warns (the bot
#: still starts: a long label is less readable, not unsafe).
LABEL_BUDGET = {"en": 24, "ru": 28}
LABEL_BUDGET_OTHER = 28
_SAMPLE = {"number": "112", "urgent": "112"}


def _labels(flow: Flow) -> Iterator[tuple[str, tuple[object, ...]]]:
    seen = set()
    for key, where in content_keys(flow):
        button = key.startswith("choices.") or (
            key.startswith("followups.") and key.endswith(".label")
        )
        if button and key not in seen:
            seen.add(key)
            yield key, where


def check_platform_limits(flow: Flow, catalog: Catalog) -> Iterator[BackcheckError]:
    """Every button's payload fits Telegram and Discord, and every label Discord's limit."""
    for name, state in flow.states.items():
        for i, choice in enumerate(state.choices):
            data = f"{name}|{choice.id}"
            size, length = len(data.encode("utf-8")), len(f"bc|{data}")
            if size > TELEGRAM_CALLBACK_BYTES or length > DISCORD_CUSTOM_ID:
                yield FlowError(
                    f"button payload {data!r} is {size} bytes (Telegram callback data: at most "
                    f"{TELEGRAM_CALLBACK_BYTES}) and {length} characters as a Discord custom_id "
                    f"(at most {DISCORD_CUSTOM_ID}); shorten the state or choice id",
                    file=flow.path,
                    line=flow.doc.line("states", state.group or name, "choices", i),
                    key=f"{name}.{choice.id}",
                )
    for key, _ in _labels(flow):
        for locale in catalog.locales:
            if catalog.has(key, locale):
                label = catalog.text(key, locale, **_SAMPLE)
                if len(label) > PLATFORM_LABEL:
                    origin = catalog.where[locale][key]
                    yield ContentError(
                        f"button label is {len(label)} characters; Discord allows {PLATFORM_LABEL}",
                        file=origin.file,
                        line=origin.line,
                        key=key,
                    )


def label_warnings(flow: Flow, catalog: Catalog) -> list[str]:
    """Labels over our own budget (24 characters in English, 28 in Russian and others)."""
    found = []
    for key, _ in _labels(flow):
        for locale in catalog.locales:
            if not catalog.has(key, locale):
                continue
            label = catalog.text(key, locale, **_SAMPLE)
            budget = LABEL_BUDGET.get(locale, LABEL_BUDGET_OTHER)
            if len(label) > budget:
                origin = catalog.where[locale][key]
                found.append(
                    f"{origin.file}:{origin.line}: {key}: label is {len(label)} characters, "
                    f"over the {budget}-character budget for {locale!r} (fits, but may wrap)"
                )
    return found
