"""``floorwatch info``, ``switches``, ``export`` and ``demo``."""

from __future__ import annotations

from typing import Annotated

import typer

from floorwatch.cli.common import FormatOption, app, get_store
from floorwatch.cli.output import Format, render
from floorwatch.memberships import switches as find_switches

__all__: list[str] = []


@app.command()
def info(fmt: FormatOption = Format.table) -> None:
    """Rows per table in the store."""
    with get_store() as store:
        counts = store.counts()
        rows = [{"table": k, "rows": v} for k, v in counts.items()]
        if fmt is Format.table:
            render(rows, fmt, title=f"{store.path} (schema {store.schema_version})")
        else:
            render(rows, fmt)


@app.command()
def switches(
    fmt: FormatOption = Format.table,
    legislature: Annotated[
        str | None, typer.Option(help="Only this legislature/chamber id.")
    ] = None,
    all_changes: Annotated[
        bool, typer.Option("--all", help="Also list party changes between terms (at elections).")
    ] = False,
) -> None:
    """Every party change found: person, from, to, date window and kind."""
    with get_store() as store:
        frame = find_switches(store, include_elections=all_changes, legislature=legislature)
    cols = [
        "name",
        "person_id",
        "legislature",
        "from_party",
        "to_party",
        "date_from",
        "date_to",
        "kind",
    ]
    render(frame, fmt, columns=cols, title="Party switches")
