"""Ideal points: EM estimation, parametric bootstrap and movement over time.

- :class:`IdealPoints`: the estimator (binary quadratic-utility IRT by EM, after Imai, Lo &
  Olmsted 2016), on a members x roll calls matrix of 1 (yea), 0 (nay) and NaN.
- :func:`bootstrap_ideal_points` (or ``IdealPoints.bootstrap``): parametric-bootstrap standard
  errors and intervals.
- :func:`fit_windows`: positions per window with the roll-call parameters held fixed;
  :func:`party_distances` and :func:`movement_summary`: distances from party medians and their
  change.
"""

from __future__ import annotations

from floorwatch.idealpoints.bootstrap import BootstrapResult, bootstrap_ideal_points
from floorwatch.idealpoints.em import ConvergenceWarning, IdealPoints
from floorwatch.idealpoints.windows import (
    block_windows,
    fit_windows,
    movement_summary,
    party_distances,
)

__all__ = [
    "BootstrapResult",
    "ConvergenceWarning",
    "IdealPoints",
    "block_windows",
    "bootstrap_ideal_points",
    "fit_windows",
    "movement_summary",
    "party_distances",
]
