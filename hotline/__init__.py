"""Hotline: `hotline.core` is what every feature stands on; `hotline.accounts` is the users'
feature; `hotline.app`, `hotline.cli` and `hotline.demo` (with `workers/`) are the composition
root, the one place that knows every feature. Importing this package imports nothing else.
"""
