"""Metrics: attendance, loyalty, rebellion, party unity, whip violations, cohesion, agreement.

Every metric is a function ``f(store, *, date_from=None, date_to=None, as_of=None,
legislature=None, party=None, ...) -> pandas.DataFrame`` computed in portable SQL. The
definitions, their sources (Voteview, Public Whip, GovTrack, CQ, Rice 1925, Hix-Noury-Roland
2005, Pakistan Art. 63A, India's Tenth Schedule) and where floorwatch differs are in each
module's docstring and in ``docs/metrics.md``.
"""

from __future__ import annotations

from floorwatch.metrics._filters import DEFAULT_WINDOW, Scope, parse_window, resolve_scope
from floorwatch.metrics.agreement import Group, agreement, resolve_group
from floorwatch.metrics.attendance import attendance
from floorwatch.metrics.cohesion import cohesion, rice
from floorwatch.metrics.loyalty import loyalty, party_unity_votes
from floorwatch.metrics.split import SPLIT_METRICS, legislatures, per_legislature
from floorwatch.metrics.whips import DefectionRule, available_rules, load_rule, violations

__all__ = [
    "DEFAULT_WINDOW",
    "DefectionRule",
    "SPLIT_METRICS",
    "Group",
    "Scope",
    "agreement",
    "attendance",
    "available_rules",
    "cohesion",
    "legislatures",
    "load_rule",
    "loyalty",
    "parse_window",
    "party_unity_votes",
    "per_legislature",
    "resolve_group",
    "resolve_scope",
    "rice",
    "violations",
]
