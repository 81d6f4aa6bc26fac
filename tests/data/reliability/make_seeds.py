"""Rebuild the fuzzing seeds in this folder from the real datasets in ../shared/data.

Run from the repository root: ``python tests/data/reliability/make_seeds.py``. The seeds are
small, valid files of real rows (so that a fuzzed input is one or two mutations away from a
correct load); the outputs are committed, this script only documents how they were cut.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2].parent / "shared" / "data"

#: Senate 107: the President's row, Jeffords (two ICPSR numbers: R, then Independent), and
#: eight others, among them Specter, Chafee and Snowe (the claims template names them).
VV_ICPSR = {"99910", "14240", "94240", "49700", "14661", "10808", "14031", "14910", "49905",
            "14617", "1366"}  # fmt: skip
#: Roll calls before (1, 2) and after (171, 172) Jeffords' switch on 2001-06-06.
VV_ROLLS = {"1", "2", "171", "172"}


def _cut_csv(src: Path, dst: Path, keep) -> int:
    with src.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if keep(dict(zip(header, r, strict=False)), r)]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    dst.write_text(out.getvalue(), encoding="utf-8")
    return len(rows)


def voteview() -> None:
    d = SHARED / "voteview-senate"
    out = HERE / "voteview"
    out.mkdir(exist_ok=True)
    _cut_csv(d / "S107_members.csv", out / "members.csv", lambda r, _: r["icpsr"] in VV_ICPSR)
    _cut_csv(
        d / "S107_rollcalls.csv", out / "rollcalls.csv", lambda r, _: r["rollnumber"] in VV_ROLLS
    )
    _cut_csv(
        d / "S107_votes.csv",
        out / "votes.csv",
        lambda r, _: r["rollnumber"] in VV_ROLLS and r["icpsr"] in VV_ICPSR,
    )


def uk() -> None:
    # Quentin Davies (Con -> Lab 2007, still in office), Dennis Canavan (Lab -> Ind 1999),
    # Jeffrey Donaldson (UUP -> Ind UU -> DUP), Alan Haselhurst (Con -> CWM), Diane Abbott.
    people = {"10160", "10091", "10172", "10263", "10001"}
    out = HERE / "uk"
    out.mkdir(exist_ok=True)
    _cut_csv(
        SHARED / "uk-parlparse" / "uk_commons_memberships_1997_2015.csv",
        out / "uk_commons_memberships_1997_2015.csv",
        lambda r, _: r["person_id"].rsplit("/", 1)[-1] in people,
    )


def singapore() -> None:
    d = SHARED / "singapore-parliament-attendance"
    out = HERE / "singapore"
    out.mkdir(exist_ok=True)
    sittings = {"012-001-089-006", "012-001-089-007"}
    names: set[str] = set()

    def keep_fact(r, _):
        if r["Sitting_CID"] in sittings and len(names | {r["MP_Name"]}) <= 13:
            names.add(r["MP_Name"])
            return True
        return False

    _cut_csv(d / "fact_attendance.csv", out / "fact_attendance.csv", keep_fact)
    _cut_csv(d / "sittings.csv", out / "sittings.csv", lambda r, _: r["Sitting_CID"] in sittings)
    _cut_csv(d / "party.csv", out / "party.csv", lambda r, _: r["MP_Name"] in names)


def malaysia() -> None:
    d = SHARED / "malaysia-dewan-rakyat-attendance"
    out = HERE / "malaysia"
    out.mkdir(exist_ok=True)
    days = {"2023-03-01", "2023-03-02"}
    seats: set[str] = set()
    with (d / "attendance_long.csv").open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["date"] == "2023-03-01" and len(seats) < 12:
                seats.add(r["constituency"])
    _cut_csv(
        d / "attendance_long.csv",
        out / "attendance_long.csv",
        lambda r, _: r["date"] in days and r["constituency"] in seats,
    )
    with (d / "15mps.csv").open(encoding="utf-8-sig", newline="") as fh:
        mps = [r for r in csv.reader(fh) if len(r) > 3 and r[3] in seats]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(mps)
    (out / "15mps.csv").write_text(buf.getvalue(), encoding="utf-8")


def pakistan() -> None:
    """Five members of the 14th National Assembly, with Urdu names, and what they refer to."""
    doc = json.loads(
        (SHARED / "everypolitician-pakistan" / "ep-popolo-v1.0.json").read_text(encoding="utf-8")
    )
    urdu = [
        p for p in doc["persons"] if any(o.get("lang") == "ur" for o in p.get("other_names", []))
    ]
    pick = {p["id"] for p in urdu[:3]}
    pick |= {p["id"] for p in doc["persons"] if p["name"] in ("Imran Khan", "Aaisha Gulalai")}
    ms = [m for m in doc["memberships"] if m["person_id"] in pick]
    orgs = {m["organization_id"] for m in ms} | {m.get("on_behalf_of_id") for m in ms}
    events = {m.get("legislative_period_id") for m in ms}
    areas = {m.get("area_id") for m in ms}
    persons = [p for p in doc["persons"] if p["id"] in pick]
    for p in persons:  # keep the seed small: a few other names, one link, no images
        p["other_names"] = [
            o for o in p.get("other_names", []) if o.get("lang") in (None, "ur", "en", "pt")
        ][:4]
        p.pop("images", None)
        p["links"] = p.get("links", [])[:1]
    for o in doc["organizations"]:
        o["other_names"] = [x for x in o.get("other_names", []) if x.get("lang") in ("ur", "en")]
    out = {
        "persons": persons,
        "organizations": [o for o in doc["organizations"] if o["id"] in orgs],
        "memberships": ms,
        "events": [e for e in doc["events"] if e["id"] in events],
        "areas": [a for a in doc["areas"] if a["id"] in areas],
    }
    (HERE / "popolo").mkdir(exist_ok=True)
    (HERE / "popolo" / "pakistan.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def senate_with_attendance() -> None:
    """floorwatch's own Popolo export of the Voteview and Singapore seeds: vote events with
    votes and counts, a dated party switch, sittings with attendees."""
    sys.path.insert(0, str(HERE.parents[2] / "src"))
    import floorwatch
    from floorwatch.export import to_popolo
    from floorwatch.ingest.adapters import ingest_singapore

    store = floorwatch.open(":memory:")
    v = HERE / "voteview"
    floorwatch.ingest_voteview(store, v / "members.csv", v / "rollcalls.csv", v / "votes.csv")
    ingest_singapore(store, HERE / "singapore")
    doc = to_popolo(store)
    (HERE / "popolo" / "senate_singapore.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def rollcalls() -> None:
    """Brazil's Câmara (from ../../rollcalls/BR_2003_*, see its SOURCE.md): the 30 roll calls
    around the first vote under PP (the PPB -> PP rename, 2003-06-03) and 10 deputies: the 3
    lowest ids ever labelled PPB, the first 4 switchers of the transitions file who vote in
    those roll calls, and the 3 lowest ids with no transition."""
    import pandas as pd

    rc, out = HERE.parent / "rollcalls", HERE / "rollcalls"
    r = pd.read_csv(rc / "BR_2003_rollcalls.csv.gz", dtype=str)
    v = pd.read_csv(rc / "BR_2003_votes.csv.gz", dtype=str)
    m = pd.read_csv(rc / "BR_2003_members.csv.gz", dtype=str)
    t = pd.read_csv(rc / "BR_2003_transitions.csv.gz", dtype=str)
    n = r.rollnumber.astype(int)
    first_pp = v[v.party == "PP"].rollnumber.astype(int).min()
    rr = r[(n >= first_pp - 15) & (n < first_pp + 15)]
    voting = set(v[v.rollnumber.isin(rr.rollnumber)].legislator_id)
    ids = sorted(set(v[v.party == "PPB"].legislator_id))[:3]
    ids += [x for x in t[t.kind == "switch"].legislator_id if x in voting][:4]
    ids += sorted(set(m.legislator_id) - set(t.legislator_id))[:3]
    rr.to_csv(out / "rollcalls.csv", index=False)
    v[v.rollnumber.isin(rr.rollnumber) & v.legislator_id.isin(ids)].to_csv(
        out / "votes.csv", index=False
    )
    m[m.legislator_id.isin(ids)].to_csv(out / "members.csv", index=False)


if __name__ == "__main__":
    voteview()
    rollcalls()
    uk()
    singapore()
    malaysia()
    pakistan()
    senate_with_attendance()
    for f in sorted(HERE.rglob("*")):
        if f.is_file() and f.suffix in (".csv", ".json"):
            print(f.relative_to(HERE), f.stat().st_size, "bytes")
