"""Voicemail: the recording callback, voicemail states, and the pipeline steps (download, store,
transcribe, draft) that the workers run; the reconciler and retention."""
