"""Avro single-object encoding (Avro spec, "Single-object encoding").

A message is the two-byte marker C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of
the writer schema's parsing canonical form, then the Avro binary datum. Readers look the
fingerprint up among every kept version of the schema and resolve the datum to the current
(reader) schema, so producers and consumers can be upgraded independently.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import fastavro
from fastavro.schema import fingerprint as avro_fingerprint
from fastavro.schema import to_parsing_canonical_form

from pipelines.core.errors import ArticleError

MARKER = b"\xc3\x01"
HEADER_LEN = 10


def fingerprint(schema: dict[str, Any]) -> bytes:
    """8-byte little-endian fingerprint of the schema's parsing canonical form."""
    # fastavro's CRC-64-AVRO hex is already in the spec's little-endian byte order.
    return bytes.fromhex(avro_fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


class SingleObjectCodec:
    """Encodes with the current schema; decodes data written with any kept version."""

    def __init__(self, versions: Iterable[dict[str, Any]]) -> None:
        self._versions = list(versions)
        if not self._versions:
            raise ValueError("at least one schema version is needed")
        self.reader = self._versions[-1]
        self.header = MARKER + fingerprint(self.reader)
        self._current = self.header[2:]
        # Parsed once with fastavro's own marker, so it does not re-parse per message.
        self._parsed_reader = fastavro.parse_schema(self.reader)
        self._writers = {fingerprint(s): fastavro.parse_schema(s) for s in self._versions}

    def encode(self, record: dict[str, Any], schema: dict[str, Any] | None = None) -> bytes:
        """Encode `record` with `schema` (default: the current version)."""
        buf = io.BytesIO()
        # The current schema's header is computed once: fingerprinting costs milliseconds.
        buf.write(self.header if schema is None else MARKER + fingerprint(schema))
        fastavro.schemaless_writer(buf, schema or self._parsed_reader, record)
        return buf.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        """Decode one message; raises ArticleError with a stable code on bad input."""
        if len(data) < HEADER_LEN or data[:2] != MARKER:
            raise ArticleError("not_single_object", "missing the Avro single-object marker C3 01")
        fingerprint = bytes(data[2:HEADER_LEN])
        writer = self._writers.get(fingerprint)
        if writer is None:
            raise ArticleError(
                "unknown_fingerprint",
                f"writer schema fingerprint {fingerprint.hex()} is not among "
                f"{len(self._writers)} known versions",
            )
        buf = io.BytesIO(data)  # shares the bytes: no copy of the body
        buf.seek(HEADER_LEN)
        # The current version needs no schema resolution.
        reader = None if fingerprint == self._current else self._parsed_reader
        try:
            record = fastavro.schemaless_reader(buf, writer, reader)
        except fastavro.read.SchemaResolutionError as exc:
            raise ArticleError("schema_mismatch", str(exc)) from exc
        except (EOFError, ValueError, UnicodeDecodeError, IndexError, OverflowError) as exc:
            raise ArticleError("corrupt_payload", f"{type(exc).__name__}: {exc}") from exc
        if buf.tell() != len(data):
            raise ArticleError("corrupt_payload", "trailing bytes after the Avro datum")
        if not isinstance(record, dict):
            raise ArticleError("corrupt_payload", "datum is not a record")
        return record
