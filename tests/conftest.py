"""Shared fixtures: where the real datasets are, and stores loaded with them.

Two sources of real data:

- ``tests/data/real/`` (fixture ``real_data``): small real datasets cut from the development
  datasets, gzip-compressed, each folder with its SOURCE.md. Always present, so the suite runs
  on a fresh clone. Voteview's Senate 107 is the bundled ``src/floorwatch/datasets/s107``.
- ``../shared/data/`` beside the repository (fixture ``shared_data``): the big datasets (a full
  House, the European Parliament, Brazil, the benchmarks' data). A test that needs one is
  marked ``@pytest.mark.shared("folder", ...)`` (a test using ``shared_data`` is marked
  automatically). Without it the test is skipped with one line naming what is missing; with
  ``FLOORWATCH_REQUIRE_SHARED=1`` (set by ``.ci/run``) it fails instead.

Stores built here are session-scoped and must be treated as read-only by tests; a test that
writes makes its own store with ``tmp_store``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import floorwatch

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the tests import realdata (and their folders' helpers)
    sys.path.insert(0, str(HERE))

from realdata import REAL, REQUIRE_SHARED, SHARED, TESTDATA, vv_senate  # noqa: E402

_HOW = "put the development datasets in ../shared/data beside the repository (README: Tests)"


def _missing_shared(folders: tuple[str, ...]) -> str | None:
    if not SHARED.is_dir():
        return f"needs ../shared/data ({', '.join(folders) or 'the development datasets'})"
    gone = [f for f in folders if not (SHARED / f).exists()]
    if gone:
        return f"needs ../shared/data/{', ../shared/data/'.join(gone)}"
    return None


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "shared(*folders): needs these big datasets of ../shared/data; skipped without them "
        "(failed with FLOORWATCH_REQUIRE_SHARED=1)",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "shared"
        ):
            item.add_marker(pytest.mark.shared())


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("shared")
    if marker is None:
        return
    missing = _missing_shared(tuple(marker.args))
    if missing is None:
        return
    message = f"{missing}: {_HOW}"
    if REQUIRE_SHARED:
        pytest.fail(f"FLOORWATCH_REQUIRE_SHARED=1 and the test {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (tests using it are marked ``shared`` and skip without it)."""
    return SHARED


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``tests/data/real``: small real datasets, gzip (``realdata.real_file``)."""
    return REAL


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TESTDATA


@pytest.fixture
def tmp_store(tmp_path):
    store = floorwatch.open(tmp_path / "t.duckdb")
    yield store
    store.close()


def _senate_store(tmp_path_factory, congress: int):
    path = tmp_path_factory.mktemp(f"s{congress}") / "store.duckdb"
    store = floorwatch.open(path)
    floorwatch.ingest_voteview(store, *vv_senate(congress))
    return store


@pytest.fixture(scope="session")
def s107_store(tmp_path_factory):
    """A store holding Voteview Senate 107 (Jeffords' switch). Read-only by convention."""
    store = _senate_store(tmp_path_factory, 107)
    yield store
    store.close()


@pytest.fixture(scope="session")
def s111_store(tmp_path_factory):
    """A store holding Voteview Senate 111 (Specter's switch). Read-only by convention."""
    store = _senate_store(tmp_path_factory, 111)
    yield store
    store.close()


@pytest.fixture(scope="session")
def partywatch_db(tmp_path_factory) -> Path:
    """A closed store file: the real Pakistan Popolo file (``tests/data/real``) plus the
    invented party register of fictional people (``tests/data/partywatch/SOURCE.md``), loaded
    and resolved through the CLI as a user would. Read-only by convention."""
    from floorwatch.cli import main

    data = TESTDATA / "partywatch"
    path = tmp_path_factory.mktemp("partywatch") / "pw.duckdb"
    for args in (
        ["ingest", "popolo", str(REAL / "everypolitician-pakistan" / "ep-popolo-v1.0.json.gz")],
        *(
            ["ingest", "csv", kind, str(data / f"{kind}.csv")]
            for kind in ("organizations", "persons", "memberships", "events", "attendance")
        ),
        ["claims", "import", str(data / "claims.csv")],
        ["claims", "resolve"],
    ):
        assert main(["--db", str(path), *args]) == 0, args
    return path
