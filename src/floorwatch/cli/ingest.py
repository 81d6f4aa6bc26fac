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


@ingest_app.command("popolo")
def popolo(
    file: Annotated[Path, typer.Argument(help="Popolo JSON file (e.g. ep-popolo-v1.0.json).")],
    id_prefix: Annotated[
        str | None,
        typer.Option("--id-prefix", help="Prefix every id from the file (to avoid collisions)."),
    ] = None,
) -> None:
    """Load a Popolo JSON file: persons, organizations, memberships, events, vote events."""
    from floorwatch.ingest.popolo import ingest_popolo

    with get_store() as store, console.status("Loading Popolo JSON..."):
        r = ingest_popolo(store, file, id_prefix=id_prefix)
    console.print(
        f"Loaded {r.persons} people ({r.other_names} other names, {r.identifiers} identifiers), "
        f"{r.organizations} organizations, {r.memberships} memberships, {r.events} events "
        f"({r.attendance} attendance rows), {r.vote_events} vote events, {r.votes} votes."
    )


@ingest_app.command("csv")
def csv_template(
    kind: Annotated[
        str,
        typer.Argument(
            help="persons, organizations, memberships, events, attendance, vote_events, votes, "
            "counts, whips, identifiers, other_names (or claims: see `floorwatch claims`)."
        ),
    ],
    file: Annotated[Path, typer.Argument(help="The CSV file (UTF-8, with a header line).")],
) -> None:
    """Load a floorwatch CSV template file (see docs/csv-templates.md)."""
    from floorwatch.ingest.csv import ingest_csv

    if kind.strip().lower() == "claims":  # the claims ledger has its own importer
        from floorwatch.claims import import_claims

        with get_store() as store:
            ids = import_claims(store, file)
        console.print(f"Imported {len(ids)} claim(s) from {file}.")
        return
    with get_store() as store:
        r = ingest_csv(store, kind, file)
    console.print(f"Loaded {r.rows} {r.kind} row(s) from {file}.")


def _adapter_report(what: str, r) -> None:
    console.print(
        f"Loaded {what}: {r.persons} people, {r.organizations} organizations, "
        f"{r.memberships} memberships, {r.events} events, {r.attendance} attendance rows."
    )
    skipped = [
        (r.skipped_blank_rows, "row(s) with a blank name skipped"),
        (r.duplicate_rows, "duplicate row(s) written once"),
        (r.unmatched_rows, "row(s) skipped: constituency not in the member list"),
        (r.predecessor_rows, "row(s) of a by-election predecessor kept as a separate person"),
    ]
    for n, text in skipped:
        if n:
            console.print(f"  {n} {text}")


@ingest_app.command("singapore")
def singapore(
    folder: Annotated[
        Path, typer.Argument(help="Folder with fact_attendance.csv, sittings.csv, party.csv.")
    ],
) -> None:
    """Load the Singapore Parliament attendance dataset (2012-2023)."""
    from floorwatch.ingest.adapters import ingest_singapore

    with get_store() as store, console.status("Loading Singapore attendance..."):
        r = ingest_singapore(store, folder)
    _adapter_report("Singapore Parliament attendance", r)


@ingest_app.command("malaysia")
def malaysia(
    folder: Annotated[Path, typer.Argument(help="Folder with attendance_long.csv and 15mps.csv.")],
) -> None:
    """Load the Malaysian Dewan Rakyat attendance dataset (15th Parliament)."""
    from floorwatch.ingest.adapters import ingest_malaysia

    with get_store() as store, console.status("Loading Dewan Rakyat attendance..."):
        r = ingest_malaysia(store, folder)
    _adapter_report("Dewan Rakyat attendance", r)


@ingest_app.command("uk-parlparse")
def uk_parlparse(
    file: Annotated[Path, typer.Argument(help="uk_commons_memberships_1997_2015.csv")],
) -> None:
    """Load UK House of Commons memberships with party changes (mySociety parlparse)."""
    from floorwatch.ingest.adapters import ingest_uk_parlparse

    with get_store() as store, console.status("Loading parlparse memberships..."):
        r = ingest_uk_parlparse(store, file)
    _adapter_report("House of Commons memberships", r)


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    """``A=B`` option values (several may be joined by commas) as pairs."""
    out = []
    for value in values or []:
        for item in value.split(","):
            if "=" not in item or not item.split("=", 1)[0].strip():
                raise typer.BadParameter(f"expected NAME=VALUE but got {item!r}", param_hint=option)
            a, b = item.split("=", 1)
            out.append((a.strip(), b.strip()))
    return out


@ingest_app.command("rollcalls")
def rollcalls(
    rollcalls_file: Annotated[Path, typer.Argument(help="Roll calls CSV (rollnumber, date, ...).")],
    votes: Annotated[
        Path, typer.Argument(help="Votes CSV or .csv.gz (rollnumber, member id, cast_code, party).")
    ],
    members: Annotated[Path | None, typer.Argument(help="Members CSV (id, name, ...).")] = None,
    legislature: Annotated[
        str, typer.Option("--legislature", help="The legislature's id, e.g. ep or br-camara.")
    ] = ...,
    name: Annotated[str | None, typer.Option("--name", help="The legislature's name.")] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="The period of every roll call (without a period column)."),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            help="ROLE=COLUMN (repeatable or comma-separated), e.g. member_id=mpid,party=whip.",
        ),
    ] = None,
    min_run: Annotated[
        int, typer.Option("--min-run", min=1, help="Runs of fewer votes are flickers.")
    ] = 3,
    relabel: Annotated[
        list[str] | None,
        typer.Option(
            "--relabel",
            help="OLD=NEW: two labels of one party (rename, merger, spelling); repeatable.",
        ),
    ] = None,
    detect_relabels: Annotated[
        bool, typer.Option(help="Find parties relabelled all at once.")
    ] = True,
    no_party: Annotated[
        list[str] | None, typer.Option("--no-party", help="A label meaning no party (repeatable).")
    ] = None,
    label_kind: Annotated[
        str, typer.Option("--label-kind", help="party, or faction for groups of parties (EP).")
    ] = "party",
) -> None:
    """Load roll calls with the party or group at each vote, of any legislature."""
    from floorwatch.ingest._labels import LabelRules
    from floorwatch.ingest.rollcalls import ingest_rollcalls

    rules = LabelRules(
        min_run=min_run,
        relabels=tuple(_pairs(relabel, "--relabel")),
        detect_relabels=detect_relabels,
        no_party=tuple(no_party or ()),
    )
    with get_store() as store, console.status("Loading roll calls..."):
        r = ingest_rollcalls(
            store,
            legislature,
            rollcalls_file,
            votes,
            members,
            name=name,
            period=period,
            columns=dict(_pairs(columns, "--columns")),
            rules=rules,
            label_kind=label_kind,
        )
    console.print(
        f"Loaded {r.persons} people, {r.rollcalls} roll calls, {r.votes} votes, "
        f"{r.memberships} memberships ({r.national_memberships} on behalf of a national party); "
        f"label changes: {r.count('switch')} switch(es), {r.count('no party')} to or from no "
        f"party, {r.count('relabel')} relabel(s) (renames, mergers), {r.count('flicker')} "
        "flicker(s)."
    )
