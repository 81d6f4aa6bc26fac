"""The dashboard over a legislature recorded only by attendance (Malaysia, open-ended seats)."""

from __future__ import annotations

from fastapi.testclient import TestClient

import floorwatch
from floorwatch.ingest.adapters import ingest_malaysia
from floorwatch.web import create_app


def test_pages_render_for_attendance_only_data(tmp_path, real_data):
    path = tmp_path / "my.duckdb"
    store = floorwatch.open(path)
    ingest_malaysia(store, real_data / "malaysia-dewan-rakyat-attendance")
    store.close()
    client = TestClient(create_app(path))
    member = client.get("/member/my-chow-kon-yeow.json?as_of=2024-06-30")
    assert member.status_code == 200
    (seat,) = member.json()["party_history"]
    assert (seat["party_id"], seat["start_date"], seat["end_date"]) == (
        "my-ph",
        "2022-12-19",
        None,
    )  # an open-ended seat (no end date) renders
    flag = member.json()["flag"]["data"]
    assert flag["level"] == "red" and flag["evidence"][0]["events"]  # 100% absent since April
    assert client.get("/member/my-chow-kon-yeow?as_of=2024-06-30").status_code == 200
    overview = client.get("/index.json?as_of=2024-06-30").json()
    red = [f for f in overview["flags"]["data"] if f["level"] == "red"]
    assert red and all("sittings" in f["summary"] or "events" in f["summary"] for f in red)
