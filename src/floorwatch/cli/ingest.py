"""``floorwatch ingest ...``: load public records into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.common import app, get_store
from floorwatch.ingest import ingest_voteview

__all__ = ["ingest_app"]

ingest_app = typer.Typer(
    help="Load records (Voteview, Popolo, CSV templates, adapters).", no_args_is_help=True
)
app.add_typer(ingest_app, name="ingest")
console = Console(stderr=True)


@ingest_app.command("voteview")
def voteview(
    members: Annotated[Path, typer.Argument(help="Voteview members CSV (e.g. S107_members.csv).")],
    rollcalls: Annotated[Path | None, typer.Argument(help="Voteview roll calls CSV.")] = None,
    votes: Annotated[Path | None, typer.Argument(help="Voteview votes CSV.")] = None,
    congress: Annotated[
        list[int] | None, typer.Option("--congress", help="Only these Congresses (repeatable).")
    ] = None,
) -> None:
    """Load Voteview members, roll calls and votes (one transaction)."""
    with get_store() as store, console.status("Loading Voteview files..."):
        result = ingest_voteview(
            store, members, rollcalls, votes, congresses=set(congress) if congress else None
        )
    console.print(
        f"Loaded {result.persons} people ({result.members} member rows), {result.rollcalls} "
        f"roll calls, {result.votes} votes; {result.switches} party switch(es) found; "
        f"{result.skipped_president_rows} President row(s) skipped."
    )
