"""``backcheck`` command line: run, chat, validate, diagram.

``backcheck run`` serves every platform whose token is configured and, with none, opens the
terminal chat so a fresh clone does something useful with no setup at all. Every failure the
operator can fix (a bad setting, a broken flow, a rejected token) ends as one line naming what
to change, never as a traceback; whatever is printed goes through the secret redactor.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.core.errors import BackcheckError
from bot.logs import REDACT, install_redaction, setup_logging
from bot.settings import Settings, SettingsError, load_settings

DESCRIPTION = (
    "Triage and first aid for lower-back pain after training: Telegram, Discord, terminal."
)
#: One example per command, shown by ``backcheck --help`` and by each command's ``--help``.
EXAMPLES = {
    "run": ("backcheck run", "serve the messengers whose tokens are in .env"),
    "chat": ("backcheck chat --locale ru", "a check in the terminal, in Russian"),
    "validate": ("BACKCHECK_FLOW=my/flow.yaml backcheck validate", "check a custom flow"),
    "diagram": ("backcheck diagram --check", "fail when flows/triage.md is out of date"),
}


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "db", None):
        overrides["BACKCHECK_DB"] = args.db
    if getattr(args, "locale", None):
        overrides["BACKCHECK_LOCALE"] = args.locale
    return load_settings(**overrides)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file start-up reads, as start-up reads it: the flow and its rules, the
    texts, then (through ``build_engine`` itself) the red-flag lists and the countries, so
    that "ok" here means the bot starts. A file that cannot be read at all is one problem
    (file:line: key: what is wrong); flow and content checks list every problem they find."""
    from bot.app import InvalidFlow, build_engine
    from bot.core.content import load_catalog
    from bot.core.flow.parser import load_flow
    from bot.core.validation import label_warnings, validate

    settings = _settings(args)
    try:
        flow = load_flow(settings.flow)
        catalog = load_catalog(settings.content)
        problems = validate(flow, catalog)
        if not problems:
            build_engine(settings)
    except InvalidFlow as exc:
        problems = exc.problems
    except BackcheckError as exc:
        problems = [exc]
    else:
        for warning in label_warnings(flow, catalog):
            print(f"warning: {warning}", file=sys.stderr)
    for problem in problems:
        print(REDACT(str(problem)), file=sys.stderr)
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
            print(f"{out} is out of date: run 'backcheck diagram'", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.adapters.console import run_interactive, run_json
    from bot.app import App

    settings = _settings(args)
    setup_logging(settings)  # to stderr: stdout is the chat (or the JSON-lines protocol)

    async def main() -> None:
        app = await App.open(settings)
        try:
            if args.json:
                await run_json(app.conversations, sys.stdin.buffer, sys.stdout.buffer)
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


def _version() -> str:
    try:
        return version("backcheck")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _example(command: str) -> str:
    line, what = EXAMPLES[command]
    return f"example:\n  {line}\n      {what}"


def parser() -> argparse.ArgumentParser:
    examples = "\n".join(f"  {line}\n      {what}" for line, what in EXAMPLES.values())
    p = argparse.ArgumentParser(
        prog="backcheck",
        description=DESCRIPTION,
        epilog=f"examples:\n{examples}\n\nSettings come from the environment or .env "
        "(see .env.example). With no command, backcheck runs 'run'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"backcheck {_version()}")
    sub = p.add_subparsers(dest="command", metavar="command")
    for name, helptext in (
        ("run", "serve Telegram and Discord (the terminal chat when no token is set)"),
        ("chat", "chat in the terminal"),
        ("validate", "check every file the bot reads at start-up; exit 1 on any problem"),
        ("diagram", "write the Mermaid state diagram of the flow"),
    ):
        sp = sub.add_parser(
            name,
            help=helptext,
            description=helptext,
            epilog=_example(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name in ("run", "chat"):
            sp.add_argument("--db", metavar="PATH", help="SQLite file (BACKCHECK_DB)")
            sp.add_argument("--locale", help="language to start in: en or ru (BACKCHECK_LOCALE)")
            sp.add_argument("--json", action="store_true", help="JSON lines on stdin and stdout")
        if name == "diagram":
            sp.add_argument(
                "--output", metavar="PATH", help="file to write (default: next to the flow)"
            )
            sp.add_argument(
                "--check", action="store_true", help="fail if the diagram is out of date"
            )
    return p


def main(argv: list[str] | None = None) -> int:
    install_redaction()  # before anything can fail: tracebacks and warnings are redacted too
    args = parser().parse_args(argv)
    handlers = {"run": cmd_run, "chat": cmd_chat, "validate": cmd_validate, "diagram": cmd_diagram}
    command = args.command or "run"
    if args.command is None:
        args = parser().parse_args(["run"])
    try:
        return handlers[command](args)
    except SettingsError as exc:
        for problem in exc.problems:
            print(REDACT(f"backcheck: {problem}"), file=sys.stderr)
        return 2
    except BackcheckError as exc:
        print(REDACT(f"backcheck: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
