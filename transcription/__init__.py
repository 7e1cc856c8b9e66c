"""Offline speech-to-text with Vosk: the model registry, audio normalisation, silence detection,
the transcriber, Chinese post-processing, and the model-install and batch CLIs."""
