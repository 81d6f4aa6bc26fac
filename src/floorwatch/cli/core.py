"""``floorwatch info``, ``switches``, ``export`` and ``demo``."""

from __future__ import annotations

from typing import Annotated

import typer

from floorwatch.cli.common import FormatOption, LegislatureOption, app, get_store
from floorwatch.cli.output import Format, render
from floorwatch.memberships import switches as find_switches
from floorwatch.risk.evidence import reasons

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
    legislature: LegislatureOption = None,
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
        _demo_findings(store, console)
        console.print(
            f"\nExplore further:\n  floorwatch --db {path} flags --as-of 2001-05-20 --format json"
            f"\n  floorwatch --db {path} backtest\n  floorwatch --db {path} serve"
        )


def _demo_findings(store, console) -> None:
    """The metrics, ideal points and flags on the demo data, as of before Jeffords' switch."""
    from floorwatch.demo import DEMO_AS_OF
    from floorwatch.idealpoints.legislature import ideal_points
    from floorwatch.metrics.loyalty import loyalty
    from floorwatch.risk import flags

    loyal = loyalty(store, as_of=DEMO_AS_OF, party="us-party-200")
    render(
        loyal.head(5),
        Format.table,
        columns=["name", "party", "votes", "loyalty", "rebellions", "party_unity"],
        title=f"Least loyal Republicans up to {DEMO_AS_OF} (Voteview party loyalty)",
    )
    ideal = ideal_points(store, as_of=DEMO_AS_OF)
    reps = ideal[ideal.party_id == "us-party-200"].sort_values("dim1").head(5)
    render(
        reps,
        Format.table,
        columns=["name", "party", "dim1", "votes"],
        title="Most moderate Republicans (EM ideal points, dim 1; Republicans > 0)",
    )
    found = flags(store, as_of=DEMO_AS_OF)
    listed = found[found.level.isin(["red", "amber"])].head(10)
    rows = [
        {
            "name": r.name,
            "party": r.party,
            "level": r.level,
            "score": r.score,
            "why": "; ".join(reasons(r.evidence)),
        }
        for r in listed.itertuples()
    ]
    render(
        rows,
        Format.table,
        title=f"Red and amber flags as of {DEMO_AS_OF} "
        "(Jeffords announced his switch on 2001-05-24)",
    )
    history = []
    for day in ("2001-03-24", "2001-04-24", DEMO_AS_OF):
        f = flags(store, as_of=day, evidence="none")
        me = f[f.person_id == "bioguide-J000072"].iloc[0]
        history.append(
            {
                "as_of": day,
                "level": me.level,
                "score": me.score,
                "rank": int(me["rank"]),
                "red_list": int((f.level == "red").sum()),
            }
        )
    render(history, Format.table, title="Jeffords' flag in the months before his switch")
