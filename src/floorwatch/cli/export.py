"""``floorwatch export``: write the store as CSV, JSON, Parquet or Popolo JSON."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from floorwatch.cli.common import app, get_store
from floorwatch.export import export_store

__all__ = ["ExportFormat"]


class ExportFormat(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    csv = "csv"
    templates = "templates"
    json = "json"
    parquet = "parquet"
    popolo = "popolo"


@app.command("export")
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="csv or parquet: one file per table in the --out folder; templates: one "
            "file per CSV template kind, in the templates' layout, for re-import (claims "
            "included); json: one file (table -> rows); popolo: one Popolo JSON file.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (csv, parquet) or file.")],
) -> None:
    """Export every table of the store."""
    console = Console(stderr=True)
    with get_store(read_only=True) as store, console.status("Exporting..."):
        files = export_store(store, fmt.value, out)
    console.print(f"Wrote {len(files)} file(s) to {out}.")
