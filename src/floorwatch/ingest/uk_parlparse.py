"""Adapter for UK House of Commons memberships from mySociety's parlparse.

The dataset (``uk-parlparse`` in the shared data; see its SOURCE note) flattens parlparse's
``all-members.xml`` (1997-2009) and ``all-members-2010.xml`` (2010-2015) into one CSV,
``uk_commons_memberships_1997_2015.csv``: one row per MP, per term, per party.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from floorwatch.errors import InputError
from floorwatch.ingest._adapt import (
    AdapterResult,
    check_and_write,
    count_frames,
    load_csv,
    org_frame,
)
from floorwatch.ingest._checks import normalize_reason, slug
from floorwatch.ingest._common import check_utf8, fail_on_first, require_file
from floorwatch.store import Store

__all__ = ["UK_PARTIES", "ingest_uk_parlparse"]

UK_PARTIES = {
    "Lab": ("Labour Party", "party"),
    "Con": ("Conservative Party", "party"),
    "LDem": ("Liberal Democrats", "party"),
    "Lab/Co-op": ("Labour and Co-operative", "party"),
    "DUP": ("Democratic Unionist Party", "party"),
    "SNP": ("Scottish National Party", "party"),
    "UUP": ("Ulster Unionist Party", "party"),
    "SF": ("Sinn Féin", "party"),
    "PC": ("Plaid Cymru", "party"),
    "SDLP": ("Social Democratic and Labour Party", "party"),
    "UKIP": ("UK Independence Party", "party"),
    "Res": ("Respect", "party"),
    "UKUP": ("UK Unionist Party", "party"),
    "Alliance": ("Alliance Party of Northern Ireland", "party"),
    "Green": ("Green Party", "party"),
    "Ind": ("Independent", "party"),
    "Ind Con": ("Independent Conservative", "party"),
    "Ind Lab": ("Independent Labour", "party"),
    "Ind UU": ("Independent Ulster Unionist", "party"),
    "SPK": ("Speaker", "office"),
    "CWM": ("Chairman of Ways and Means", "office"),
    "DCWM": ("Deputy Chairman of Ways and Means", "office"),
}


_UK_REQUIRED = (
    "person_id",
    "member_id",
    "firstname",
    "lastname",
    "constituency",
    "party",
    "fromdate",
    "todate",
    "fromwhy",
    "towhy",
)


def ingest_uk_parlparse(store: Store, path: str | os.PathLike[str]) -> AdapterResult:
    """Load UK House of Commons memberships (parlparse, flattened to one CSV).

    Each row is one MP, one term, one party. Persons get the id ``uk-parlparse-<n>`` from the
    parlparse person id ``uk.org.publicwhip/person/<n>``, which is stored as identifier scheme
    ``parlparse`` (and ``datadotparl_id`` as scheme ``datadotparl``); the name is the latest
    row's first and last name, and ``person_latestname`` (e.g. a peerage title) is kept as an
    other name. Memberships are of ``uk-commons`` on behalf of the party label (see
    :data:`UK_PARTIES`), with ``fromwhy``/``towhy`` mapped by
    :data:`~floorwatch.ingest._checks.REASON_ALIASES` (``changed_party`` -> ``changed party``,
    ``general_election*`` -> ``election``, ``by_election`` -> ``by-election``,
    ``still_in_office`` -> no end). A ``todate`` of 9999-12-31 means no end date; when such a
    row (from the 2009 snapshot) is followed by a later membership of the same person, it ends
    the day before that one starts (reason ``election`` if the next one began at a general
    election, else ``unknown``), since nobody holds two seats at once.
    """
    path = require_file(path)
    check_utf8(path)
    result = AdapterResult()
    cols = list(load_csv(store, "_uk_raw", path, _UK_REQUIRED, ("fromdate", "todate")).columns)
    fail_on_first(
        store,
        "_uk_raw",
        "CAST(todate AS DATE) < CAST(fromdate AS DATE)",
        file=path,
        column="todate",
        problem="dates out of order: todate {value} is before fromdate",
        value_sql="todate",
    )
    for col in ("person_id", "member_id"):
        # The ids become store ids (their last path segment): an empty one would merge
        # unrelated rows into one person, a control character is no parlparse id.
        q = f'"{col}"'
        fail_on_first(
            store,
            "_uk_raw",
            f"trim(coalesce({q}, '')) = '' OR regexp_matches({q}, '[[:cntrl:]]') "
            f"OR split_part({q}, '/', -1) = ''",
            file=path,
            column=col,
            problem=f"{col} {{value}} is not a parlparse id: expected e.g. "
            f"'uk.org.publicwhip/{col.split('_')[0]}/10001' (no empty or control characters)",
            value_sql=f"'''' || replace({q}, chr(0), '\\0') || ''''",
        )
    opt = {c: (f'"{c}"' if c in cols else "NULL") for c in
           ("person_latestname", "datadotparl_id", "source_file")}  # fmt: skip
    raw = store.query(
        f"""SELECT _line, person_id, member_id, trim(firstname) AS firstname,
                   trim(lastname) AS lastname, constituency, trim(party) AS party,
                   CAST(fromdate AS DATE) AS fromdate, CAST(todate AS DATE) AS todate,
                   fromwhy, towhy, {opt["person_latestname"]} AS latestname,
                   {opt["datadotparl_id"]} AS datadotparl, {opt["source_file"]} AS source_file
            FROM _uk_raw ORDER BY _line"""
    )
    store.unregister("_uk_raw")
    dup = raw[raw["member_id"].duplicated()]
    if not dup.empty:
        raise InputError(
            f"duplicate member_id {dup.iloc[0]['member_id']!r}",
            file=path,
            line=int(dup.iloc[0]["_line"]),
            column="member_id",
        )
    for c in ("fromdate", "todate"):
        raw[c] = pd.to_datetime(raw[c]).dt.date
    raw["pid"] = "uk-parlparse-" + raw["person_id"].str.rsplit("/", n=1).str[-1]
    raw = raw.sort_values(["pid", "fromdate", "_line"]).reset_index(drop=True)
    src = "parlparse"
    latest = raw.groupby("pid").tail(1)
    persons = pd.DataFrame(
        {
            "id": latest["pid"],
            "name": (latest["firstname"] + " " + latest["lastname"]).str.strip(),
            "given_name": latest["firstname"],
            "family_name": latest["lastname"],
            "source": src,
        }
    )
    other = latest[latest["latestname"].notna()].copy()
    other = other[other["latestname"] != (other["firstname"] + " " + other["lastname"])]
    other_names = pd.DataFrame(
        {
            "person_id": other["pid"],
            "name": other["latestname"],
            "lang": "en",
            "note": "latest name (parlparse)",
        }  # fmt: skip
    )
    ids = raw.drop_duplicates("pid")
    identifiers = pd.DataFrame(
        {"scheme": "parlparse", "identifier": ids["person_id"], "person_id": ids["pid"]}
    )
    ddp = raw[raw["datadotparl"].notna() & (raw["datadotparl"] != "")].drop_duplicates("pid")
    identifiers = pd.concat(
        [
            identifiers,
            pd.DataFrame(
                {
                    "scheme": "datadotparl",
                    "identifier": ddp["datadotparl"],
                    "person_id": ddp["pid"],
                }  # fmt: skip
            ),
        ],
        ignore_index=True,
    )
    org_rows = [
        ("uk-parliament", "Parliament of the United Kingdom", "legislature", None, None),
        ("uk-commons", "House of Commons", "chamber", "uk-parliament", "HC"),
    ]
    for label in sorted(set(raw["party"])):
        name, cls = UK_PARTIES.get(label, (label, "party"))
        org_rows.append((f"uk-party-{slug(label)}", name, cls, None, label))
    end = raw["todate"].where(raw["todate"] != dt.date(9999, 12, 31), None).astype(object)
    end_reason = raw["towhy"].map(normalize_reason).astype(object)
    nxt_pid = raw["pid"].shift(-1)
    nxt_start = raw["fromdate"].shift(-1)
    nxt_why = raw["fromwhy"].shift(-1)
    bound = end.isna() & (nxt_pid == raw["pid"])
    end[bound] = nxt_start[bound].map(lambda d: d - dt.timedelta(days=1))
    end_reason[bound] = nxt_why[bound].map(
        lambda w: "election" if str(w).startswith("general_election") else "unknown"
    )
    ms = pd.DataFrame(
        {
            "id": "uk-parlparse-member-" + raw["member_id"].str.rsplit("/", n=1).str[-1],
            "person_id": raw["pid"],
            "organization_id": "uk-commons",
            "on_behalf_of_id": "uk-party-" + raw["party"].map(slug),
            "role": "member",
            "area": raw["constituency"],
            "start_date": raw["fromdate"],
            "end_date": end,
            "start_reason": raw["fromwhy"].map(normalize_reason),
            "end_reason": end_reason,
            "source": "parlparse:" + raw["source_file"].fillna(path.name),
            "_line": raw["_line"],
        }
    )
    frames = {
        "organization": org_frame(org_rows, src),
        "person": persons,
        "identifier": identifiers,
        "other_name": other_names,
        "event": pd.DataFrame(columns=["id"]),
        "membership": ms,
    }
    with store.transaction():
        check_and_write(store, path, frames, line_column="fromdate")
        store.log_ingest("uk-parlparse", path, len(ms))
    count_frames(result, frames)
    return result
