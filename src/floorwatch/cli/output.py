"""Render listings as a rich table, CSV or JSON (a list of objects with readable keys)."""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from floorwatch.jsonable import records

__all__ = ["Format", "render", "to_records"]


class Format(str, enum.Enum):  # noqa: UP042 - Typer needs a str Enum
    table = "table"
    csv = "csv"
    json = "json"


def to_records(data: pd.DataFrame | Sequence[dict]) -> list[dict]:
    """Plain JSON-ready records (dates as ISO text) from a DataFrame or a list of dicts."""
    return records(data, iso=True)


def render(
    data: pd.DataFrame | Sequence[dict],
    fmt: Format | str = Format.table,
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    console: Console | None = None,
) -> str | None:
    """Print ``data`` in the chosen format; returns the text for csv/json."""
    fmt = Format(fmt)
    records = to_records(data)
    if columns is None:
        columns = (
            list(records[0].keys())
            if records
            else (list(data.columns) if isinstance(data, pd.DataFrame) else [])
        )
    if console is None:
        probe = Console()
        console = Console(soft_wrap=True, width=None if probe.is_terminal else 240)
    if fmt is Format.json:
        text = json.dumps(records, ensure_ascii=False, indent=2, default=str)
        print(text)
        return text
    if fmt is Format.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in records:
            writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
        text = buf.getvalue()
        print(text, end="")
        return text
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in records:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    console.print(table)
    return None


def _csv_cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula is defused with a quote."""
    from floorwatch.export import safe_cell

    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)[:200]
    return str(value)
