"""Background work: the RQ connection and queues, thin job functions, and the worker and
scheduler entry points."""
