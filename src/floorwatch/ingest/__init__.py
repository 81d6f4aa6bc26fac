"""Importers: each reads one kind of public record and writes it to the store in one transaction."""

from __future__ import annotations

from floorwatch.ingest.voteview import VoteviewResult, ingest_voteview

__all__ = ["VoteviewResult", "ingest_voteview"]

from floorwatch.ingest.adapters import (  # noqa: E402
    AdapterResult,
    ingest_malaysia,
    ingest_singapore,
    ingest_uk_parlparse,
)
from floorwatch.ingest.csv import CsvResult, ingest_csv  # noqa: E402
from floorwatch.ingest.popolo import PopoloResult, ingest_popolo  # noqa: E402

__all__ += [
    "AdapterResult",
    "CsvResult",
    "PopoloResult",
    "ingest_csv",
    "ingest_malaysia",
    "ingest_popolo",
    "ingest_singapore",
    "ingest_uk_parlparse",
]
