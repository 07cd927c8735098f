"""The conversation core: flows, sessions, content and the engine, with no platform imports.

Adapters (console, Telegram, Discord) and storages depend on this package; it depends on
none of them, so the same triage runs identically everywhere and can be tested alone.
"""
