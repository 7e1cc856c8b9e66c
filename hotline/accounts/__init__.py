"""Accounts: users, roles, API tokens and first-run data; the admins' pages, API and CLI."""
