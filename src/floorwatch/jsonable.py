"""The one JSON clean-up of values and rows, used by the CLI's listings and the dashboard.

NaN, infinities, NaT and ``pd.NA`` become None; NumPy scalars become Python values; pandas
timestamps become dates (midnight) or datetimes; lists, tuples and dicts are cleaned through.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["clean", "records"]


def clean(value: Any, *, iso: bool = False) -> Any:
    """A JSON-ready value; with ``iso`` dates and datetimes become ISO 8601 text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat() if iso else value
    if isinstance(value, str | bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "item") and not isinstance(value, list | dict | tuple):
        try:
            return clean(value.item(), iso=iso)
        except (ValueError, AttributeError):
            return value
    if isinstance(value, list | tuple):
        return [clean(v, iso=iso) for v in value]
    if isinstance(value, dict):
        return {str(k): clean(v, iso=iso) for k, v in value.items()}
    return value


def records(data: pd.DataFrame | Iterable[dict] | None, *, iso: bool = False) -> list[dict]:
    """JSON-ready rows (dicts with text keys) from a DataFrame or dicts."""
    if data is None:
        return []
    rows = data.to_dict(orient="records") if isinstance(data, pd.DataFrame) else list(data)
    return [{str(k): clean(v, iso=iso) for k, v in row.items()} for row in rows]
