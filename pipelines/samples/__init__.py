"""Synthetic raw news input with ground truth: `newswire samples generate`, tests, benchmarks.

from pipelines.samples import generate, generate_corpus, write_corpus
corpus = generate_corpus(2000, seed=7)          # in memory: items + manifest
write_corpus("out/samples", generate(300, 7), seed=7)   # files + manifest.json
"""

from pipelines.samples.generator import (
    MALFORMED_REASONS,
    Corpus,
    Mix,
    SampleItem,
    build_manifest,
    generate,
    generate_corpus,
)
from pipelines.samples.writer import MANIFEST, generate_to, load_manifest, write_corpus

__all__ = [
    "MALFORMED_REASONS",
    "MANIFEST",
    "Corpus",
    "Mix",
    "SampleItem",
    "build_manifest",
    "generate",
    "generate_corpus",
    "generate_to",
    "load_manifest",
    "write_corpus",
]
