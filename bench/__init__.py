"""Benchmarks: `make bench` (bench/run.py). Not part of the test suite."""
