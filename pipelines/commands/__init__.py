"""One module per `newswire` sub-command: `register(subparsers)` adds it, `args.func` runs it.

Exit codes, the same for every command (README, "Exit codes"): `cli.main` turns a
`UsageError` into USAGE and an `io.probes.Unreachable` into UNREACHABLE.
"""

from __future__ import annotations

import argparse

OK = 0  # all done
FAILED = 1  # done, with failures
USAGE = 2  # usage or configuration error: nothing was done
UNREACHABLE = 3  # a dependency (broker, store, catalog) cannot be reached: nothing was done


class UsageError(Exception):
    """Bad arguments or configuration, found before any work (exit USAGE)."""


def uri_arg(value: str) -> str:
    """argparse type for output and input URIs: s3://bucket/..., file://..., or a local path;
    `s3:/bucket` and the like are errors, never silently a local folder."""
    from pipelines.io.objectstore import check_uri

    try:
        return check_uri(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
