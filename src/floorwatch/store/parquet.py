"""The partitioned Parquet layout of a store (``floorwatch export --format parquet``).

A folder holding::

    _floorwatch.json                         the manifest: schema version, tables, columns
    person.parquet, organization.parquet...  one file per table without a legislature
    vote_event/legislature=<id>/*.parquet    roll calls, by their legislature (organization_id)
    vote/legislature=<id>/*.parquet          votes, by their roll call's legislature
    vote_count/..., whip_direction/...       likewise

The ``legislature=`` folders are Hive-style partitions, so one legislature's rows can be read
alone (a per-legislature fit on a cluster) and a store of many legislatures can live on object
storage. The partition column is not one of the table's columns: readers show each table with
exactly the columns listed in the manifest. The files are written by DuckDB's ``COPY``
(streaming, so a store of 10^8 votes is written without holding it in memory).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from floorwatch.errors import StoreError

__all__ = [
    "MANIFEST",
    "PARTITIONED",
    "PARTITION_COLUMN",
    "read_manifest",
    "table_files",
    "write_parquet_store",
]

#: The manifest's file name inside the folder.
MANIFEST = "_floorwatch.json"

#: The column the partitioned tables are split by (a Hive partition, not a table column).
PARTITION_COLUMN = "legislature"

#: Partitioned tables: how each finds its legislature (SQL over the table aliased ``t``).
PARTITIONED = {
    "vote_event": "t.organization_id",
    "vote": "(SELECT ve.organization_id FROM vote_event ve WHERE ve.id = t.vote_event_id)",
    "vote_count": "(SELECT ve.organization_id FROM vote_event ve WHERE ve.id = t.vote_event_id)",
    "whip_direction": (
        "(SELECT ve.organization_id FROM vote_event ve WHERE ve.id = t.vote_event_id)"
    ),
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_parquet_store(store: Any, folder: str | os.PathLike[str]) -> list[Path]:
    """Write every table of the DuckDB ``store`` into ``folder`` in the partitioned layout
    and return the files and folders written (the manifest last)."""
    from floorwatch.store.schema import TABLES

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    tables: dict[str, dict[str, Any]] = {}
    for table in (*TABLES, *store.extra_tables()):
        columns = [[c, t] for c, t in store.column_types(table).items()]
        if table in PARTITIONED:
            target = folder / table
            sql = (
                f"SELECT t.*, coalesce({PARTITIONED[table]}, '') AS {PARTITION_COLUMN} "
                f"FROM {table} t"
            )
            if store.scalar(f"SELECT count(*) FROM {table}"):
                store.execute(
                    f"COPY ({sql}) TO {_literal(str(target))} (FORMAT parquet, "
                    f"PARTITION_BY ({PARTITION_COLUMN}), OVERWRITE_OR_IGNORE true)"
                )
            tables[table] = {"path": table, "partition": PARTITION_COLUMN, "columns": columns}
        else:
            target = folder / f"{table}.parquet"
            store.execute(
                f"COPY (SELECT * FROM {table}) TO {_literal(str(target))} (FORMAT parquet)"
            )
            tables[table] = {"path": target.name, "columns": columns}
        out.append(target)
    manifest = {
        "format": "floorwatch-parquet",
        "schema_version": int(store.schema_version),
        "tables": tables,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    out.append(path)
    return out


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of the Parquet store ``folder``, checked against this floorwatch.

    Raises
    ------
    StoreError
        No Parquet store there, a damaged manifest, or another schema version.
    """
    from floorwatch.store.schema import SCHEMA_VERSION

    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir() or not path.is_file():
        raise StoreError(
            f"{folder}: no Parquet store there (no {MANIFEST}). Write one with "
            "`floorwatch export --format parquet --out FOLDER`."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        version = int(manifest["schema_version"])
        manifest["tables"].items()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"{path}: not a floorwatch Parquet manifest ({exc})") from None
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{folder}: the Parquet store has schema version {version} but this floorwatch "
            f"has {SCHEMA_VERSION}: export it again from a DuckDB store with this version."
        )
    return manifest


def table_files(folder: str | os.PathLike[str], spec: dict[str, Any]) -> tuple[str, bool]:
    """A table's files as a glob for DuckDB (and whether it is partitioned), or ``""`` when
    the partitioned table has no rows (no files)."""
    base = Path(folder) / spec["path"]
    if spec.get("partition"):
        if not base.is_dir() or not any(base.rglob("*.parquet")):
            return "", True
        return str(base / "**" / "*.parquet"), True
    return str(base), False
