"""`newswire replay-dead-letters URI`: send dead letters' inputs back onto the raw topic.

    newswire replay-dead-letters s3://newswire/news --step decode --code claim_check_missing
    newswire replay-dead-letters s3://newswire/news --since 2024-10-01 --dry-run

Reads the output's `dead_letter` Iceberg table (what `newswire run` and `newswire backfill`
committed; a pyiceberg scan of its current snapshot), keeps the rows matching `--step`,
`--code` (both repeatable) and `--since`/`--until` (on `failed_at`), and re-produces the
input of each one that can be rebuilt, as a RawArticle keyed by its article_id, through the
same producer as `newswire produce` (claim check for large bodies). Typical use: after
fixing a bug or restoring a missing claim-check object.

What a dead letter's `raw` column holds decides what can be replayed:

- `decode` letters hold the Kafka message as received. If it decodes as a RawArticle (any
  schema version kept in schemas/), that record is sent again, metadata and all ("record").
  Messages that do not decode (not_single_object, corrupt_payload, an unknown schema) are
  skipped: sending them again would fail the same way.
- `clean` letters hold the page body. A new RawArticle is built from it with the letter's
  article_id and source, its content type sniffed (HTML or plain text) ("body"). URL, outlet
  and fetch time are not in the dead letter and are lost.
- `dedup`, `enrich` and `validate` letters hold the cleaned text, not the input. With
  `--include-text` it is sent as a text/plain RawArticle ("text": title, URL and dates are
  lost); without it they are skipped (`text_only`).
- `read` letters (backfill inputs) hold no bytes: re-run the backfill on the file named in
  `source` instead. Rows whose `raw` was cut at 1 MiB are skipped (`truncated`).

Every replayed record carries `attributes["replay_of"]` = "<step>:<code> <original source>".
Replaying is safe to repeat: a replayed article that the output already holds is skipped
(streaming) or reported as a duplicate (backfill), and rows are deduplicated by (source, step,
error_code). Dead letters are not removed: pass `--since` to replay only newer ones.

Exit status: 0 when everything selected was sent (or with --dry-run), 1 when a send failed,
3 when the broker, the topic, the store or the catalog cannot be reached (checked first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipelines.commands import UNREACHABLE, uri_arg
from pipelines.config import Config
from pipelines.core.clock import as_utc
from pipelines.core.errors import ArticleError
from pipelines.core.records import RAW_TRUNCATE_BYTES, RawArticle, raw_article_from_avro

DEAD_LETTER_TABLE = "dead_letter"
BODY_STEPS = frozenset({"clean"})
TEXT_STEPS = frozenset({"dedup", "enrich", "validate"})
_SNIFF_BYTES = 8192

if TYPE_CHECKING:
    from pipelines.core.avro import SingleObjectCodec


@dataclass(frozen=True)
class Replay:
    """One input to send again: `kind` is record, body or text (see the module docstring)."""

    kind: str
    raw: RawArticle
    letter: tuple[str, str, str]  # (source, step, error_code) of the dead letter


@dataclass(frozen=True)
class Skip:
    reason: str  # no_raw, truncated, undecodable, text_only, unsupported_step, over_limit
    letter: tuple[str, str, str]


@dataclass
class Tally:
    """Counts of what a replay selected, sent and skipped (rows are not kept: bounded memory)."""

    selected: Counter[str] = field(default_factory=Counter)  # "step:code" -> rows
    replayable: Counter[str] = field(default_factory=Counter)  # kind -> rows
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows

    def summary(self) -> dict[str, Any]:
        return {
            "selected": sum(self.selected.values()),
            "by_reason": dict(sorted(self.selected.items())),
            "replayable": sum(self.replayable.values()),
            "replayable_by_kind": dict(sorted(self.replayable.items())),
            "skipped": sum(self.skipped.values()),
            "skipped_by_reason": dict(sorted(self.skipped.items())),
        }


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "replay-dead-letters",
        help="re-produce dead letters' inputs onto the raw topic",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "uri", type=uri_arg, help="output URI given to run/backfill (s3://bucket/prefix or folder)"
    )
    p.add_argument("--step", action="append", help="only this step (repeatable)")
    p.add_argument("--code", action="append", help="only this error code (repeatable)")
    p.add_argument("--since", type=parse_when, help="failed at or after: date or ISO time")
    p.add_argument("--until", type=parse_when, help="failed before: date or ISO time")
    p.add_argument(
        "--topic", help="topic to send to (default: NEWSWIRE_KAFKA_TOPIC or raw-articles)"
    )
    p.add_argument(
        "--include-text",
        action="store_true",
        help="also replay dedup/enrich/validate letters, whose raw is the cleaned text",
    )
    p.add_argument("--limit", type=int, help="replay at most this many")
    p.add_argument(
        "--claims-uri",
        help="folder for oversized bodies (default: NEWSWIRE_CLAIMS_URI, s3://<bucket>/claims)",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be sent; send none")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(func=run)


def parse_when(value: str) -> datetime:
    """A date (midnight UTC) or an ISO time with a zone -> aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date or ISO time: {value!r}") from exc
    if parsed.tzinfo is None and ("T" in value or " " in value):
        raise argparse.ArgumentTypeError(f"a time needs a zone (e.g. Z): {value!r}")
    return as_utc(parsed)


def dead_letter_rows(tables: Any, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Rows of the output's dead_letter table, one Arrow batch at a time.

    With `since`, the scan filters on `failed_at >= since`: partitions (days of failure)
    before it are not read.
    """
    from pipelines.io.scan import scan_rows

    row_filter = None if since is None else f"failed_at >= '{since.isoformat()}'"
    yield from scan_rows(tables, DEAD_LETTER_TABLE, row_filter)


def select(
    rows: Iterable[dict[str, Any]],
    steps: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows matching the filters, each dead letter (source, step, error_code) once."""
    step_set = set(steps) if steps else None
    code_set = set(codes) if codes else None
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if step_set is not None and row["step"] not in step_set:
            continue
        if code_set is not None and row["error_code"] not in code_set:
            continue
        failed_at = as_utc(row["failed_at"])
        if (since and failed_at < since) or (until and failed_at >= until):
            continue
        ident = (row["source"], row["step"], row["error_code"])
        if ident in seen:
            continue
        seen.add(ident)
        yield row


def plan_row(
    row: dict[str, Any], codec: SingleObjectCodec, include_text: bool = False
) -> Replay | Skip:
    """What to send for one dead-letter row, or why it cannot be replayed."""
    from pipelines.core.bodies import looks_like_html
    from pipelines.core.urls import article_id_for

    letter = (row["source"], row["step"], row["error_code"])
    step = row["step"]
    raw: bytes = row.get("raw") or b""
    if not raw:
        return Skip("no_raw", letter)
    if len(raw) >= RAW_TRUNCATE_BYTES:
        return Skip("truncated", letter)
    attributes = {"replay_of": f"{step}:{row['error_code']} {row['source']}"}
    if step == "decode":
        try:
            record = raw_article_from_avro(codec.decode(raw))
        except (ArticleError, KeyError, TypeError, ValueError):
            return Skip("undecodable", letter)
        record.attributes = {**record.attributes, **attributes}
        return Replay("record", record, letter)
    if step in BODY_STEPS or (step in TEXT_STEPS and include_text):
        kind = "body" if step in BODY_STEPS else "text"
        head = raw[:_SNIFF_BYTES].decode("utf-8", errors="replace")
        html = kind == "body" and looks_like_html(head)
        return Replay(
            kind,
            RawArticle(
                article_id=row.get("article_id") or article_id_for(None, raw),
                content_type="text/html" if html else "text/plain",
                body=raw,
                source=row["source"],
                attributes=attributes,
            ),
            letter,
        )
    if step in TEXT_STEPS:
        return Skip("text_only", letter)
    return Skip("unsupported_step", letter)


def plan(
    rows: Iterable[dict[str, Any]],
    codec: SingleObjectCodec,
    tally: Tally,
    include_text: bool = False,
    limit: int | None = None,
) -> Iterator[Replay | Skip]:
    """`plan_row` over the rows, counting into `tally`; past `limit` replays, skips."""
    for row in rows:
        tally.selected[f"{row['step']}:{row['error_code']}"] += 1
        item = plan_row(row, codec, include_text)
        if (
            isinstance(item, Replay)
            and limit is not None
            and sum(tally.replayable.values()) >= limit
        ):
            item = Skip("over_limit", item.letter)
        if isinstance(item, Skip):
            tally.skipped[item.reason] += 1
        else:
            tally.replayable[item.kind] += 1
        yield item


_MAX_LISTED = 50  # skipped rows listed one by one; the rest are only counted


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.core import schemas
    from pipelines.core.avro import SingleObjectCodec
    from pipelines.io.probes import preflight
    from pipelines.io.scan import output_tables

    topic = args.topic or config.kafka.topic
    topics = [] if args.dry_run else [topic]
    preflight(config, topics=topics, uris=[args.uri], catalog_for=args.uri)
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    tally = Tally()
    sender = None if args.dry_run else _Sender(topic, args, config)
    if sender is not None and not sender.start():
        return UNREACHABLE
    stack = ExitStack()
    listed = 0
    try:
        tables = stack.enter_context(output_tables(args.uri, config))
        rows = select(
            dead_letter_rows(tables, args.since), args.step, args.code, args.since, args.until
        )
        for item in plan(rows, codec, tally, args.include_text, args.limit):
            source, step, code = item.letter
            if isinstance(item, Skip):
                if listed < _MAX_LISTED:
                    listed += 1
                    print(f"skipped {source} ({step}:{code}): {item.reason}", file=sys.stderr)
            elif sender is None:
                print(f"would replay {source} ({step}:{code}) as {item.kind}", file=sys.stderr)
            else:
                sender.send(item.raw)
    finally:
        stack.close()
        stats = sender.close() if sender is not None else None
    summary = tally.summary() | {
        "topic": topic,
        "dry_run": args.dry_run,
        "sent": stats.delivered if stats else 0,
        "failed": stats.failed if stats else 0,
    }
    if args.json:
        print(json.dumps(summary))
    _print_summary(summary)
    return 1 if summary["failed"] else 0


class _Sender:
    """The `newswire produce` producer (claim check included), started before any row is read."""

    def __init__(self, topic: str, args: argparse.Namespace, config: Config) -> None:
        from pipelines.io.claims import CachedStores
        from pipelines.io.kafka_producer import ArticleProducer

        self.stores = CachedStores(config.s3)
        claims_uri = args.claims_uri or config.claims_uri
        self.producer = ArticleProducer(
            config.kafka,
            topic=topic,
            claims=lambda: self.stores(claims_uri),
            claims_prefix="",  # the bodies go right under the claims location
            on_failure=lambda source, message: print(
                f"failed {source}: {message}", file=sys.stderr
            ),
        )

    def start(self) -> bool:
        from pipelines.io.kafka_producer import ProducerError

        try:
            self.producer.setup()
        except ProducerError as exc:
            self.stores.close()
            print(f"error: {exc}", file=sys.stderr)
            return False
        return True

    def send(self, raw: RawArticle) -> None:
        self.producer.send(raw)

    def close(self) -> Any:
        try:
            self.producer.close(timeout=60)
        finally:
            self.stores.close()
        return self.producer.stats


def _print_summary(s: dict[str, Any]) -> None:
    reasons = ", ".join(f"{k} {v}" for k, v in s["by_reason"].items())
    kinds = ", ".join(f"{k} {v}" for k, v in s["replayable_by_kind"].items())
    skipped = ", ".join(f"{k} {v}" for k, v in s["skipped_by_reason"].items())
    verb = "would send" if s["dry_run"] else f"sent {s['sent']}, failed {s['failed']} of"
    lines = [
        f"selected {s['selected']} dead letters" + (f" ({reasons})" if reasons else ""),
        f"{verb} {s['replayable']} to {s['topic']}" + (f" ({kinds})" if kinds else ""),
        f"skipped {s['skipped']}" + (f" ({skipped})" if skipped else ""),
    ]
    for line in lines:
        print(line, file=sys.stderr)
