"""`make eval-data`: prepare the DUC-2001 keyphrase set for the keyword benchmark.

DUC-2001 keyphrases (Wan and Xiao, COLING 2008): 308 news articles from the DUC-2001
summarisation collection (AP, WSJ, FT, LA Times, San Jose Mercury News, FBIS) with reader-
assigned keyphrases. The articles come from the TREC/DUC collections, which NIST distributes
under a research agreement: no open licence. So nothing of it is ever committed here; this
script turns a local copy into one JSON-lines file outside git, read only by `make eval`.

Source: a copy of the GitHub repository `sunyilgdx/SIFRank` (its `data/DUC2001/` holds the
articles as SGML files and `annotations.txt`, `ID@phrase;phrase;...` one article a line; 307
of the 308 annotated articles are there). Either a checkout or a bare git directory works:

    .venv/bin/python -m benchmarks.quality.keyphrase_data PATH/TO/SIFRank [--out DIR]

Writes DIR/duc2001.jsonl (default: the directory `benchmarks.quality.keywords` reads), one
`{"id", "title", "text", "keyphrases"}` per article.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
from pathlib import Path

SUBDIR = "data/DUC2001"
FILE = "duc2001.jsonl"
_TITLE_TAGS = ("HEADLINE", "HEAD", "HL")
_BODY_TAGS = ("LEADPARA", "TEXT")
_TAG = re.compile(r"<[^>]+>")


def _element(doc: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", doc, flags=re.S)


def _plain(fragment: str) -> str:
    """SGML fragment -> text: tags become line breaks, entities are decoded; the ';' that
    the San Jose Mercury News puts at paragraph ends is dropped."""
    text = html.unescape(_TAG.sub("\n", fragment))
    text = re.sub(r";[ \t]*$", "", text, flags=re.M)
    text = re.sub(r"([.!?\"']);(?=\s)", r"\1", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def parse_document(doc: str) -> tuple[str, str]:
    """(title, body) of one DUC article: the first headline element, then lead paragraph
    and text in document order."""
    title = ""
    for tag in _TITLE_TAGS:
        found = _element(doc, tag)
        if found:
            title = " ".join(_plain(found[0]).split())
            break
    parts = [
        m.group(2)
        for m in re.finditer(r"<({})>(.*?)</\1>".format("|".join(_BODY_TAGS)), doc, flags=re.S)
    ]
    # AP paragraphs are indented lines: a line starting with spaces opens a paragraph.
    body = "\n".join(re.sub(r"\n(?! )", " ", p) for p in parts)
    return title, _plain(body)


def parse_annotations(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "@" not in line:
            continue
        doc_id, phrases = line.split("@", 1)
        out[doc_id.strip()] = [p.strip() for p in phrases.split(";") if p.strip()]
    return out


class _Source:
    """Files of a checkout, or of HEAD in a bare git directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = not (root / SUBDIR).is_dir()

    def read(self, name: str) -> str | None:
        if not self.bare:
            path = self.root / SUBDIR / name
            return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        out = subprocess.run(
            ["git", "--git-dir", str(self.root), "show", f"HEAD:{SUBDIR}/{name}"],
            capture_output=True,
        )
        return out.stdout.decode("utf-8", errors="replace") if out.returncode == 0 else None


def prepare(source: Path, out_dir: Path) -> Path:
    src = _Source(source)
    annotations = src.read("annotations.txt")
    if annotations is None:
        raise SystemExit(f"no {SUBDIR}/annotations.txt in {source}")
    gold = parse_annotations(annotations)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for doc_id in sorted(gold):
            doc = src.read(doc_id)
            if doc is None:  # one annotated article (LA073089-0118) is not in the copy
                continue
            title, text = parse_document(doc)
            row = {"id": doc_id, "title": title, "text": text, "keyphrases": gold[doc_id]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    from benchmarks.quality.keywords import data_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a copy of github.com/sunyilgdx/SIFRank")
    parser.add_argument("--out", type=Path, default=None, help="default: " + str(data_dir()))
    args = parser.parse_args(argv)
    path = prepare(args.source, args.out or data_dir())
    print(f"written: {path} ({sum(1 for _ in path.open())} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
