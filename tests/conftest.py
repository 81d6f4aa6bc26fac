"""Shared fixtures: where the real datasets are, and stores loaded with them.

The real public datasets live in ``../shared/data`` beside the repository (as on CI). Stores
built from them are session-scoped and must be treated as read-only by tests; a test that
writes makes its own store with ``tmp_store``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import floorwatch

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
TESTDATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.exists():  # pragma: no cover - CI always has it
        pytest.fail(f"the shared datasets are missing: expected them at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TESTDATA


@pytest.fixture
def tmp_store(tmp_path):
    store = floorwatch.open(tmp_path / "t.duckdb")
    yield store
    store.close()


def _senate_store(tmp_path_factory, shared: Path, congress: int):
    path = tmp_path_factory.mktemp(f"s{congress}") / "store.duckdb"
    store = floorwatch.open(path)
    d = shared / "voteview-senate"
    floorwatch.ingest_voteview(
        store,
        d / f"S{congress}_members.csv",
        d / f"S{congress}_rollcalls.csv",
        d / f"S{congress}_votes.csv",
    )
    return store


@pytest.fixture(scope="session")
def s107_store(tmp_path_factory, shared_data):
    """A store holding Voteview Senate 107 (Jeffords' switch). Read-only by convention."""
    store = _senate_store(tmp_path_factory, shared_data, 107)
    yield store
    store.close()


@pytest.fixture(scope="session")
def s111_store(tmp_path_factory, shared_data):
    """A store holding Voteview Senate 111 (Specter's switch). Read-only by convention."""
    store = _senate_store(tmp_path_factory, shared_data, 111)
    yield store
    store.close()
