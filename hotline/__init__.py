"""Hotline's core: settings, the app factory, the database, users and tokens, the CLI root.

Features (`ivr`, `voicemail`, `transcription`, `tickets`, `workers`) build on this package;
`hotline.app` is the one place that wires them together.
"""

from hotline.app import create_app

__all__ = ["create_app"]
