"""The bots backcheck is compared with in ``python -m benchmarks``.

Each peer is the smallest honest bot of its library that shows the same screens as backcheck
and makes the same platform calls per press: a python-telegram-bot ``ConversationHandler`` bot
(:mod:`.ptb_bot`), an aiogram 3 FSM bot (:mod:`.aiogram_bot`) and a plain discord.py bot
(:mod:`.discord_bot`). Their screens come from backcheck's own flow and formatting, computed
once before the run (:mod:`.screens`), so every bot sends the same bytes; what differs is only
what each library and bot spends to get there.
"""
