"""Background work: the RQ connection and queues, thin job functions, worker and scheduler entry points."""
