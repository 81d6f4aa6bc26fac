"""The Typer app, the global ``--db`` option and the options commands share.

Each shared option is defined once here, with one help text, and every command that takes it
uses the alias (as sqlite-utils bundles its shared options): ``--as-of``, ``--legislature``,
``--party``, ``--from``, ``--to``, ``--config``, ``--format``, ``--step-days``, ``--limit``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.output import Format
from floorwatch.errors import NotFoundError
from floorwatch.store import Store, open_store

__all__ = [
    "AsOfOption",
    "ConfigOption",
    "FormatOption",
    "FromOption",
    "LegislatureOption",
    "LimitOption",
    "PartyOption",
    "StepDaysOption",
    "WorkersOption",
    "ToOption",
    "app",
    "get_store",
    "need_rollcalls",
    "one_party",
    "resolve_names",
    "state",
]

app = typer.Typer(
    name="floorwatch",
    help="Watch legislators through the public record and warn who is drifting from their party.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _State:
    db: Path | None = None
    engine: str | None = None


state = _State()


@app.callback()
def _global(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store file (default: $FLOORWATCH_DB or ./floorwatch.duckdb)."),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="duckdb (default) or spark: with spark, --db is a folder written by "
            "`export --format parquet`, opened read-only, and queries run on Spark SQL.",
        ),
    ] = None,
) -> None:
    state.db = db
    state.engine = engine


def progress_bar(console: Console, unit: str = "periods", digits: int = 1):
    """A transient rich progress bar on ``console``: description, bar, ``done/total unit``
    (``done`` with ``digits`` decimals) and the time elapsed."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn(f"{{task.completed:.{digits}f}}/{{task.total}} {unit}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def get_store(*, read_only: bool = False) -> Store:
    """Open the store named by ``--db`` / ``FLOORWATCH_DB`` (with ``--engine``)."""
    return open_store(state.db, read_only=read_only, engine=state.engine)


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, csv or json.")
]


def resolve_names(kind: str, *, split: bool = False):
    """A Typer option callback that turns names into ids (``kind``: ``person``,
    ``organization`` or ``group``, i.e. an organization or else a person), through
    :mod:`floorwatch.names`: an id, ``scheme:identifier``, a name in any script or an
    abbreviation. ``split`` reads a comma-separated list. An unknown or ambiguous name is an
    :class:`~floorwatch.errors.InputError` naming the option and listing the candidates."""

    def callback(ctx: typer.Context, param: typer.CallbackParam, value):
        if not value:
            return value
        from floorwatch import names
        from floorwatch.errors import FloorwatchError, InputError

        resolve = {
            "person": names.resolve_person,
            "organization": names.resolve_organization,
            "group": names.resolve_group_ref,
            "legislature": names.resolve_legislature,
        }[kind]
        many = isinstance(value, list | tuple)
        items = list(value) if many else [value]
        try:
            with get_store() as store:
                out = []
                for item in items:
                    parts = [p.strip() for p in item.split(",")] if split else [item]
                    out.append(",".join(resolve(store, p) for p in parts if p))
        except FloorwatchError as exc:
            raise InputError(f"{param.opts[0]}: {exc}") from exc
        return out if many else out[0]

    return callback


def need_rollcalls(store: Store, command: str) -> None:
    """Stop a command that needs roll calls, with a clear message, on a store without any
    (rather than print an empty table and exit 0)."""
    if not store.scalar("SELECT count(*) FROM vote_event"):
        raise NotFoundError(
            f"`floorwatch {command}` needs roll calls and the store holds none; ingest votes "
            "first (floorwatch ingest voteview, or ingest csv vote_events and votes)"
        )


# -- options shared by commands (after resolve_names, which their callbacks use) -------------

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The day to look from (YYYY-MM-DD): only records dated on or before it are used. "
        "Default: the store's record end (its latest dated record); the metrics and ideal "
        "points then use the whole record, undated records too.",
        show_default=False,
    ),
]
LegislatureOption = Annotated[
    str | None,
    typer.Option(
        "--legislature",
        help="Only this chamber or legislature (id or name, e.g. us-senate), or legislative "
        "period id (us-congress-107).",
        show_default=False,
        callback=resolve_names("legislature"),
    ),
]
PartyOption = Annotated[
    str | None,
    typer.Option(
        "--party",
        help="Only this party: id, abbreviation or name in any script (the metrics take "
        "several, comma-separated).",
        show_default=False,
        callback=resolve_names("organization", split=True),
    ),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="First day counted (YYYY-MM-DD).", show_default=False)
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Last day counted (YYYY-MM-DD).", show_default=False)
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Risk model settings (TOML; see docs/risk.md). The same file gives the same red "
        "and amber lists in every command and on the dashboard.",
        show_default=False,
    ),
]
StepDaysOption = Annotated[
    int,
    typer.Option("--step-days", min=1, max=36_500, help="Days between flag dates in a backtest."),
]
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=256,
        help="Local worker processes, each unit of work (a legislature's period or date) in one.",
    ),
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="At most this many rows.", show_default=False)
]


def one_party(party: str | None, command: str) -> str | None:
    """The one party a command takes (``--party`` reads a comma-separated list)."""
    if party and "," in party:
        from floorwatch.errors import InputError

        raise InputError(f"--party: `floorwatch {command}` takes one party, not several")
    return party
