"""Where sessions live: memory (tests), SQLite (the default) or Redis (many processes)."""
