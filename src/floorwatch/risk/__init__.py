"""Early warning: red/amber/green defection-risk flags with evidence, and backtests."""

from __future__ import annotations

from floorwatch.risk.config import DEFAULT_WEIGHTS, SIGNALS, RiskConfig, Rule, load_config
from floorwatch.risk.flags import FLAG_COLUMNS, flags

__all__ = [
    "DEFAULT_WEIGHTS",
    "FLAG_COLUMNS",
    "SIGNALS",
    "RiskConfig",
    "Rule",
    "flags",
    "load_config",
]
