"""The reliability tests' helpers (``reliability_fuzz``, ``reliability_oracles``) live beside
them; make them importable (the suite imports test files with ``--import-mode=importlib``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The fuzzing seeds: small valid files of real rows (``tests/data/reliability``)."""
    return HERE.parent / "data" / "reliability"
