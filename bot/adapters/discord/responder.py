"""Answering one Discord interaction: one first response, then follow-ups, whatever happens.

An interaction gets exactly one first response, within three seconds: the answer itself when
it is ready in time (a press edits its question into the next one, type 7; a command or a new
message is type 4), otherwise a deferral (type 6 for a press, type 5 "thinking…" for a command)
and later the same content through the interaction's webhook. So a calm press costs one REST
call and a slow storage never costs the deadline.

When the token is gone (Discord said 10062 "Unknown interaction" because we were late, or the
webhook expired after 15 minutes), the replies are not dropped and "thinking…" is not the last
word: they go to the person by DM, the only place that is as private as an ephemeral reply.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, Final, TypeAlias

import aiohttp
import discord

from bot.adapters.discord import format as fmt
from bot.adapters.discord.format import Outgoing, Placement

log = logging.getLogger("backcheck.discord")

#: Discord's answers for an interaction or its webhook that is no longer there.
GONE: Final = frozenset({10062, 10015, 50027})
UNKNOWN_MESSAGE: Final = 10008
Render: TypeAlias = Callable[[Outgoing], dict[str, Any]]
Fallback: TypeAlias = Callable[[Sequence[Outgoing]], Awaitable[object]]


class Responder:
    """The first response and the follow-ups of one interaction (see the module docstring)."""

    def __init__(
        self,
        interaction: discord.Interaction,
        *,
        private: bool,
        press: bool,
        render: Render,
        fallback: Fallback,
    ) -> None:
        self.interaction = interaction
        self.private = private
        self.press = press
        self.render = render
        self.fallback = fallback
        self.acknowledged = False  # the first response was sent (or tried and failed)
        self.deferred = False
        self.expired = False
        self.calls = 0

    async def defer(self) -> None:
        """The first response when the answer is not ready: nothing visible for a press,
        "thinking…" for a command. Never sent twice."""
        if self.acknowledged:
            return
        self.acknowledged = True
        try:
            self.calls += 1
            await self.interaction.response.defer(ephemeral=self.private, thinking=not self.press)
            self.deferred = True
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            self._lost("acknowledge", exc)

    async def send(
        self,
        messages: Sequence[Outgoing],
        placement: Placement = Placement.NEW,
        *,
        receipt: str | None = None,
        so_far: str | None = None,
    ) -> None:
        """Everything one turn says: the first message placed as ``placement`` says, the rest
        as follow-ups; by DM once the interaction is gone. A question edited into the next one
        shows the core's "so far" line above it (else the receipt); a question closed under
        a result shows the receipt."""
        queue = list(messages)
        edit = placement is not Placement.NEW and self.interaction.message is not None
        if placement is Placement.MARK and edit:
            queue.insert(0, self._answered(receipt))
        elif placement is Placement.EDIT and queue:
            line = so_far or receipt
            queue[0] = replace(queue[0], content=fmt.with_receipt(queue[0].content, line))
        if not queue:
            await self._nothing()
            return
        done = 0
        if not self.expired:
            done = await self._first(queue[0], edit=edit)
            if done == 0 and placement is Placement.MARK:
                done = 1  # the pressed question is gone: nothing to mark
            while done < len(queue) and not self.expired and await self._followup(queue[done]):
                done += 1
        if self.expired:
            skip = 1 if placement is Placement.MARK and edit else 0
            await self.fallback(queue[max(done, skip) :])

    # -- internals ----------------------------------------------------------------------------

    def _answered(self, receipt: str | None) -> Outgoing:
        """The pressed question with the answer under it and no buttons."""
        message = self.interaction.message
        content = message.content if message is not None else ""
        return Outgoing(fmt.answered(content, receipt) if receipt else content or "…")

    async def _first(self, message: Outgoing, *, edit: bool) -> int:
        """The first message: as the interaction's response if none was sent yet, else through
        its webhook. 1 when it was sent; 0 when not (the message to edit no longer exists, or
        the interaction is gone)."""
        kwargs = self.render(message)
        if edit:
            kwargs.setdefault("view", None)
            kwargs["attachments"] = kwargs.pop("files", [])
        try:
            self.calls += 1
            if not self.acknowledged:
                self.acknowledged = True
                if edit:
                    await self.interaction.response.edit_message(**kwargs)
                else:
                    await self.interaction.response.send_message(ephemeral=self.private, **kwargs)
            elif edit:
                await self.interaction.edit_original_response(**kwargs)
            else:
                await self.interaction.followup.send(ephemeral=self.private, wait=True, **kwargs)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_MESSAGE:
                self._lost("respond to", exc)
            return 0
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            self._lost("respond to", exc)
            return 0
        return 1

    async def _followup(self, message: Outgoing) -> bool:
        try:
            self.calls += 1
            await self.interaction.followup.send(
                ephemeral=self.private, wait=True, **self.render(message)
            )
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            self._lost("follow up", exc)
            return False
        return True

    async def _nothing(self) -> None:
        """Nothing to say: acknowledge a press silently; never leave "thinking…" behind."""
        if not self.acknowledged:
            await self.defer()
        if self.deferred and not self.press:
            try:
                self.calls += 1
                await self.interaction.delete_original_response()
            except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
                self._lost("clear", exc)

    def _lost(self, what: str, exc: Exception) -> None:
        """One line per failed call. An interaction that is gone (or a network that failed)
        sends the rest by DM; any other refusal is a bug of ours and raises."""
        code = getattr(exc, "code", None)
        gone = code in GONE or not isinstance(exc, discord.HTTPException)
        log.warning(
            "discord: could not %s an interaction (%s, HTTP %s, code %s)%s",
            what,
            type(exc).__name__,
            getattr(exc, "status", None),
            code,
            "; sending by DM" if gone else "",
        )
        if not gone:
            raise exc
        self.expired = True
