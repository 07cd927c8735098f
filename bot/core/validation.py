"""``backcheck validate``: prove a flow and its content are safe to run before anyone chats.

Every problem is reported at once, each naming the file, the line and the key, so a broken
edit is fixed in one pass. The bot refuses to start while any problem remains. The flow's own
checks live in :mod:`bot.core.flow.validation`; this module adds what needs the content too.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.content import Catalog, placeholders
from bot.core.errors import BackcheckError, ContentError
from bot.core.flow.model import Flow
from bot.core.flow.validation import KeyUse, check_graph, flow_keys
from bot.core.flow.vocabulary import UI_KEYS
from bot.core.regions import REGIONS


def validate(flow: Flow, catalog: Catalog) -> list[BackcheckError]:
    """All problems of ``flow`` with ``catalog``; an empty list means ready to run."""
    return [*check_graph(flow), *check_content(flow, catalog)]


def content_keys(flow: Flow) -> Iterator[KeyUse]:
    """Every content key the bot can show: the flow's, the regions' and the code's own."""
    yield from flow_keys(flow)
    for region in REGIONS.values():
        yield f"regions.{region.id}", ()  # the Discord /region option labels
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
