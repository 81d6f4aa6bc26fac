"""Benchmark: the early-warning harness over all development data, leave-one-legislature-out.

Builds the development stores once into ``--cache`` (``benchmarks/devstores.py``: EP P7-P9,
Brazil 1991-2017, US Senate 107/108/110/111/116, US House 107 with synthetic dates, UK
Commons 2010 and 2015), runs :func:`floorwatch.risk.evaluate.evaluate` and prints the tables
of docs/risk.md and the wall time. ``--write-model`` refits the model on every unit and writes
the package's model file.

Run: python benchmarks/eval_risk.py [--cache DIR] [--only ep br ...] [--write-model]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from floorwatch.risk import model as hazard
from floorwatch.risk.evaluate import evaluate

try:
    from devstores import DEFAULT_CACHE, LEGISLATURES, build
except ModuleNotFoundError:  # run from the repository root as a module path
    from benchmarks.devstores import DEFAULT_CACHE, LEGISLATURES, build

MODEL_FILE = Path(__file__).resolve().parents[1] / "src/floorwatch/risk/models/hazard-v1.json"
NAMES = {
    "ep": "European Parliament P7-P9",
    "br": "Brazil Câmara 1991-2017",
    "senate": "US Senate 107, 108, 110, 111, 116",
    "house": "US House 107 (synthetic dates)",
    "uk": "UK Commons 2010-13, 2015-17",
}


def _fmt(x, pct=False):
    if x is None or x != x:
        return "-"
    return f"{x:.0%}" if pct else (f"{x:.3f}" if abs(x) >= 0.01 or x == 0 else f"{x:.5f}")


def markdown(table: pd.DataFrame) -> str:
    head = (
        "| legislature | method | switches | recall 30d | recall 60d | recall 90d | AUC | "
        "P@5 | P@10 | median lead (d) | warned | Brier | Brier (base rate) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in table.itertuples():
        lines.append(
            f"| {r.legislature} | {r.method} | {r.switches} | "
            f"{_fmt(r.recall_30d, True)} ({r.n_30d}) | {_fmt(r.recall_60d, True)} | "
            f"{_fmt(r.recall_90d, True)} ({r.n_90d}) | {_fmt(r.roc_auc)} | "
            f"{_fmt(r.precision_at_5)} | {_fmt(r.precision_at_10)} | "
            f"{'-' if r.median_lead_days != r.median_lead_days else int(r.median_lead_days)} | "
            f"{r.warned} | {_fmt(getattr(r, 'brier', None))} | "
            f"{_fmt(getattr(r, 'brier_base', None))} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--only", nargs="*", default=list(LEGISLATURES))
    parser.add_argument("--C", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=1, help="Processes (one period each).")
    parser.add_argument("--write-model", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="Write the tables here (JSON).")
    args = parser.parse_args()
    t0 = time.perf_counter()
    stores = build(args.cache, only=tuple(args.only))
    t_build = time.perf_counter() - t0
    ev = evaluate(
        {k: v for k, v in stores.items()},
        C=args.C,
        no_party=("S.Part.",),
        workers=args.workers,
        progress=lambda msg: print(msg, flush=True),
    )
    wall = time.perf_counter() - t0
    print(markdown(ev.table))
    print()
    print(ev.calibration.to_string(index=False))
    print()
    print(ev.signals.round(3).T.to_string())
    print()
    for u, m in ev.models.items():
        coefs = dict(zip(m["features"], m["coef"], strict=True))
        print(u, {k: round(v, 3) for k, v in coefs.items()})
    print(
        f"\nharness: {ev.seconds:.0f} s (stores built/reused in {t_build:.0f} s); "
        f"total wall time {wall:.0f} s"
    )
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "table": ev.table.to_dict(orient="records"),
                    "calibration": ev.calibration.to_dict(orient="records"),
                    "signals": ev.signals.to_dict(orient="records"),
                    "seconds": ev.seconds,
                },
                default=str,
                indent=1,
            )
        )
        ev.switches.to_csv(args.out.with_suffix(".switches.csv"), index=False)
    if args.write_model:
        panel = ev.panel[ev.panel["on_grid"]]
        manifest = {
            "units": {
                u: {
                    "name": NAMES.get(u, u),
                    "member_dates": int((panel["unit"] == u).sum()),
                    "positives": int(panel.loc[panel["unit"] == u, "positive"].sum()),
                    "periods": sorted(
                        str(p) for p in panel.loc[panel["unit"] == u, "period"].unique()
                    ),
                }
                for u in dict.fromkeys(panel["unit"])
            },
            "data": "../shared/data (INDEX.md): ep-rcv-p7-p9, brazil-chamber-1991-2017, "
            "voteview-senate, voteview-senate-108-and-110, voteview-hsall, "
            "uk-publicwhip-votematrix",
            "grid": "member-dates every 30 days from 30 days into each period",
        }
        fitted = hazard.fit(panel, C=args.C, manifest=manifest)
        MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
        hazard.save(fitted, MODEL_FILE)
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
