"""A pure-ASGI fast path for pages already rendered: answered before FastAPI's routing.

The dashboard serves a read-only store, so a rendered page stays right until the store file
changes. The app records each page it renders (GET, status 200, not stale, no per-visitor
CSRF token) under its exact path and query string, with the store's stamp (see
:meth:`~floorwatch.web.store_access.StoreAccess.stamp`). A later GET for the same URL while
the stamp is unchanged is answered here in a few microseconds of Python, skipping routing,
parameter parsing and validation (those already accepted this URL once). Anything else goes
through the app as usual.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["FastPath", "FastPathMiddleware"]


class FastPath:
    """Rendered responses by ``(path, query string)``, valid for one store stamp."""

    def __init__(self, stamp: Callable[[], Hashable], size: int = 4096) -> None:
        self.stamp = stamp
        self.size = size
        self._data: OrderedDict[tuple[str, bytes], tuple[Hashable, list, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(
        self, path: str, query: bytes, stamp: Hashable, headers: list, body: bytes
    ) -> None:
        with self._lock:
            self._data[(path, query)] = (stamp, headers, body)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def lookup(self, path: str, query: bytes) -> tuple[list, bytes] | None:
        item = self._data.get((path, query))
        if item is None or item[0] != self.stamp():
            return None
        return item[1], item[2]


class FastPathMiddleware:
    """Answers GET requests found in a :class:`FastPath`; passes everything else on."""

    def __init__(self, app: ASGIApp, *, fast: FastPath) -> None:
        self.app = app
        self.fast = fast

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            hit = self.fast.lookup(scope["path"], scope.get("query_string", b""))
            if hit is not None:
                headers, body = hit
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
