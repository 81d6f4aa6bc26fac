"""DuckDB as an :class:`~floorwatch.store.engine.Engine`: an in-memory database with one view
per table over the files of a Parquet store (:mod:`floorwatch.store.parquet`).

Statements run unchanged (they are written in DuckDB's dialect); DuckDB reads only the
columns and row groups a statement needs, so a store much larger than memory can be queried.
:meth:`ParquetDuckDBEngine.scoped` shows one legislature's partition alone, for work done
legislature by legislature (``metrics.per_legislature``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb
import pyarrow as pa

from floorwatch.errors import StoreError
from floorwatch.store.csvread import quote_ident as _ident
from floorwatch.store.parquet import table_files

__all__ = ["ParquetDuckDBEngine"]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class ParquetDuckDBEngine:
    """DuckDB over the Parquet store in ``folder`` (``manifest``: its checked manifest)."""

    name = "duckdb"

    def __init__(
        self,
        folder: str | os.PathLike[str],
        manifest: dict[str, Any],
        *,
        memory_limit: str | None = None,
        threads: int | None = None,
        only: str | None = None,
    ) -> None:
        self.folder = Path(folder)
        self._manifest = manifest
        self._settings = {"memory_limit": memory_limit, "threads": threads}
        self.only = only
        self._con = duckdb.connect(":memory:")
        if memory_limit:
            self._con.execute(f"SET memory_limit = {_literal(memory_limit)}")
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        self._tables = list(manifest["tables"])
        for table, spec in manifest["tables"].items():
            cols = ", ".join(_ident(c) for c, _ in spec["columns"])
            files, partitioned = table_files(self.folder, spec)
            if partitioned and only is not None:
                files = self._partition_files(spec, only)
            if not files:  # a partitioned table without rows has no files
                typed = ", ".join(f"CAST(NULL AS {t}) AS {_ident(c)}" for c, t in spec["columns"])
                source = f"(SELECT {typed}) x WHERE false"
            else:
                hive = ", hive_partitioning = true" if partitioned else ""
                source = f"read_parquet({_literal(files)}{hive})"
            self._con.execute(f"CREATE VIEW {_ident(table)} AS SELECT {cols} FROM {source}")

    def arrow(self, sql: str, params: Any) -> pa.Table:
        try:
            relation = self._con.sql(sql, params=params) if params else self._con.sql(sql)
            table = relation.to_arrow_table()
        except duckdb.Error as exc:
            raise StoreError(f"{self.folder}: query failed: {exc}") from exc
        if isinstance(table, pa.RecordBatchReader):
            table = table.read_all()
        return table

    def _partition_dirs(self, spec: dict[str, Any]) -> dict[str, Path]:
        """Partition value -> its folder, for one partitioned table (DuckDB's ``COPY``
        writes a value's special characters percent-encoded in the folder name)."""
        base = self.folder / spec["path"]
        prefix = f"{spec['partition']}="
        if not base.is_dir():
            return {}
        return {
            unquote(d.name[len(prefix) :]): d
            for d in sorted(base.iterdir())
            if d.is_dir() and d.name.startswith(prefix)
        }

    def _partition_files(self, spec: dict[str, Any], value: str) -> str:
        folder = self._partition_dirs(spec).get(value)
        if folder is None or not any(folder.glob("*.parquet")):
            return ""
        return str(folder / "*.parquet")

    def scoped(self, legislature: str) -> ParquetDuckDBEngine:
        """A new engine over the same folder whose partitioned tables show only
        ``legislature``'s partition (the others in full): DuckDB then reads that
        legislature's files alone."""
        return ParquetDuckDBEngine(self.folder, self._manifest, only=legislature, **self._settings)

    def register(self, name: str, table: pa.Table) -> None:
        self._con.register(name, table)

    def unregister(self, name: str) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.unregister(name)

    def tables(self) -> list[str]:
        return list(self._tables)

    def close(self) -> None:
        self._con.close()
