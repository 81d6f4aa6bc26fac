"""Any metric legislature by legislature: one independent unit of work per legislature.

A whole-store call (``loyalty(store)``) is one statement over every vote of the store: on a
distributed engine that is the right shape, but on one machine its intermediate results grow
with the store (DuckDB over 10^8 votes of 233 legislatures needs more than 16 GB for some
metrics: docs/architecture.md, "The metrics at scale"). :func:`per_legislature` runs the
metric once per legislature instead, each call on :meth:`Store.scoped
<floorwatch.store.Store.scoped>`'s view of the store (with DuckDB over the Parquet layout,
only that legislature's partition is read), and stacks the results with a ``legislature``
column first. Memory is then bounded by the largest legislature and time grows with the
number of votes; the units run in ``workers`` processes if asked (``store.engine.map_units``).

The rows are those of ``metric(store, legislature=L)`` for each legislature ``L``: a member
who sat in two legislatures has a row in each (a whole-store call may add the two up, for
example loyalty to one party across both chambers of a Congress).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from floorwatch.metrics.agreement import agreement
from floorwatch.metrics.attendance import attendance
from floorwatch.metrics.cohesion import cohesion, rice
from floorwatch.metrics.loyalty import loyalty
from floorwatch.metrics.whips import violations
from floorwatch.store.engine import map_units

__all__ = ["SPLIT_METRICS", "legislatures", "per_legislature"]

#: The metrics :func:`per_legislature` runs, by name (a name travels to worker processes).
SPLIT_METRICS: dict[str, Callable[..., pd.DataFrame]] = {
    "agreement": agreement,
    "attendance": attendance,
    "cohesion": cohesion,
    "loyalty": loyalty,
    "rice": rice,
    "violations": violations,
}


def legislatures(store: Any) -> list[str]:
    """The legislatures (chambers) with roll calls in ``store``, in id order (the Parquet
    layout's partitions are these same ids)."""
    rows = store.rows(
        "SELECT DISTINCT organization_id FROM vote_event WHERE organization_id IS NOT NULL "
        "ORDER BY organization_id"
    )
    return [r[0] for r in rows]


def _unit(store: Any, name: str, legislature: str, args: tuple, kwargs: dict) -> pd.DataFrame:
    scoped = store.scoped(legislature)
    try:
        frame = SPLIT_METRICS[name](scoped, *args, legislature=legislature, **kwargs)
    finally:
        if scoped is not store:
            scoped.close()
    frame.insert(0, "legislature", legislature)
    return frame


def per_legislature(
    metric: str | Callable[..., pd.DataFrame],
    store: Any,
    *args: Any,
    only: Sequence[str] | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """``metric(store, *args, legislature=L, **kwargs)`` for every legislature ``L`` (or those
    in ``only``), stacked in legislature order with a first column ``legislature``.

    ``metric``: a name of :data:`SPLIT_METRICS` or one of those functions. ``workers``: run
    the legislatures in that many processes (a store file opened read-only, or a Parquet
    store). ``progress(done, total)`` as legislatures finish.
    """
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "")
    known = SPLIT_METRICS.get(name)
    if known is None or (not isinstance(metric, str) and metric is not known):
        raise ValueError(
            f"per_legislature: unknown metric {metric!r}; expected one of "
            f"{', '.join(sorted(SPLIT_METRICS))}"
        )
    if "legislature" in kwargs:
        raise ValueError("per_legislature: give the legislatures with only=, not legislature=")
    todo = list(only) if only is not None else legislatures(store)
    units = [(store, (name, leg, args, kwargs)) for leg in todo]
    parts = map_units(_unit, units, workers=workers, progress=progress)
    if not parts:
        empty = known(store, *args, **kwargs).iloc[0:0]
        empty.insert(0, "legislature", pd.Series(dtype=object))
        return empty
    filled = [p for p in parts if len(p)] or parts[:1]
    return pd.concat(filled, ignore_index=True)
