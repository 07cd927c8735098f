"""``backcheck`` command line: run, chat, validate, diagram.

``backcheck run`` serves every platform whose token is configured and, with none, opens the
terminal chat so a fresh clone does something useful with no setup at all.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.core.errors import BackcheckError
from bot.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "db", None):
        overrides["BACKCHECK_DB"] = args.db
    if getattr(args, "locale", None):
        overrides["BACKCHECK_LOCALE"] = args.locale
    return Settings(**overrides)


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.core.content import load_catalog
    from bot.core.flow.parser import load_flow
    from bot.core.validation import validate

    settings = _settings(args)
    flow = load_flow(settings.flow)
    catalog = load_catalog(settings.content)
    problems = validate(flow, catalog)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s); the bot will not start.", file=sys.stderr)
        return 1
    transitions = sum(len(s.choices) for s in flow.states.values())
    print(
        f"ok: {flow.path.name}: {len(flow.states)} states, {transitions} choices, "
        f"{len(flow.machine.events)} triggers; locales {', '.join(catalog.locales)}"
    )
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from bot.core.flow.diagram import mermaid_document
    from bot.core.flow.parser import load_flow

    settings = _settings(args)
    flow = load_flow(settings.flow)
    out = Path(args.output) if args.output else settings.flow.with_suffix(".md")
    text = mermaid_document(flow)
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is out of date: run `backcheck diagram`", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.adapters.console import run_interactive, run_json
    from bot.app import App

    async def main() -> None:
        app = await App.open(_settings(args))
        try:
            if args.json:
                await run_json(app.conversations, sys.stdin, sys.stdout)
            else:
                await run_interactive(app.conversations, locale=args.locale)
        finally:
            await app.close()

    asyncio.run(main())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import serve

    settings = _settings(args)
    if settings.telegram_token is None and settings.discord_token is None:
        print(
            "No messenger configured: set TELEGRAM_TOKEN and/or DISCORD_TOKEN in .env "
            "(see .env.example). Opening the terminal chat instead.\n",
            file=sys.stderr,
        )
        args.json = False
        return cmd_chat(args)
    return serve(settings)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="backcheck", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command")
    for name, helptext in (
        ("run", "serve Telegram/Discord (the console chat when no token is set)"),
        ("chat", "chat in the terminal"),
    ):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("--db", help="SQLite file (BACKCHECK_DB)")
        sp.add_argument("--locale", help="language to start in: en or ru")
        sp.add_argument("--json", action="store_true", help="JSON lines on stdin/stdout")
    sub.add_parser("validate", help="check the flow and content; exit 1 on any problem")
    dp = sub.add_parser("diagram", help="write the Mermaid state diagram of the flow")
    dp.add_argument("--output", help="file to write (default flows/<flow>.md)")
    dp.add_argument("--check", action="store_true", help="fail if the diagram is out of date")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {"run": cmd_run, "chat": cmd_chat, "validate": cmd_validate, "diagram": cmd_diagram}
    command = args.command or "run"
    if args.command is None:
        args = parser().parse_args(["run"])
    try:
        return handlers[command](args)
    except BackcheckError as exc:
        print(f"backcheck: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
