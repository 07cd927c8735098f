"""redflags."""
