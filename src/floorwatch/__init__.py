"""floorwatch: watch legislators through the public record; warn who drifts from their party.

Quick start::

    import floorwatch
    store = floorwatch.open("floorwatch.duckdb")
    floorwatch.ingest_voteview(store, "S107_members.csv", "S107_rollcalls.csv", "S107_votes.csv")
    floorwatch.switches(store)        # a pandas DataFrame of party changes
"""

from __future__ import annotations

from floorwatch.errors import (
    ConfigError,
    ConvergenceWarning,
    EncodingError,
    FloorwatchError,
    InputError,
    NotFoundError,
    RecordEndWarning,
    StoreError,
)
from floorwatch.ingest import ingest_voteview
from floorwatch.memberships import switches
from floorwatch.store import Store, open_store

__version__ = "0.1.0"

open = open_store  # noqa: A001 - floorwatch.open(path) is the documented entry point

__all__ = [
    "ConfigError",
    "ConvergenceWarning",
    "EncodingError",
    "FloorwatchError",
    "InputError",
    "NotFoundError",
    "RecordEndWarning",
    "Store",
    "StoreError",
    "__version__",
    "ingest_voteview",
    "open",
    "open_store",
    "switches",
]
