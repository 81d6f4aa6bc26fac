"""``floorwatch check``: the data-quality report (:mod:`floorwatch.quality`)."""

from __future__ import annotations

import typer

from floorwatch.cli.common import FormatOption, app, get_store
from floorwatch.cli.output import Format, render

__all__: list[str] = []


@app.command()
def check(fmt: FormatOption = Format.table) -> None:
    """Data-quality report: two members for one seat, probable duplicate people, memberships
    before an organization's founding, claims that a member will join a group they are in."""
    from floorwatch.quality import check as run_check

    with get_store(read_only=True) as store:
        frame = run_check(store)
    if fmt is Format.table and frame.empty:
        typer.echo("No problem found by the checks (floorwatch.quality.CHECKS).")
        return
    render(frame, fmt, title=f"Data-quality check: {len(frame)} problem(s)")
