"""Benchmarks: quality scorers and throughput measurements (not shipped with the pipeline)."""
