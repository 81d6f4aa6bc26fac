"""Adapters from the analysis layers (metrics, ideal points, risk, claims) to page sections.

Part of the dashboard's data door (:mod:`floorwatch.web.data`). Each adapter returns a
*section* ``{available, note, data}``: ``available`` is false, with a note saying why, when
the layer is not installed or cannot answer for this scope, so a page always renders.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from floorwatch.store import Store

__all__ = [
    "DOCUMENTED",
    "MemberContext",
    "claims_list",
    "claims_scores",
    "claims_vocabulary",
    "cohesion_series",
    "flag_index",
    "flag_list",
    "member_agreement",
    "member_attendance",
    "member_claims",
    "member_flag",
    "member_ideal_points",
    "member_loyalty",
    "party_ideal_points",
]

log = logging.getLogger("floorwatch.web")

Layers = dict[str, ModuleType | None]

#: Functions whose docstrings the definitions page shows, per layer.
DOCUMENTED: dict[str, tuple[str, ...]] = {
    "metrics": ("attendance", "loyalty", "cohesion", "agreement"),
    "idealpoints": ("IdealPoints",),
    "risk": ("flags",),
    "claims": ("resolve_claims", "scores"),
}

_NAMES = {
    "metrics": "floorwatch.metrics",
    "idealpoints": "floorwatch.idealpoints",
    "risk": "floorwatch.risk",
    "claims": "floorwatch.claims",
}


def _section(available: bool, data: Any = None, note: str | None = None) -> dict[str, Any]:
    return {"available": available, "note": note, "data": data}


def _missing(layer: str) -> dict[str, Any]:
    return _section(False, None, f"Not available yet: the {_NAMES[layer]} layer is not installed.")


@dataclass
class MemberContext:
    """What the member-page adapters need to know about the member."""

    person_id: str
    party_id: str | None
    legislature: str | None
    as_of: dt.date
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)


def flag_index(store: Store, as_of: dt.date, layers: Layers) -> dict[str, dict[str, Any]]:
    """``person_id -> {level, score}`` as of ``as_of`` (empty without the risk layer)."""
    return {}


def flag_list(
    store: Store, as_of: dt.date, layers: Layers, *, legislatures: list[str], orgs: dict
) -> dict[str, Any]:
    return _missing("risk")


def cohesion_series(
    store: Store,
    as_of: dt.date,
    layers: Layers,
    *,
    legislatures: list[str],
    orgs: dict,
    party: str | None = None,
) -> dict[str, Any]:
    return _missing("metrics")


def member_attendance(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("metrics")


def member_loyalty(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("metrics")


def member_agreement(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("metrics")


def member_ideal_points(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("idealpoints")


def member_flag(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("risk")


def member_claims(store: Store, ctx: MemberContext, layers: Layers) -> dict[str, Any]:
    return _missing("claims")


def party_ideal_points(
    store: Store,
    party_id: str,
    legislatures: list[str],
    as_of: dt.date,
    layers: Layers,
    flags: dict,
    orgs: dict,
) -> dict[str, Any]:
    return _missing("idealpoints")


def claims_list(store: Store, as_of: dt.date, layers: Layers) -> dict[str, Any]:
    return _missing("claims")


def claims_scores(store: Store, as_of: dt.date, layers: Layers) -> dict[str, Any]:
    return _missing("claims")


def claims_vocabulary(layers: Layers) -> dict[str, Any]:
    return {}
