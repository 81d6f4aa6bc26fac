"""Build the development stores of the risk harness once, into a cache directory.

One DuckDB store per legislature (the harness's leave-one-out units), from ``../shared/data``:

- ``ep``: European Parliament P7, P8, P9 (``ep-rcv-p7-p9``), the group at each vote; P7 with
  the early-term renames the EP SOURCE.md lists (docs/rollcalls.md).
- ``br``: Brazil's Câmara 1991-2017 (``brazil-chamber-1991-2017``) with the SOURCE.md's
  rename list, no relabel detection and ``S.Part.`` as no party (the 927 switches).
- ``senate``: US Senates 107, 108, 110, 111, 116 (Voteview; Jeffords 2001, Specter 2009).
- ``house``: US House 107 (Voteview; Goode I -> R at roll call 877). Its roll calls have no
  dates in the shared data: they get evenly spaced *synthetic* dates over the Congress
  (2001-01-03 .. 2002-11-22), as in ``bench_risk.py``.
- ``uk``: UK Commons 2010-13 and 2015-17 (Public Whip votematrix). Public Whip gives an MP a
  new id when the whip changes; the ids of one person (``other_mpids_same_name``) are joined
  into one member whose party at each vote is the label of the id that cast it (Thomson and
  McGarry, SNP -> Independent, 2015).

A store is rebuilt only when missing (delete the file to rebuild).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd

import floorwatch
from floorwatch.ingest._labels import LabelRules
from floorwatch.ingest.rollcalls import ingest_rollcalls

# The datasets' rename lists live beside the tests that check them (tests/realdata.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from realdata import BR_RELABELS, EP_P7_RELABELS  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT_CACHE = Path.home() / ".cache" / "floorwatch-eval"


#: Legislature (leave-one-out unit) -> store file name.
LEGISLATURES = ("ep", "br", "senate", "house", "uk")


def _ep(store, shared: Path, terms=("P7", "P8", "P9")) -> None:
    d = shared / "ep-rcv-p7-p9"
    for term in terms:
        rules = LabelRules(relabels=EP_P7_RELABELS) if term == "P7" else LabelRules()
        ingest_rollcalls(
            store,
            "ep",
            d / f"EP_{term}_rollcalls.csv",
            d / f"EP_{term}_votes.csv.gz",
            d / f"EP_{term}_members.csv",
            name="European Parliament",
            period=term,
            label_kind="faction",
            rules=rules,
        )


def _br(store, shared: Path) -> None:
    d = shared / "brazil-chamber-1991-2017"
    rules = LabelRules(relabels=BR_RELABELS, detect_relabels=False, no_party=("S.Part.",))
    ingest_rollcalls(
        store,
        "br",
        d / "BR_chamber_rollcalls.csv",
        d / "BR_chamber_votes.csv.gz",
        d / "BR_chamber_members.csv",
        name="Câmara dos Deputados",
        rules=rules,
    )


def _senate(store, shared: Path) -> None:
    for folder, congresses in (
        ("voteview-senate", (107, 111, 116)),
        ("voteview-senate-108-and-110", (108, 110)),
    ):
        d = shared / folder
        for c in congresses:
            floorwatch.ingest_voteview(
                store, d / f"S{c}_members.csv", d / f"S{c}_rollcalls.csv", d / f"S{c}_votes.csv"
            )


def house107(store, shared: Path, tmp: Path) -> None:
    """Load US House 107 with evenly spaced synthetic roll-call dates (the shared data has
    none); also used by ``bench_risk.py``."""
    d = shared / "voteview-hsall"
    votes = pd.read_csv(d / "H107_votes.csv", usecols=["rollnumber"])
    rolls = sorted(votes.rollnumber.unique())
    start, end = dt.date(2001, 1, 3), dt.date(2002, 11, 22)
    span = (end - start).days
    dates = [
        start + dt.timedelta(days=round(i * span / (len(rolls) - 1))) for i in range(len(rolls))
    ]
    pd.DataFrame(
        {
            "congress": 107,
            "chamber": "House",
            "rollnumber": rolls,
            "date": [x.isoformat() for x in dates],
        }
    ).to_csv(tmp / "H107_rollcalls_synthetic.csv", index=False)
    floorwatch.ingest_voteview(
        store,
        d / "HSall_members.csv",
        tmp / "H107_rollcalls_synthetic.csv",
        d / "H107_votes.csv",
        congresses={107},
    )


def _uk(store, shared: Path, tmp: Path) -> None:
    d = shared / "uk-publicwhip-votematrix"
    for year in (2010, 2015):
        members = pd.read_csv(d / f"UK_{year}_members.csv", dtype=str)
        # One member per person: the smallest of the ids of one name (split at a whip change).
        canon = {}
        for r in members.itertuples():
            ids = [r.mpid, *re.findall(r"\d+", str(r.other_mpids_same_name))]
            canon[r.mpid] = min(ids, key=int)
        party = dict(zip(members.mpid, members.party, strict=True))
        with gzip.open(d / f"UK_{year}_votes.csv.gz", "rt") as fh:
            votes = pd.read_csv(fh, dtype=str)
        votes["party"] = votes["mpid"].map(party)
        # Public Whip's 9 also marks "not an MP (under this id) yet": keep only the votes cast
        # and absences within each id's span of recorded votes.
        first = dict(zip(members.mpid, members.first_rollnumber.astype(int), strict=True))
        last = dict(zip(members.mpid, members.last_rollnumber.astype(int), strict=True))
        rn = votes["rollnumber"].astype(int)
        inside = (rn >= votes["mpid"].map(first)) & (rn <= votes["mpid"].map(last))
        votes = votes[inside].copy()
        votes["mpid"] = votes["mpid"].map(canon)
        votes.to_csv(tmp / f"UK_{year}_votes.csv", index=False)
        people = members.copy()
        people["mpid"] = people["mpid"].map(canon)
        people = people.drop_duplicates("mpid")
        people["name"] = people["firstname"] + " " + people["surname"]
        people[["mpid", "name"]].to_csv(tmp / f"UK_{year}_members.csv", index=False)
        ingest_rollcalls(
            store,
            "uk",
            d / f"UK_{year}_rollcalls.csv",
            tmp / f"UK_{year}_votes.csv",
            tmp / f"UK_{year}_members.csv",
            name="House of Commons",
            period=str(year),
            rules=LabelRules(detect_relabels=False),
        )


def build(cache: Path = DEFAULT_CACHE, shared: Path = SHARED, only=LEGISLATURES) -> dict:
    """Build the missing development stores; returns legislature -> store path."""
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in only:
        path = cache / f"{name}.duckdb"
        out[name] = path
        if path.exists():
            continue
        part = cache / f"{name}.duckdb.part"
        part.unlink(missing_ok=True)
        store = floorwatch.open(part)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                if name == "ep":
                    _ep(store, shared)
                elif name == "br":
                    _br(store, shared)
                elif name == "senate":
                    _senate(store, shared)
                elif name == "house":
                    house107(store, shared, Path(tmp))
                elif name == "uk":
                    _uk(store, shared, Path(tmp))
        finally:
            store.close()
        part.rename(path)
    return out


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    paths = build(only=tuple(sys.argv[1:]) or LEGISLATURES)
    print({k: str(v) for k, v in paths.items()}, f"{time.perf_counter() - t:.0f} s")
