"""Settings in one place: one declarative table feeds the CLI, the web app and the docs.

Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_DB", "SETTINGS", "Setting", "default", "resolve_db_path"]

DEFAULT_DB = "floorwatch.duckdb"


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    env: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("db", DEFAULT_DB, "Path of the DuckDB store file.", env="FLOORWATCH_DB"),
    Setting(
        "claim_window_days",
        180,
        "Days after a claim is made within which it must come true, when it names no deadline.",
    ),
    Setting(
        "min_party_size",
        10,
        "Parties with fewer members in a roll call are left out of Voteview-style party loyalty.",
    ),
)


def _setting(name: str) -> Setting:
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The store path: ``--db``, else ``$FLOORWATCH_DB``, else ``./floorwatch.duckdb``."""
    if cli_value:
        return Path(cli_value)
    env = _setting("db").env
    if env and os.environ.get(env):
        return Path(os.environ[env])
    return Path(DEFAULT_DB)


def default(name: str) -> object:
    """The default value of setting ``name``."""
    return _setting(name).default
