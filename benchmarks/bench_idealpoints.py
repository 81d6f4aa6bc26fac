"""Benchmark: EM ideal points against pscl's MCMC ``ideal()``, and House-sized timings.

Run from the repository root::

    python benchmarks/bench_idealpoints.py            # everything (about a minute: R's MCMC)
    python benchmarks/bench_idealpoints.py --skip-r   # ours only

1. pscl's ``ideal()`` in R on its own ``s109`` (109th Senate) with the default settings
   (10,000 MCMC iterations, burn-in 5,000, thin 100), timed inside R with ``system.time``,
   plus the wall time of the whole ``Rscript`` run. Needs the Debian packages ``r-base-core``
   and ``r-cran-pscl`` (``apt-get install r-base-core r-cran-pscl``); this script installs
   nothing and skips the R part when they are missing.
2. ``IdealPoints`` (defaults) on the same roll calls (``../shared/data/pscl``), timed over
   repeated runs: the speed ratio and the correlation with ``ideal()``'s posterior means.
3. ``IdealPoints`` on the whole House of the 107th Congress (``../shared/data/voteview-hsall``,
   about 440 members x 990 roll calls) in 1 and 2 dimensions, and ``fit_windows`` over blocks
   of 100 roll calls, with the correlation with Voteview's ``nominate_dim1``.

Both sides run single-threaded (R's reference BLAS; ``OPENBLAS_NUM_THREADS=1`` here).
"""

from __future__ import annotations

import os

# Single-threaded BLAS, like R, and set before numpy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from floorwatch.idealpoints import IdealPoints, block_windows, fit_windows  # noqa: E402

__all__ = ["main"]

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

R_SCRIPT = r"""
suppressMessages(library(pscl))
data(s109)
set.seed(20250101)
t <- system.time(fit <- ideal(s109))
cat(sprintf("IDEAL_SECONDS %.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
write.csv(data.frame(legislator = rownames(fit$xbar), xbar = fit$xbar[, 1]),
          commandArgs(trailingOnly = TRUE)[1], row.names = FALSE)
"""

INSTALL_HINT = "apt-get install r-base-core r-cran-pscl"


def run_pscl() -> tuple[float, float, float, pd.Series] | str:
    """Run ``ideal(s109)`` in R.

    Returns (ideal() wall seconds, ideal() CPU seconds, Rscript wall seconds, xbar), or the
    reason it could not run.
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        return f"Rscript not found: install R and pscl with `{INSTALL_HINT}`"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "ideal_s109.R"
        out = Path(tmp) / "xbar.csv"
        script.write_text(R_SCRIPT)
        start = time.perf_counter()
        proc = subprocess.run(
            [rscript, str(script), str(out)], capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            if "there is no package called" in proc.stderr:
                return f"the R package pscl is missing: install it with `{INSTALL_HINT}`"
            return f"Rscript failed ({proc.returncode}): {proc.stderr.strip()[-500:]}"
        line = next(s for s in proc.stdout.splitlines() if s.startswith("IDEAL_SECONDS"))
        xbar = pd.read_csv(out, index_col=0)["xbar"]
    _, elapsed, cpu = line.split()
    return float(elapsed), float(cpu), wall, xbar


def load_s109() -> tuple[np.ndarray, pd.Index, np.ndarray, pd.Series]:
    """pscl's s109 as exported to CSV: codes 1 yea, 6 nay, 7/9 missing, 0 not in legislature."""
    votes = pd.read_csv(DATA / "pscl" / "s109_votes_matrix.csv", index_col=0)
    codes = votes.to_numpy()
    Y = np.where(codes == 1, 1.0, np.where(codes == 6, 0.0, np.nan))
    legis = pd.read_csv(DATA / "pscl" / "s109_legis_data.csv", index_col=0).loc[votes.index]
    id1 = pd.read_csv(DATA / "pscl" / "s109_ideal_id1_xbar.csv", index_col=0)["xbar_d1"]
    return Y, votes.index, (legis["party"] == "R").to_numpy(), id1


def load_house107() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """House 107: members x roll calls (cast codes 1-3 yea, 4-6 nay, else missing)."""
    votes = pd.read_csv(DATA / "voteview-hsall" / "H107_votes.csv")
    cast = votes["cast_code"]
    votes["y"] = np.where(cast.between(1, 3), 1.0, np.where(cast.between(4, 6), 0.0, np.nan))
    wide = votes.pivot_table(index="icpsr", columns="rollnumber", values="y", aggfunc="first")
    wide = wide.reindex(columns=sorted(wide.columns))
    members = pd.read_csv(DATA / "voteview-hsall" / "HSall_members.csv")
    members = members[(members["congress"] == 107) & (members["chamber"] == "House")]
    info = members.drop_duplicates("icpsr").set_index("icpsr").reindex(wide.index)
    return wide.to_numpy(), (info["party_code"] == 200).to_numpy(), info["nominate_dim1"]


def timed(fn, repeats: int) -> tuple[float, float, float, object]:
    """Wall time (median, minimum) and CPU time (median) of ``fn()`` over ``repeats`` runs,
    after one warm-up run. CPU time is the fairer figure on a busy machine."""
    result = fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)), float(np.min(wall)), float(np.median(cpu)), result


def corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-r", action="store_true", help="do not run pscl's ideal() in R")
    parser.add_argument("--repeats", type=int, default=25, help="timed runs on s109")
    args = parser.parse_args(argv)

    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    rows: list[tuple[str, ...]] = []

    def ms(seconds: float) -> str:
        return f"{seconds * 1e3:.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"

    Y, names, rep, id1 = load_s109()
    med, best, cpu, model = timed(
        lambda: IdealPoints(random_state=0).fit(Y, sign_ref=rep), args.repeats
    )
    ours = pd.Series(model.ideal_points_[:, 0], index=names)
    r_id1 = corr(ours.to_numpy(), id1.reindex(names).to_numpy())
    rows.append(
        (
            "ours: s109 1-D EM",
            f"{ms(med)} / {ms(best)}",
            ms(cpu),
            f"{model.n_iter_} iterations, {model.kept_votes_.sum()} roll calls",
            f"r = {r_id1:.4f} vs pscl id1 (shipped)",
        )
    )

    if args.skip_r:
        print("pscl: skipped (--skip-r)")
    else:
        pscl = run_pscl()
        if isinstance(pscl, str):
            print(f"pscl: skipped, {pscl}")
        else:
            ideal_s, ideal_cpu, wall_s, xbar = pscl
            r_fresh = corr(ours.to_numpy(), xbar.reindex(names).to_numpy())
            rows.insert(
                0,
                (
                    "pscl ideal(s109), defaults",
                    f"{ideal_s:.2f} s (Rscript {wall_s:.2f} s)",
                    f"{ideal_cpu:.2f} s",
                    "10,000 MCMC iterations",
                    "",
                ),
            )
            rows.append(
                (
                    "speed ratio ideal() / ours",
                    f"{ideal_s / med:.0f}x / {ideal_s / best:.0f}x",
                    f"{ideal_cpu / cpu:.0f}x",
                    "target >= 500x",
                    f"|r| = {abs(r_fresh):.4f} vs this ideal() run",
                )
            )

    med, best, cpu, model2 = timed(
        lambda: IdealPoints(n_dims=2, random_state=0).fit(Y, sign_ref=rep), 3
    )
    rows.append(
        (
            "ours: s109 2-D EM",
            f"{ms(med)} / {ms(best)}",
            ms(cpu),
            f"{model2.n_iter_} iterations",
            "",
        )
    )

    H, h_rep, nominate = load_house107()
    nom = nominate.to_numpy()
    repeats = max(3, args.repeats // 5)
    med, best, cpu, house = timed(
        lambda: IdealPoints(random_state=0).fit(H, sign_ref=h_rep), repeats
    )
    rows.append(
        (
            f"ours: House 107 1-D EM ({H.shape[0]} x {H.shape[1]})",
            f"{ms(med)} / {ms(best)}",
            ms(cpu),
            f"{house.n_iter_} iterations, {house.kept_votes_.sum()} roll calls; target < 1 s",
            f"r = {corr(house.ideal_points_[:, 0], nom):.4f} vs nominate_dim1",
        )
    )
    med, best, cpu, house2 = timed(
        lambda: IdealPoints(n_dims=2, random_state=0).fit(H, sign_ref=h_rep), repeats
    )
    rows.append(
        (
            "ours: House 107 2-D EM",
            f"{ms(med)} / {ms(best)}",
            ms(cpu),
            f"{house2.n_iter_} iterations",
            f"r = {corr(house2.ideal_points_[:, 0], nom):.4f} vs nominate_dim1 (dim 1)",
        )
    )
    windows = block_windows(H.shape[1], 100)
    med, best, cpu, frame = timed(lambda: fit_windows(house, H, windows), repeats)
    full = house.ideal_points_[frame["member_index"], 0]
    rows.append(
        (
            "ours: House 107 windows of 100 roll calls",
            f"{ms(med)} / {ms(best)}",
            ms(cpu),
            f"{windows.max() + 1} windows, {len(frame)} member-windows (1-D fit not included)",
            f"r = {corr(frame['dim1'].to_numpy(), full):.4f} vs whole-period",
        )
    )

    header = ("run", "wall (median / min)", "CPU (median)", "detail", "agreement")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    print()
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
