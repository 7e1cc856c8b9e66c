"""Tests of the voicemail pipeline: callbacks, faults, the API, real worker processes."""
