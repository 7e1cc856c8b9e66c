"""Tests of the IVR: menu validation, whole calls through the webhooks, properties, the menu CLI."""
