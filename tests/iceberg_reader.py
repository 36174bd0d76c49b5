"""An independent Iceberg reader for tests: DuckDB's iceberg extension, reading a table's
metadata file straight from SeaweedFS (or a local folder). What it sees is what any engine
that follows the Iceberg spec sees, not what pyiceberg thinks it wrote.

    rows = duckdb_rows(tables.metadata_location("articles"), "article_id", s3=config.s3)

The extensions come from the `duckdb_extension_<name>` wheels in the venv and are loaded by
file path (no download), in the order httpfs, avro, iceberg.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import duckdb

from pipelines.config import S3Config

EXTENSIONS = ("httpfs", "avro", "iceberg")


def extension_path(name: str) -> Path:
    """The `.duckdb_extension` file of the installed `duckdb_extension_<name>` wheel."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"duckdb_extension_{name} is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    exact = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if exact.exists():
        return exact
    found = sorted(root.glob(f"extensions/*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no {name}.duckdb_extension under {root}")
    return found[-1]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(s3: S3Config | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with httpfs, avro and iceberg loaded; with `s3`, a secret for its
    endpoint (path-style, plain HTTP as the local SeaweedFS serves it)."""
    con = duckdb.connect()
    for name in EXTENSIONS:
        con.execute(f"LOAD {_quote(str(extension_path(name)))}")
    credentials = s3.credentials() if s3 is not None else None
    if s3 is not None and credentials:
        endpoint = (s3.endpoint_url or "").split("://", 1)[-1].rstrip("/")
        use_ssl = "true" if (s3.endpoint_url or "https://").startswith("https://") else "false"
        options = [
            "TYPE s3",
            f"KEY_ID {_quote(credentials[0])}",
            f"SECRET {_quote(credentials[1])}",
            f"REGION {_quote(s3.region)}",
        ]
        if endpoint:
            options += [f"ENDPOINT {_quote(endpoint)}", "URL_STYLE 'path'", f"USE_SSL {use_ssl}"]
        con.execute(f"CREATE SECRET ({', '.join(options)})")
    return con


def duckdb_rows(
    metadata_location: str, sql_select: str = "*", s3: S3Config | None = None, where: str = ""
) -> list[tuple[Any, ...]]:
    """`SELECT <sql_select> FROM iceberg_scan(<metadata_location>) [WHERE ...]`, rows sorted."""
    con = connect(s3)
    try:
        sql = f"SELECT {sql_select} FROM iceberg_scan({_quote(metadata_location)})"
        if where:
            sql += f" WHERE {where}"
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def main(argv: list[str]) -> int:
    """`python -m tests.iceberg_reader OUTPUT [SQL]`: print a DuckDB query over the output's
    articles table (`articles` in SQL names it); used by `make demo`."""
    import os

    from pipelines.config import Config
    from pipelines.io.tables import Tables

    config = Config.from_env(os.environ)
    output = argv[0]
    sql = argv[1] if len(argv) > 1 else "SELECT language, count(*) AS n FROM articles GROUP BY 1"
    tables = Tables(output, config.catalog, config.s3, create=False)
    try:
        location = tables.metadata_location("articles")
    finally:
        tables.close()
    con = connect(config.s3)
    try:
        query = re.sub(
            r"\bFROM\s+articles\b", f"FROM iceberg_scan({_quote(location)})", sql, flags=re.I
        )
        print(f"duckdb> {sql}\n  (articles = iceberg_scan('{location}'))")
        result = con.execute(query)
        names = [d[0] for d in result.description]
        print("  " + " | ".join(names))
        for row in result.fetchall():
            print("  " + " | ".join(str(v) for v in row))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
