"""The FastAPI application: routes, the as-of control, errors, writes.

``create_app(db_path)`` serves the pages of :mod:`floorwatch.web.pages` over one store file.
Every HTML page ``/x`` has a JSON twin ``/x.json`` (``/`` has ``/index.json``) described in
``/openapi.json``. Every page takes ``?as_of=YYYY-MM-DD``; a malformed date is a 400 page.
Writes (adding a claim, overriding a claim's resolution) exist only when the app is created
with a token; see :mod:`floorwatch.web.security`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from floorwatch import __version__
from floorwatch.dates import parse_date
from floorwatch.errors import FloorwatchError, InputError, NotFoundError, StoreError, WebError
from floorwatch.web import models as M
from floorwatch.web import writes
from floorwatch.web.fastpath import FastPath, FastPathMiddleware
from floorwatch.web.pages import CSRF_PLACEHOLDER, PAGES, Dashboard, PageSpec
from floorwatch.web.security import (
    CSRF_COOKIE,
    CsrfSigner,
    SecurityHeadersMiddleware,
    WriteAuth,
)
from floorwatch.web.store_access import DEFAULT_BUSY_WAIT, StoreAccess, StoreBusyError

__all__ = ["create_app", "parse_as_of"]

log = logging.getLogger("floorwatch.web")

STATIC = Path(__file__).parent / "static"

AsOf = Annotated[
    str | None,
    Query(
        description="Show the record as it stood on this day (YYYY-MM-DD). "
        "Default: the last date in the store.",
        examples=["2001-05-01"],
        # Documented in the OpenAPI schema; checked by parse_as_of (400 with its own message).
        json_schema_extra={"format": "date"},
    ),
]

AllFlag = Annotated[
    bool, Query(alias="all", description="Also list changes of party between terms.")
]


def parse_as_of(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` to a date (:func:`floorwatch.dates.parse_date`); None or blank to None;
    anything else a 400 :class:`WebError` with the library's message for a bad date."""
    try:
        return parse_date(value, name="as_of")
    except InputError as exc:
        raise WebError(400, "Bad as-of date", str(exc)) from None


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.endswith(".json") or path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def create_app(
    db_path: str | os.PathLike[str],
    *,
    token: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    busy_wait: float = DEFAULT_BUSY_WAIT,
    warm: bool = False,
    risk_config: Any = None,
) -> FastAPI:
    """The dashboard over the store at ``db_path``, opened read-only.

    Parameters
    ----------
    db_path:
        An existing floorwatch store.
    token:
        Enables writes (claims) for requests that present it; None keeps the dashboard
        read-only. At least 8 characters.
    allowed_hosts:
        Accept only these ``Host`` names (the CLI passes the loopback names when bound to a
        loopback address); None accepts any.
    busy_wait:
        Seconds to wait for an ingest in another process to release the store before
        serving the last built page (or 503).
    warm:
        On start-up, build the main pages in a background thread (``floorwatch serve`` does).
    risk_config:
        A :class:`floorwatch.risk.RiskConfig` for the flags (``serve --config``), so the
        dashboard shows the same lists as ``floorwatch flags --config``; None: the defaults.

    Raises
    ------
    StoreError
        When the store does not exist or cannot be opened.
    """
    access = StoreAccess(db_path, busy_wait=busy_wait)
    auth = WriteAuth(token)
    csrf = CsrfSigner()
    dash = Dashboard(access, writable=auth.enabled, risk_config=risk_config)
    fast = FastPath(access.stamp)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=dash.warm, name="floorwatch-warm", daemon=True).start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="floorwatch dashboard",
        version=__version__,
        description="Read-only JSON twins of the dashboard pages, and token-protected writes.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.dashboard = dash
    app.state.auth = auth
    app.state.csrf = csrf
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- serving pages --------------------------------------------------------------------
    async def serve(request: Request, kind: str, key: str, as_of_raw: str | None, fmt: str):
        as_of = parse_as_of(as_of_raw)
        stamp = access.stamp()
        body = dash.cached_render(kind, key, as_of, fmt)
        stale = False
        if body is None and fmt == "html" and request.method == "GET":
            # A page whose slow panels are not built yet: the rest at once, then the panels.
            parts = await run_in_threadpool(dash.stream, kind, key, as_of)
            if parts is not None:
                return _streamed(*parts)
        if body is None:
            rendered = await run_in_threadpool(dash.render, kind, key, as_of, fmt)
            body, stale = rendered.body, rendered.stale
        media = "application/json" if fmt == "json" else "text/html; charset=utf-8"
        headers = {"cache-control": "no-cache"}
        if stale:
            headers["x-floorwatch-stale"] = "1"
        if fmt == "html" and PAGES[kind].forms and CSRF_PLACEHOLDER.encode() in body:
            cookie = request.cookies.get(CSRF_COOKIE)
            tok = cookie if csrf.is_signed(cookie) else csrf.new_token()
            body = body.replace(CSRF_PLACEHOLDER.encode(), tok.encode())
            headers["cache-control"] = "no-store"
            response = Response(body, media_type=media, headers=headers)
            if tok != cookie:
                response.set_cookie(CSRF_COOKIE, tok, httponly=True, samesite="strict", path="/")
            return response
        if not stale and request.method == "GET":
            raw = [
                (b"content-type", media.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-cache"),
            ]
            fast.remember(
                request.url.path, request.scope.get("query_string", b""), stamp, raw, body
            )
        return Response(body, media_type=media, headers=headers)

    def page_routes(spec: PageSpec) -> None:
        """The HTML page, its JSON twin (GET, in the API description) and HEAD, from the
        page's registry entry."""
        kind, param = spec.kind, spec.param

        if param is not None:

            async def json_route(request: Request, as_of: AsOf = None, **kw: Any):
                return await serve(request, kind, kw[param], as_of, "json")

            async def html_route(request: Request, as_of: AsOf = None, **kw: Any):
                return await serve(request, kind, kw[param], as_of, "html")

            _with_path_param(json_route, param)
            _with_path_param(html_route, param)
        elif spec.all_flag:

            async def json_route(request: Request, as_of: AsOf = None, all_: AllFlag = False):
                return await serve(request, kind, "all" if all_ else "", as_of, "json")

            async def html_route(request: Request, as_of: AsOf = None, all_: AllFlag = False):
                return await serve(request, kind, "all" if all_ else "", as_of, "html")

        else:

            async def json_route(request: Request, as_of: AsOf = None):  # type: ignore[misc]
                return await serve(request, kind, "", as_of, "json")

            async def html_route(request: Request, as_of: AsOf = None):  # type: ignore[misc]
                return await serve(request, kind, "", as_of, "html")

        responses: dict[int | str, dict[str, Any]] = {
            400: {"model": M.ErrorBody, "description": "Bad as-of date."},
            503: {"model": M.ErrorBody, "description": "Store busy (ingest running)."},
        }
        if spec.id_kind is not None:
            responses[404] = {"model": M.ErrorBody, "description": "Unknown id."}
        app.add_api_route(
            spec.json,
            json_route,
            methods=["GET"],
            response_model=spec.model,
            summary=spec.summary,
            name=f"{kind}_json",
            responses=responses,
        )
        app.add_api_route(
            spec.json, json_route, methods=["HEAD"], include_in_schema=False, name=f"{kind}_head"
        )
        app.add_api_route(
            spec.path, html_route, methods=["GET", "HEAD"], include_in_schema=False, name=kind
        )

    for spec in PAGES.values():
        page_routes(spec)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # -- writes -----------------------------------------------------------------------------
    writes.register(app, dash, auth, csrf)

    # -- errors -----------------------------------------------------------------------------
    def error_response(request: Request, status: int, title: str, detail: str) -> Response:
        headers = {"cache-control": "no-store"}
        if status == 401:
            headers["www-authenticate"] = 'Bearer realm="floorwatch"'
        if status == 503:
            headers["retry-after"] = "2"
        if _wants_json(request):
            body = M.ErrorBody(status=status, error=title, detail=detail).model_dump()
            return JSONResponse(body, status_code=status, headers=headers)
        html = dash.error_html(status, title, detail)
        return Response(html, status_code=status, media_type="text/html", headers=headers)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.status, exc.title, exc.detail)

    @app.exception_handler(FloorwatchError)
    async def _fw_error(request: Request, exc: FloorwatchError) -> Response:
        if isinstance(exc, NotFoundError):
            return error_response(request, 404, "Not found", str(exc))
        if isinstance(exc, InputError):
            return error_response(request, 400, "Bad request", str(exc))
        if isinstance(exc, StoreBusyError):
            return error_response(request, 503, "Store busy", str(exc))
        if isinstance(exc, StoreError):
            log.error("store error: %s", exc)
            return error_response(request, 500, "Store error", str(exc))
        return error_response(request, 400, "Error", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            detail = f"There is no page at {request.url.path}."
            return error_response(request, 404, "Not found", detail)
        return error_response(request, exc.status_code, "Error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{loc}: {err.get('msg')}")
        return error_response(request, 400, "Bad request", "; ".join(parts) or "invalid request")

    app.add_middleware(FastPathMiddleware, fast=fast)
    app.add_middleware(SecurityHeadersMiddleware, allowed_hosts=allowed_hosts)
    return app


def _streamed(head: bytes, finish: Callable[[], bytes]) -> StreamingResponse:
    """The first part of a page at once, the rest when ``finish()`` (run in a worker thread)
    has built it: the browser draws the first part while the server computes."""

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        yield await run_in_threadpool(finish)

    return StreamingResponse(
        chunks(),
        media_type="text/html; charset=utf-8",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


def _with_path_param(fn: Any, name: str) -> None:
    """Give a ``**kw`` route function a real ``name: str`` path parameter for FastAPI."""
    import inspect

    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
    params.insert(
        1, inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)
    )
    fn.__signature__ = sig.replace(parameters=params)
