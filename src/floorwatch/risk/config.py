"""The risk model's settings: signal weights, level thresholds, windows and custom rules.

Defaults are documented in ``docs/risk.md``; a user overrides any of them in a TOML file::

    red_threshold = 0.85
    max_red_share = 0.05

    [weights]
    moderation = 0.3
    absence = 0.1

    [[rules]]
    name = "absent from crucial meetings"
    signal = "crucial_absence"
    op = ">="
    value = 0.5
    level = "red"
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floorwatch.errors import ConfigError, InputError

__all__ = [
    "FLAG_COLUMNS",
    "MAX_DAYS",
    "DEFAULT_PARTY_WEIGHTS",
    "DEFAULT_WEIGHTS",
    "LEVELS",
    "MODELS",
    "SIGNALS",
    "VOTE_SIGNALS",
    "RiskConfig",
    "at_least_one",
    "Rule",
    "load_config",
]

#: The leading columns of :func:`floorwatch.risk.flags.flags` (and the party watch's).
FLAG_COLUMNS = (
    "name",
    "party",
    "level",
    "score",
    "rank",
    "party_rank",
    "person_id",
    "party_id",
    "legislature",
    "as_of",
    "evidence",
)

#: Risk models: the fitted hazard model (docs/risk.md) or today's hand-weighted percentiles.
MODELS = ("fitted", "hand_weighted")

#: Levels, from lowest to highest.
LEVELS = ("green", "amber", "red")

#: Signal name -> what it measures. Higher always means more at risk.
SIGNALS = {
    "disloyalty": "share of votes against the party majority this term (1 - Voteview loyalty)",
    "recent_disloyalty": "share of votes against the party majority in the recent window",
    "loyalty_drop": "recent disloyalty minus term disloyalty (Nokken & Poole: votes shift "
    "before a switch)",
    "other_agreement": "agreement with the other side (the largest other party, or --against)",
    "agreement_rise": "agreement with the other side in the recent window minus the window before",
    "moderation": "ideal point's distance from the own party's median towards the other "
    "side, in party standard deviations (Shor: members too moderate for their party switch)",
    "drift": "recent-window ideal point minus term ideal point, towards the other side",
    "absence": "share of roll calls missed in the recent window (GovTrack's missed votes)",
    "crucial_absence": "share of crucial sittings and party meetings missed (weighted by "
    "crucial), where attendance is recorded",
    "absence_streak": "current run of consecutive missed events",
    "violations": "votes against the party's whip direction this term",
    "appearances": "appearances at public events of the --against group (its rallies, press "
    "conferences and meetings, recorded as events with attendees), in the record window",
    "claims": "published claims, made on or before the date, that the member will leave or "
    "join another group, weighted by their source's track record as of the date; a claim "
    "false by then weighs 0 and a denial counts against",
}

#: The signals computed from roll calls (missing where a body has none).
VOTE_SIGNALS = (
    "disloyalty",
    "recent_disloyalty",
    "loyalty_drop",
    "other_agreement",
    "agreement_rise",
    "moderation",
    "drift",
    "violations",
)

#: Default weights, from the research (see docs/risk.md). They need not sum to 1: the score is
#: the weighted mean of the signals that have data.
DEFAULT_WEIGHTS = {
    "moderation": 0.25,
    "disloyalty": 0.20,
    "loyalty_drop": 0.10,
    "recent_disloyalty": 0.10,
    "other_agreement": 0.15,
    "agreement_rise": 0.05,
    "drift": 0.05,
    "absence": 0.03,
    "crucial_absence": 0.03,
    "absence_streak": 0.02,
    "violations": 0.05,
    "appearances": 0.05,
    "claims": 0.05,
}

#: The party watch's weights for the signals of a party's own register (merged over
#: :data:`DEFAULT_WEIGHTS`; the vote signals keep theirs). A party committee's own test is
#: "constant absence from crucial party meetings and assembly sittings" and "closeness to the
#: breakaway group": on records without roll calls these are the evidence, where the default
#: weights, made for roll-call records, give them 3% each.
DEFAULT_PARTY_WEIGHTS = {
    "crucial_absence": 0.15,
    "absence": 0.10,
    "absence_streak": 0.05,
    "appearances": 0.15,
    "claims": 0.05,
}

_OPS = {">=", ">", "<=", "<", "=="}


@dataclass(frozen=True)
class Rule:
    """A user rule: when ``signal op value`` holds, the member is at least at ``level``."""

    name: str
    signal: str
    op: str
    value: float
    level: str = "red"

    def holds(self, x: float | None) -> bool:
        if x is None or x != x:  # missing or NaN
            return False
        return {
            ">=": x >= self.value,
            ">": x > self.value,
            "<=": x <= self.value,
            "<": x < self.value,
            "==": x == self.value,
        }[self.op]


@dataclass(frozen=True)
class RiskConfig:
    """Settings of the default risk model.

    Attributes
    ----------
    weights : dict
        Signal -> weight (see :data:`SIGNALS`).
    red_threshold, amber_threshold : float
        Score (0..1, a weighted mean of within-party percentiles) at or above which a member
        is red or amber.
    max_red_share : float
        At most this share of each party's scored members is red (the highest scores; parties
        too small for one place are pooled), so at most this share of the legislature. The
        rest above the red threshold are amber. User rules are not capped.
    max_amber_share : float
        At most this share of each party is amber (the next highest scores).
    red_count, amber_count : int or None
        When set, the red (amber) list holds at most this many members of each party instead
        of a share. For a list by score threshold alone, set the shares to 1.
    party_weights : dict
        The party watch's weights, merged over ``weights`` (:data:`DEFAULT_PARTY_WEIGHTS`)
        when none of the party's members has roll calls in the window.
    party_red_share, party_amber_share : float
        The shares used by the party watch (:func:`floorwatch.risk.party.party_flags`): a
        party's own committee marks a larger part of its lawmakers than a legislature-wide
        list would (30 to 60 of some 300, 10 to 20%: red 15%, the midpoint; amber 15% more).
    A body with fewer scored members than ``1 / max_red_share`` (a small assembly, a party
    body) still gets one red and one amber place.
    recent_days : int
        The recent window, in days, for the "recent" and "change" signals.
    min_votes : int
        Members with fewer yea/nay votes this term are not scored (level green, the reason
        noted in ``unscored``), unless their events reach ``min_events``.
    min_events : int
        Members with at least this many recorded sittings and meetings are scored: a dozen
        meetings is a record.
    record_days : int
        The party watch's record window: events and claims of the last this many days.
    min_party_size : int
        Parties with fewer members are compared with the whole legislature instead.
    min_term_days : int
        Flags start this many days into a legislative period (too little record before).
    rules : tuple of Rule
        User rules.
    model : str
        ``fitted`` (default): the fitted hazard model's probability of leaving the party
        within 180 days (:mod:`floorwatch.risk.model`), levels from it; ``hand_weighted``:
        today's weighted mean of within-party percentiles (``weights``, ``red_threshold``,
        ``amber_threshold``). Bodies recorded only by attendance, the party watch and
        ``--against`` always use the hand-weighted model.
    model_file : str or None
        A model file written by ``floorwatch risk fit`` (default: the shipped model).
    red_probability, amber_probability : float
        With the fitted model: the least probability for red (amber), besides the list size
        (``max_red_share`` / ``red_count`` of the chamber). 0: the list size alone.
    model_min_votes : int
        With the fitted model: members with at least this many yea/nay votes under their
        current party are scored (the features are shrunk towards the chamber's mean, so a
        short record is scored, not dropped).
    """

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    red_threshold: float = 0.75
    amber_threshold: float = 0.65
    max_red_share: float = 0.05
    max_amber_share: float = 0.15
    party_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PARTY_WEIGHTS))
    red_count: int | None = None
    amber_count: int | None = None
    party_red_share: float = 0.15
    party_amber_share: float = 0.15
    recent_days: int = 90
    min_votes: int = 20
    min_events: int = 5
    record_days: int = 365
    min_party_size: int = 5
    min_term_days: int = 30
    rules: tuple[Rule, ...] = ()
    model: str = "fitted"
    model_file: str | None = None
    red_probability: float = 0.0
    amber_probability: float = 0.0
    model_min_votes: int = 1

    def __post_init__(self) -> None:
        self._check_types()
        if not isinstance(self.model, str) or self.model not in MODELS:
            raise ConfigError(f"model must be one of {', '.join(MODELS)} but got {self.model!r}")
        if self.model_file is not None and not isinstance(self.model_file, str):
            raise ConfigError(f"model_file must be a file name but got {self.model_file!r}")
        for name in ("red_probability", "amber_probability"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"{name} must be in [0, 1] but got {getattr(self, name)}")
        if self.amber_probability > self.red_probability:
            raise ConfigError(
                "expected amber_probability <= red_probability but got "
                f"{self.amber_probability} and {self.red_probability}"
            )
        unknown = (set(self.weights) | set(self.party_weights)) - set(SIGNALS)
        if unknown:
            raise ConfigError(
                f"unknown signal(s) in weights: {', '.join(sorted(unknown))}; "
                f"known: {', '.join(SIGNALS)}"
            )
        if any(w < 0 for w in self.weights.values()) or not any(self.weights.values()):
            raise ConfigError("weights must be >= 0 and at least one must be positive")
        if not 0 <= self.amber_threshold <= self.red_threshold <= 1:
            raise ConfigError(
                "expected 0 <= amber_threshold <= red_threshold <= 1 but got "
                f"{self.amber_threshold} and {self.red_threshold}"
            )
        for name in ("red_count", "amber_count"):
            count = getattr(self, name)
            if count is not None and (
                isinstance(count, bool) or not isinstance(count, int) or count < 0
            ):
                raise ConfigError(f"{name} must be a whole number >= 0 but got {count!r}")
        for name in ("max_red_share", "max_amber_share", "party_red_share", "party_amber_share"):
            share = getattr(self, name)
            if not 0 < share <= 1:
                raise ConfigError(f"{name} must be in (0, 1] but got {share}")
        for rule in self.rules:
            if rule.signal not in SIGNALS:
                raise ConfigError(f"rule {rule.name!r}: unknown signal {rule.signal!r}")
            if rule.op not in _OPS:
                raise ConfigError(f"rule {rule.name!r}: op must be one of {sorted(_OPS)}")
            if rule.level not in LEVELS:
                raise ConfigError(f"rule {rule.name!r}: level must be one of {LEVELS}")

    def _check_types(self) -> None:
        """Numbers where numbers belong (a TOML file may hold any value): a ConfigError
        naming the setting, before any comparison."""
        for name in _NUMBERS:
            value = getattr(self, name)
            if not _is_number(value):
                raise ConfigError(f"{name} must be a number but got {value!r}")
        for name, (low, high) in _WHOLE.items():
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or value < low
                or (high is not None and value > high)
            ):
                within = f">= {low}" if high is None else f"from {low} to {high:,}"
                raise ConfigError(f"{name} must be a whole number {within} but got {value!r}")
        for name in ("weights", "party_weights"):
            table = getattr(self, name)
            if not isinstance(table, dict):
                raise ConfigError(f"{name} must be a table of signal = weight but got {table!r}")
            for signal, w in table.items():
                if not _is_number(w):
                    raise ConfigError(f"{name}.{signal} must be a number but got {w!r}")

    def replace(self, **changes: object) -> RiskConfig:
        return dataclasses.replace(self, **changes)


#: The longest span of days a setting, a backtest's step or horizon may give (a century).
MAX_DAYS = 36_500


def at_least_one(**values: int) -> None:
    """Raise InputError unless each value is a whole number >= 1 (a name ending in ``_days``:
    at most :data:`MAX_DAYS`)."""
    for name, value in values.items():
        high = MAX_DAYS if name.endswith("_days") else None
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Integral)
            or value < 1
            or (high is not None and value > high)
        ):
            within = ">= 1" if high is None else f"from 1 to {high:,}"
            raise InputError(f"{name}: expected a whole number {within} but got {value!r}")


#: Settings that are numbers (finite), and whole-number settings with their range.
_NUMBERS = (
    "red_threshold",
    "amber_threshold",
    "max_red_share",
    "max_amber_share",
    "party_red_share",
    "party_amber_share",
    "red_probability",
    "amber_probability",
)
_WHOLE = {
    "recent_days": (1, MAX_DAYS),
    "min_votes": (0, None),
    "min_events": (0, None),
    "record_days": (1, MAX_DAYS),
    "min_party_size": (1, None),
    "min_term_days": (0, MAX_DAYS),
    "model_min_votes": (0, None),
}


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_file(
    path: Path, what: str, parse: Callable[[str], Any], errors: type[Exception], bad: str
) -> Any:
    """``parse`` of a UTF-8 file's text; a missing file or one ``parse`` refuses (raising
    ``errors``) is a :class:`ConfigError` naming the file (``bad``: what the text is not)."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what} file") from None
    except errors as exc:
        raise ConfigError(f"{path}: {bad}: {exc}") from None


def load_config(path: str | Path | None) -> RiskConfig:
    """Read a TOML risk configuration; missing keys keep their defaults."""
    if path is None:
        return RiskConfig()
    p = Path(path)
    data = read_file(
        p, "risk configuration", tomllib.loads, tomllib.TOMLDecodeError, "not valid TOML"
    )
    known = {f.name for f in dataclasses.fields(RiskConfig)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{p}: unknown setting(s) {', '.join(sorted(unknown))}")
    kwargs: dict = {k: v for k, v in data.items() if k not in ("weights", "party_weights", "rules")}
    for key, defaults in (("weights", DEFAULT_WEIGHTS), ("party_weights", DEFAULT_PARTY_WEIGHTS)):
        if key in data:
            given = data[key]
            if not isinstance(given, dict):
                raise ConfigError(f"{p}: {key} must be a table ([{key}]) but got {given!r}")
            weights = dict(defaults)
            weights.update({str(k): v for k, v in given.items()})
            kwargs[key] = weights
    rules = []
    given_rules = data.get("rules", [])
    if not isinstance(given_rules, list) or not all(isinstance(r, dict) for r in given_rules):
        raise ConfigError(f"{p}: rules must be tables ([[rules]]) but got {given_rules!r}")
    for i, r in enumerate(given_rules, 1):
        try:
            rules.append(
                Rule(
                    name=str(r.get("name", f"rule {i}")),
                    signal=str(r["signal"]),
                    op=str(r.get("op", ">=")),
                    value=float(r["value"]),
                    level=str(r.get("level", "red")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{p}: rule {i} needs signal and a numeric value ({exc})") from None
    kwargs["rules"] = tuple(rules)
    try:
        return RiskConfig(**kwargs)
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{p}: {exc}") from None
