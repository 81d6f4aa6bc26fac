"""Ideal points of many legislatures at once, each an independent unit of work.

:func:`fit_ballots` fits one legislature and period from its ballots alone (a pure function:
:func:`floorwatch.votematrix.matrix_from_ballots` then the EM fit of
:func:`floorwatch.idealpoints.legislature.ideal_points`). :func:`ideal_points_by_legislature`
runs it for every legislature and period of a store through
:func:`floorwatch.store.engine.map_groups`: in this process, in ``workers`` processes, or, on
a Spark store (``floorwatch --engine spark``), inside Spark (``applyInPandas``), on the
cluster's workers.
"""

from __future__ import annotations

import functools
import warnings

import pandas as pd

from floorwatch.errors import ConvergenceWarning, NotFoundError
from floorwatch.store.engine import map_groups
from floorwatch.votematrix import matrix_from_ballots

__all__ = ["FIT_COLUMNS", "fit_ballots", "ideal_points_by_legislature"]

#: The columns :func:`fit_ballots` returns, with their SQL types.
FIT_COLUMNS = (
    ("legislature", "STRING"),
    ("period", "STRING"),
    ("person_id", "STRING"),
    ("party_id", "STRING"),
    ("dim1", "DOUBLE"),
    ("votes", "BIGINT"),
)

_BALLOTS_SQL = """SELECT v.vote_event_id, v.voter_id, v.group_id, v.position, v.option,
       ve.start_date AS date, ve.seq, ve.organization_id AS legislature,
       coalesce(ve.legislative_period_id, '') AS period
FROM vote v JOIN vote_event ve ON ve.id = v.vote_event_id"""


def _fit_one(part: pd.DataFrame, *, sign_party: str | None, random_state: int) -> pd.DataFrame:
    from floorwatch.idealpoints.legislature import _fit

    legislature = str(part["legislature"].iloc[0])
    period = part["period"].iloc[0]
    vm = matrix_from_ballots(part, legislature=legislature, period=period or None)
    cols = [c for c, _ in FIT_COLUMNS]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = _fit(vm, 1, sign_party, random_state)
    except NotFoundError:  # too little record in this legislature: no rows
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            "legislature": legislature,
            "period": period,
            "person_id": vm.members["person_id"].to_numpy(),
            "party_id": vm.members["party_id"].to_numpy(),
            "dim1": model.ideal_points_[:, 0],
            "votes": model.n_votes_cast_.astype("int64"),
        }
    )[cols]


def fit_ballots(
    ballots: pd.DataFrame, *, sign_party: str | None = None, random_state: int = 0
) -> pd.DataFrame:
    """One-dimensional EM ideal points per legislature and period of ``ballots`` (columns of
    ``vote`` plus ``date``, ``seq``, ``legislature``, ``period``), as
    :func:`~floorwatch.idealpoints.legislature.ideal_points` gives them: columns
    :data:`FIT_COLUMNS`."""
    fit = functools.partial(_fit_one, sign_party=sign_party, random_state=random_state)
    parts = [fit(g) for _, g in ballots.groupby(["legislature", "period"], sort=True)]
    if not parts:
        return pd.DataFrame(columns=[c for c, _ in FIT_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def ideal_points_by_legislature(
    store: object, *, workers: int = 1, sign_party: str | None = None, random_state: int = 0
) -> pd.DataFrame:
    """The ideal points of every legislature and period in ``store``, each fitted alone
    (whole periods, no date bound): columns :data:`FIT_COLUMNS`, by legislature and period."""
    fit = functools.partial(_fit_one, sign_party=sign_party, random_state=random_state)
    return map_groups(
        store, _BALLOTS_SQL, None, ["legislature", "period"], fit, FIT_COLUMNS, workers=workers
    )
