"""``floorwatch ideal``: EM ideal points, and positions per window."""

from __future__ import annotations

from typing import Annotated

import typer

from floorwatch.cli.common import AsOfOption, FormatOption, LegislatureOption, app, get_store
from floorwatch.cli.output import Format, render
from floorwatch.errors import NotFoundError
from floorwatch.idealpoints.legislature import ideal_points, ideal_windows

__all__: list[str] = []


def _window(value: str | None) -> int | str | None:
    """``--window``: ``month`` or a whole number of roll calls >= 1."""
    if value is None:
        return None
    text = value.strip().lower()
    if text == "month":
        return "month"
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise typer.BadParameter(f"expected a number of roll calls (>= 1) or 'month' but got {value!r}")


def _bootstrap(value: int) -> int:
    """``--bootstrap``: 0 (none) or at least 2 replicates."""
    if value == 0 or value >= 2:
        return value
    raise typer.BadParameter(f"expected 0 (no bootstrap) or at least 2 replicates but got {value}")


@app.command()
def ideal(
    legislature: LegislatureOption = None,
    period: Annotated[
        str | None,
        typer.Option(
            help="Legislative period, e.g. us-congress-107 (default: the latest up to --as-of)."
        ),
    ] = None,
    dims: Annotated[int, typer.Option("--dims", min=1, max=2, help="1 or 2 dimensions.")] = 1,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Positions per window of N roll calls (or 'month'), with roll-call "
            "parameters fixed at the whole-period fit.",
            callback=_window,
        ),
    ] = None,
    as_of: AsOfOption = None,
    bootstrap: Annotated[
        int,
        typer.Option(
            help="Parametric-bootstrap replicates for standard errors (0: none, else >= 2).",
            callback=_bootstrap,
        ),
    ] = 0,
    sign_party: Annotated[
        str | None,
        typer.Option(
            help="Party placed on the positive side "
            "(default: Republicans if present, else the "
            "largest party)."
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every legislature and period, each fitted alone (whole periods, 1 dim); "
            "with --engine spark the fits run inside Spark.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="With --all: local worker processes.")
    ] = 1,
    fmt: FormatOption = Format.table,
) -> None:
    """Ideal points by EM (binary IRT after Imai, Lo & Olmsted 2016)."""
    with get_store(read_only=True) as store:
        if every:
            from floorwatch.idealpoints.parallel import ideal_points_by_legislature

            frame = ideal_points_by_legislature(store, workers=workers, sign_party=sign_party)
            if frame.empty:
                raise NotFoundError("too little record to estimate ideal points anywhere")
            render(frame, fmt, columns=list(frame.columns), title="Ideal points per legislature")
            return
        if window:
            frame = ideal_windows(
                store,
                window=window,
                legislature=legislature,
                period=period,
                as_of=as_of,
                sign_party=sign_party,
            )
            cols = [
                "name",
                "party",
                "window",
                "from",
                "to",
                "dim1",
                "n_votes",
                "toward_other",
                "dist_party",
                "dist_other",
                "change_toward_other",
                "person_id",
            ]
            render(
                frame,
                fmt,
                columns=[c for c in cols if c in frame.columns],
                title="Ideal points per window",
            )
            return
        frame = ideal_points(
            store,
            legislature=legislature,
            period=period,
            as_of=as_of,
            dims=dims,
            n_boot=bootstrap,
            sign_party=sign_party,
        )
    cols = ["name", "party", *[f"dim{d + 1}" for d in range(dims)]]
    if bootstrap:
        cols += [f"se{d + 1}" for d in range(dims)]
    cols += ["votes", "person_id", "party_id"]
    render(frame, fmt, columns=cols, title="Ideal points (EM)")
