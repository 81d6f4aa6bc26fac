"""Whip violations, and legal defection rules kept as data.

A *violation* is a member's vote contrary to their party's direction on a roll call: voting the
other way, abstaining when directed to vote, staying away when directed to vote, or voting at
all when directed to abstain. Which of these count, and on which kinds of roll call, is a
*rule*: a TOML file naming the roll-call classifications it covers and the kinds of contrary
act it counts. Two ship with floorwatch (``floorwatch/metrics/rules/``):

``pk-63a``
    Pakistan, Constitution Art. 63A(1)(b): votes or abstentions contrary to the Parliamentary
    Party's direction on the election of the Prime Minister or a Chief Minister, a vote of
    confidence or no-confidence, a Money Bill or a Constitution (Amendment) Bill. Absence is not
    counted (see the rule's notes).
``in-10th``
    India, Constitution Tenth Schedule para. 2(1)(b): any vote or abstention contrary to the
    party's direction, on any roll call; absence from a whipped vote counts as abstention.

Add a country by writing another file with the same keys (``id, name, jurisdiction, citation,
url, text, classifications, count_contrary_vote, count_abstention, count_absence, notes``) and
passing its path. A direction is the recorded whip (``whip_direction``); free votes are never
violations. With ``infer_direction=True`` a roll call with no recorded direction uses the party
majority (Voteview's rule: at least ``min_party_size`` members voting) instead, labelled
``direction_source = 'majority'``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from floorwatch.errors import ConfigError
from floorwatch.metrics._filters import resolve_scope, run
from floorwatch.metrics._rollcalls import attended_sql, ballot_ctes, line_ctes, side_sql
from floorwatch.settings import default
from floorwatch.store import Store
from floorwatch.store.schema import VOTE_EVENT_CLASSIFICATIONS

__all__ = [
    "VIOLATION_COLUMNS",
    "DefectionRule",
    "available_rules",
    "load_rule",
    "violations",
]

#: The columns :func:`violations` returns, in order.
VIOLATION_COLUMNS = (
    "rule",
    "person_id",
    "name",
    "party_id",
    "party",
    "vote_event_id",
    "date",
    "seq",
    "classification",
    "question",
    "direction",
    "direction_source",
    "cast",
    "kind",
)

_KEYS = {
    "id": str,
    "name": str,
    "jurisdiction": str,
    "citation": str,
    "url": str,
    "text": str,
    "classifications": list,
    "count_contrary_vote": bool,
    "count_abstention": bool,
    "count_absence": bool,
    "notes": str,
}
_REQUIRED = ("id", "name", "citation", "classifications")


@dataclass(frozen=True)
class DefectionRule:
    """A rule on votes contrary to the party's direction (loaded from a TOML file).

    Attributes
    ----------
    classifications:
        Roll-call classifications covered; empty means every roll call.
    count_contrary_vote, count_abstention, count_absence:
        Which contrary acts count (see the module docstring).
    """

    id: str
    name: str
    citation: str
    classifications: tuple[str, ...] = ()
    jurisdiction: str = ""
    url: str = ""
    text: str = ""
    count_contrary_vote: bool = True
    count_abstention: bool = True
    count_absence: bool = False
    notes: str = ""


#: Short names accepted for the shipped rules, besides the file stems.
_ALIASES = {"in-10th": "in-10th-schedule", "pk-63a": "pk-63a"}


def available_rules() -> list[str]:
    """The ids of the rules shipped with floorwatch."""
    folder = resources.files("floorwatch.metrics") / "rules"
    return sorted(
        _read(folder / p.name, p.name).id for p in folder.iterdir() if p.name.endswith(".toml")
    )


def _read(path: object, label: str) -> DefectionRule:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read the rule file: {exc}") from exc
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{label}: unknown key(s) {', '.join(unknown)}; a rule has {', '.join(_KEYS)}"
        )
    for key in _REQUIRED:
        if key not in data:
            raise ConfigError(f"{label}: the rule has no {key!r}")
    for key, typ in _KEYS.items():
        if key in data and not isinstance(data[key], typ):
            raise ConfigError(f"{label}: {key!r} should be a {typ.__name__} but is {data[key]!r}")
    bad = [c for c in data["classifications"] if c not in VOTE_EVENT_CLASSIFICATIONS]
    if bad:
        raise ConfigError(
            f"{label}: unknown roll-call classification(s) {bad}; use any of "
            f"{', '.join(VOTE_EVENT_CLASSIFICATIONS)}"
        )
    data["classifications"] = tuple(data["classifications"])
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    return DefectionRule(**data)


def load_rule(rule: str | Path | DefectionRule) -> DefectionRule:
    """A shipped rule by id (``pk-63a``, ``in-10th``) or a rule file by path.

    Raises
    ------
    ConfigError
        Unknown rule, or a malformed rule file.
    """
    if isinstance(rule, DefectionRule):
        return rule
    path = Path(rule)
    if path.suffix == ".toml" and path.exists():
        return _read(path, str(path))
    stem = _ALIASES.get(str(rule), str(rule))
    shipped = resources.files("floorwatch.metrics") / "rules" / f"{stem}.toml"
    if shipped.is_file():
        return _read(shipped, f"{stem}.toml")
    raise ConfigError(
        f"rule {str(rule)!r}: no such rule. Shipped rules: {', '.join(available_rules())}; "
        "or give the path of a .toml rule file."
    )


def _kind_sql(rule: DefectionRule) -> str:
    whens = []
    if rule.count_contrary_vote:
        whens.append(
            "WHEN c.direction IN ('yes', 'no') AND c.att = 1 "
            "AND c.side = CASE c.direction WHEN 'yes' THEN -1 ELSE 1 END THEN 'voted against'"
        )
        whens.append(
            "WHEN c.direction = 'abstain' AND c.att = 1 AND c.side IS NOT NULL THEN 'voted against'"
        )
    if rule.count_abstention:
        whens.append(
            "WHEN c.direction IN ('yes', 'no') AND c.att = 1 AND c.side IS NULL "
            "AND c.option IN ('abstain', 'present', 'both') THEN 'abstained'"
        )
    if rule.count_absence:
        whens.append(
            "WHEN c.direction IN ('yes', 'no') AND c.att = 0 AND c.known_absence IS NULL "
            "THEN 'absent'"
        )
    if not whens:
        return "CAST(NULL AS VARCHAR)"
    return "CASE " + " ".join(whens) + " END"


_ALL_ACTS = DefectionRule(
    id="whip",
    name="Votes contrary to the party's direction",
    citation="floorwatch",
    count_absence=False,
)


def violations(
    store: Store,
    rules: str | Path | DefectionRule | None = None,
    *,
    date_from: object = None,
    date_to: object = None,
    as_of: object = None,
    legislature: str | None = None,
    party: str | list[str] | None = None,
    infer_direction: bool = False,
    min_party_size: int | None = None,
) -> pd.DataFrame:
    """Every vote contrary to the party's direction that ``rules`` counts, in date order.

    Parameters
    ----------
    rules:
        A shipped rule id (``pk-63a``, ``in-10th``), a rule file path or a
        :class:`DefectionRule`. None: every contrary vote or recorded abstention, any roll call.
    infer_direction:
        Where no direction is recorded, use the party majority (see the module docstring).
    min_party_size:
        With ``infer_direction``, the fewest yea/nay voters for a majority to count as the
        direction (default: the ``min_party_size`` setting).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VIOLATION_COLUMNS`: the rule id, the member, the roll call (``date``,
        ``seq``, ``classification``, ``question``), the ``direction`` (yes/no/abstain) and
        where it came from (``whip`` or ``majority``), what the member did (``cast``: the
        vote option, or ``no record``) and the ``kind`` of violation: ``voted against``,
        ``abstained`` or ``absent``.
    """
    rule = load_rule(rules) if rules is not None else _ALL_ACTS
    scope = resolve_scope(store, date_from, date_to, as_of, legislature, party)
    params = scope.params()
    params["rule_id"] = rule.id
    params["min_size"] = int(
        min_party_size if min_party_size is not None else default("min_party_size")
    )
    cls = ""
    if rule.classifications:
        names = ", ".join(f"$cls_{i}" for i in range(len(rule.classifications)))
        cls = f" AND b.classification IN ({names})"
        for i, c in enumerate(rule.classifications):
            params[f"cls_{i}"] = c
    eligible = rule.count_absence
    inferred = ""
    if infer_direction:
        inferred = """
    UNION ALL
    SELECT l.vote_event_id, l.party_id,
           CASE WHEN l.majority = 1 THEN 'yes' ELSE 'no' END, 'majority'
    FROM line l
    WHERE l.whip IS NULL AND l.free = 0 AND l.majority IS NOT NULL
      AND l.yes + l.no >= $min_size"""
    known_join = (
        "LEFT JOIN known k ON k.vote_event_id = b.vote_event_id AND k.person_id = b.person_id"
        if eligible
        else ""
    )
    known_col = "k.known_absence" if eligible else "CAST(NULL AS VARCHAR)"
    sql = f"""WITH {ballot_ctes(scope, eligible=eligible)},
{line_ctes()},
dir AS (
    SELECT wd.vote_event_id, wd.organization_id AS party_id, wd.direction,
           'whip' AS direction_source
    FROM whip_direction wd JOIN ve ON ve.vote_event_id = wd.vote_event_id
    WHERE wd.direction IN ('yes', 'no', 'abstain'){inferred}
),
c AS (
    SELECT b.vote_event_id, b.person_id, b.party_id, b.start_date, b.seq, b.classification,
           b.option, d.direction, d.direction_source, {side_sql("b")} AS side,
           {attended_sql("b")} AS att, {known_col} AS known_absence
    FROM ballot b
    JOIN dir d ON d.vote_event_id = b.vote_event_id AND d.party_id = b.party_id
    {known_join}
    WHERE coalesce(b.classification, '') <> 'free vote'
      AND {scope.party_filter("b.party_id")}{cls}
),
v AS (SELECT c.*, {_kind_sql(rule)} AS kind FROM c)
SELECT $rule_id AS rule, v.person_id, coalesce(p.name, v.person_id) AS name, v.party_id,
       coalesce(o.name, v.party_id) AS party, v.vote_event_id, v.start_date AS date, v.seq,
       v.classification, coalesce(ve.question, ve.motion_text) AS question, v.direction,
       v.direction_source, coalesce(v.option, 'no record') AS "cast", v.kind
FROM v JOIN vote_event ve ON ve.id = v.vote_event_id
LEFT JOIN person p ON p.id = v.person_id
LEFT JOIN organization o ON o.id = v.party_id
WHERE v.kind IS NOT NULL
ORDER BY v.start_date ASC NULLS FIRST, v.seq, v.vote_event_id, name, v.person_id"""
    return run(store, sql, params)[list(VIOLATION_COLUMNS)]
