"""Quality benchmarks scored against gold data in /work/shared/benchmarks/."""
