"""Data-quality checks of the store (``floorwatch check``): records that are probably wrong.

Each check returns rows of one frame (columns :data:`CHECK_COLUMNS`):

``two members for one seat``
    Two people whose memberships of one legislature for one ``area`` in one period overlap
    (inclusive dates; an open end overlaps everything after the start) when, on the first day
    of the overlap, the area has more holders than that legislature's areas usually have (the
    median over its areas and periods of the distinct members per area): a by-election winner
    stored without ending the predecessor's seat, say. A two-member area (a US state in the
    Senate) is not flagged for its two senators, nor for a successor after a death.
``probable duplicate person``
    Two person ids with the same name (compared case-folded, without punctuation or spaces)
    that also share an area of a membership or a birth date: probably one person stored twice.
``membership before founding``
    A membership that starts before its organization's ``founding_date`` (or ends after its
    ``dissolution_date``).
``claim about a member already in the group``
    A ``joins X`` claim asserting that a person will join an organization they already belong
    to on the day the claim was made (a direct membership of X, or a seat held for X).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from floorwatch.store import Store

__all__ = ["CHECK_COLUMNS", "CHECKS", "check"]

#: The columns of :func:`check`.
CHECK_COLUMNS = ("check", "detail", "person_id", "other_person_id", "organization_id", "record")

#: The checks, in the order they are run.
CHECKS = (
    "two members for one seat",
    "probable duplicate person",
    "membership before founding",
    "claim about a member already in the group",
)

_OVERLAP = """(a.start_date IS NULL OR b.end_date IS NULL OR a.start_date <= b.end_date)
      AND (b.start_date IS NULL OR a.end_date IS NULL OR b.start_date <= a.end_date)"""


def _seats(store: Store) -> list[dict]:
    pairs = store.query(
        f"""WITH seat AS (
            SELECT m.* FROM membership m JOIN organization o ON o.id = m.organization_id
            WHERE o.classification IN ('legislature', 'chamber') AND m.area IS NOT NULL
              AND m.area <> ''
        ),
        pair AS (
            SELECT a.organization_id, a.area, a.legislative_period_id AS period,
                   a.person_id, b.person_id AS other_person_id, a.id AS membership_a,
                   b.id AS membership_b, a.start_date AS start_a, a.end_date AS end_a,
                   b.start_date AS start_b, b.end_date AS end_b,
                   greatest(coalesce(a.start_date, b.start_date),
                            coalesce(b.start_date, a.start_date)) AS d
            FROM seat a JOIN seat b ON b.organization_id = a.organization_id
                 AND b.area = a.area AND a.person_id < b.person_id
                 AND coalesce(a.legislative_period_id, '') = coalesce(b.legislative_period_id, '')
            WHERE {_OVERLAP}
        )
        SELECT pair.*, pa.name AS name_a, pb.name AS name_b,
               (SELECT count(DISTINCT s.person_id) FROM seat s
                WHERE s.organization_id = pair.organization_id AND s.area = pair.area
                  AND coalesce(s.legislative_period_id, '') = coalesce(pair.period, '')
                  AND (pair.d IS NULL OR s.start_date IS NULL OR s.start_date <= pair.d)
                  AND (pair.d IS NULL OR s.end_date IS NULL OR s.end_date >= pair.d)
                  AND (pair.d IS NOT NULL OR s.start_date IS NULL)) AS holders
        FROM pair JOIN person pa ON pa.id = pair.person_id
        JOIN person pb ON pb.id = pair.other_person_id
        ORDER BY pair.organization_id, pair.area, pair.person_id, pair.other_person_id"""
    )
    if pairs.empty:
        return []
    usual = store.query(
        """SELECT organization_id, median(n) AS usual FROM (
               SELECT m.organization_id, m.area, coalesce(m.legislative_period_id, '') AS p,
                      count(DISTINCT m.person_id) AS n
               FROM membership m JOIN organization o ON o.id = m.organization_id
               WHERE o.classification IN ('legislature', 'chamber') AND m.area IS NOT NULL
                 AND m.area <> ''
               GROUP BY m.organization_id, m.area, coalesce(m.legislative_period_id, '')) t
           GROUP BY organization_id"""
    )
    seats = dict(zip(usual["organization_id"], usual["usual"], strict=True))
    out = []
    for r in pairs.itertuples():
        if r.holders <= seats.get(r.organization_id, 1):
            continue
        out.append(
            {
                "check": CHECKS[0],
                "detail": f"{r.name_a} ({_span(r.start_a, r.end_a)}) and {r.name_b} "
                f"({_span(r.start_b, r.end_b)}) both hold {r.area}"
                + (f" in {r.period}" if isinstance(r.period, str) else ""),
                "person_id": r.person_id,
                "other_person_id": r.other_person_id,
                "organization_id": r.organization_id,
                "record": f"{r.membership_a}; {r.membership_b}",
            }
        )
    return out


def _span(start, end) -> str:
    def text(d) -> str:
        return "" if d is None or pd.isna(d) else pd.Timestamp(d).date().isoformat()

    return f"{text(start) or 'no start'} to {text(end) or 'no end'}"


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\W_]+", "", folded)


def _duplicates(store: Store) -> list[dict]:
    people = store.query("SELECT id, name, birth_date FROM person ORDER BY id")
    if people.empty:
        return []
    people["key"] = [_key(n) for n in people["name"]]
    dup = people[people.duplicated("key", keep=False) & (people["key"] != "")]
    if dup.empty:
        return []
    areas = store.query(
        "SELECT DISTINCT person_id, area FROM membership WHERE area IS NOT NULL AND area <> ''"
    )
    area_of = areas.groupby("person_id")["area"].agg(set).to_dict()
    out = []
    for _, group in dup.groupby("key"):
        rows = group.to_dict(orient="records")
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                shared = area_of.get(a["id"], set()) & area_of.get(b["id"], set())
                born = a["birth_date"] and a["birth_date"] == b["birth_date"]
                if not shared and not born:
                    continue
                why = f"both hold {', '.join(sorted(shared))}" if shared else "same birth date"
                out.append(
                    {
                        "check": CHECKS[1],
                        "detail": f"{a['name']} is stored as {a['id']} and {b['id']} ({why})",
                        "person_id": a["id"],
                        "other_person_id": b["id"],
                        "organization_id": None,
                        "record": None,
                    }
                )
    return out


def _before_founding(store: Store) -> list[dict]:
    rows = store.records(
        """SELECT m.id, m.person_id, p.name, o.id AS org, o.name AS org_name, m.start_date,
               m.end_date, o.founding_date, o.dissolution_date
        FROM membership m JOIN organization o ON o.id = m.organization_id
        JOIN person p ON p.id = m.person_id
        WHERE (m.start_date < o.founding_date) OR (m.end_date > o.dissolution_date)
        ORDER BY o.id, m.start_date, m.id"""
    )
    out = []
    for r in rows:
        early = r["founding_date"] is not None and r["start_date"] is not None
        early = early and r["start_date"] < r["founding_date"]
        what = (
            f"starts {r['start_date']}, before {r['org_name']} was founded ({r['founding_date']})"
            if early
            else f"ends {r['end_date']}, after {r['org_name']} was dissolved "
            f"({r['dissolution_date']})"
        )
        out.append(
            {
                "check": CHECKS[2],
                "detail": f"{r['name']}'s membership {what}",
                "person_id": r["person_id"],
                "other_person_id": None,
                "organization_id": r["org"],
                "record": r["id"],
            }
        )
    return out


def _claims_already_in(store: Store) -> list[dict]:
    if not store.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'claim'"
    ):
        return []
    rows = store.records(
        """SELECT DISTINCT c.id, c.made_on, s.person_id, p.name, c.organization_id AS org,
               o.name AS org_name
        FROM claim c JOIN claim_subject s ON s.claim_id = c.id
        JOIN person p ON p.id = s.person_id
        LEFT JOIN organization o ON o.id = c.organization_id
        JOIN membership m ON m.person_id = s.person_id
             AND (m.organization_id = c.organization_id OR m.on_behalf_of_id = c.organization_id)
             AND (m.start_date IS NULL OR m.start_date <= c.made_on)
             AND (m.end_date IS NULL OR m.end_date >= c.made_on)
        WHERE c.predicts = 'joins' AND c.stance = 'asserts'
        ORDER BY c.made_on, c.id, s.person_id"""
    )
    return [
        {
            "check": CHECKS[3],
            "detail": f"claim {r['id']} ({r['made_on']}) says {r['name']} will join "
            f"{r['org_name'] or r['org']}, of which they are a member on that day",
            "person_id": r["person_id"],
            "other_person_id": None,
            "organization_id": r["org"],
            "record": r["id"],
        }
        for r in rows
    ]


def check(store: Store) -> pd.DataFrame:
    """Run every check (:data:`CHECKS`); one row per problem found, columns
    :data:`CHECK_COLUMNS`. An empty frame means nothing was found."""
    rows = _seats(store) + _duplicates(store) + _before_founding(store)
    rows += _claims_already_in(store)
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
