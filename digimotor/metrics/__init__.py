"""Metrics: pure functions on DataFrames, one module per study part. No I/O, no plotting."""
