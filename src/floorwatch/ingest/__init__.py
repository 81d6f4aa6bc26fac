"""Importers: each reads one kind of public record and writes it to the store in one transaction."""

from __future__ import annotations

from floorwatch.ingest.voteview import VoteviewResult, ingest_voteview

__all__ = ["VoteviewResult", "ingest_voteview"]
