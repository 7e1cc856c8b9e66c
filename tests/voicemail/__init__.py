"""Tests of the voicemail pipeline: callbacks, steps under faults, the API, real worker processes."""
