"""``floorwatch claims ...``: record claims about defections, resolve them, score the sources."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.claims import (
    add_claim,
    clear_override,
    import_claims,
    list_claims,
    override,
    resolve_claims,
    template_path,
    track_records,
)
from floorwatch.cli.common import AsOfOption, FormatOption, app, get_store, resolve_names
from floorwatch.cli.output import Format, render
from floorwatch.dates import parse_date
from floorwatch.errors import InputError

__all__ = ["claims_app"]

claims_app = typer.Typer(
    help="Claims about defections: record them, resolve them against the record, score sources.",
    no_args_is_help=True,
)
app.add_typer(claims_app, name="claims")
console = Console(stderr=True)

_LIST_COLUMNS = [
    "id",
    "made_on",
    "deadline",
    "names",
    "count_min",
    "count_max",
    "count_of",
    "predicts",
    "organization_id",
    "stance",
    "probability",
    "outlet",
    "speaker",
    "source_kind",
    "status",
    "resolved_on",
    "days_ahead",
    "manual",
]


class _Status(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    pending = "pending"
    true = "true"
    false = "false"


class _SetStatus(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    true = "true"
    false = "false"
    pending = "pending"
    auto = "auto"


class _By(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    source = "source"
    outlet = "outlet"
    speaker = "speaker"
    kind = "kind"
    all = "all"


@claims_app.command("add")
def add(
    made_on: Annotated[
        str, typer.Option("--made-on", help="Date the claim was made (YYYY-MM-DD).")
    ],
    predicts: Annotated[str, typer.Option(help="joins, leaves, expelled or stays.")],
    about: Annotated[
        list[str] | None,
        typer.Option(
            help="A person: id, scheme:identifier or name in any script (repeatable).",
            callback=resolve_names("person"),
        ),
    ] = None,
    organization: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="Organization joined / party left (id, name or abbreviation).",
            callback=resolve_names("organization"),
        ),
    ] = None,
    stance: Annotated[str, typer.Option(help="asserts or denies.")] = "asserts",
    deadline: Annotated[
        str | None, typer.Option(help="Last day of the window (default: made-on + 180 days).")
    ] = None,
    count_min: Annotated[int | None, typer.Option(help="Count claim: at least this many.")] = None,
    count_max: Annotated[int | None, typer.Option(help="Count claim: at most this many.")] = None,
    count_of: Annotated[
        str | None,
        typer.Option(
            help="Count claim: members of this party (id, name or abbreviation).",
            callback=resolve_names("organization"),
        ),
    ] = None,
    probability: Annotated[
        str | None, typer.Option(help="Probability of the claim as stated (0..1 or 70%).")
    ] = None,
    wording: Annotated[
        str | None, typer.Option(help="Wording read as a probability: likely, feared, ...")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Who said it.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="official spokesman, anonymous party source, journalist, analyst or other."
        ),
    ] = None,
    link: Annotated[str | None, typer.Option(help="URL of the source.")] = None,
    quote: Annotated[str | None, typer.Option(help="The words.")] = None,
    note: Annotated[str | None, typer.Option(help="A note of your own.")] = None,
) -> None:
    """Record one claim; prints its id."""
    with get_store() as store:
        cid = add_claim(
            store,
            made_on=made_on,
            predicts=predicts,
            about=about or None,
            organization=organization,
            stance=stance,
            deadline=deadline,
            count_min=count_min,
            count_max=count_max,
            count_of=count_of,
            probability=probability,
            wording=wording,
            outlet=outlet,
            speaker=speaker,
            source_kind=kind,
            link=link,
            quote=quote,
            note=note,
        )
    print(cid)


@claims_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A claims CSV (see `floorwatch claims template`).")],
) -> None:
    """Import claims from a CSV file, all or nothing."""
    with get_store() as store:
        ids = import_claims(store, path)
    console.print(f"Imported {len(ids)} claim(s) from {path}.")


@claims_app.command("extract")
def extract(
    files: Annotated[
        list[Path], typer.Argument(help="Articles: text or HTML files, or folders of them.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV here (default: stdout).")
    ] = None,
    made_on: Annotated[
        str | None,
        typer.Option("--made-on", help="Date of the articles (default: from the HTML)."),
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet (default: from the HTML).")] = None,
    link: Annotated[str | None, typer.Option(help="Link (default: from the HTML).")] = None,
    accept: Annotated[
        bool,
        typer.Option(
            "--accept", help="Also import the proposals that name people or a count, unreviewed."
        ),
    ] = False,
) -> None:
    """Propose the claims news articles make, in the claims CSV template, for review."""
    from floorwatch.claims.extract import accept_claims, importable, propose_claims, write_csv

    date = parse_date(made_on, name="--made-on")
    with get_store() as store:
        frame = propose_claims(store, files, made_on=date, outlet=outlet, link=link)
        ids = accept_claims(store, frame) if accept else []
    text = write_csv(frame, out)
    if out is None:
        print(text, end="")
    ready = len(importable(frame))
    console.print(
        f"Proposed {len(frame)} claim(s), {ready} naming people or a count"
        + (
            f"; imported {len(ids)}."
            if accept
            else f"; review, then `floorwatch claims import {out or 'FILE'}`."
        )
    )


@claims_app.command("template")
def template() -> None:
    """Print the CSV template for `floorwatch claims import`."""
    print(template_path().read_text(encoding="utf-8"), end="")


@claims_app.command("list")
def list_(
    fmt: FormatOption = Format.table,
    status: Annotated[_Status | None, typer.Option(help="Only claims with this status.")] = None,
    person: Annotated[
        str | None,
        typer.Option(
            help="Only claims naming this person (id, scheme:identifier or name).",
            callback=resolve_names("person"),
        ),
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Only claims from this outlet.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only claims by this speaker.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only claims from this kind of source.")] = None,
) -> None:
    """List claims with their status (table), or every field (csv, json)."""
    with get_store() as store:
        frame = list_claims(
            store,
            status=status.value if status else None,
            person=person,
            outlet=outlet,
            speaker=speaker,
            source_kind=kind,
        )
    render(frame, fmt, columns=_LIST_COLUMNS if fmt is Format.table else None, title="Claims")


@claims_app.command("resolve")
def resolve(
    claim_id: Annotated[
        str | None, typer.Argument(help="One claim (default: all).", show_default=False)
    ] = None,
    fmt: FormatOption = Format.table,
    as_of: AsOfOption = None,
    set_status: Annotated[
        _SetStatus | None,
        typer.Option("--set", help="Override by hand (needs CLAIM_ID, --note, --by); auto clears."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (for --set).")] = None,
    by: Annotated[str | None, typer.Option(help="Who decided (for --set).")] = None,
    event_date: Annotated[
        str | None, typer.Option("--event-date", help="For --set true: the date of the event.")
    ] = None,
) -> None:
    """Resolve claims against the membership history, or override one by hand."""
    with get_store() as store:
        if set_status is not None:
            if claim_id is None:
                raise InputError("--set needs the CLAIM_ID of one claim", column="--set")
            if set_status is _SetStatus.auto:
                clear_override(store, claim_id)
            else:
                override(
                    store,
                    claim_id,
                    set_status.value,
                    note or "",
                    by or "",
                    event_date=parse_date(event_date, name="--event-date"),
                )
            frame = list_claims(store, claim_ids=[claim_id])
            render(frame, fmt, columns=_LIST_COLUMNS if fmt is Format.table else None)
            return
        frame = resolve_claims(
            store,
            as_of=as_of,
            claim_ids=[claim_id] if claim_id else None,
        )
    render(frame, fmt, title="Claims resolved")


@claims_app.command("scores")
def scores(
    fmt: FormatOption = Format.table,
    by: Annotated[_By, typer.Option(help="Group by source, outlet, speaker, kind or all.")] = (
        _By.outlet
    ),
) -> None:
    """Track records: claims, resolved, hits, hit rate, Brier score, days ahead."""
    with get_store() as store:
        frame = track_records(store, by=by.value)
    render(frame, fmt, title=f"Track records by {by.value}")
