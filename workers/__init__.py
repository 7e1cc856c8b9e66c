"""The worker and scheduler entry points (composition root): the queues themselves are
`hotline.core.queues`, the jobs each feature's `<feature>/jobs.py`."""
