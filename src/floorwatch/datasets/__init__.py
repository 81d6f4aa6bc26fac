"""Sample data shipped with floorwatch, loaded with :mod:`importlib.resources`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DATASETS", "dataset_path"]

#: name -> description
DATASETS = {
    "s107": "US Senate, 107th Congress (2001-02), Voteview members, roll calls and votes",
}


def dataset_path(name: str) -> Path:
    """Folder of a bundled dataset (see :data:`DATASETS`)."""
    if name not in DATASETS:
        raise KeyError(f"no bundled dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return Path(str(resources.files("floorwatch.datasets") / name))
