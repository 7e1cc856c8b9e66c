"""Benchmarks: each prints its own figures beside a reference measured in the same run."""
