"""Text PostgreSQL cannot store: a NUL character in a path part, a query value, a form field or
a JSON string is refused before any view runs, with the field's name (SQLite would keep it;
PostgreSQL fails the statement, which would be a 500)."""

from __future__ import annotations

from typing import Any

from flask import request

NUL = "\x00"


def _in_json(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and NUL in key:
            return path or key
        found = _in_json(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def field_with_nul() -> str | None:
    """The first field of this request whose name or value holds a NUL character, else None."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and NUL in value:
            return name
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if NUL in name or NUL in value:
                return name.replace(NUL, "")
    if request.is_json:
        return _in_json(request.get_json(silent=True), "")
    return None


MESSAGE = "must not contain a NUL character"
