"""Benchmarks (`make bench`, `python -m tests.bench`): figures, never assertions.

One module per benchmark; `__main__` starts the servers, runs each after a warm-up and prints the
table that the README keeps. BENCH=quick runs a small version (CI keeps it from rotting).
"""
