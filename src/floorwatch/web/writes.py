"""Token-protected writes: add a claim, override or re-resolve claims; propose claims from an
article (nothing is stored until a proposal is added).

Two doors to the same :mod:`floorwatch.claims` functions:

- the JSON API (``POST /api/claims``, ``POST /api/claims/{id}/override``,
  ``POST /api/claims/resolve``, ``POST /api/claims/propose``): the token as
  ``Authorization: Bearer``;
- the HTML forms on the claims page (``POST /claims``, ``POST /claims/{id}/override``,
  ``POST /claims/resolve``, ``POST /claims/propose``): a valid CSRF token (cookie and hidden
  field) *and* the write token typed into the form (or a bearer header). Success redirects
  back (303, post/redirect/get); a proposal answers with a page of proposed claims, each with
  an "Add" form.

A server started without a token answers 403 to every write; a wrong or missing token is 401.
Each write opens a short-lived read-write connection (see
:mod:`floorwatch.web.store_access`), runs in one transaction, then re-resolves the claims so
the ledger shows the new claim's status at once.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from floorwatch import claims
from floorwatch.claims import COLUMNS, extract
from floorwatch.dates import parse_date
from floorwatch.errors import InputError, WebError
from floorwatch.jsonable import records
from floorwatch.store import Store
from floorwatch.web import models as M
from floorwatch.web.pages import Dashboard
from floorwatch.web.security import CSRF_COOKIE, CSRF_FIELD, CsrfSigner, WriteAuth, bearer_token

__all__ = ["CLAIM_FORM_FIELDS", "register"]


def _ready(row: dict[str, Any]) -> bool:
    """A proposal the ledger takes as it is (see ``floorwatch.claims.extract.importable``)."""
    subject = (
        bool(row.get("about"))
        or row.get("count_min") is not None
        or (row.get("count_max") is not None)
    )
    return subject and (row.get("predicts") != "joins" or bool(row.get("organization")))


#: The fields of the add-claim form (all text; blank means not given).
#: The fields of the add-a-claim form: the claim columns (:data:`floorwatch.claims.COLUMNS`)
#: but the id, which the ledger derives.
CLAIM_FORM_FIELDS = tuple(c for c in COLUMNS if c != "id")

_AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": M.ErrorBody, "description": "Invalid claim (unknown person, bad date...)."},
    401: {"model": M.ErrorBody, "description": "Missing or wrong bearer token."},
    403: {"model": M.ErrorBody, "description": "The dashboard is read-only (no token)."},
    404: {"model": M.ErrorBody, "description": "Unknown claim."},
}


def register(app: FastAPI, dash: Dashboard, auth: WriteAuth, csrf: CsrfSigner) -> None:
    """Add the write routes to ``app``; refusals are :class:`~floorwatch.errors.WebError`."""

    def require_token(request: Request, form_token: str | None = None) -> None:
        status = auth.check(bearer_token(request.headers), form_token)
        if status == 403:
            raise WebError(
                403,
                "Read-only dashboard",
                "This dashboard was started without a write token; restart it with "
                "`floorwatch serve --token TOKEN` to allow writes.",
            )
        if status:
            raise WebError(401, "Token required", "This write needs the dashboard's token.")

    def bearer_required(request: Request) -> None:
        """Checked before the body is parsed: no token, no validation details."""
        require_token(request)

    async def write(fn: Callable[[Store], Any]) -> Any:
        def run() -> Any:
            with dash.access.writer() as store:
                result = fn(store)
                claims.resolve_claims(store)
                return result

        return await run_in_threadpool(run)

    async def checked_form(request: Request) -> dict[str, str]:
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if not csrf.verify(fields.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)):
            raise WebError(
                403,
                "Form expired",
                "The form's CSRF check failed (cookie missing or token does not match). "
                "Reload the page and submit the form again.",
            )
        require_token(request, fields.get("token"))
        return fields

    # -- JSON API ---------------------------------------------------------------------------
    @app.post(
        "/api/claims",
        response_model=M.WriteResult,
        dependencies=[Depends(bearer_required)],
        status_code=201,
        responses=_AUTH_RESPONSES,
        summary="Add a claim (needs the bearer token)",
    )
    async def api_add_claim(request: Request, claim: M.ClaimIn) -> M.WriteResult:
        fields = claim.model_dump()
        fields["about"] = fields["about"] or None
        cid = await write(lambda s: claims.add_claim(s, **fields))
        return M.WriteResult(ok=True, claim_id=cid)

    @app.post(
        "/api/claims/{claim_id}/override",
        response_model=M.WriteResult,
        dependencies=[Depends(bearer_required)],
        responses=_AUTH_RESPONSES,
        summary="Resolve a claim by hand (needs the bearer token)",
    )
    async def api_override(
        request: Request, claim_id: str, body: M.ClaimOverrideIn
    ) -> M.WriteResult:
        await write(lambda s: claims.override(s, claim_id, body.status, body.note, body.by))
        return M.WriteResult(ok=True, claim_id=claim_id)

    def proposals(fields: dict[str, Any]) -> Any:
        """Proposed claims for an article's text: (template rows as dicts, the CSV text)."""

        def run() -> tuple[list[dict[str, Any]], str]:
            with dash.access.reader() as store:
                frame = extract.propose_from_text(store, **fields)
            return records(frame), extract.write_csv(frame)

        return run_in_threadpool(run)

    @app.post(
        "/api/claims/propose",
        response_model=M.Proposals,
        dependencies=[Depends(bearer_required)],
        responses=_AUTH_RESPONSES,
        summary="Propose the claims an article makes, for review (needs the bearer token)",
    )
    async def api_propose(request: Request, body: M.ProposeIn) -> M.Proposals:
        rows, _ = await proposals(body.model_dump())
        return M.Proposals(rows=rows, importable=sum(_ready(r) for r in rows))

    @app.post(
        "/api/claims/resolve",
        response_model=M.WriteResult,
        dependencies=[Depends(bearer_required)],
        responses=_AUTH_RESPONSES,
        summary="Re-resolve every claim against the membership history",
    )
    async def api_resolve(request: Request) -> M.WriteResult:
        await write(lambda s: None)
        return M.WriteResult(ok=True, detail="claims resolved")

    # -- HTML forms -------------------------------------------------------------------------
    def back(request: Request, anchor: str = "") -> RedirectResponse:
        as_of = request.query_params.get("as_of")
        url = "/claims" + (f"?as_of={urllib.parse.quote(as_of)}" if as_of else "")
        return RedirectResponse(url + anchor, status_code=303)

    @app.post("/claims", include_in_schema=False)
    async def form_add_claim(request: Request) -> RedirectResponse:
        fields = await checked_form(request)
        kw: dict[str, Any] = {}
        for name in CLAIM_FORM_FIELDS:
            value = (fields.get(name) or "").strip()
            if value:
                kw[name] = value
        for name in ("count_min", "count_max"):
            if name in kw:
                try:
                    kw[name] = int(kw[name])
                except ValueError:
                    raise WebError(400, "Bad claim", f"{name} must be a whole number") from None
        if "made_on" not in kw or "predicts" not in kw:
            raise WebError(400, "Bad claim", "A claim needs at least made_on and predicts.")
        cid = await write(lambda s: claims.add_claim(s, **kw))
        return back(request, f"#claim-{urllib.parse.quote(cid)}")

    @app.post("/claims/{claim_id}/override", include_in_schema=False)
    async def form_override(request: Request, claim_id: str) -> RedirectResponse:
        fields = await checked_form(request)
        status = (fields.get("status") or "").strip()
        note = (fields.get("note") or "").strip()
        by = (fields.get("by") or "").strip()
        await write(lambda s: claims.override(s, claim_id, status, note, by))
        return back(request, f"#claim-{urllib.parse.quote(claim_id)}")

    @app.post("/claims/propose", include_in_schema=False)
    async def form_propose(request: Request) -> HTMLResponse:
        fields = await checked_form(request)
        text = fields.get("text") or ""
        if not text.strip():
            raise WebError(
                400, "No article", "Paste the article's text (or HTML) to propose claims."
            )
        try:
            made_on = parse_date(fields.get("made_on"), name="made_on")
        except InputError as exc:
            raise WebError(400, "Bad date", str(exc)) from None
        if made_on is None:
            raise WebError(400, "Bad date", "made_on: give the date the article was published.")
        rows, csv_text = await proposals(
            {
                "text": text[:500_000],
                "made_on": made_on,
                "outlet": (fields.get("outlet") or "").strip() or None,
                "link": (fields.get("link") or "").strip() or None,
            }
        )
        html = dash.plain_html(
            "claims_proposed.html",
            rows=[{**r, "ready": _ready(r)} for r in rows],
            fields=CLAIM_FORM_FIELDS,
            csv_text=csv_text,
            csrf=fields.get(CSRF_FIELD),
            title="Proposed claims",
            writable=True,
        )
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    @app.post("/claims/resolve", include_in_schema=False)
    async def form_resolve(request: Request) -> RedirectResponse:
        await checked_form(request)
        await write(lambda s: None)
        return back(request)
