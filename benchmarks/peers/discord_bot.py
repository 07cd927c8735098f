"""Peer: a plain discord.py bot making backcheck's interaction responses, and nothing else.

A slash command defers ("thinking…") and sends the first screen as an ephemeral follow-up; a
button press defers the update, marks the pressed question answered (edit the original
response, buttons gone) and sends the next screen as a follow-up. The open question per person
lives in a dict; the buttons are plain ``discord.ui.Button``s with fixed ``custom_id``s.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from benchmarks.peers.child import START, answer_stdin, follow, read_screens, run

LOCALES = {"en-US": "en", "en-GB": "en", "ru": "ru"}


class PlainBot(discord.Client):
    def __init__(self, table: dict[str, Any], command: str) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.screens: list[list[dict[str, Any]]] = table["screens"]
        self.moves: dict[str, list[int]] = table["moves"]
        self.node: dict[int, int] = {}  # where each person is in the script
        self.answers: dict[str, str] = table["answer"]
        self.open: dict[int, str | None] = {}
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name=command, description="Check your back")
        async def start(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.show(interaction, START)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: Any = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        await interaction.response.defer()
        message, locale = interaction.message, _locale(interaction)
        if message is not None:
            label = next(
                (
                    child.label
                    for row in message.components
                    for child in getattr(row, "children", [])
                    if getattr(child, "custom_id", None) == custom_id
                ),
                "?",
            )
            answer = self.answers.get(locale, "{}").replace("{}", label or "?")
            await interaction.edit_original_response(
                content=f"{message.content}\n\n*{answer}*", view=None
            )
        await self.show(interaction, custom_id)

    async def show(self, interaction: discord.Interaction, press: str) -> None:
        user = interaction.user.id
        node, screen, _ = follow(self.moves, self.node.get(user), _locale(interaction), press)
        self.node[user] = node
        for part in self.screens[screen]:
            view = None
            if part["buttons"]:
                view = discord.ui.View(timeout=None)
                for custom_id, label, row in part["buttons"]:
                    view.add_item(discord.ui.Button(label=label, custom_id=custom_id, row=row))
            if view is None:
                await interaction.followup.send(part["text"], ephemeral=True, wait=True)
            else:
                await interaction.followup.send(part["text"], view=view, ephemeral=True, wait=True)
            self.open[interaction.user.id] = part["state"] or self.open.get(interaction.user.id)


def _locale(interaction: discord.Interaction) -> str:
    return LOCALES.get(str(interaction.locale), "en")


async def serve(spec: dict[str, Any]) -> None:
    discord.http.Route.BASE = spec["api_base"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(spec["gateway_url"])
    bot = PlainBot(read_screens(spec["screens"]), spec["command"])
    await bot.login(spec["token"])
    import asyncio

    task = asyncio.create_task(bot.connect())
    await asyncio.wait_for(bot.wait_until_ready(), 30)

    async def stop() -> None:
        await bot.close()
        await asyncio.wait_for(task, 10)

    await answer_stdin(stop)


def main() -> None:
    spec = json.loads(sys.argv[1])
    run(serve(spec), spec.get("loop", "asyncio"))


if __name__ == "__main__":
    main()
