"""``floorwatch attendance``, ``loyalty``, ``violations``, ``cohesion``, ``agreement``.

Thin wrappers over :mod:`floorwatch.metrics`; every command takes the shared filters
(--from, --to, --as-of, --legislature, --party) and --format table|csv|json.
"""

from __future__ import annotations

import enum
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.common import (
    AsOfOption,
    FormatOption,
    FromOption,
    LegislatureOption,
    PartyOption,
    ToOption,
    WorkersOption,
    app,
    get_store,
    need_rollcalls,
    progress_bar,
    resolve_names,
)
from floorwatch.cli.output import Format, render
from floorwatch.metrics import agreement as agreement_metric
from floorwatch.metrics import attendance as attendance_metric
from floorwatch.metrics import cohesion as cohesion_metric
from floorwatch.metrics import loyalty as loyalty_metric
from floorwatch.metrics import parse_window, party_unity_votes, per_legislature, rice
from floorwatch.metrics import violations as violations_metric

__all__: list[str] = []

WindowOption = Annotated[
    str,
    typer.Option(
        "--window", help="Rolling window: days (90d), weeks (12w) or latest records (50)."
    ),
]


EachOption = Annotated[
    bool,
    typer.Option(
        "--each-legislature",
        help="Run legislature by legislature (a legislature column first; memory bounded by "
        "the largest legislature, for stores of many).",
    ),
]


def _compute(metric, store, each: bool, workers: int, *args, **kwargs):
    """``metric(store, *args, **kwargs)``, or with ``each`` legislature by legislature
    (``metrics.per_legislature``, in ``workers`` processes)."""
    if not each:
        return metric(store, *args, **kwargs)
    if kwargs.pop("legislature", None):
        raise typer.BadParameter(
            "give --legislature or --each-legislature, not both", param_hint="--legislature"
        )
    with progress_bar(Console(stderr=True), "legislatures", 0) as bar:
        task = bar.add_task(getattr(metric, "__name__", "metric"), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return per_legislature(metric, store, *args, workers=workers, progress=progress, **kwargs)


def _parties(party: str | None) -> list[str] | None:
    if not party:
        return None
    return [p.strip() for p in party.split(",") if p.strip()]


def _filters(
    date_from: str | None,
    date_to: str | None,
    as_of: str | None,
    legislature: str | None,
    party: str | None,
) -> dict:
    return {
        "date_from": date_from,
        "date_to": date_to,
        "as_of": as_of,
        "legislature": legislature,
        "party": _parties(party),
    }


class _Basis(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    auto = "auto"
    events = "events"
    votes = "votes"


@app.command()
def attendance(
    fmt: FormatOption = Format.table,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    basis: Annotated[
        _Basis,
        typer.Option(help="events: attendance records; votes: roll calls; auto: events if any."),
    ] = _Basis.auto,
    classification: Annotated[
        str | None,
        typer.Option(help="Only events of this classification (e.g. 'plenary sitting')."),
    ] = None,
    window: WindowOption = "90d",
    each: EachOption = False,
    workers: WorkersOption = 1,
) -> None:
    """Attendance per member (GovTrack missed votes, Public Whip attendance), worst first."""
    with get_store(read_only=each and workers > 1) as store:
        if basis is _Basis.votes:
            need_rollcalls(store, "attendance --basis votes")
        frame = _compute(
            attendance_metric,
            store,
            each,
            workers,
            basis=None if basis is _Basis.auto else basis.value,
            classification=classification,
            window=parse_window(window),
            **_filters(date_from, date_to, as_of, legislature, party),
        )
    render(frame, fmt, title="Attendance")


@app.command()
def loyalty(
    fmt: FormatOption = Format.table,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    min_party_size: Annotated[
        int | None,
        typer.Option(help="Voteview: ignore party majorities of fewer voters (default 10)."),
    ] = None,
    unity_votes: Annotated[
        bool,
        typer.Option("--unity-votes", help="List the CQ party-unity roll calls instead."),
    ] = False,
    each: EachOption = False,
    workers: WorkersOption = 1,
) -> None:
    """Party loyalty (Voteview), rebellions (Public Whip) and party unity (CQ), lowest first."""
    filters = _filters(date_from, date_to, as_of, legislature, party)
    with get_store(read_only=each and workers > 1) as store:
        need_rollcalls(store, "loyalty")
        if unity_votes:
            filters.pop("party")
            render(party_unity_votes(store, **filters), fmt, title="Party-unity votes")
            return
        frame = _compute(
            loyalty_metric, store, each, workers, min_party_size=min_party_size, **filters
        )
    render(frame, fmt, title="Party loyalty and rebellion")


@app.command()
def violations(
    fmt: FormatOption = Format.table,
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            help="pk-63a (Pakistan Art. 63A(1)(b)), in-10th (India Tenth Schedule 2(1)(b)) or "
            "the path of a .toml rule file. Default: every vote against a recorded whip.",
        ),
    ] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    infer: Annotated[
        bool,
        typer.Option(
            "--infer", help="Where no whip is recorded, take the party majority as direction."
        ),
    ] = False,
    each: EachOption = False,
    workers: WorkersOption = 1,
) -> None:
    """Votes contrary to the party's direction: each with the vote, date, direction and cast."""
    with get_store(read_only=each and workers > 1) as store:
        need_rollcalls(store, "violations")
        frame = _compute(
            violations_metric,
            store,
            each,
            workers,
            rules,
            infer_direction=infer,
            **_filters(date_from, date_to, as_of, legislature, party),
        )
    render(frame, fmt, title=f"Violations ({rules or 'whip'})")


@app.command()
def cohesion(
    fmt: FormatOption = Format.table,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    by: Annotated[
        str,
        typer.Option("--by", help="month, year, legislature, all, or N (blocks of N roll calls)."),
    ] = "month",
    per_rollcall: Annotated[
        bool, typer.Option("--per-rollcall", help="Rice and AI per party per roll call.")
    ] = False,
    exclude_free: Annotated[
        bool, typer.Option("--exclude-free", help="Leave free votes out.")
    ] = False,
    min_party_size: Annotated[
        int, typer.Option(help="Leave out parties with fewer members voting on a roll call.")
    ] = 1,
    each: EachOption = False,
    workers: WorkersOption = 1,
) -> None:
    """Party cohesion: Rice index and Hix-Noury-Roland Agreement Index, as a time series."""
    filters = _filters(date_from, date_to, as_of, legislature, party)
    opts = {"include_free": not exclude_free, "min_party_size": min_party_size}
    with get_store(read_only=each and workers > 1) as store:
        need_rollcalls(store, "cohesion")
        if per_rollcall:
            frame = _compute(rice, store, each, workers, **opts, **filters)
            title = "Cohesion per roll call"
        else:
            period: str | int = int(by) if by.strip().isdigit() else by.strip().lower()
            frame = _compute(
                cohesion_metric, store, each, workers, period=period, **opts, **filters
            )
            title = f"Cohesion by {by}"
    render(frame, fmt, title=title)


@app.command()
def agreement(
    group: Annotated[
        str,
        typer.Option(
            "--with",
            help="A party, faction or breakaway group (id, abbreviation or name), or people "
            "(ids or names) separated by commas.",
            callback=resolve_names("group", split=True),
        ),
    ],
    fmt: FormatOption = Format.table,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    window: WindowOption = "90d",
    each: EachOption = False,
    workers: WorkersOption = 1,
) -> None:
    """Each member's agreement with a group's majority, and its trend across windows."""
    with get_store(read_only=each and workers > 1) as store:
        need_rollcalls(store, "agreement")
        frame = _compute(
            agreement_metric,
            store,
            each,
            workers,
            group,
            window=parse_window(window),
            **_filters(date_from, date_to, as_of, legislature, party),
        )
    render(frame, fmt, title=f"Agreement with {group}")
