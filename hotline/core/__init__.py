"""The core every feature imports: settings, database, users/tokens/audit models, clock, caller
numbers, words, job queues, login and API helpers, Twilio signatures and REST. It imports no
feature and nothing of the composition root (import-linter checks it in CI)."""
