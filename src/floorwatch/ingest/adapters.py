"""Adapters for public datasets that come in their own shapes.

Each adapter reads the files as published (see the dataset's SOURCE note), maps them onto the
floorwatch tables, checks them, and writes everything in one transaction. Ids are stable, so
re-running an adapter changes nothing.

* :func:`ingest_singapore`: Parliament of Singapore attendance per sitting (jeremychia/
  singapore-parliament-hansards: ``fact_attendance.csv``, ``sittings.csv``, ``party.csv``).
* :func:`ingest_malaysia`: Dewan Rakyat attendance per sitting (MYstatVisualized/
  MY-15th-Parliament: ``attendance_long.csv``, ``15mps.csv``).
* :func:`ingest_uk_parlparse`: House of Commons memberships with party, dates and reasons
  (mySociety parlparse, flattened to ``uk_commons_memberships_1997_2015.csv``).

Membership dates in the attendance datasets are those observed: a member's seat starts at the
first sitting at which they are listed and ends at the last one; it is left open when they are
listed at the dataset's last sitting (they still sit).
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.ingest._adapt import (
    AdapterResult,
    check_and_write,
    count_frames,
    dataset_files,
    group_rows,
    load_csv,
    observed_spells,
    ordinal,
    org_frame,
)
from floorwatch.ingest._checks import slug
from floorwatch.ingest._common import fail_on_first
from floorwatch.ingest.uk_parlparse import UK_PARTIES, ingest_uk_parlparse
from floorwatch.store import Store

__all__ = [
    "MALAYSIA_LABELS",
    "SINGAPORE_PARTIES",
    "UK_PARTIES",
    "AdapterResult",
    "ingest_malaysia",
    "ingest_singapore",
    "ingest_uk_parlparse",
]

#: Singapore party labels: (name, classification). Nominated Members of Parliament (NMP) are
#: appointed, non-partisan members: a group, not a party (classification ``non-party group``).
SINGAPORE_PARTIES = {
    "PAP": ("People's Action Party", "party"),
    "WP": ("Workers' Party", "party"),
    "PSP": ("Progress Singapore Party", "party"),
    "SPP": ("Singapore People's Party", "party"),
    "NMP": ("Nominated Members of Parliament", "non-party group"),
}

#: Malaysian labels in 15mps.csv: (name, classification). Most are coalitions; BEBAS means
#: independent, recorded like Voteview's "Independent" as a party-like label.
MALAYSIA_LABELS = {
    "PH": ("Pakatan Harapan", "coalition"),
    "PN": ("Perikatan Nasional", "coalition"),
    "BN": ("Barisan Nasional", "coalition"),
    "GPS": ("Gabungan Parti Sarawak", "coalition"),
    "GRS": ("Gabungan Rakyat Sabah", "coalition"),
    "WARISAN": ("Parti Warisan", "party"),
    "KDM": ("Parti Kesejahteraan Demokratik Masyarakat", "party"),
    "MUDA": ("Malaysian United Democratic Alliance", "party"),
    "PBM": ("Parti Bangsa Malaysia", "party"),
    "BEBAS": ("Independent (Bebas)", "party"),
}

#: UK parlparse party labels: (name, classification). SPK, CWM and DCWM are the presiding
#: officers (Speaker, Chairman and Deputy Chairmen of Ways and Means), who sit without a party:
#: classification ``office``.


# -- Singapore ---------------------------------------------------------------------------------
def ingest_singapore(store: Store, folder: str | os.PathLike[str]) -> AdapterResult:
    """Load the Singapore Parliament attendance dataset from ``folder``.

    Persons are the MPs named in ``fact_attendance.csv`` (``MP_Name`` trimmed; id
    ``sg-<slug>``); organizations are the Parliament (``sg-parliament``, a legislature) and the
    labels of ``party.csv`` (see :data:`SINGAPORE_PARTIES`); each Parliament (12th, 13th,
    14th) is a ``legislative period`` event and each sitting a ``plenary sitting`` event
    (``sg-sitting-<Sitting_CID>``); ``Attendance`` True/False becomes present/absent. Each MP
    has one membership per Parliament, on behalf of their party (NMPs: role
    ``nominated member``). Rows with a blank ``MP_Name`` (parse residue) are skipped and
    counted; a row repeated for the same sitting and MP is written once and counted.
    """
    fact, sittings, party = dataset_files(
        folder, "fact_attendance.csv", "sittings.csv", "party.csv"
    )
    result = AdapterResult()
    load_csv(store, "_sg_f", fact, ("Date", "Sitting_CID", "MP_Name", "Attendance"), ("Date",))
    fail_on_first(
        store,
        "_sg_f",
        "Attendance IS NULL OR Attendance NOT IN ('True', 'False')",
        file=fact,
        column="Attendance",
        problem="expected True or False but got {value!r}",
    )
    load_csv(
        store, "_sg_s", sittings, ("Sitting_CID", "Sitting_Date", "Parliament_Number",
        "Session_Number", "Sitting_Number"), ("Sitting_Date",),
    )  # fmt: skip
    fail_on_first(
        store,
        "_sg_s",
        "TRY_CAST(Parliament_Number AS INTEGER) IS NULL "
        "OR trim(Parliament_Number) NOT SIMILAR TO '[0-9]+'",
        file=sittings,
        column="Parliament_Number",
        problem="expected a whole number but got {value!r}",
    )
    load_csv(store, "_sg_p", party, ("MP_Name", "party"))
    fail_on_first(
        store,
        "_sg_f f",
        "trim(coalesce(f.MP_Name, '')) <> '' AND NOT EXISTS "
        "(SELECT 1 FROM _sg_s s WHERE s.Sitting_CID = f.Sitting_CID)",
        file=fact,
        column="Sitting_CID",
        problem="unknown sitting {value!r}: it is not in sittings.csv",
        value_sql="f.Sitting_CID",
    )
    raw = store.query(
        """SELECT f._line, trim(f.MP_Name) AS name, f.Attendance = 'True' AS present,
                  f.Sitting_CID AS cid, CAST(s.Sitting_Date AS DATE) AS date,
                  CAST(s.Parliament_Number AS INTEGER) AS parl,
                  s.Session_Number AS session, s.Sitting_Number AS sitting
           FROM _sg_f f LEFT JOIN _sg_s s USING (Sitting_CID) ORDER BY f._line"""
    )
    parties = store.query("SELECT trim(MP_Name) AS name, trim(party) AS party FROM _sg_p")
    for name in ("_sg_f", "_sg_s", "_sg_p"):
        store.unregister(name)
    blank = raw["name"].isna() | (raw["name"] == "")
    result.skipped_blank_rows = int(blank.sum())
    att = raw[~blank].copy()
    att["date"] = pd.to_datetime(att["date"]).dt.date
    att["person_id"] = "sg-" + att["name"].map(slug)
    att["event_id"] = "sg-sitting-" + att["cid"]
    # The same MP listed twice at one sitting: keep one row (present if either says present).
    att = att.sort_values(["event_id", "person_id", "present"], ascending=[True, True, False])
    dup = att.duplicated(["event_id", "person_id"], keep="first")
    result.duplicate_rows = int(dup.sum())
    att = att[~dup]
    party_of = dict(zip(parties["name"], parties["party"], strict=True))
    src = "singapore-parliament-hansards"
    labels = sorted(set(party_of.values()))
    org_rows = [("sg-parliament", "Parliament of Singapore", "legislature", None, None)]
    for label in labels:
        name, cls = SINGAPORE_PARTIES.get(label, (label, "party"))
        org_rows.append((f"sg-{slug(label)}", name, cls, None, label))
    persons = group_rows(att, "person_id", name=("name", "first"))
    persons = persons.rename(columns={"person_id": "id"})
    persons["source"] = src
    parls = group_rows(att, "parl", start=("date", "min"), end=("date", "max"))
    periods = pd.DataFrame(
        {
            "id": "sg-parliament-" + parls["parl"].astype(str),
            "name": [f"{ordinal(int(p))} Parliament of Singapore" for p in parls["parl"]],
            "classification": "legislative period",
            "organization_id": "sg-parliament",
            "start_date": parls["start"],
            "end_date": parls["end"],
            "source": src,
        }
    )
    sit = att.drop_duplicates("event_id")
    sits = pd.DataFrame(
        {
            "id": sit["event_id"],
            "name": [
                f"Sitting {s} of session {n}, {ordinal(int(p))} Parliament"
                for s, n, p in zip(sit["sitting"], sit["session"], sit["parl"], strict=True)
            ],
            "classification": "plenary sitting",
            "organization_id": "sg-parliament",
            "legislative_period_id": "sg-parliament-" + sit["parl"].astype(str),
            "start_date": sit["date"],
            "end_date": sit["date"],
            "source": src,
        }
    )
    spells = observed_spells(att, ["person_id", "parl"], att["date"].max())
    names = dict(zip(persons["id"], persons["name"], strict=True))
    label = spells["person_id"].map(lambda p: party_of.get(names[p]))
    ms = pd.DataFrame(
        {
            "id": "sg-m-" + spells["parl"].astype(str) + "-" + spells["person_id"].str[3:],
            "person_id": spells["person_id"],
            "organization_id": "sg-parliament",
            "on_behalf_of_id": label.map(lambda v: f"sg-{slug(v)}" if v else None),
            "role": label.map(lambda v: "nominated member" if v == "NMP" else "member"),
            "legislative_period_id": "sg-parliament-" + spells["parl"].astype(str),
            "start_date": spells["start_date"],
            "end_date": spells["end_date"],
            "source": src,
        }
    )
    attendance = pd.DataFrame(
        {
            "event_id": att["event_id"],
            "person_id": att["person_id"],
            "status": att["present"].map({True: "present", False: "absent"}),
            "source": src,
        }
    )
    frames = {
        "organization": org_frame(org_rows, src),
        "person": persons,
        "event": pd.concat([periods, sits], ignore_index=True),
        "membership": ms,
        "attendance": attendance,
    }
    with store.transaction():
        check_and_write(store, fact, frames)
        store.log_ingest("singapore", fact, len(attendance))
    count_frames(result, frames)
    return result


# -- Malaysia ----------------------------------------------------------------------------------
_MY_STATUS = {"Present": "present", "Absent": "absent", "Suspended": "suspended"}
_MY_TITLES = {
    "bin", "binti", "bt", "dato", "datuk", "seri", "sri", "dr", "haji", "hajah", "hj", "ir",
    "tan", "tuan", "puan", "prof", "anak", "ak", "al", "ap", "ts", "tengku", "tunku", "wan",
}  # fmt: skip


def _name_words(name: str) -> set[str]:
    words = re.split(r"[^a-z0-9]+", name.lower().replace("'", " "))
    return {w for w in words if len(w) > 1 and w not in _MY_TITLES}


def _my_date(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def ingest_malaysia(store: Store, folder: str | os.PathLike[str]) -> AdapterResult:
    """Load the Dewan Rakyat (15th Parliament) attendance dataset from ``folder``.

    ``15mps.csv`` (no header: name, label, seat code, constituency, gender, date of birth,
    office) gives one MP per seat, with a coalition or party label (see
    :data:`MALAYSIA_LABELS`); the membership is held on behalf of that label as given.
    ``attendance_long.csv`` rows are joined to the MP **on constituency**, as the dataset's
    SOURCE note advises (its names are machine-transcribed, without titles). Rows whose
    constituency is not in ``15mps.csv`` are skipped and counted (``unmatched_rows``).

    Where a seat changed hands at a by-election (Pulai, Kemaman), the earlier member's rows
    carry a name sharing no word with the listed MP, all dated before the listed MP's first
    row: they become a separate person (``predecessor_rows``), whose party the dataset does
    not give (``on_behalf_of_id`` NULL). Status Present/Absent/Suspended maps to
    present/absent/suspended; each sitting day is a ``plenary sitting`` event.
    """
    att_path, mps_path = dataset_files(folder, "attendance_long.csv", "15mps.csv")
    result = AdapterResult()
    load_csv(store, "_my_a", att_path, ("date", "status", "name", "constituency"), ("date",))
    fail_on_first(
        store,
        "_my_a",
        "status IS NULL OR status NOT IN ('Present', 'Absent', 'Suspended')",
        file=att_path,
        column="status",
        problem="expected Present, Absent or Suspended but got {value!r}",
    )
    att = store.query(
        "SELECT _line, CAST(date AS DATE) AS date, trim(status) AS status, trim(name) AS name, "
        "trim(constituency) AS constituency FROM _my_a ORDER BY _line"
    )
    store.unregister("_my_a")
    mps = load_csv(store, "_my_m", mps_path, (), header=False)
    store.unregister("_my_m")
    mps = mps.drop(columns="_line")
    mps.columns = range(mps.shape[1])
    if mps.shape[1] < 4:
        raise InputError(
            f"expected at least 4 columns (name, label, seat, constituency), got {mps.shape[1]}",
            file=mps_path,
            line=1,
        )
    mps = mps.apply(lambda c: c.astype(str).str.strip())
    mps.columns = ["name", "label", "seat", "constituency", *mps.columns[4:]]
    seat_dup = mps[mps["constituency"].duplicated()]
    if not seat_dup.empty:
        raise InputError(
            f"constituency {seat_dup.iloc[0]['constituency']!r} is listed twice",
            file=mps_path,
            line=int(seat_dup.index[0]) + 1,
        )
    mps["person_id"] = "my-" + mps["name"].map(slug)
    att["date"] = pd.to_datetime(att["date"]).dt.date
    matched = att["constituency"].isin(set(mps["constituency"]))
    result.unmatched_rows = int((~matched).sum())
    if not matched.any():
        raise InputError(
            "no row's constituency is in 15mps.csv (the 4th column there): nothing to load; "
            "check that the two files belong together",
            file=att_path,
            column="constituency",
        )
    att = att[matched].merge(
        mps[["constituency", "person_id", "name", "seat"]].rename(columns={"name": "mp_name"}),
        on="constituency",
    )
    _split_predecessors(att, result)
    dup = att.duplicated(["date", "person_id"], keep="first")
    result.duplicate_rows = int(dup.sum())
    att = att[~dup]
    src = "MY-15th-Parliament"
    org_rows = [("my-dewan-rakyat", "Dewan Rakyat", "legislature", None, None)]
    for label in sorted(set(mps["label"])):
        name, cls = MALAYSIA_LABELS.get(label, (label, "party"))
        org_rows.append((f"my-{slug(label)}", name, cls, None, label))
    gender = {"lelaki": "male", "perempuan": "female"}
    listed = pd.DataFrame(
        {
            "id": mps["person_id"],
            "name": mps["name"],
            "gender": mps[4].str.lower().map(gender) if 4 in mps else None,
            "birth_date": mps[5].map(_my_date) if 5 in mps else None,
            "source": src,
        }
    )
    pred = att[att["person_id"].str.startswith("my-pred-")]
    pred_people = (
        pred.groupby("person_id")["name"]
        .agg(lambda s: s.value_counts().index[0])
        .reset_index()
        .rename(columns={"person_id": "id"})
    )
    pred_people["source"] = src
    persons = pd.concat([listed, pred_people], ignore_index=True)
    first, last = att["date"].min(), att["date"].max()
    days = sorted(att["date"].unique())
    events = pd.DataFrame(
        [
            {
                "id": "my-parliament-15",
                "name": "15th Parliament of Malaysia",
                "classification": "legislative period",
                "organization_id": "my-dewan-rakyat",
                "start_date": first,
                "end_date": None,
                "source": src,
            }
        ]
        + [
            {
                "id": f"my-dr-sitting-{d.isoformat()}",
                "name": f"Dewan Rakyat sitting of {d.isoformat()}",
                "classification": "plenary sitting",
                "organization_id": "my-dewan-rakyat",
                "legislative_period_id": "my-parliament-15",
                "start_date": d,
                "end_date": d,
                "source": src,
            }
            for d in days
        ],
        dtype=object,
    )
    spells = observed_spells(att, ["person_id", "constituency", "seat"], last)
    label_of = dict(zip(mps["person_id"], mps["label"], strict=True))
    ms = pd.DataFrame(
        {
            "id": "my-m-15-" + spells["seat"] + "-" + spells["person_id"].str[3:],
            "person_id": spells["person_id"],
            "organization_id": "my-dewan-rakyat",
            "on_behalf_of_id": spells["person_id"].map(
                lambda p: f"my-{slug(label_of[p])}" if p in label_of else None
            ),
            "role": "member",
            "area": spells["seat"] + " " + spells["constituency"],
            "legislative_period_id": "my-parliament-15",
            "start_date": spells["start_date"],
            "end_date": spells["end_date"],
            "source": src,
        }
    )
    attendance = pd.DataFrame(
        {
            "event_id": "my-dr-sitting-" + att["date"].map(dt.date.isoformat),
            "person_id": att["person_id"],
            "status": att["status"].map(_MY_STATUS),
            "note": None,
            "source": src,
        }
    )
    frames = {
        "organization": org_frame(org_rows, src),
        "person": persons,
        "event": events,
        "membership": ms,
        "attendance": attendance,
    }
    with store.transaction():
        check_and_write(store, att_path, frames)
        store.log_ingest("malaysia", att_path, len(attendance))
    count_frames(result, frames)
    return result


def _split_predecessors(att: pd.DataFrame, result: AdapterResult) -> None:
    """Give a by-election predecessor's rows their own person id (in place)."""
    overlap = [
        bool(_name_words(a) & _name_words(b))
        for a, b in zip(att["name"], att["mp_name"], strict=True)
    ]
    att["_same"] = overlap
    first_same = att[att["_same"]].groupby("constituency")["date"].min()
    for seat, grp in att[~att["_same"]].groupby("constituency"):
        start = first_same.get(seat)
        if start is None or grp["date"].max() >= start:
            continue  # not a succession: transcription noise, kept with the listed MP
        name = grp["name"].value_counts().index[0]
        att.loc[grp.index, "person_id"] = "my-pred-" + slug(name)
        result.predecessor_rows += len(grp)
    del att["_same"]
