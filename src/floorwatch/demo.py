"""The demo: load the bundled Senate 107 data (Jeffords' 2001 switch) into a store."""

from __future__ import annotations

from floorwatch.datasets import dataset_path
from floorwatch.ingest.voteview import VoteviewResult, ingest_voteview
from floorwatch.store import Store

__all__ = ["DEMO_AS_OF", "DEMO_DB", "load_demo"]

#: Default store file of ``floorwatch demo`` (when no --db is given).
DEMO_DB = "floorwatch-demo.duckdb"
#: The date the demo looks from: a few days before Jeffords announced his switch (2001-05-24).
DEMO_AS_OF = "2001-05-20"


def load_demo(store: Store) -> VoteviewResult:
    """Load the bundled Voteview S107 files into ``store`` (idempotent)."""
    d = dataset_path("s107")
    return ingest_voteview(
        store, d / "S107_members.csv", d / "S107_rollcalls.csv", d / "S107_votes.csv"
    )
