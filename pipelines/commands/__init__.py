"""Command groups of the one `mcatlas` CLI (pipelines/cli.py registers them) and what they share.

Bad input gets one line on stderr and a non-zero exit, never a traceback: every command reports through `fail`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    import duckdb

# Nothing is downloaded at run time: the embedding model comes from its PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and a non-zero exit: the contract for bad input everywhere in the CLI."""
    click.echo(f"mcatlas: error: {message}", err=True)
    sys.exit(code)


@contextmanager
def open_warehouse(read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for a command that reads it, or one line and exit 2: missing, locked, damaged or truncated
    (a truncated file often opens and fails on its first query, so errors inside the block count too)."""
    from warehouse import db

    path = db.db_path()
    if read_only and not path.exists():
        fail(f"no warehouse at {path}; run `mcatlas run` first")
    try:
        with db.connect_checked(path, read_only=read_only) as con:
            yield con
    except db.WarehouseError as exc:
        fail(str(exc))
