"""The web dashboard: server-rendered pages over a read-only store, each with a JSON twin.

Start it with ``floorwatch serve`` or, from Python::

    from floorwatch.web import create_app
    app = create_app("floorwatch.duckdb")          # read-only
    app = create_app("floorwatch.duckdb", token="a-long-secret")   # claims can be added

``docs/web.md`` describes the pages, the JSON API, the security model and the figures.
"""

from __future__ import annotations

from floorwatch.web.app import create_app
from floorwatch.web.security import LOOPBACK_HOSTS

__all__ = ["LOOPBACK_HOSTS", "create_app"]
