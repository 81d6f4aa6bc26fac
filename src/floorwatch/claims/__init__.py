"""The claims ledger: what is said about defections, checked against what happened.

Record claims (:func:`add_claim`, :func:`import_claims` from a CSV file shaped like
:func:`template_path`), resolve them against the membership history (:func:`resolve_claims`,
with :func:`override` for a manual verdict), and score their sources (:func:`track_records`,
:func:`compare_with_flags`). ``docs/claims.md`` gives the rules with a worked example.

Example::

    import floorwatch
    from floorwatch import claims

    store = floorwatch.open("s111.duckdb")
    cid = claims.add_claim(store, made_on="2009-04-27", about="bioguide:S000709",
                           predicts="joins", organization="us-party-100", wording="likely",
                           outlet="Example Post", source_kind="journalist")
    claims.resolve_claims(store)          # as of the store's record end
    claims.track_records(store, by="outlet")
"""

from __future__ import annotations

from floorwatch.claims.ledger import (
    add_claim,
    clear_override,
    import_claims,
    list_claims,
    override,
    template_path,
)
from floorwatch.claims.model import (
    COLUMNS,
    PREDICTS,
    SOURCE_KINDS,
    STANCES,
    STATUSES,
    WORDING_PROBABILITIES,
    Claim,
    normalize_claim,
)
from floorwatch.claims.resolve import record_end, resolve_claims, subject_outcomes
from floorwatch.claims.scores import GROUPINGS, compare_with_flags, track_records

__all__ = [
    "COLUMNS",
    "GROUPINGS",
    "PREDICTS",
    "SOURCE_KINDS",
    "STANCES",
    "STATUSES",
    "WORDING_PROBABILITIES",
    "Claim",
    "add_claim",
    "clear_override",
    "compare_with_flags",
    "import_claims",
    "list_claims",
    "normalize_claim",
    "override",
    "record_end",
    "resolve_claims",
    "subject_outcomes",
    "template_path",
    "track_records",
]
