"""Fixtures for the ideal-point tests: real roll calls (``tests/data/real``) and synthetic ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

from realdata import REAL, vv_senate


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The small real datasets (``tests/data/real``): pscl's s109 and the Voteview Senates."""
    return REAL


@pytest.fixture(scope="session")
def s109(data_dir: Path) -> dict[str, object]:
    """pscl's s109 (109th Senate): vote matrix, parties and pscl's ideal() posterior means.

    Codes (pscl): 1 yea, 6 nay, 7 and 9 missing, 0 not in the legislature.
    """
    pscl = data_dir / "pscl"
    votes = pd.read_csv(pscl / "s109_votes_matrix.csv.gz", index_col=0)
    codes = votes.to_numpy()
    Y = np.where(codes == 1, 1.0, np.where(codes == 6, 0.0, np.nan))
    legis = pd.read_csv(pscl / "s109_legis_data.csv.gz").set_index("legislator").loc[votes.index]
    id1 = pd.read_csv(pscl / "s109_ideal_id1_xbar.csv.gz", index_col=0).loc[votes.index]
    id2 = pd.read_csv(pscl / "s109_ideal_id2_xbar.csv.gz", index_col=0).loc[votes.index]
    return {
        "Y": Y,
        "names": list(votes.index),
        "party": legis["party"].to_numpy(),
        "id1": id1["xbar_d1"].to_numpy(),
        "id2": id2[["xbar_d1", "xbar_d2"]].to_numpy(),
    }


def _voteview(data_dir: Path, congress: int, merge: dict[int, int] | None = None) -> dict:
    """A Voteview Senate: members x roll calls (cast codes 1-3 yea, 4-6 nay, rest missing),
    without the President. ``merge`` maps an icpsr onto another (a party switcher's two codes).
    """
    members = pd.read_csv(vv_senate(congress)[0])
    members = members[members["chamber"] != "President"]
    votes = pd.read_csv(vv_senate(congress)[2])
    votes = votes[votes["icpsr"].isin(members["icpsr"])].copy()
    votes["icpsr"] = votes["icpsr"].replace(merge or {})
    cast = votes["cast_code"]
    votes["y"] = np.where(cast.between(1, 3), 1.0, np.where(cast.between(4, 6), 0.0, np.nan))
    wide = votes.pivot_table(index="icpsr", columns="rollnumber", values="y", aggfunc="first")
    wide = wide.reindex(columns=sorted(wide.columns))
    info = members.drop_duplicates("icpsr").set_index("icpsr").reindex(wide.index)
    return {
        "Y": wide.to_numpy(),
        "icpsr": wide.index.to_numpy(),
        "rollnumber": wide.columns.to_numpy(),
        "party_code": info["party_code"].to_numpy(),
        "nominate_dim1": info["nominate_dim1"].to_numpy(),
        "bioname": info["bioname"].to_numpy(),
    }


@pytest.fixture(scope="session")
def voteview_senate(data_dir: Path) -> Callable[..., dict]:
    cache: dict[tuple, dict] = {}

    def load(congress: int, merge: dict[int, int] | None = None) -> dict:
        key = (congress, tuple(sorted((merge or {}).items())))
        if key not in cache:
            cache[key] = _voteview(data_dir, congress, merge)
        return cache[key]

    return load


@pytest.fixture(scope="session")
def planted() -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """Synthetic roll calls from the probit model with known ideal points."""

    def make(
        seed: int, n: int = 150, m: int = 400, d: int = 1, missing: float = 0.05
    ) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(n, d))
        alpha = rng.normal(scale=0.7, size=m)
        beta = rng.normal(scale=1.5, size=(m, d))
        Y = (rng.random((n, m)) < ndtr(alpha + x @ beta.T)).astype(float)
        Y[rng.random((n, m)) < missing] = np.nan
        return x, Y

    return make
