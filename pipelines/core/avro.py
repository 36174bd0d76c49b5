"""Avro single-object encoding (Avro spec, "Single-object encoding").

A message is the two-byte marker C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of
the writer schema's parsing canonical form, then the Avro binary datum. Readers look the
fingerprint up among every kept version of the schema and resolve the datum to the current
(reader) schema, so producers and consumers can be upgraded independently.

Reading and writing are fastavro's; this module keeps only the header. Decoding uses
fastavro's Python reader (`fastavro._read_py`, the one fastavro itself falls back to) rather
than its compiled one, because the compiled reader (1.13) cannot be made strict from outside:
it reads a negative union index as a branch counted from the end (Cython wraps the index
before any list method sees it) and crashes the process on deeply nested recursive data. On
the Python reader every union's branch list refuses a negative index, deep nesting is a
RecursionError, and the record is then validated against the schema, which catches ints and
longs beyond their range (that reader takes varints of any length). All of these are
`corrupt_payload`. The cost, ~30 us a message, is under 0.1% of an article's CPU
(benchmarks/README.md, Avro decode).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable
from typing import Any

import fastavro
from fastavro import _read_py
from fastavro.schema import fingerprint as avro_fingerprint
from fastavro.schema import to_parsing_canonical_form
from fastavro.validation import validate

from pipelines.core.errors import ArticleError

MARKER = b"\xc3\x01"
HEADER_LEN = 10

# What fastavro's Python reader raises on bad data.
_CORRUPT = (
    EOFError,
    ValueError,  # incl. UnicodeDecodeError
    IndexError,
    OverflowError,
    RecursionError,
    struct.error,
)


def fingerprint(schema: dict[str, Any]) -> bytes:
    """8-byte little-endian fingerprint of the schema's parsing canonical form."""
    # fastavro's CRC-64-AVRO hex is already in the spec's little-endian byte order.
    return bytes.fromhex(avro_fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


class _Indexes(list[Any]):
    """A union's branches or an enum's symbols: a negative index read off the wire is an
    error, not a position counted from the end."""

    __slots__ = ()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int) and index < 0:
            raise IndexError(f"union or enum index {index} out of range for {len(self)}")
        return super().__getitem__(index)


def _strict(schema: Any) -> Any:
    """`schema` (parsed by fastavro) with every union and enum symbol list an `_Indexes`."""
    if isinstance(schema, list):
        return _Indexes(_strict(branch) for branch in schema)
    if isinstance(schema, dict):
        for field in schema.get("fields", ()):
            field["type"] = _strict(field["type"])
        for key in ("items", "values"):
            if key in schema:
                schema[key] = _strict(schema[key])
        if "symbols" in schema:
            schema["symbols"] = _Indexes(schema["symbols"])
        for named in schema.get("__named_schemas", {}).values():
            if named is not schema:
                _strict(named)
    return schema


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
        self._strict_reader = _strict(fastavro.parse_schema(self.reader))
        self._writers = {fingerprint(s): _strict(fastavro.parse_schema(s)) for s in self._versions}

    def __reduce__(self) -> tuple[Any, ...]:
        # The parsed schemas hold `_Indexes`; rebuilding is as cheap and keeps pickles small.
        return (type(self), (self._versions,))

    def encode(self, record: dict[str, Any], schema: dict[str, Any] | None = None) -> bytes:
        """Encode `record` with `schema` (default: the current version)."""
        buf = io.BytesIO()
        # The current schema's header is computed once: fingerprinting costs milliseconds.
        buf.write(self.header if schema is None else MARKER + fingerprint(schema))
        fastavro.schemaless_writer(buf, schema or self._parsed_reader, record)
        return buf.getvalue()

    def decode(self, data: bytes | bytearray | memoryview) -> dict[str, Any]:
        """Decode one message; raises ArticleError with a stable code on bad input."""
        if len(data) < HEADER_LEN or bytes(data[:2]) != MARKER:
            raise ArticleError("not_single_object", "missing the Avro single-object marker C3 01")
        fingerprint = bytes(data[2:HEADER_LEN])
        writer = self._writers.get(fingerprint)
        if writer is None:
            raise ArticleError(
                "unknown_fingerprint",
                f"writer schema fingerprint {fingerprint.hex()} is not among "
                f"{len(self._writers)} known versions",
            )
        buf = io.BytesIO(data)
        buf.seek(HEADER_LEN)
        # The current version needs no schema resolution.
        reader = None if fingerprint == self._current else self._strict_reader
        try:
            record = _read_py.schemaless_reader(buf, writer, reader)
        except fastavro.read.SchemaResolutionError as exc:
            raise ArticleError("schema_mismatch", str(exc)) from exc
        except _CORRUPT as exc:
            raise ArticleError("corrupt_payload", f"{type(exc).__name__}: {exc}") from exc
        if buf.tell() != len(data):
            raise ArticleError("corrupt_payload", "trailing bytes after the Avro datum")
        if not isinstance(record, dict):
            raise ArticleError("corrupt_payload", "datum is not a record")
        if not validate(record, self._parsed_reader, raise_errors=False):
            raise ArticleError("corrupt_payload", "a value out of its type's range")
        return record
