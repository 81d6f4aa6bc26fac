"""The store: an embedded DuckDB file holding the Popolo-aligned tables.

Everything DuckDB-specific lives in this subpackage; the layers above speak plain SQL through
:meth:`Store.query` and hand bulk data over as pandas or Arrow tables.
"""

from __future__ import annotations

from floorwatch.store.db import Store, open_store
from floorwatch.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TABLES", "Store", "open_store"]
