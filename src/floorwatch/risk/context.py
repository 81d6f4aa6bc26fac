"""What the risk signals were computed from, kept for the evidence of each flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from floorwatch.votematrix import VoteMatrix

__all__ = ["Context"]


@dataclass
class Context:
    """What the signals were computed from (kept for the evidence)."""

    as_of: dt.date
    legislature: str
    period: str | None
    start: dt.date
    recent_from: dt.date
    matrix: VoteMatrix | None
    ideal: np.ndarray | None
    other_party: dict[str, str | None]
    against_label: str | None
    cache: dict = field(default_factory=dict)
    #: person_id -> the other group the member agreed with most (the nearest other group).
    nearest: dict[str, str] = field(default_factory=dict)
