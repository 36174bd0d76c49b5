"""Performance benchmarks (timings live here, never in tests): `make bench` runs them all
(``python -m benchmarks.perf``, see benchmarks/README.md); each module is also runnable alone:
``.venv/bin/python -m benchmarks.perf.<name>``."""
