"""``ingest_rollcalls`` on the full EP terms and Brazil 1991-2017 (``../shared/data``): the
switches agree with the shipped transitions files (``kind = switch``). The differences with
the default rules are explained in docs/rollcalls.md."""

from __future__ import annotations

import pandas as pd
import pytest

from floorwatch.ingest._labels import LabelRules
from floorwatch.ingest.rollcalls import ingest_rollcalls
from floorwatch.memberships import switches
from realdata import BR_RELABELS, EP_P7_RELABELS


def _switch_set(frame, prefix):
    return {
        (p.removeprefix(prefix), str(a), str(b))
        for p, a, b in frame[["person_id", "date_from", "date_to"]].itertuples(index=False)
    }


@pytest.mark.shared("ep-rcv-p7-p9")
@pytest.mark.parametrize("term", ["P7", "P8", "P9"])
def test_ep_switches_match_transitions(tmp_store, shared_data, term):
    d = shared_data / "ep-rcv-p7-p9"
    rules = LabelRules(relabels=EP_P7_RELABELS) if term == "P7" else LabelRules()
    result = ingest_rollcalls(
        tmp_store,
        "ep",
        d / f"EP_{term}_rollcalls.csv",
        d / f"EP_{term}_votes.csv.gz",
        d / f"EP_{term}_members.csv",
        period=term,
        label_kind="faction",
        rules=rules,
    )
    tf = pd.read_csv(d / f"EP_{term}_group_transitions.csv", dtype=str)
    tf = tf[tf.kind == "switch"]
    want = set(zip(tf.mep_id, tf.last_date_in_from, tf.first_date_in_to, strict=True))
    assert _switch_set(switches(tmp_store, legislature="ep"), "ep-") == want
    assert result.count("switch") == len(tf)


@pytest.mark.shared("brazil-chamber-1991-2017")
def test_brazil_switches_match_transitions(tmp_store, shared_data):
    d = shared_data / "brazil-chamber-1991-2017"
    rules = LabelRules(relabels=BR_RELABELS, detect_relabels=False, no_party=("S.Part.",))
    result = ingest_rollcalls(
        tmp_store,
        "br",
        d / "BR_chamber_rollcalls.csv",
        d / "BR_chamber_votes.csv.gz",
        d / "BR_chamber_members.csv",
        rules=rules,
    )
    tf = pd.read_csv(d / "BR_chamber_party_transitions.csv", dtype=str)
    kinds = result.changes.kind.value_counts()
    assert kinds["switch"] == (tf.kind == "switch").sum()
    assert kinds["no party"] == (tf.kind == "to_or_from_no_party").sum()
    ch = result.changes[result.changes.kind == "switch"]
    got = set(
        zip(
            ch.person_id.str.removeprefix("br-"),
            ch.period,
            ch.last_date_from.astype(str),
            ch.first_date_to.astype(str),
            strict=True,
        )
    )
    sw = tf[tf.kind == "switch"]
    want = set(
        zip(
            sw.legislator_id, sw.legislature, sw.last_date_in_from, sw.first_date_in_to, strict=True
        )
    )
    assert got == want
