"""``floorwatch evaluate`` (the early-warning harness) and ``floorwatch risk fit``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.common import FormatOption, WorkersOption, app, state
from floorwatch.cli.output import render
from floorwatch.errors import InputError, NotFoundError

__all__: list[str] = []

risk_app = typer.Typer(help="The fitted risk model: refit it on your own stores.")
app.add_typer(risk_app, name="risk")
console = Console(stderr=True)

StoresArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Stores, one per legislature (the leave-one-out units): PATH or NAME=PATH "
        "(default: the --db store, one unit)."
    ),
]
NoPartyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--no-party", help="A label meaning no party: moves to or from it are not switches."
    ),
]

_COLUMNS = [
    "legislature", "method", "switches", "recall_30d", "recall_60d", "recall_90d", "roc_auc",
    "precision_at_5", "precision_at_10", "median_lead_days", "brier", "member_dates", "positives",
]  # fmt: skip


def _units(stores: list[str] | None) -> dict[str, Path]:
    if not stores:
        from floorwatch.settings import resolve_db_path

        db = resolve_db_path(state.db)
        if not db.exists():
            raise InputError(f"{db}: no such store file (give stores, or --db)")
        return {db.stem: db}
    out: dict[str, Path] = {}
    for item in stores:
        name, _, path = item.rpartition("=") if "=" in item else ("", "", item)
        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: no such store file")
        out[name or p.stem] = p
    return out


@app.command()
def evaluate(
    stores: StoresArgument = None,
    step_days: Annotated[int, typer.Option("--step-days", min=1, help="Grid step.")] = 30,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", min=1, help="A switch within this many days is a hit.")
    ] = 180,
    red_share: Annotated[
        float, typer.Option("--red-share", min=0.001, max=1.0, help="Red list size (share).")
    ] = 0.05,
    no_party: NoPartyOption = None,
    workers: WorkersOption = 1,
    fmt: FormatOption = "table",
) -> None:
    """Score the fitted model and the baselines on every legislature's real switches,
    leave-one-legislature-out (docs/risk.md)."""
    from floorwatch.risk.evaluate import evaluate as run

    units = _units(stores)
    t0 = time.perf_counter()
    with console.status("Evaluating...") as status:
        try:
            ev = run(
                units,
                step_days=step_days,
                horizon_days=horizon_days,
                red_share=red_share,
                no_party=tuple(no_party or ()),
                workers=workers,
                progress=lambda text: status.update(f"Evaluating: {text}"),
            )
        except ValueError as exc:  # no member-dates at all
            raise NotFoundError(f"nothing to evaluate: {exc}") from None
    if not len(ev.switches):
        raise NotFoundError("no dated switches in the stores given: nothing to evaluate")
    render(ev.table, fmt, title="Early warning, leave one legislature out", columns=_COLUMNS)
    console.print(f"harness wall time: {time.perf_counter() - t0:.1f} s")


@risk_app.command("fit")
def fit(
    stores: StoresArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Model file to write (JSON).")
    ] = Path("risk-model.json"),
    no_party: NoPartyOption = None,
    C: Annotated[float, typer.Option("--C", min=1e-6, help="Inverse L2 regularisation.")] = 0.1,
) -> None:
    """Refit the risk model on your own stores (their dated switches); writes a JSON model
    that flags use with ``model_file = "FILE"`` in the ``--config`` file (docs/risk.md)."""
    from floorwatch.risk import model as hazard
    from floorwatch.risk.evaluate import build_panel
    from floorwatch.store import open_store

    panels = []
    for unit, path in _units(stores).items():
        with open_store(path, read_only=True) as store:
            p, _ = build_panel(store, unit=unit, no_party=tuple(no_party or ()))
        if not p.empty:
            panels.append(p[p["on_grid"]])
    if not panels:
        raise NotFoundError("no dated roll calls in the stores given: nothing to fit")
    import pandas as pd

    panel = pd.concat(panels, ignore_index=True)
    manifest = {
        "units": {
            u: {
                "member_dates": int((panel["unit"] == u).sum()),
                "positives": int(panel.loc[panel["unit"] == u, "positive"].sum()),
            }
            for u in dict.fromkeys(panel["unit"])
        }
    }
    model = hazard.fit(panel, C=C, manifest=manifest)
    hazard.save(model, output)
    console.print(
        f"Fitted on {len(panel)} member-dates ({int(panel['positive'].sum())} within 180 days "
        f"of a switch); wrote {output}."
    )
