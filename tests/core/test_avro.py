"""Single-object encoding and schema evolution (pure: no Kafka)."""

from __future__ import annotations

import io
import itertools
import pickle
import random
import struct
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import fastavro
import pytest

from pipelines.core import schemas
from pipelines.core.avro import HEADER_LEN, MARKER, SingleObjectCodec, fingerprint
from pipelines.core.errors import ArticleError
from pipelines.core.records import RawArticle, raw_article_from_avro, to_avro


def _example(schema: dict) -> dict:
    """A record valid for `schema`, filling every field with a non-default value."""
    values = {
        "article_id": "a1",
        "url": "https://example.org/x",
        "fetched_at": datetime(2024, 9, 26, 9, 40, tzinfo=UTC),
        "content_type": "text/html",
        "body": b"<p>hi</p>",
        "encoding": "utf-8",
        "source": "file.html",
        "outlet": "Example",
        "language_hint": "en",
        "body_ref": {"uri": "s3://b/k", "size": 3, "sha256": "00"},
        "attributes": {"k": "v"},
    }
    return {f["name"]: values[f["name"]] for f in schema["fields"]}


def test_header_is_marker_plus_little_endian_crc64_of_canonical_form() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    assert data[:2] == MARKER
    assert data[2:10] == fingerprint(codec.reader)
    # Avro spec test vector: CRC-64-AVRO of the canonical form "int" is 0x7275d51a3f395c8f.
    assert struct.unpack("<Q", fingerprint({"type": "int"}))[0] == 0x7275D51A3F395C8F


def test_every_newer_version_reads_every_older_one() -> None:
    for name in (schemas.RAW_ARTICLE, schemas.ARTICLE, schemas.DEAD_LETTER, schemas.DUPLICATE):
        kept = schemas.versions(name)
        for older, newer in itertools.combinations_with_replacement(range(len(kept)), 2):
            codec = SingleObjectCodec(kept[: newer + 1])
            if name == schemas.RAW_ARTICLE:
                record = _example(kept[older])
                decoded = codec.decode(codec.encode(record, kept[older]))
                for key, value in record.items():
                    assert decoded[key] == value
            else:
                # Only one version so far: the reader must at least accept its own writer.
                assert fastavro.parse_schema(kept[older])


def test_v1_message_decodes_with_v2_defaults() -> None:
    v1, v2 = schemas.versions(schemas.RAW_ARTICLE)
    codec = SingleObjectCodec([v1, v2])
    decoded = codec.decode(codec.encode(_example(v1), v1))
    assert decoded["body_ref"] is None
    assert decoded["attributes"] == {}
    raw = raw_article_from_avro(decoded)
    assert isinstance(raw, RawArticle) and raw.fetched_at == datetime(
        2024, 9, 26, 9, 40, tzinfo=UTC
    )


def test_record_dataclass_round_trip() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    raw = raw_article_from_avro(_example(codec.reader))
    assert raw_article_from_avro(codec.decode(codec.encode(to_avro(raw)))) == raw


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_single_object"),
        (b"{json: 1}", "not_single_object"),
        (MARKER + b"\x00" * 8 + b"\x02", "unknown_fingerprint"),
    ],
)
def test_bad_input_raises_stable_codes(data: bytes, code: str) -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    with pytest.raises(ArticleError) as err:
        codec.decode(data)
    assert err.value.code == code


def test_truncated_and_trailing_payloads_are_corrupt() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    for bad in (data[:-5], data + b"\x00\x01"):
        with pytest.raises(ArticleError) as err:
            codec.decode(bad)
        assert err.value.code == "corrupt_payload"


# --- fastavro's reader, made strict -------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROS = (-62135596800000000, 253402300799999999)  # datetime(1, 1, 1) .. datetime(9999, ...)
_LONGS = (0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2**31, -(2**31) - 1)
_BIG_LONGS = (2**53 + 1, -(2**53) - 1, 2**63 - 1, -(2**63))
_CHARS = "aZ0 -/\n\x00éß€中\U0001f600"  # one- to four-byte UTF-8

# Every type our own schemas do not use.
KITCHEN_SINK = {
    "type": "record",
    "name": "Sink",
    "namespace": "test",
    "fields": [
        {"name": "flag", "type": "boolean"},
        {"name": "small", "type": "int"},
        {"name": "big", "type": "long"},
        {"name": "ratio", "type": "float"},
        {"name": "score", "type": "double"},
        {"name": "nothing", "type": "null"},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}},
        {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 4}},
        {"name": "either", "type": ["null", "Kind", "Digest", "long", "string"]},
        {"name": "null_last", "type": ["string", "null"]},
        {"name": "millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {
            "name": "maybe_millis",
            "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
        },
        {"name": "maybe_int", "type": ["null", "int"]},
        {"name": "maybe_bytes", "type": ["null", "bytes"]},
        {"name": "maybe_long", "type": ["null", "long"]},
        {"name": "maybe_double", "type": ["null", "double"]},
        {"name": "maybe_kind", "type": ["null", "Kind"]},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {
            "name": "grid",
            "type": {"type": "map", "values": {"type": "array", "items": ["null", "int"]}},
        },
        {
            "name": "tree",
            "type": {
                "type": "record",
                "name": "Node",
                "fields": [
                    {"name": "label", "type": "string"},
                    {"name": "children", "type": {"type": "array", "items": "Node"}},
                    {"name": "parent", "type": ["null", "Node"]},
                ],
            },
        },
        {"name": "empty", "type": {"type": "record", "name": "Empty", "fields": []}},
        {"name": "empties", "type": {"type": "array", "items": ["null", "Empty"]}},
    ],
}


def _named_types(schema: Any, names: dict[str, Any]) -> dict[str, Any]:
    """Every named type of a parsed schema, by full name."""
    if isinstance(schema, list):
        for branch in schema:
            _named_types(branch, names)
    elif isinstance(schema, dict):
        if schema["type"] in ("record", "enum", "fixed"):
            names[schema["name"]] = schema
        for field in schema.get("fields", ()):
            _named_types(field["type"], names)
        for key in ("items", "values"):
            if key in schema:
                _named_types(schema[key], names)
    return names


def _text(rng: random.Random) -> str:
    # Lengths in UTF-8 bytes of one, two and three varint bytes (up to 63, 8191, more).
    size = rng.choice((0, 1, 3, 20, 40, 70, 300, 5000))
    chunk = "".join(rng.choice(_CHARS) for _ in range(min(size, 50)))
    return (chunk * (size // 50 + 1))[:size]


def _value(schema: Any, rng: random.Random, names: dict[str, Any], depth: int = 0) -> Any:
    """A random value for `schema` (parsed), leaning on edge cases."""
    if isinstance(schema, list):
        if depth > 2 and "null" in schema:  # keep recursive types finite
            return None
        return _value(rng.choice(schema), rng, names, depth)
    if isinstance(schema, str):
        schema = names.get(schema, {"type": schema})
    kind, logical = schema["type"], schema.get("logicalType")
    if logical in ("timestamp-micros", "timestamp-millis"):
        micros = rng.choice(
            (
                rng.randrange(*_MICROS),  # any year
                rng.randrange(946684800000000, 4102444800000000),  # 2000-2100
                rng.randrange(-(10**6), 10**6),  # around the epoch
            )
        )
        return _EPOCH + timedelta(microseconds=micros)
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice((*_LONGS[:9], 2**31 - 1, -(2**31), rng.randrange(-(2**31), 2**31)))
    if kind == "long":
        return rng.choice((*_LONGS, *_BIG_LONGS, rng.randrange(-(2**63), 2**63)))
    if kind in ("float", "double"):
        return rng.choice((0.0, -0.0, 1.5, -1e300 if kind == "double" else -1e30, rng.random()))
    if kind == "string":
        return _text(rng)
    if kind == "bytes":
        return rng.randbytes(rng.choice((0, 1, 63, 64, 9000)))
    if kind == "enum":
        return rng.choice(schema["symbols"])
    if kind == "fixed":
        return rng.randbytes(schema["size"])
    count = 0 if depth > 2 else rng.choice((0, 0, 1, 3))
    if kind == "array":
        return [_value(schema["items"], rng, names, depth + 1) for _ in range(count)]
    if kind == "map":
        return {_text(rng): _value(schema["values"], rng, names, depth + 1) for _ in range(count)}
    assert kind == "record", kind
    return {f["name"]: _value(f["type"], rng, names, depth + 1) for f in schema["fields"]}


def _write(schema: Any, value: Any) -> bytes:
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, schema, value)
    return buf.getvalue()


def _fastavro(schema: Any, data: bytes) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(data), schema, None)


def _current_schemas() -> list[dict[str, Any]]:
    return [schemas.load(path.stem) for path in sorted(schemas.schema_dir().glob("*.avsc"))]


@pytest.mark.parametrize("schema", [*_current_schemas(), KITCHEN_SINK], ids=lambda s: s["name"])
def test_codec_decodes_as_fastavros_compiled_reader(schema: dict[str, Any]) -> None:
    parsed = fastavro.parse_schema(schema, _write_hint=False)
    names = _named_types(parsed, {})
    codec = SingleObjectCodec([parsed])
    rng = random.Random(f"avro-{parsed['name']}")
    for _ in range(300):
        data = codec.encode(_value(parsed, rng, names))
        ours = codec.decode(data)
        expected = _fastavro(parsed, data[HEADER_LEN:])
        # repr as well: the same types (bool vs int, -0.0) and the same tzinfo (UTC).
        assert ours == expected and repr(ours) == repr(expected)


def test_codec_accepts_bytearray_and_memoryview() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    expected = codec.decode(data)
    assert codec.decode(bytearray(data)) == expected
    assert codec.decode(memoryview(data)) == expected


def _full_message() -> tuple[SingleObjectCodec, bytes]:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    record = _example(codec.reader) | {
        "body": b"<p>" + b"x" * 300 + b"</p>",
        "attributes": {"k": "v", "é": ""},
    }
    return codec, codec.encode(record)


def _corrupt(codec: SingleObjectCodec, data: bytes) -> ArticleError:
    with pytest.raises(ArticleError) as err:
        codec.decode(data)
    assert err.value.code == "corrupt_payload"
    return err.value


@pytest.mark.parametrize("version", [0, 1])
def test_every_truncation_is_corrupt(version: int) -> None:
    kept = schemas.versions(schemas.RAW_ARTICLE)
    codec = SingleObjectCodec(kept)
    record = _example(kept[version])
    data = codec.encode(record | {"body": b"x" * 300}, kept[version])
    for end in range(HEADER_LEN, len(data)):
        _corrupt(codec, data[:end])


def test_corrupt_values_are_corrupt_payload() -> None:
    codec, data = _full_message()
    # The datum starts with article_id "a1": length byte 04 at offset 10, then the url union.
    assert data[HEADER_LEN : HEADER_LEN + 4] == b"\x04a1\x02"
    url = HEADER_LEN + 3
    for index in (b"\x04", b"\x01", b"\x03", b"\x80\x80\x01"):  # 2, -1, -2, 64
        _corrupt(codec, data[:url] + index + data[url + 1 :])
    # -1 and -2 are refused by the union guard itself, not by chance further on.
    for index in (b"\x01", b"\x03"):
        assert "index -" in _corrupt(codec, data[:url] + index + data[url + 1 :]).message
    assert "UnicodeDecodeError" in _corrupt(codec, data[:11] + b"\xff\xfe" + data[13:]).message
    assert "-2 bytes" in _corrupt(codec, data[:10] + b"\x03" + data[11:]).message
    huge = b"\xfe\xff\xff\xff\x0f"  # 2**31 - 1 bytes
    assert "EOFError" in _corrupt(codec, data[:10] + huge + data[11:]).message
    overlong = b"\x80" * 10 + b"\x04"  # a length of 4 << 70
    assert "OverflowError" in _corrupt(codec, data[:10] + overlong + data[11:]).message
    assert "trailing" in _corrupt(codec, data + b"\x00").message


def test_fastavro_alone_reads_a_negative_union_index_as_a_branch() -> None:
    """Why the codec guards unions: fastavro's readers take index -1 as the last branch."""
    codec, data = _full_message()
    url = HEADER_LEN + 3
    bad = data[:url] + b"\x01" + data[url + 1 :]
    assert _fastavro(codec.reader, bad[HEADER_LEN:])["url"] == "https://example.org/x"
    assert "index -1" in _corrupt(codec, bad).message


def test_timestamp_out_of_range_is_corrupt() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader) | {"fetched_at": 2**62})
    assert "OverflowError" in _corrupt(codec, data).message


def _varint(value: int) -> bytes:
    """Zig-zag varint of any size (a writer would never make one past 64 bits)."""
    n = value * 2 if value >= 0 else -value * 2 - 1
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes([*out, n])


def test_values_past_their_types_range_are_corrupt() -> None:
    """fastavro's Python reader takes varints of any length: the record is validated."""
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    record = _example(codec.reader) | {"attributes": {}}
    data = codec.encode(record)
    size = _varint(record["body_ref"]["size"]) + b"\x04" + b"00"  # size, then sha256 "00"
    assert data.endswith(size + b"\x00")
    start = len(data) - len(size) - 1
    for value in (2**63, -(2**63) - 1, 2**70):
        bad = data[:start] + _varint(value) + data[start + 1 :]
        assert "range" in _corrupt(codec, bad).message
    assert codec.decode(data[:start] + _varint(2**63 - 1) + data[start + 1 :])


def test_other_types_past_their_range_are_corrupt() -> None:
    schema = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "small", "type": "int"},
            {"name": "kind", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
        ],
    }
    codec = SingleObjectCodec([schema])
    assert codec.decode(codec.header + _varint(2**31 - 1) + b"\x02") == {
        "small": 2**31 - 1,
        "kind": "B",
    }
    for datum in (_varint(2**31) + b"\x00", b"\x00" + b"\x01", b"\x00" + b"\x04"):
        _corrupt(codec, codec.header + datum)


def test_map_blocks_with_negative_counts_and_sizes() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    plain = codec.encode(_example(codec.reader) | {"attributes": {}})
    assert plain[-1:] == b"\x00"  # the attributes map is last: one empty block
    entries = b"\x02a\x02b" + b"\x04cd\x00"  # a: b, cd: ""
    blocks = b"\x03" + bytes([len(entries) * 2]) + entries  # count -2, then the byte size
    blocks += b"\x02" + b"\x02e\x02f"  # a second block with a plain count: e: f
    data = plain[:-1] + blocks + b"\x00"
    decoded = codec.decode(data)
    assert decoded["attributes"] == {"a": "b", "cd": "", "e": "f"}
    assert decoded == _fastavro(codec.reader, data[HEADER_LEN:])
    negative_key = plain[:-1] + b"\x02" + b"\x01a" + b"\x02b" + b"\x00"  # key length -1
    assert "-1 bytes" in _corrupt(codec, negative_key).message


def test_arrays_with_negative_block_counts() -> None:
    schema = {
        "type": "record",
        "name": "A",
        "fields": [{"name": "xs", "type": {"type": "array", "items": "long"}}],
    }
    codec = SingleObjectCodec([schema])
    datum = b"\x03\x04\x02\x04" + b"\x02\x06" + b"\x00"  # block of 2 (size 2): 1, 2; then 3
    assert codec.decode(codec.header + datum) == {"xs": [1, 2, 3]}
    assert _fastavro(fastavro.parse_schema(schema), datum) == {"xs": [1, 2, 3]}


def test_logical_types_beyond_our_schemas_decode() -> None:
    schema = fastavro.parse_schema(
        {
            "type": "record",
            "name": "U",
            "fields": [{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}],
        },
        _write_hint=False,
    )
    codec = SingleObjectCodec([schema])
    record = {"id": uuid.UUID(int=7)}
    assert codec.decode(codec.encode(record)) == record


def _references(schema: Any, inside: tuple[str, ...], found: list[str]) -> None:
    """Append to `found` every named type referenced from inside its own definition."""
    if isinstance(schema, list):
        for branch in schema:
            _references(branch, inside, found)
    elif isinstance(schema, str):
        if schema in inside:
            found.append(schema)
    elif isinstance(schema, dict):
        if schema["type"] in ("record", "error"):
            inside = (*inside, schema["name"])
        for field in schema.get("fields", ()):
            _references(field["type"], inside, found)
        for key in ("items", "values"):
            if key in schema:
                _references(schema[key], inside, found)


def test_no_kept_schema_is_recursive() -> None:
    """fastavro's compiled reader crashes the process on deep recursive data; none of our
    schemas can nest deeper than it is written, whatever the bytes say."""
    node = fastavro.parse_schema(KITCHEN_SINK, _write_hint=False)
    found: list[str] = []
    _references(node, (), found)
    assert found == ["test.Node", "test.Node"]  # the check sees recursion where there is one
    for path in sorted(schemas.schema_dir().glob("*.avsc")):
        for version in schemas.versions(path.stem):
            found = []
            _references(fastavro.parse_schema(version, _write_hint=False), (), found)
            assert found == [], (path.stem, found)


def test_deeply_nested_recursive_data_is_corrupt_not_a_crash() -> None:
    node = fastavro.parse_schema(KITCHEN_SINK, _write_hint=False)["fields"][-3]["type"]
    codec = SingleObjectCodec([node])
    assert codec.decode(codec.encode({"label": "", "children": [], "parent": None}))
    # Each level: label "", no children, then the parent branch of ["null", Node].
    data = codec.header + b"\x00\x00\x02" * 100_000 + b"\x00\x00\x00"
    assert "RecursionError" in _corrupt(codec, data).message


def test_codec_pickles() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    copy = pickle.loads(pickle.dumps(codec))
    assert copy.decode(data) == codec.decode(data)
