"""``floorwatch flags`` and ``floorwatch backtest``."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.common import (
    AsOfOption,
    ConfigOption,
    FormatOption,
    FromOption,
    LegislatureOption,
    PartyOption,
    StepDaysOption,
    ToOption,
    WorkersOption,
    app,
    get_store,
    need_rollcalls,
    one_party,
    progress_bar,
    resolve_names,
)
from floorwatch.cli.output import Format, render, to_records
from floorwatch.risk import flags as compute_flags
from floorwatch.risk import load_config
from floorwatch.risk.backtest import backtest as run_backtest
from floorwatch.risk.evidence import reasons

__all__: list[str] = []


class _Show(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    red = "red"
    amber = "amber"
    all = "all"


def _flag_records(frame) -> list[dict]:
    out = []
    for r in to_records(frame):
        out.append(
            {
                "name": r["name"],
                "party": r["party"],
                "level": r["level"],
                "score": r["score"],
                "rank": None if r["rank"] is None else int(r["rank"]),
                "person_id": r["person_id"],
                "party_id": r["party_id"],
                **{k: r[k] for k in _WATCH_KEYS if k in r},
                "as_of": r["as_of"],
                "signals": {k: r[k] for k in r if k in _SIGNAL_KEYS},
                "evidence": r["evidence"],
            }
        )
    return out


from floorwatch.risk.config import SIGNALS as _SIGNALS  # noqa: E402

_SIGNAL_KEYS = set(_SIGNALS)
#: Columns of flags and of the party watch (``--party`` without ``--legislature``).
_WATCH_KEYS = ("legislature", "bodies", "note", "n_events", "n_votes", "unscored")


@app.command()
def flags(
    as_of: AsOfOption = None,
    legislature: LegislatureOption = None,
    party: PartyOption = None,
    against: Annotated[
        list[str] | None,
        typer.Option(
            "--against",
            help="Group to measure agreement with (a party or faction, or people: ids, "
            "names or abbreviations; repeatable). Default: each member's largest other party.",
            callback=resolve_names("group"),
        ),
    ] = None,
    config: ConfigOption = None,
    show: Annotated[
        _Show, typer.Option(help="Which levels to list: red, amber (red+amber) or all.")
    ] = _Show.amber,
    start: FromOption = None,
    end: ToOption = None,
    step_days: Annotated[
        int,
        typer.Option(
            "--step-days", min=1, max=36_500, help="With --from: days between flag dates."
        ),
    ] = 30,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="With --from: every legislature and body with dated records, not only one.",
        ),
    ] = False,
    workers: WorkersOption = 1,
    fmt: FormatOption = Format.table,
) -> None:
    """Red/amber/green defection-risk flags with their evidence.

    With --party and no --legislature: the party watch, every person of the party across all
    its bodies (seats, party bodies, former lawmakers); see docs/party-watch.md.

    With --from (and --to, default the record's end): the flags on every --step-days from
    --from, each date from the record up to it only, for the legislature (or --all of them);
    --workers spreads the dates and legislatures over processes.
    """
    party = one_party(party, "flags")
    show = _Show(show).value  # the enum, as text
    cfg = load_config(config)
    grp = (against[0] if len(against) == 1 else list(against)) if against else None
    if start is not None or end is not None or every:
        _flags_range(start, end, step_days, legislature, party, grp, cfg, show, every, workers, fmt)
        return
    with get_store(read_only=True) as store:
        frame = compute_flags(
            store,
            as_of=as_of,
            legislature=legislature,
            party=party,
            against=grp,
            config=cfg,
            evidence="all" if show == "all" else "flagged",
        )
    records = _flag_records(_shown(frame, show))
    if fmt is Format.json:
        render(records, fmt)
        return
    watch = "bodies" in frame.columns
    rows = [_row(r) for r in records]
    columns = ["name", "party", "level", "score", "rank", "why"]
    if watch:
        columns = ["name", "level", "score", "rank", "bodies", "why"]
    when = frame["as_of"].iloc[0] if len(frame) else as_of
    title = f"Flags as of {when}"
    if watch:
        title = f"Party watch: {party} as of {when}, across all its bodies"
    render(rows, fmt, title=title, columns=columns)
    if fmt is Format.table and not rows:
        typer.echo(
            f"Nobody is {'red' if show == 'red' else 'red or amber'} as of {when}; "
            "--show all lists every member with their score or why they have none.",
            err=True,
        )


def _shown(frame, show: str):
    """The rows of ``frame`` that ``--show`` lists (amber: red and amber, and in the party
    watch those who left)."""
    if show == "red":
        return frame[frame["level"] == "red"]
    if show == "amber":
        return frame[frame["level"].isin(["red", "amber", "left"])]
    return frame


def _row(r: dict) -> dict:
    """A table row of a flag record (the columns each listing shows are picked by render)."""
    return {
        "as_of": r["as_of"],
        "legislature": r.get("legislature"),
        "name": r["name"],
        "party": r["party"],
        "level": r["level"],
        "score": r["score"],
        "rank": r["rank"],
        "bodies": r.get("bodies"),
        "why": r.get("note") or r.get("unscored") or "; ".join(reasons(r["evidence"], 2)),
    }


def _flags_range(start, end, step_days, legislature, party, grp, cfg, show, every, workers, fmt):
    """``floorwatch flags --from ... [--to ...] [--all]``: flags on a grid of dates."""
    from floorwatch.dates import record_end
    from floorwatch.errors import InputError
    from floorwatch.risk.flags import date_grid, flags_over

    if start is None:
        raise InputError("--to and --all list flags over a range of dates: give --from too")
    if every and legislature:
        raise InputError("--all and --legislature: give one of them")
    console = Console(stderr=True)
    with get_store(read_only=True) as store:
        days = date_grid(start, end if end is not None else record_end(store), step_days)
        bodies = None if every else [_one_body(store, legislature)]
        with progress_bar(console, "legislature-dates", 0) as bar:
            task = bar.add_task("Flagging", total=None)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            frame = flags_over(
                store, days, legislatures=bodies, party=party, against=grp, config=cfg,
                evidence="all" if show == "all" else "flagged", workers=workers, progress=tick,
            )  # fmt: skip
    records = _flag_records(_shown(frame, show))
    if fmt is Format.json:
        render(records, fmt)
        return
    rows = [_row(r) for r in records]
    columns = ["as_of", "legislature", "name", "party", "level", "score", "rank", "why"]
    if not every:
        columns.remove("legislature")
    where = "every legislature and body" if every else bodies[0]
    title = f"Flags of {where} on {len(days)} dates, every {step_days} days from {days[0]}"
    render(rows, fmt, title=title, columns=columns)
    if fmt is Format.table and not rows:
        typer.echo(
            f"Nobody is {'red' if show == 'red' else 'red or amber'} on any of the "
            f"{len(days)} dates; --show all lists every member.",
            err=True,
        )


def _one_body(store, legislature: str | None) -> str:
    """The legislature flags over dates run on: the one given, else the only one."""
    from floorwatch.errors import NotFoundError
    from floorwatch.risk.flags import flag_bodies

    if legislature is not None:  # flags_over says if it has no dated records
        return legislature
    known = list(flag_bodies(store)["legislature"])
    if len(known) != 1:
        raise NotFoundError(
            "flags over dates need a body: "
            + (
                "the store has no dated roll calls or attendance records"
                if not known
                else f"choose one of {', '.join(known)} with --legislature, or --all"
            )
        )
    return known[0]


@app.command()
def backtest(
    legislature: LegislatureOption = None,
    config: ConfigOption = None,
    step_days: StepDaysOption = 30,
    horizon_days: Annotated[
        int,
        typer.Option(
            min=1,
            max=36_500,
            help="A member-date is positive when the member switches within this many days.",
        ),
    ] = 180,
    only_with_switches: Annotated[bool, typer.Option(help="Only periods with a switch.")] = False,
    workers: WorkersOption = 1,
    fmt: FormatOption = Format.table,
) -> None:
    """Backtest the flags on every real party switch in the store."""
    cfg = load_config(config)
    console = Console(stderr=True)
    with get_store(read_only=True) as store, progress_bar(console) as bar:
        need_rollcalls(store, "backtest")
        task = bar.add_task("Backtesting legislative periods", total=None)

        def advance(share: float, total: int) -> None:
            bar.update(task, total=total, advance=share)

        result = run_backtest(
            store,
            progress=advance,
            legislature=legislature,
            config=cfg,
            step_days=step_days,
            horizon_days=horizon_days,
            only_with_switches=only_with_switches,
            workers=workers,
        )
    if fmt is Format.json:
        text = json.dumps(
            {
                "switches": to_records(result.switches),
                "summary": result.summary,
                "calibration": to_records(result.calibration),
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        print(text)
        return
    cols = [
        "name",
        "from_party",
        "to_party",
        "date_from",
        "level_90d",
        "rank_90d",
        "level_60d",
        "rank_60d",
        "level_30d",
        "rank_30d",
        "red_list_30d",
        "first_red",
        "lead_days",
    ]
    if fmt is Format.csv:
        render(result.switches, fmt, columns=cols)
        return
    render(result.switches, fmt, columns=cols, title="Switches: level and rank before the switch")
    summary = {k: v for k, v in result.summary.items() if k != "by_level"}
    render([{"measure": k, "value": v} for k, v in summary.items()], fmt, title="Summary")
    render(result.calibration, fmt, title="Calibration: observed switch rate by score")


def _register_compare() -> None:
    from floorwatch.claims import compare_with_flags
    from floorwatch.cli.claims import claims_app
    from floorwatch.risk.backtest import first_red_dates

    @claims_app.command("compare")
    def compare(
        legislature: LegislatureOption = None,
        config: ConfigOption = None,
        step_days: StepDaysOption = 30,
        fmt: FormatOption = Format.table,
    ) -> None:
        """Who warned first: the published claims, or floorwatch's red flags (from a backtest)?"""
        cfg = load_config(config)
        with get_store(read_only=True) as store:
            result = run_backtest(store, legislature=legislature, config=cfg, step_days=step_days)
            frame = compare_with_flags(store, first_red_dates(result))
        cols = [
            "claim_id",
            "person_id",
            "predicts",
            "stance",
            "made_on",
            "first_red_date",
            "switch_date",
            "claim_days_ahead",
            "flag_days_ahead",
            "earlier",
        ]
        render(
            frame,
            fmt,
            columns=[c for c in cols if c in frame.columns],
            title="Claims against flags: who warned first",
        )


_register_compare()
