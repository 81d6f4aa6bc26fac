"""The Typer app, the global ``--db`` option and options shared by listing commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from floorwatch.cli.output import Format
from floorwatch.store import Store, open_store

__all__ = ["FormatOption", "app", "get_store", "state"]

app = typer.Typer(
    name="floorwatch",
    help="Watch legislators through the public record and warn who is drifting from their party.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _State:
    db: Path | None = None


state = _State()


@app.callback()
def _global(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store file (default: $FLOORWATCH_DB or ./floorwatch.duckdb)."),
    ] = None,
) -> None:
    state.db = db


def get_store(*, read_only: bool = False) -> Store:
    """Open the store named by ``--db`` / ``FLOORWATCH_DB``."""
    return open_store(state.db, read_only=read_only)


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, csv or json.")
]
