"""The random-number source of the estimators (scikit-learn's ``random_state`` convention)."""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["check_random_state"]


def check_random_state(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a :class:`numpy.random.Generator`."""
    if seed is None or isinstance(seed, Integral):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    raise ValueError(
        f"Expected random_state to be None, an int or a numpy Generator but got {seed!r}"
    )
