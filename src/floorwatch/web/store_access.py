"""How the dashboard reaches the store: short-lived read-only connections and a page cache.

DuckDB lets **one process write or many processes read** a database file, never both at
once: a read-only connection holds a shared file lock, and a writer (``floorwatch ingest``)
needs an exclusive one (see https://duckdb.org/docs/current/connect/concurrency). A dashboard
that kept a connection open would lock out every ingest for as long as it runs. So the
dashboard:

- opens a fresh read-only connection only to build a page it does not have (a cache miss),
  and closes it as soon as the page is built. Between requests it holds no lock, so an ingest
  in another process can run;
- caches what it built per key (page, parameters, as-of date), stamped with the store file's
  size and modification time (and its write-ahead log's). A page is rebuilt when the stamp
  changes, i.e. after an ingest or a claim was written;
- when the file is locked by a writer (an ingest running now), retries for a moment, then
  serves the last page it built (from before the ingest began: never a half-applied one,
  since the writer's transaction is invisible until it commits and we cannot even open the
  file meanwhile) marked stale, or, with nothing cached, raises :class:`StoreBusyError`
  (the app answers 503 with ``Retry-After``);
- inside the process, reads and writes (adding a claim, when started with a token) are
  serialised by a readers-writer lock, because DuckDB refuses a read-write connection to a
  file that the same process has open read-only.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from floorwatch.errors import StoreError
from floorwatch.store import Store

__all__ = ["Cached", "PageCache", "RWLock", "StoreAccess", "StoreBusyError"]

T = TypeVar("T")

#: How long a reader retries when an ingest holds the file lock (seconds).
DEFAULT_BUSY_WAIT = 0.5
#: Entries kept in the page cache.
DEFAULT_CACHE_SIZE = 2048


class StoreBusyError(StoreError):
    """Another process (an ingest) holds the store's write lock; try again shortly."""


class RWLock:
    """Many readers or one writer; a waiting writer blocks new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


@dataclass
class Cached:
    """A cache hit: the value, and whether it predates the store's current state."""

    value: Any
    stale: bool = False


class PageCache:
    """A bounded LRU map ``key -> (stamp, value)`` with one builder per key at a time."""

    def __init__(self, size: int = DEFAULT_CACHE_SIZE) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def peek(self, key: Hashable, stamp: Hashable) -> Any | None:
        """The value for ``key`` if it was built at ``stamp``, else None (no side effects)."""
        item = self._data.get(key)
        if item is not None and item[0] == stamp:
            return item[1]
        return None

    def get_any(self, key: Hashable) -> Any | None:
        item = self._data.get(key)
        return None if item is None else item[1]

    def put(self, key: Hashable, stamp: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = (stamp, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def builder_lock(self, key: Hashable) -> threading.Lock:
        with self._lock:
            lock = self._building.get(key)
            if lock is None:
                lock = self._building[key] = threading.Lock()
                if len(self._building) > 4 * self.size:
                    self._building = {key: lock}
            return lock

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class StoreAccess:
    """Short-lived connections to one store file, and a cache of what was built from them.

    Parameters
    ----------
    path:
        The DuckDB store file. It must exist.
    busy_wait:
        Seconds to keep retrying when another process holds the write lock.
    cache_size:
        Entries in the cache.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_wait: float = DEFAULT_BUSY_WAIT,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise StoreError(
                f"{self.path}: no store there. Create one with `floorwatch ingest ...` or "
                "`floorwatch demo`, or point --db / FLOORWATCH_DB at an existing file."
            )
        self.busy_wait = busy_wait
        self.cache = PageCache(cache_size)
        self.lock = RWLock()
        self._wal = Path(str(self.path) + ".wal")
        # Check now, once, that the store opens (right schema, not corrupt).
        with self.reader() as store:
            store.scalar("SELECT count(*) FROM person")

    def stamp(self) -> tuple[int, int, int]:
        """A cheap fingerprint of the store's state: file size and mtime, and the WAL's."""
        st = os.stat(self.path)
        try:
            wal = os.stat(self._wal).st_mtime_ns
        except FileNotFoundError:
            wal = 0
        return (st.st_size, st.st_mtime_ns, wal)

    def _open(self, *, read_only: bool) -> Store:
        deadline = time.monotonic() + self.busy_wait
        delay = 0.01
        while True:
            try:
                return Store(self.path, read_only=read_only, lock_timeout=0)
            except StoreError as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{self.path}: another process is writing the store (an ingest?); "
                        "the dashboard will show the new data when it has finished."
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    @contextlib.contextmanager
    def reader(self) -> Iterator[Store]:
        """A read-only store, closed on exit."""
        with self.lock.read():
            store = self._open(read_only=True)
            try:
                yield store
            finally:
                store.close()

    @contextlib.contextmanager
    def writer(self) -> Iterator[Store]:
        """A read-write store (for the token-protected writes), closed on exit."""
        with self.lock.write():
            store = self._open(read_only=False)
            try:
                yield store
            finally:
                store.close()

    def cached(self, key: Hashable, build: Callable[[Store], T]) -> Cached:
        """``build(store)`` for ``key``, from the cache while the store is unchanged.

        Only one thread builds a given key at a time; the others wait for its result. If the
        store is locked by a writer, the last value built for ``key`` is returned with
        ``stale=True``; with none, :class:`StoreBusyError` propagates.
        """
        stamp = self.stamp()
        hit = self.cache.peek(key, stamp)
        if hit is not None:
            return Cached(hit)
        with self.cache.builder_lock(key):
            stamp = self.stamp()
            hit = self.cache.peek(key, stamp)
            if hit is not None:
                return Cached(hit)
            try:
                with self.reader() as store:
                    value = build(store)
            except StoreBusyError:
                old = self.cache.get_any(key)
                if old is None:
                    raise
                return Cached(old, stale=True)
            self.cache.put(key, stamp, value)
            return Cached(value)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per store state for ``key`` (for shared intermediate results).

        Called while a page is being built, with that page's open store captured by
        ``compute``; only one thread computes a given key at a time.
        """
        ck = ("memo", key)
        stamp = self.stamp()
        hit = self.cache.peek(ck, stamp)
        if hit is not None:
            return hit[0]
        with self.cache.builder_lock(ck):
            hit = self.cache.peek(ck, stamp)
            if hit is not None:
                return hit[0]
            value = compute()
            self.cache.put(ck, stamp, (value,))
            return value
