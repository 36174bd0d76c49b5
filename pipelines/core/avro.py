"""Avro single-object encoding (Avro spec, "Single-object encoding").

A message is the two-byte marker C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of
the writer schema's parsing canonical form, then the Avro binary datum. Readers look the
fingerprint up among every kept version of the schema and resolve the datum to the current
(reader) schema, so producers and consumers can be upgraded independently.

Data written with the current version (nearly every message) is decoded by `compile_decoder`:
the schema is compiled once into readers working on the message bytes by offset (closures, and
generated straight-line code for records), which is faster than `fastavro.schemaless_reader`
on a file object. Older versions go through fastavro with schema resolution.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import fastavro
from fastavro.schema import fingerprint as avro_fingerprint
from fastavro.schema import to_parsing_canonical_form

from pipelines.core.errors import ArticleError

MARKER = b"\xc3\x01"
HEADER_LEN = 10

# Reads one value at an offset: (data, pos) -> (value, offset after the value).
# Bad data raises ValueError, IndexError (read past the end), OverflowError or struct.error.
Reader = Callable[[bytes, int], tuple[Any, int]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # what fastavro adds timestamps to
_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_LONG_MIN, _LONG_MAX = -(1 << 63), (1 << 63) - 1
_FLOAT = struct.Struct("<f").unpack_from
_DOUBLE = struct.Struct("<d").unpack_from


def fingerprint(schema: dict[str, Any]) -> bytes:
    """8-byte little-endian fingerprint of the schema's parsing canonical form."""
    # fastavro's CRC-64-AVRO hex is already in the spec's little-endian byte order.
    return bytes.fromhex(avro_fingerprint(to_parsing_canonical_form(schema), "CRC-64-AVRO"))


# --- compiled decoder for the Avro binary encoding ------------------------------------------
# Each reader takes the whole message and an offset and returns (value, next offset): slicing
# the bytes directly avoids fastavro's per-value file reads. Varints take a fast path for one
# byte (lengths under 64, union indexes, small counts), which covers most values.


def _read_long(data: bytes, pos: int) -> tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return (b >> 1) ^ -(b & 1), pos + 1
    n = b & 0x7F
    shift = 7
    pos += 1
    while True:
        b = data[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            break
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 10 bytes")
    value = (n >> 1) ^ -(n & 1)
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise ValueError(f"varint {value} is out of the long range")
    return value, pos


def _read_int(data: bytes, pos: int) -> tuple[int, int]:
    value, pos = _read_long(data, pos)
    if not _INT_MIN <= value <= _INT_MAX:
        raise ValueError(f"varint {value} is out of the int range")
    return value, pos


def _span(data: bytes, pos: int) -> tuple[int, int]:
    """(start, end) of the length-prefixed string or bytes at `pos`."""
    b = data[pos]
    if b < 0x80:
        size = (b >> 1) ^ -(b & 1)
        pos += 1
    else:
        size, pos = _read_long(data, pos)
    end = pos + size
    if size < 0 or end > len(data):
        _bad_length(size, pos)
    return pos, end


def _read_string(data: bytes, pos: int) -> tuple[str, int]:
    start, end = _span(data, pos)
    return data[start:end].decode(), end  # strict UTF-8: bad text raises UnicodeDecodeError


def _read_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    start, end = _span(data, pos)
    return data[start:end], end


def _read_null(data: bytes, pos: int) -> tuple[None, int]:
    return None, pos


def _read_boolean(data: bytes, pos: int) -> tuple[bool, int]:
    b = data[pos]
    if b > 1:
        raise ValueError(f"boolean byte {b} at offset {pos} is neither 0 nor 1")
    return b == 1, pos + 1


def _read_float(data: bytes, pos: int) -> tuple[float, int]:
    return _FLOAT(data, pos)[0], pos + 4


def _read_double(data: bytes, pos: int) -> tuple[float, int]:
    return _DOUBLE(data, pos)[0], pos + 8


def _read_timestamp_micros(data: bytes, pos: int) -> tuple[datetime, int]:
    value, pos = _read_long(data, pos)
    # The same arithmetic as fastavro (fromtimestamp would round through a float).
    return _EPOCH + timedelta(0, 0, value), pos


def _read_timestamp_millis(data: bytes, pos: int) -> tuple[datetime, int]:
    value, pos = _read_long(data, pos)
    return _EPOCH + timedelta(0, 0, value * 1000), pos


_PRIMITIVES: dict[str, tuple[Reader, bool]] = {
    # name -> (reader, whether its encoding can be empty)
    "null": (_read_null, True),
    "boolean": (_read_boolean, False),
    "int": (_read_int, False),
    "long": (_read_long, False),
    "float": (_read_float, False),
    "double": (_read_double, False),
    "bytes": (_read_bytes, False),
    "string": (_read_string, False),
}
_TIMESTAMPS: dict[str, Reader] = {
    "timestamp-micros": _read_timestamp_micros,
    "timestamp-millis": _read_timestamp_millis,
}


def _union(branches: tuple[Reader, ...]) -> Reader:
    count = len(branches)

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        index, pos = _read_long(data, pos)
        if not 0 <= index < count:
            raise ValueError(f"union index {index} out of range for {count} branches")
        return branches[index](data, pos)

    return read


def _optional(inner: Reader, general: Reader) -> Reader:
    """["null", T]: the one-byte indexes 0 and 2 without a varint call."""

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        b = data[pos]
        if b == 0:
            return None, pos + 1
        if b == 2:
            return inner(data, pos + 1)
        return general(data, pos)  # a bad index, or a needlessly long varint

    return read


def _block_count(data: bytes, pos: int) -> tuple[int, int]:
    count, pos = _read_long(data, pos)
    if count < 0:  # a negative count is followed by the block's size in bytes
        count = -count
        _, pos = _read_long(data, pos)
    return count, pos


def _array(items: Reader) -> Reader:
    def read(data: bytes, pos: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        append = out.append
        count, pos = _block_count(data, pos)
        while count:
            for _ in range(count):
                item, pos = items(data, pos)
                append(item)
            count, pos = _block_count(data, pos)
        return out, pos

    return read


def _map(values: Reader) -> Reader:
    def read(data: bytes, pos: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        count, pos = _block_count(data, pos)
        while count:
            for _ in range(count):
                key, pos = _read_string(data, pos)
                out[key], pos = values(data, pos)
            count, pos = _block_count(data, pos)
        return out, pos

    return read


# A record is decoded by straight-line code generated for its fields: with ~10 fields of a few
# hundred nanoseconds each, a Python call per field would cost as much as the decoding itself.
# Strings, bytes, longs, timestamps and ["null", T] of those are read inline; any other field
# calls its compiled reader. Only local names (v0, r0, k0, ...) go into the generated source:
# field names and readers are passed in as arguments of the factory.

_LENGTH = (
    "b = data[pos]",
    "if b < 128:",
    "    n = (b >> 1) ^ -(b & 1)",
    "    pos += 1",
    "elif (c := data[pos + 1]) < 128:  # two bytes: lengths up to 8191",
    "    n = (b & 127) | (c << 7)",
    "    n = (n >> 1) ^ -(n & 1)",
    "    pos += 2",
    "else:",
    "    n, pos = read_long(data, pos)",
    "end = pos + n",
    "if n < 0 or end > limit:",
    "    bad_length(n, pos)",
)
# Timestamps in micros from 2001 to 2112 are 8-byte varints, slow byte by byte: read the 8
# bytes as one little-endian integer and squeeze out the continuation bits in three steps.
_LONG8 = (
    "if pos + 8 <= limit and (x := unpack_q(data, pos)[0]) & CONT8 == CONT7:",
    "    x &= 0x7F7F7F7F7F7F7F7F",
    "    x = (x & 0x007F007F007F007F) | ((x & 0x7F007F007F007F00) >> 1)",
    "    x = (x & 0x00003FFF00003FFF) | ((x & 0x3FFF00003FFF0000) >> 2)",
    "    x = (x & 0x000000000FFFFFFF) | ((x & 0x0FFFFFFF00000000) >> 4)",
    "    {v} = (x >> 1) ^ -(x & 1)",
    "    pos += 8",
    "else:",
    "    {v}, pos = read_long(data, pos)",
)
_INLINE: dict[str, tuple[str, ...]] = {
    "string": (*_LENGTH, "{v} = data[pos:end].decode()", "pos = end"),
    "bytes": (*_LENGTH, "{v} = data[pos:end]", "pos = end"),
    "long": (
        "b = data[pos]",
        "if b < 128:",
        "    {v} = (b >> 1) ^ -(b & 1)",
        "    pos += 1",
        "else:",
        "    {v}, pos = read_long(data, pos)",
    ),
    "int": (
        "b = data[pos]",
        "if b < 128:",
        "    {v} = (b >> 1) ^ -(b & 1)",
        "    pos += 1",
        "else:",
        "    {v}, pos = read_int(data, pos)",
    ),
    "timestamp-micros": (*_LONG8, "{v} = EPOCH + timedelta(0, 0, {v})"),
    "timestamp-millis": (*_LONG8, "{v} = EPOCH + timedelta(0, 0, {v} * 1000)"),
}


def _inline_kind(schema: Any) -> str | None:
    """The `_INLINE` key for a schema, if it has one."""
    if isinstance(schema, str):
        return schema if schema in _INLINE else None
    if isinstance(schema, dict) and isinstance(schema.get("type"), str):
        logical = schema.get("logicalType")
        if logical is None:
            return schema["type"] if schema["type"] in _INLINE else None
        if schema["type"] == "long" and logical in _TIMESTAMPS:
            return str(logical)
    return None


def _field_lines(schema: Any, v: str, reader: str, inner: str) -> list[str]:
    """Lines reading one field into local `v`; `reader` names its compiled reader and
    `inner` the compiled reader of T when the field is ["null", T]."""
    kind = _inline_kind(schema)
    if kind is not None:
        return [line.format(v=v) for line in _INLINE[kind]]
    if isinstance(schema, list) and len(schema) == 2 and schema[0] == "null":
        kind = _inline_kind(schema[1])
        some = (
            [f"    {line.format(v=v)}" for line in _INLINE[kind]]
            if kind is not None
            else [f"    {v}, pos = {inner}(data, pos)"]
        )
        return [
            "b = data[pos]",
            "if b == 0:",
            f"    {v} = None",
            "    pos += 1",
            "elif b == 2:",
            "    pos += 1",
            *some,
            "else:  # a bad union index, or one written as a needlessly long varint",
            f"    {v}, pos = {reader}(data, pos)",
        ]
    if isinstance(schema, dict) and schema.get("type") in ("map", "array"):
        # Empty ones (a single 0 count) are common: attributes, entities, keywords.
        return [
            "if data[pos] == 0:",
            f"    {v} = {'{}' if schema['type'] == 'map' else '[]'}",
            "    pos += 1",
            "else:",
            f"    {v}, pos = {reader}(data, pos)",
        ]
    return [f"{v}, pos = {reader}(data, pos)"]


def _bad_length(size: int, pos: int) -> None:
    raise ValueError(f"length {size} at offset {pos} does not fit the datum")


def _record(fields: list[tuple[str, Any, Reader, Reader | None]]) -> Reader:
    """fields: (name, schema, compiled reader, compiled reader of T for ["null", T])."""
    args: dict[str, Any] = {
        "read_long": _read_long,
        "read_int": _read_int,
        "bad_length": _bad_length,
        "EPOCH": _EPOCH,
        "timedelta": timedelta,
        "unpack_q": struct.Struct("<Q").unpack_from,
        "CONT8": 0x8080808080808080,  # the continuation bit of each of 8 bytes
        "CONT7": 0x0080808080808080,  # set on the first 7, clear on the 8th
    }
    body = ["limit = len(data)"]
    for i, (name, schema, reader, inner) in enumerate(fields):
        args[f"k{i}"], args[f"r{i}"] = name, reader
        if inner is not None:
            args[f"t{i}"] = inner
        body += _field_lines(schema, f"v{i}", f"r{i}", f"t{i}")
    values = ", ".join(f"k{i}: v{i}" for i in range(len(fields)))
    body.append(f"return {{{values}}}, pos")
    source = "\n".join(
        [
            f"def make({', '.join(args)}):",
            "    def read(data, pos):",
            *(f"        {line}" for line in body),
            "    return read",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<avro record decoder>", "exec"), namespace)
    decoder: Reader = namespace["make"](**args)
    return decoder


def _enum(symbols: tuple[str, ...]) -> Reader:
    count = len(symbols)

    def read(data: bytes, pos: int) -> tuple[str, int]:
        index, pos = _read_long(data, pos)
        if not 0 <= index < count:
            raise ValueError(f"enum index {index} out of range for {count} symbols")
        return symbols[index], pos

    return read


def _fixed(size: int) -> Reader:
    def read(data: bytes, pos: int) -> tuple[bytes, int]:
        end = pos + size
        if end > len(data):
            raise ValueError(f"fixed of size {size} at offset {pos} does not fit the datum")
        return data[pos:end], end

    return read


class _Named:
    """A named type; `reader` is None while its own definition is being compiled."""

    __slots__ = ("can_be_empty", "reader")

    def __init__(self) -> None:
        self.reader: Reader | None = None
        self.can_be_empty = False


def _late(named: _Named) -> Reader:
    """A reference to a record from inside its own definition (a recursive type)."""

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        assert named.reader is not None
        return named.reader(data, pos)

    return read


def _compile_union(
    schema: list[Any], names: dict[str, _Named]
) -> tuple[Reader, tuple[Reader, ...]]:
    """(reader, reader of each branch) for a union."""
    branches = tuple(_compile(branch, names)[0] for branch in schema)
    general = _union(branches)
    if len(schema) == 2 and schema[0] == "null":
        return _optional(branches[1], general), branches
    return general, branches


def _compile(schema: Any, names: dict[str, _Named]) -> tuple[Reader, bool]:
    """(reader, whether the encoding can be empty) for a schema parsed by fastavro."""
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        named = names.get(schema)
        if named is None:
            raise NotImplementedError(f"unknown named type {schema!r}")
        # A recursive reference can only sit behind a union, array or map, which are never
        # empty, so it does not make the enclosing type empty.
        return (named.reader, named.can_be_empty) if named.reader else (_late(named), False)
    if isinstance(schema, list):
        return _compile_union(schema, names)[0], False
    if not isinstance(schema, dict) or not isinstance(schema.get("type"), str):
        raise NotImplementedError(f"unsupported schema {schema!r}")
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical is not None:
        if kind == "long" and logical in _TIMESTAMPS:
            return _TIMESTAMPS[logical], False
        raise NotImplementedError(f"logical type {logical!r} on {kind!r}")
    if kind in _PRIMITIVES:
        return _PRIMITIVES[kind]
    if kind == "array":
        items, empty_items = _compile(schema["items"], names)
        if empty_items:  # a huge block count would loop without consuming input
            raise NotImplementedError("array of items whose encoding can be empty")
        return _array(items), False
    if kind == "map":
        return _map(_compile(schema["values"], names)[0]), False
    if kind in ("record", "error", "enum", "fixed"):
        named = _Named()
        names[schema["name"]] = named
        if kind == "enum":
            named.reader = _enum(tuple(schema["symbols"]))
        elif kind == "fixed":
            named.reader = _fixed(schema["size"])
            named.can_be_empty = schema["size"] == 0
        else:
            fields = []
            can_be_empty = True
            for field in schema["fields"]:
                inner = None
                if isinstance(field["type"], list):
                    reader, branches = _compile_union(field["type"], names)
                    if len(branches) == 2 and field["type"][0] == "null":
                        inner = branches[1]
                    empty = False
                else:
                    reader, empty = _compile(field["type"], names)
                fields.append((field["name"], field["type"], reader, inner))
                can_be_empty = can_be_empty and empty
            named.reader = _record(fields)
            named.can_be_empty = can_be_empty
        return named.reader, named.can_be_empty
    raise NotImplementedError(f"unsupported type {kind!r}")


def compile_decoder(schema: Any) -> Reader:
    """Compile a writer schema into a reader of its Avro binary encoding.

    `reader(data, pos)` decodes the datum starting at offset `pos` of `data` (bytes) and returns
    it, as `fastavro.schemaless_reader` would without a reader schema, with the offset after
    it. Bad data raises ValueError (incl. UnicodeDecodeError), IndexError (truncated),
    OverflowError (a timestamp out of range) or struct.error (a truncated float); a recursive
    type nested too deep raises RecursionError.
    Raises NotImplementedError for a schema it cannot compile (use fastavro then).
    """
    parsed = fastavro.parse_schema(schema, _write_hint=False)  # full names for named types
    return _compile(parsed, {})[0]


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
        self._fast: Reader | None
        try:
            self._fast = (
                compile_decoder(self.reader) if self.reader.get("type") == "record" else None
            )
        except NotImplementedError:
            self._fast = None  # fastavro decodes the current version too

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled decoder is made of local functions, which pickle cannot copy: rebuild.
        return (type(self), (self._versions,))

    def encode(self, record: dict[str, Any], schema: dict[str, Any] | None = None) -> bytes:
        """Encode `record` with `schema` (default: the current version)."""
        buf = io.BytesIO()
        # The current schema's header is computed once: fingerprinting costs milliseconds.
        buf.write(self.header if schema is None else MARKER + fingerprint(schema))
        fastavro.schemaless_writer(buf, schema or self._parsed_reader, record)
        return buf.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        """Decode one message; raises ArticleError with a stable code on bad input."""
        if self._fast is not None and type(data) is bytes and data.startswith(self.header):
            try:
                record, end = self._fast(data, HEADER_LEN)
            except IndexError as exc:
                raise ArticleError("corrupt_payload", "truncated Avro datum") from exc
            except (ValueError, OverflowError, struct.error, RecursionError) as exc:
                # RecursionError: a recursive type nested deeper than the stack allows.
                raise ArticleError("corrupt_payload", f"{type(exc).__name__}: {exc}") from exc
            if end != len(data):
                raise ArticleError("corrupt_payload", "trailing bytes after the Avro datum")
            return record
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
