"""The dashboard's defences: write token, CSRF tokens, security headers, allowed hosts.

- **Read-only by default.** Started without a token, every write answers 403. Started with
  ``--token``, a write needs that token, sent as ``Authorization: Bearer <token>`` (the JSON
  API) or typed into the form's token field (the HTML forms). Tokens are compared in constant
  time.
- **CSRF.** HTML forms carry a *signed double-submit* token: a random nonce with an
  HMAC-SHA256 signature under a per-process secret, set both as a ``SameSite=Strict`` cookie
  and as a hidden form field. A form post is accepted only when both are present, equal and
  correctly signed (OWASP CSRF Prevention Cheat Sheet, "Signed Double-Submit Cookie"). The
  JSON API needs no CSRF token: it authenticates with a header a browser never adds by itself.
- **Headers** on every response: a Content-Security-Policy that allows no script at all and
  styles only from the dashboard's own static file, ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``, ``Referrer-Policy: no-referrer``,
  ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy: same-origin`` and a
  ``Permissions-Policy`` that turns off powerful features.
- **Allowed hosts.** Bound to a loopback address, the server answers only requests whose
  ``Host`` is a loopback name, which defeats DNS-rebinding attacks from web pages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "CsrfSigner",
    "SecurityHeadersMiddleware",
    "WriteAuth",
    "bearer_token",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)

#: Host names accepted when the server is bound to loopback.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

CSRF_COOKIE = "fw_csrf"
CSRF_FIELD = "csrf_token"


def bearer_token(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    value = headers.get("authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class WriteAuth:
    """Decides whether a write may go ahead.

    Parameters
    ----------
    token:
        The token the server was started with; None means the dashboard is read-only.
    """

    def __init__(self, token: str | None) -> None:
        if token is not None and len(token) < 8:
            raise ValueError("the write token must be at least 8 characters long")
        self._token = token.encode() if token is not None else None

    @property
    def enabled(self) -> bool:
        """True when writes are possible at all (the server has a token)."""
        return self._token is not None

    def check(self, *candidates: str | None) -> int:
        """0 if one of ``candidates`` is the token; else the HTTP status to answer.

        403 when the server is read-only (no token configured), 401 when no candidate matches.
        """
        if self._token is None:
            return 403
        ok = False
        for candidate in candidates:
            if candidate:
                # Compare every candidate so timing does not tell which one was tried.
                ok |= hmac.compare_digest(candidate.encode(), self._token)
        return 0 if ok else 401


class CsrfSigner:
    """Signed double-submit CSRF tokens: ``nonce.signature`` under a per-process secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    def new_token(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._sign(nonce)}"

    def is_signed(self, token: str | None) -> bool:
        if not token or token.count(".") != 1:
            return False
        nonce, sig = token.split(".")
        return hmac.compare_digest(sig, self._sign(nonce))

    def verify(self, form_token: str | None, cookie_token: str | None) -> bool:
        """True when the form's token equals the cookie's and is signed by us."""
        if not form_token or not cookie_token:
            return False
        if not hmac.compare_digest(form_token, cookie_token):
            return False
        return self.is_signed(form_token)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: security headers on every response, and a Host check.

    Parameters
    ----------
    app:
        The wrapped ASGI app.
    allowed_hosts:
        Host names (without port) to accept; None accepts any.
    """

    def __init__(self, app: ASGIApp, *, allowed_hosts: Sequence[str] | None = None) -> None:
        self.app = app
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self._raw = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS]

    def _host_ok(self, scope: Scope) -> bool:
        if self.allowed_hosts is None:
            return True
        host = Headers(scope=scope).get("host", "").lower()
        if host.startswith("["):  # [::1]:8000
            name = host.split("]")[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in self.allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._host_ok(scope):
            await self._reject(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS:
                    if key not in headers:
                        headers.append(key, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _reject(self, send: Send) -> None:
        body = b"Invalid Host header: this dashboard answers only on its loopback address.\n"
        headers: list[Any] = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *self._raw,
        ]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})
