"""``floorwatch ideal``: EM ideal points, and positions per window."""

from __future__ import annotations

from typing import Annotated

import typer

from floorwatch.cli.common import FormatOption, app, get_store, resolve_names
from floorwatch.cli.output import Format, render
from floorwatch.idealpoints.legislature import ideal_points, ideal_windows

__all__: list[str] = []


@app.command()
def ideal(
    legislature: Annotated[
        str | None,
        typer.Option(
            help="Chamber id or name, e.g. us-senate.", callback=resolve_names("legislature")
        ),
    ] = None,
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
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use roll calls dated on or before this date (YYYY-MM-DD)."),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(help="Parametric-bootstrap replicates for standard errors (0: none).")
    ] = 0,
    sign_party: Annotated[
        str | None,
        typer.Option(
            help="Party placed on the positive side "
            "(default: Republicans if present, else the "
            "largest party)."
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Ideal points by EM (binary IRT after Imai, Lo & Olmsted 2016)."""
    with get_store(read_only=True) as store:
        if window:
            size: int | str = window if window == "month" else int(window)
            frame = ideal_windows(
                store,
                window=size,
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
