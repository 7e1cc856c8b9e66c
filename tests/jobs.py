"""Jobs that only tests enqueue: they prove a queue and a worker are wired together."""

from __future__ import annotations


def echo(value: str) -> str:
    """Return the argument."""
    return value
