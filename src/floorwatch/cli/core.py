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


@app.command()
def demo() -> None:
    """Load the bundled real dataset (US Senate 2001-02) and show what floorwatch finds."""
    from rich.console import Console

    from floorwatch.cli.common import state
    from floorwatch.demo import DEMO_DB, load_demo
    from floorwatch.store import open_store

    console = Console()
    path = state.db or DEMO_DB
    with open_store(path) as store:
        with console.status("Loading the bundled Voteview Senate 107 files..."):
            result = load_demo(store)
        console.rule("[bold]floorwatch demo: US Senate, 107th Congress (2001-2002)")
        console.print(
            f"Store: {store.path}. Loaded {result.persons} senators, {result.rollcalls} roll "
            f"calls and {result.votes} votes (source: Voteview, bundled with floorwatch)."
        )
        render(
            [{"table": k, "rows": v} for k, v in store.counts().items() if v],
            Format.table,
            title="What the store holds",
        )
        render(
            find_switches(store),
            Format.table,
            columns=["name", "from_party", "to_party", "date_from", "date_to", "kind"],
            title="Party switches found in the record",
        )
        for section in _DEMO_SECTIONS:
            section(store, console)
        console.print(f"\nExplore further: floorwatch --db {path} switches --format json")


#: Later layers append functions (store, console) -> None that print their part of the demo.
_DEMO_SECTIONS: list = []
