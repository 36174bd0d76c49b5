"""`newswire samples generate --count N --out DIR [--seed S]`: a synthetic raw-news corpus.

Writes HTML pages, text scrapes, JSON-lines feeds and WARC archives under DIR, with
`manifest.json` holding the ground truth of every item (see pipelines/samples/).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from pipelines.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("samples", help="synthetic raw news input with ground truth")
    actions = p.add_subparsers(dest="samples_action", required=True, metavar="ACTION")
    g = actions.add_parser("generate", help="write a deterministic sample corpus and its manifest")
    g.add_argument("--count", type=int, required=True, help="number of items")
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    g.add_argument("--original", type=float, default=0.70, help="share of original stories")
    g.add_argument("--exact-duplicates", type=float, default=0.08, help="share of exact copies")
    g.add_argument("--near-duplicates", type=float, default=0.15, help="share of syndicated copies")
    g.add_argument("--malformed", type=float, default=0.07, help="share of malformed inputs")
    g.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    g.add_argument("--json", action="store_true", help="print the manifest summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.samples import MANIFEST, Mix, generate_to

    if args.count < 0:
        print("error: --count must be >= 0", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        if not args.force and not (out / MANIFEST).is_file():
            print(
                f"error: {out} is not empty and holds no {MANIFEST}; use --force", file=sys.stderr
            )
            return 2
        shutil.rmtree(out)  # a previous sample corpus (or --force): start clean
    mix = Mix(args.original, args.exact_duplicates, args.near_duplicates, args.malformed)
    started = time.monotonic()
    manifest = generate_to(out, args.count, args.seed, mix)
    elapsed = time.monotonic() - started
    summary = {
        "out": str(out),
        "seed": args.seed,
        "count": manifest["count"],
        "counts": manifest["counts"],
        "malformed_reasons": manifest["malformed_reasons"],
        "seconds": round(elapsed, 2),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in manifest["counts"].items())
        print(f"wrote {manifest['count']} items to {out} in {elapsed:.1f} s ({counts})")
        print(f"ground truth: {out / MANIFEST}")
    return 0
