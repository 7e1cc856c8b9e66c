"""Tests of transcription with the real Korean Vosk model, ffmpeg and espeak-ng audio."""
