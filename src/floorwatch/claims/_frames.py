"""Small helpers for the DataFrames the claims functions return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

__all__ = ["as_date", "date_columns"]


def as_date(value: object) -> dt.date | None:
    """A ``datetime.date``, or None for None/NaT/NaN (``pd.NaT`` is an instance of date)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if pd.isna(value):  # type: ignore[arg-type]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def date_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Turn ``columns`` into object columns of ``datetime.date`` (None where missing)."""
    for col in columns:
        if col in frame:
            frame[col] = pd.Series(
                [as_date(v) for v in frame[col]], index=frame.index, dtype=object
            )
    return frame
