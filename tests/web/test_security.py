"""Writes need the token; forms need a CSRF token; the Host header is checked."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from floorwatch.web import LOOPBACK_HOSTS, create_app
from floorwatch.web.security import CsrfSigner, WriteAuth

TOKEN = "test-token-0123456789"

CLAIM = {
    "made_on": "2001-06-01",
    "about": ["bioguide-S000663"],
    "predicts": "leaves",
    "organization": "us-party-200",
    "outlet": "Test Gazette",
    "source_kind": "analyst",
}


@pytest.fixture
def rw_client(writable_store_path):
    with TestClient(create_app(writable_store_path, token=TOKEN)) as client:
        yield client


def _csrf(client: TestClient) -> str:
    page = client.get("/claims")
    assert page.status_code == 200
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page.text))
    assert len(tokens) == 1
    return tokens.pop()


def test_read_only_dashboard_refuses_writes(ro_client):
    r = ro_client.post("/api/claims", json=CLAIM, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403
    assert "read-only" in r.json()["detail"].lower() or "without a write token" in r.text
    # No forms are offered at all.
    assert "csrf_token" not in ro_client.get("/claims").text


def test_api_write_needs_the_bearer_token(rw_client):
    assert rw_client.post("/api/claims", json=CLAIM).status_code == 401
    r = rw_client.post("/api/claims", json=CLAIM, headers={"Authorization": "Bearer wrong-token"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    before = rw_client.get("/claims.json").json()["claims"]["data"]
    r = rw_client.post("/api/claims", json=CLAIM, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    cid = r.json()["claim_id"]
    after = rw_client.get("/claims.json").json()["claims"]["data"]
    assert len(after) == len(before) + 1
    (new,) = [c for c in after if c["id"] == cid]
    # Olympia Snowe did not leave the Republicans within 180 days: resolved false at once.
    assert (new["about"], new["status"]) == ("bioguide-S000663", "false")


def test_api_write_errors_are_400_and_write_nothing(rw_client):
    bad = dict(CLAIM, about=["bioguide-NOBODY"])
    r = rw_client.post("/api/claims", json=bad, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert "NOBODY" in r.json()["detail"]
    r = rw_client.post(
        "/api/claims", json={"predicts": "leaves"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 400
    assert len(rw_client.get("/claims.json").json()["claims"]["data"]) == 2


def test_api_override(rw_client):
    cid = rw_client.get("/claims.json").json()["claims"]["data"][1]["id"]
    body = {"status": "true", "note": "checked by hand", "by": "the desk"}
    assert rw_client.post(f"/api/claims/{cid}/override", json=body).status_code == 401
    r = rw_client.post(
        f"/api/claims/{cid}/override", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 200
    row = next(c for c in rw_client.get("/claims.json").json()["claims"]["data"] if c["id"] == cid)
    assert (row["status"], row["manual"], row["resolved_by"]) == ("true", True, "the desk")
    r = rw_client.post(
        "/api/claims/nope/override", json=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 404


def test_form_needs_csrf_then_token(rw_client):
    form = {
        "made_on": "2001-06-01",
        "about": "bioguide-S000663",
        "predicts": "leaves",
        "organization": "us-party-200",
        "outlet": "Form Gazette",
    }
    # No CSRF token at all.
    r = rw_client.post("/claims", data=dict(form, token=TOKEN), follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    # A forged token (not signed by this server) is refused even when cookie and field agree.
    forged = CsrfSigner().new_token()
    rw_client.cookies.set("fw_csrf", forged)
    r = rw_client.post(
        "/claims", data=dict(form, token=TOKEN, csrf_token=forged), follow_redirects=False
    )
    assert r.status_code == 403
    rw_client.cookies.clear()
    token = _csrf(rw_client)
    # The cookie and the field differ.
    r = rw_client.post(
        "/claims",
        data=dict(form, token=TOKEN, csrf_token=CsrfSigner().new_token()),
        follow_redirects=False,
    )
    assert r.status_code == 403
    # Valid CSRF but no write token.
    r = rw_client.post("/claims", data=dict(form, csrf_token=token), follow_redirects=False)
    assert r.status_code == 401
    assert len(rw_client.get("/claims.json").json()["claims"]["data"]) == 2
    # Both: accepted, redirected back to the ledger where the claim now is.
    r = rw_client.post(
        "/claims", data=dict(form, csrf_token=token, token=TOKEN), follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/claims#claim-")
    outlets = [c["outlet"] for c in rw_client.get("/claims.json").json()["claims"]["data"]]
    assert "Form Gazette" in outlets


def test_csrf_cookie_is_strict_and_http_only(rw_client):
    r = rw_client.get("/claims")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert r.headers["cache-control"] == "no-store"


def test_write_auth_rules():
    assert WriteAuth(None).check("anything") == 403
    auth = WriteAuth("a-long-token")
    assert auth.check(None) == 401
    assert auth.check("wrong", None) == 401
    assert auth.check(None, "a-long-token") == 0
    with pytest.raises(ValueError):
        WriteAuth("short")


def test_csrf_signer():
    s = CsrfSigner(b"k" * 32)
    t = s.new_token()
    assert s.verify(t, t)
    assert not s.verify(t, s.new_token())
    assert not s.verify(t, None)
    assert not CsrfSigner(b"x" * 32).verify(t, t)
    assert not s.is_signed("no-dot")


def test_host_header_is_checked_on_loopback(web_store_path):
    app = create_app(web_store_path, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/index.json").status_code == 200
        r = client.get("/index.json", headers={"Host": "attacker.example"})
        assert r.status_code == 400
        assert r.headers["x-frame-options"] == "DENY"
        assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
        assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
