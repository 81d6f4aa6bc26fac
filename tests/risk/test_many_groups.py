"""Metrics, ideal points, flags and the backtest on bodies of many groups: the European
Parliament (P9 slice around the Fidesz MEPs' exit from the EPP group) and Brazil's Câmara (2003
slice), from tests/data/rollcalls. The other side is each member's nearest other group."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from floorwatch.idealpoints.legislature import ideal_points
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.metrics import loyalty
from floorwatch.risk import flags
from floorwatch.risk.backtest import backtest
from floorwatch.risk.signals import compute_signals
from realdata import br2003


@pytest.fixture
def ep_store(tmp_store, test_data):
    rc = test_data / "rollcalls"
    ingest_rollcalls(
        tmp_store, "ep", rc / "EP_P9_slice_rollcalls.csv.gz", rc / "EP_P9_slice_votes.csv.gz",
        rc / "EP_P9_slice_members.csv.gz", period="P9", label_kind="faction",
    )  # fmt: skip
    return tmp_store


@pytest.fixture
def br_store(tmp_store):
    ingest_rollcalls(tmp_store, "br-camara", *br2003())
    return tmp_store


def test_ep_loyalty_by_group_at_the_vote(ep_store):
    before = loyalty(ep_store, as_of="2021-02-11", legislature="ep")
    after = loyalty(ep_store, as_of="2021-04-30", legislature="ep")
    fidesz = "ep-5138"
    # one row per member and group sat for: the switcher's votes under each group apart
    assert list(before[before.person_id == fidesz].party) == ["PPE"]
    assert set(after[after.person_id == fidesz].party) == {"PPE", "NI"}
    assert before.loyalty.dropna().between(0, 1).all() and before.loyalty.notna().sum() >= 18


def test_ep_nearest_other_group_is_another_group(ep_store):
    sig, ctx = compute_signals(ep_store, dt.date(2021, 2, 10), legislature="ep")
    party = dict(zip(sig.person_id, sig.party_id, strict=True))
    assert ctx.nearest and set(ctx.nearest) <= set(sig.person_id)
    for person, group in ctx.nearest.items():
        assert group != party[person]
    # the other agreement is the share with that nearest group, the highest of all groups
    assert np.nanmin(sig.other_agreement) >= 0 and np.nanmax(sig.other_agreement) <= 1


def test_ep_flags_ideal_points_and_backtest_run(ep_store):
    red = flags(ep_store, as_of="2021-02-10", legislature="ep")
    assert len(red) and set(red.level) <= {"red", "amber", "green"}
    ideal = ideal_points(ep_store, as_of="2021-02-10", legislature="ep")
    assert ideal.dim1.notna().sum() >= 20
    result = backtest(ep_store, step_days=14)
    assert len(result.switches) == 12  # the Fidesz MEPs, dated 2021-02-11 .. 2021-03-08
    assert set(result.switches.date_from) == {dt.date(2021, 2, 11)}


def test_brazil_flags_and_loyalty_run(br_store):
    table = loyalty(br_store, as_of="2003-12-31", legislature="br-camara")
    assert len(table) >= 26 and table.loyalty.dropna().between(0, 1).all()
    red = flags(br_store, as_of="2003-09-01", legislature="br-camara")
    assert len(red) and set(red.level) <= {"red", "amber", "green"}


def test_ep_dashboard_pages(ep_store):
    from fastapi.testclient import TestClient

    from floorwatch.web.app import create_app

    path = ep_store.path
    name = ep_store.scalar("SELECT name FROM person WHERE id = 'ep-6001'")
    ep_store.close()  # the dashboard opens the store read-only
    client = TestClient(create_app(path))
    switches_page = client.get("/switches.json").json()
    rows = switches_page["switches"] if isinstance(switches_page, dict) else switches_page
    assert sum(1 for r in rows if r["from_party"] == "PPE" and r["to_party"] == "NI") == 12
    assert client.get("/party/ep-party-The_20Left").status_code == 200
    page = client.get("/member/ep-6001")
    assert page.status_code == 200 and name in page.text
