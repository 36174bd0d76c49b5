"""Performance benchmarks (timings live here, never in tests). Each module is runnable:
``.venv/bin/python -m benchmarks.perf.<name>``."""
