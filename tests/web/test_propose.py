"""The claims page's "propose claims from an article", behind the write token.

A store of the EveryPolitician Pakistan cut plus the fictional register of
tests/data/claims_extract; the article is one of the test articles written for issue 16.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import floorwatch
from floorwatch.ingest import ingest_popolo
from floorwatch.ingest.csv import ingest_csv
from floorwatch.web import create_app

TOKEN = "propose-token-0123456789"


@pytest.fixture()
def client(tmp_path, test_data):
    path = tmp_path / "register.duckdb"
    with floorwatch.open(path) as store:
        ingest_popolo(store, test_data / "names" / "pakistan-names.json")
        for kind in ("persons", "organizations", "memberships", "other_names"):
            ingest_csv(store, kind, test_data / "claims_extract" / f"{kind}.csv")
    with TestClient(create_app(path, token=TOKEN)) as c:
        yield c


@pytest.fixture()
def article(test_data):
    return (test_data / "claims_extract" / "articles" / "02-two-join.txt").read_text("utf-8")


def _csrf(client) -> str:
    page = client.get("/claims")
    assert 'id="propose-claims"' in page.text
    return re.findall(r'name="csrf_token" value="([^"]+)"', page.text)[0]


def test_api_propose_needs_the_token_and_stores_nothing(client, article):
    body = {"text": article, "made_on": "2016-03-15", "outlet": "Example Wire"}
    assert client.post("/api/claims/propose", json=body).status_code == 401
    r = client.post("/api/claims/propose", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    out = r.json()
    rows = out["rows"]
    joined = [r for r in rows if r["quote"].startswith("Zubair Khokhar said")]
    assert [sorted(r["about"].split(";")) for r in joined] == [
        ["fx-naveed-anjum", "fx-rubina-gill"]
    ]
    assert joined[0]["organization"] == "fx-nig" and joined[0]["outlet"] == "Example Wire"
    assert "join.past" in joined[0]["note"]
    assert out["importable"] == 3  # the Asif (ambiguous) and Imran Ali Shah rows need review
    assert client.get("/claims.json").json()["claims"]["data"] == []


def test_form_shows_proposals_then_adds_one(client, article):
    token = _csrf(client)
    form = {"text": article, "made_on": "2016-03-15", "csrf_token": token}
    assert client.post("/claims/propose", data=form).status_code == 401  # no write token
    page = client.post("/claims/propose", data=dict(form, token=TOKEN))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "Proposed claims" in html and "AMBIGUOUS" in html and "needs review" in html
    assert "<textarea readonly" in html and "proposed by pattern(s) join.past" in html
    # the first "Add" form carries the proposal's fields; post it as the browser would
    add = re.search(r'<form method="post" action="/claims" class="inline">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', add[1]))
    assert fields["predicts"] == "joins" and fields["organization"] == "fx-nig"
    import html as html_lib

    fields = {k: html_lib.unescape(v) for k, v in fields.items()}
    r = client.post("/claims", data=dict(fields, token=TOKEN), follow_redirects=False)
    assert r.status_code == 303
    claims = client.get("/claims.json").json()["claims"]["data"]
    assert len(claims) == 1 and claims[0]["count_min"] == 2
