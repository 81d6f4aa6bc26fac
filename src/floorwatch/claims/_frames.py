"""Small helpers for the DataFrames the claims functions return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from floorwatch.dates import parse_date

__all__ = ["as_date", "date_columns"]


def as_date(value: object) -> dt.date | None:
    """A ``datetime.date``, or None for None/NaT/NaN (:func:`floorwatch.dates.parse_date`)."""
    return parse_date(value)


def date_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Turn ``columns`` into object columns of ``datetime.date`` (None where missing)."""
    for col in columns:
        if col in frame:
            frame[col] = pd.Series(
                [as_date(v) for v in frame[col]], index=frame.index, dtype=object
            )
    return frame
