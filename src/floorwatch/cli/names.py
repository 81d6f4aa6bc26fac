"""``floorwatch people`` and ``floorwatch orgs``: find people and organizations by name."""

from __future__ import annotations

from typing import Annotated

import typer

from floorwatch.cli.common import (
    AsOfOption,
    FormatOption,
    LimitOption,
    PartyOption,
    app,
    get_store,
    one_party,
)
from floorwatch.cli.output import Format, render, to_records
from floorwatch.names import organizations, people

__all__: list[str] = []


def _joined(items: list) -> str:
    return "; ".join(
        (f"{i['name']} [{i['lang']}]" if i.get("lang") else i["name"])
        if isinstance(i, dict)
        else str(i)
        for i in items
    )


@app.command("people")
def people_command(
    query: Annotated[
        str | None,
        typer.Argument(
            help="A name in any script or spelling, an id or scheme:identifier (default: all).",
            show_default=False,
        ),
    ] = None,
    party: PartyOption = None,
    as_of: AsOfOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """People by name (any script, fuzzy), with their other names, ids, party and seat.

    With --party, only people whose party (as of --as-of, else their latest) is this one.
    """
    party = one_party(party, "people")
    with get_store() as store:
        frame = people(store, query, party=party, as_of=as_of, limit=limit)
    if fmt is Format.json:
        render(to_records(frame), fmt)
        return
    rows = [
        {**r, "other_names": _joined(r["other_names"]), "identifiers": _joined(r["identifiers"])}
        for r in to_records(frame)
    ]
    cols = ["name", "other_names", "party", "seat", "person_id", "identifiers"]
    if query:
        cols += ["matched", "how", "score"]
    render(rows, fmt, columns=cols if fmt is Format.table else None, title="People")


@app.command("orgs")
def orgs_command(
    query: Annotated[
        str | None,
        typer.Argument(help="A name, abbreviation or id (default: all).", show_default=False),
    ] = None,
    classification: Annotated[
        str | None,
        typer.Option(help="Only this Popolo classification (party, breakaway group, ...)."),
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Organizations (parties, groups, legislatures, party bodies) by name or abbreviation."""
    with get_store() as store:
        frame = organizations(store, query, classification=classification, limit=limit)
    render(frame, fmt, title="Organizations")
