"""The engine seam: a read-only store whose statements run on another SQL engine.

:class:`~floorwatch.store.db.Store` is the embedded DuckDB store and the default. A store
exported with ``floorwatch export --format parquet`` (:mod:`floorwatch.store.parquet`) can also
be opened read-only through an :class:`Engine`: DuckDB over the Parquet files
(:mod:`floorwatch.store.duckdb_engine`) or Spark SQL (:mod:`floorwatch.store.spark`).
:class:`EngineStore` gives every layer above the store the same reading methods as
:class:`~floorwatch.store.db.Store` (``query``, ``arrow``, ``numpy``, ``records``, ``scalar``,
``register``/``unregister``), so nothing above ``store/`` knows which engine runs.

Statements are written in DuckDB's dialect with DuckDB's parameters (``?`` positional,
``$name`` named); an engine translates each statement once (cached) and binds the parameters
itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

from floorwatch.errors import StoreError

__all__ = ["ENGINES", "Engine", "EngineStore", "map_groups", "map_units", "open_engine_store"]

#: Engines :func:`open_engine_store` knows (``duckdb`` over a folder means DuckDB over Parquet).
ENGINES = ("duckdb", "spark")

Params = Sequence[Any] | dict[str, Any] | None


class Engine(Protocol):
    """What a store needs from an SQL engine: run a read statement, show a table, close."""

    name: str

    def arrow(self, sql: str, params: Params) -> pa.Table:
        """Run a read statement written in DuckDB's dialect and return its rows as Arrow."""
        ...

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table visible to later statements as ``name``."""
        ...

    def unregister(self, name: str) -> None: ...

    def tables(self) -> list[str]:
        """The data tables the engine shows."""
        ...

    def close(self) -> None: ...


class EngineStore:
    """A read-only store over an :class:`Engine`, with :class:`~floorwatch.store.Store`'s
    reading methods. Writing (``transaction``, ``execute``) is refused with a clear message."""

    read_only = True

    def __init__(
        self,
        engine: Engine,
        path: str | os.PathLike[str],
        schema_version: int,
        columns: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.engine = engine
        self.path = Path(path)
        self._schema_version = schema_version
        self._columns = columns or {}

    @property
    def schema_version(self) -> int:
        return self._schema_version

    # -- reading ----------------------------------------------------------------------------
    def arrow(self, sql: str, params: Params = None) -> pa.Table:
        """Run a read query and return an Arrow table."""
        return self.engine.arrow(sql, params)

    def query(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a read query and return a pandas DataFrame (DATE and TIMESTAMP columns as
        ``datetime64``, as the DuckDB store gives them)."""
        table = self.engine.arrow(sql, params)
        return table.to_pandas(date_as_object=False)

    def numpy(self, sql: str, params: Params = None) -> dict[str, Any]:
        """Run a read query and return its columns as NumPy arrays."""
        table = self.engine.arrow(sql, params)
        return {
            name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names
        }

    def records(self, sql: str, params: Params = None) -> list[dict]:
        """Run a read query and return a list of dicts (column name -> value)."""
        return self.engine.arrow(sql, params).to_pylist()

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a read query and return its rows as tuples (column order of the query)."""
        table = self.engine.arrow(sql, params)
        columns = [c.to_pylist() for c in table.columns]
        return list(zip(*columns, strict=True)) if columns else []

    def column_types(self, table: str) -> dict[str, str]:
        """Column name -> SQL type name of a table (as the DuckDB store gave them)."""
        if table not in self._columns:
            from floorwatch.errors import NotFoundError

            raise NotFoundError(f"{self.path}: no table {table!r} in the Parquet store")
        return dict(self._columns[table])

    def scalar(self, sql: str, params: Params = None) -> Any:
        table = self.engine.arrow(sql, params)
        if table.num_rows == 0:
            return None
        return table.column(0)[0].as_py()

    def counts(self) -> dict[str, int]:
        """Rows per data table."""
        from floorwatch.store.schema import TABLES

        return {
            t: int(self.scalar(f"SELECT count(*) FROM {t}"))
            for t in (*TABLES, *self.extra_tables())
        }

    def extra_tables(self) -> list[str]:
        from floorwatch.store.schema import TABLES

        skip = {*TABLES, "schema_version", "ingest_log"}
        return sorted(t for t in self.engine.tables() if t not in skip and not t.startswith("_"))

    def scoped(self, legislature: str) -> EngineStore:
        """The store as seen by work on one legislature: where the engine can (DuckDB over
        Parquet), the partitioned tables (``vote_event``, ``vote``...) show only that
        legislature's partition, so only its files are read; else the store itself (a
        distributed engine prunes by the statement's own filter). Close it when done."""
        scope = getattr(self.engine, "scoped", None)
        if scope is None:
            return self
        return EngineStore(scope(legislature), self.path, self._schema_version, self._columns)

    def register(self, name: str, frame: pd.DataFrame | pa.Table) -> None:
        """Make a DataFrame or Arrow table visible to SQL as ``name``."""
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame)
        self.engine.register(name, table)

    def unregister(self, name: str) -> None:
        self.engine.unregister(name)

    # -- writing: refused -------------------------------------------------------------------
    def _read_only(self) -> StoreError:
        return StoreError(
            f"{self.path}: a Parquet store opened with the {self.engine.name} engine is "
            "read-only; ingest into a DuckDB store and export it again."
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[EngineStore]:
        raise self._read_only()
        yield self  # pragma: no cover

    def execute(self, sql: str, params: Params = None) -> None:
        raise self._read_only()

    def log_ingest(self, *args: object) -> None:
        raise self._read_only()

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> EngineStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        name = self.engine.name
        return f"<floorwatch.EngineStore {name} {self.path} schema={self.schema_version}>"


def open_engine_store(
    path: str | os.PathLike[str],
    engine: str = "duckdb",
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> EngineStore:
    """Open the Parquet store folder ``path`` (written by ``export --format parquet``)
    read-only with ``engine`` (``duckdb`` or ``spark``). ``memory_limit`` (``"12GB"``) and
    ``threads`` bound DuckDB (past the limit it spills to disk); Spark takes its own settings.

    Raises
    ------
    StoreError
        Unknown engine, no Parquet store there, or a store from another schema version.
    """
    from floorwatch.store.parquet import read_manifest

    if engine not in ENGINES:
        raise StoreError(f"unknown engine {engine!r}; expected {' or '.join(ENGINES)}")
    manifest = read_manifest(path)
    if engine == "spark":
        from floorwatch.store.spark import SparkEngine

        eng: Engine = SparkEngine(path, manifest)
    else:
        from floorwatch.store.duckdb_engine import ParquetDuckDBEngine

        eng = ParquetDuckDBEngine(path, manifest, memory_limit=memory_limit, threads=threads)
    columns = {t: dict(spec["columns"]) for t, spec in manifest["tables"].items()}
    return EngineStore(eng, path, int(manifest["schema_version"]), columns)


def map_groups(
    store: Any,
    sql: str,
    params: Params,
    by: Sequence[str],
    func: Any,
    schema: Sequence[tuple[str, str]],
    *,
    workers: int = 1,
) -> pd.DataFrame:
    """Run ``func`` (pandas DataFrame -> DataFrame; picklable, no shared state) on each group
    of the rows of ``sql`` with the same values of ``by``, and return the results together,
    ordered by ``by``.

    On a Spark store each group runs inside Spark (``groupBy(...).applyInPandas``: on the
    cluster's workers); else the rows are read here and the groups run in this process, or in
    ``workers`` processes. ``schema`` names the output columns and their SQL types (STRING,
    DOUBLE, BIGINT).
    """
    engine = getattr(store, "engine", None)
    if engine is not None and hasattr(engine, "map_groups"):
        out = engine.map_groups(sql, params, list(by), func, list(schema))
    else:
        frame = store.query(sql, params)
        groups = [(g,) for _, g in frame.groupby(list(by), dropna=False, sort=True)]
        if workers > 1 and len(groups) > 1:
            parts = _in_processes(func, groups, workers)
        else:
            parts = [func(*g) for g in groups]
        cols = [c for c, _ in schema]
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    return out.sort_values(list(by), kind="mergesort").reset_index(drop=True)


# -- independent units of work over whole stores ----------------------------------------------

#: Stores a worker process has opened, by :func:`_spec` (each opened once per process).
_OPENED: dict[tuple[str, ...], Any] = {}


def _spec(store: Any) -> tuple[str, ...] | None:
    """How another process reopens ``store`` read-only, or None when it cannot (in memory,
    Spark: there the statements are spread by Spark itself)."""
    path = getattr(store, "path", None)
    if path is None or str(path) == ":memory:":
        return None
    engine = getattr(store, "engine", None)
    if engine is None:
        if not getattr(store, "read_only", False):
            raise StoreError(
                f"{path}: open the store read-only to run it in several processes "
                "(DuckDB lets several processes read a file only when none writes to it)"
            )
        return ("file", str(path))
    if engine.name == "spark":
        return None
    return ("engine", str(path), engine.name)


def _reopen(spec: tuple[str, ...]) -> Any:
    store = _OPENED.get(spec)
    if store is None:
        if spec[0] == "file":
            from floorwatch.store.db import open_store

            store = open_store(spec[1], read_only=True)
        else:
            store = open_engine_store(spec[1], spec[2])
        _OPENED[spec] = store
    return store


def _run_unit(spec: tuple[str, ...], func: Any, args: tuple[Any, ...]) -> Any:
    return func(_reopen(spec), *args)


def map_units(
    func: Any,
    units: Sequence[tuple[Any, tuple[Any, ...]]],
    *,
    workers: int = 1,
    progress: Any = None,
) -> list[Any]:
    """``func(store, *args)`` for each ``(store, args)`` of ``units``; the results in the
    order of ``units``.

    Each unit is independent (a legislature, a period, a date of one): with ``workers > 1``
    they run in that many fresh processes (``spawn``: no inherited connections), each of which
    reopens the stores it is given read-only, once; ``func`` must be a module-level function
    and its arguments picklable. A store another process cannot reopen (in memory, or Spark,
    whose statements Spark itself spreads over the cluster) runs its units here, one after
    another. ``progress(done, total)`` is called as units finish.
    """
    total = len(units)
    specs = [_spec(store) for store, _ in units] if workers > 1 and total > 1 else []
    if specs and all(s is not None for s in specs):
        calls = [(spec, func, args) for spec, (_, args) in zip(specs, units, strict=True)]
        return _in_processes(_run_unit, calls, workers, progress)
    results = []
    for store, args in units:
        results.append(func(store, *args))
        if progress is not None:
            progress(len(results), total)
    return results


def _in_processes(
    func: Any, calls: Sequence[tuple[Any, ...]], workers: int, progress: Any = None
) -> list[Any]:
    """``func(*args)`` for each ``args`` of ``calls`` in up to ``workers`` fresh processes
    (``spawn``: no inherited DuckDB connections); the results in the order of ``calls``, the
    first failure raised (the calls not yet started are cancelled). ``progress(done,
    total)`` as calls finish."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    total = len(calls)
    results: list[Any] = [None] * total
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx) as pool:
        futures = {pool.submit(func, *args): k for k, args in enumerate(calls)}
        try:
            for done, fut in enumerate(as_completed(futures), start=1):
                results[futures[fut]] = fut.result()
                if progress is not None:
                    progress(done, total)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    return results
