"""Flags for a legislature recorded only by attendance (Malaysia's Dewan Rakyat, 2022-2025)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import floorwatch
from floorwatch.ingest.adapters import ingest_malaysia
from floorwatch.risk import flags


def test_attendance_only_flags_cite_real_absences(tmp_path, real_data):
    folder = real_data / "malaysia-dewan-rakyat-attendance"
    store = floorwatch.open(tmp_path / "my.duckdb")
    ingest_malaysia(store, folder)
    as_of = dt.date(2024, 6, 30)
    f = flags(store, as_of=as_of)
    scored = f[f.scored]
    assert len(scored) > 150
    assert (f.level == "red").sum() <= 0.05 * len(scored)
    assert f.disloyalty.isna().all() and f.moderation.isna().all()  # no roll calls here
    raw = pd.read_csv(folder / "attendance_long.csv.gz")
    raw["date"] = pd.to_datetime(raw["date"]).dt.date
    flagged = f[f.level == "red"]
    assert len(flagged)
    for row in flagged.itertuples():
        events = [ev for e in row.evidence for ev in e.get("events", [])]
        assert events, f"{row.name}: no absences cited"
        seat = store.scalar(
            "SELECT area FROM membership WHERE person_id = ? LIMIT 1", [row.person_id]
        ).split(" ", 1)[1]
        mine = raw[raw.constituency == seat]
        for ev in events:
            day = dt.date.fromisoformat(ev["date"])
            assert day <= as_of
            statuses = set(mine[mine.date == day].status)
            assert statuses == {"Absent"}, (row.name, day, statuses)
        # The absence rate over the window, counted directly from the raw file.
        recent = mine[(mine.date > as_of - dt.timedelta(days=90)) & (mine.date <= as_of)]
        assert abs(row.absence - (recent.status == "Absent").mean()) < 1e-9
