"""Where the tests' real data are: small cuts in ``tests/data/real``, big sets in ``../shared``.

Imported by the tests (``from realdata import real_file, vv_senate``); see ``conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "BR_RELABELS",
    "EP_P7_RELABELS",
    "REAL",
    "REQUIRE_SHARED",
    "S107",
    "SHARED",
    "TESTDATA",
    "br2003",
    "real_file",
    "vv_senate",
]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
TESTDATA = Path(__file__).resolve().parent / "data"
REAL = TESTDATA / "real"
S107 = REPO / "src" / "floorwatch" / "datasets" / "s107"

#: Set by .ci/run: a missing shared dataset fails the test instead of skipping it.
REQUIRE_SHARED = os.environ.get("FLOORWATCH_REQUIRE_SHARED", "") not in ("", "0")


def real_file(folder: str, name: str) -> Path:
    """A file of the small real datasets: ``tests/data/real/<folder>/<name>``, gzip-compressed
    (``<name>.gz``) unless a plain copy exists."""
    plain = REAL / folder / name
    return plain if plain.exists() else plain.with_name(name + ".gz")


def vv_senate(congress: int) -> tuple[Path, Path, Path]:
    """Voteview's members, roll calls and votes files of a Senate (107, 111 or 116)."""
    if congress == 107:
        return tuple(S107 / f"S107_{k}.csv" for k in ("members", "rollcalls", "votes"))
    return tuple(
        real_file("voteview-senate", f"S{congress}_{k}.csv")
        for k in ("members", "rollcalls", "votes")
    )


def br2003() -> tuple[Path, Path, Path]:
    """The roll calls, votes and members files of the Brazil 2003 cut (``tests/data/rollcalls``:
    151 roll calls, 20 parties)."""
    rc = TESTDATA / "rollcalls"
    return tuple(rc / f"BR_2003_{k}.csv.gz" for k in ("rollcalls", "votes", "members"))


#: The renames and mergers the Brazil SOURCE.md lists (kinds rename_or_merger, label_variant).
BR_RELABELS = (
    ("PDS", "PPR"),
    ("PDC", "PPR"),
    ("PPR", "PPB"),
    ("PP", "PPB"),
    ("PPB", "PP"),
    ("PTR", "PP"),
    ("PST", "PP"),
    ("PTN", "PODE"),
    ("PTdoB", "Avante"),
    ("SDD", "Solidaried"),
    ("PODE", "Podemos"),
    ("PCDOB", "PCdoB"),
)
#: The EP P7 early-term labels the EP SOURCE.md calls renames.
EP_P7_RELABELS = (("S-D", "S&D"), ("PSE", "S&D"), ("PPE-DE", "PPE"), ("PPE", "PPE-DE"))
