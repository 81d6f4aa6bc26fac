"""What a claim is: its fields, its vocabularies and the wording-to-probability table.

A *claim* is something said in public about a defection: "Specter will join the Democrats",
"30 to 60 members may leave the party", or a spokesman's "these are all rumours" (a denial).
This module checks and normalises the fields of one claim; it does not touch the store (the
references to people and organizations are checked by :mod:`floorwatch.claims.ledger`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from floorwatch.dates import parse_date
from floorwatch.errors import InputError

__all__ = [
    "COLUMNS",
    "PREDICTS",
    "SOURCE_KINDS",
    "STANCES",
    "STATUSES",
    "WORDING_PROBABILITIES",
    "Claim",
    "claim_id",
    "normalize_claim",
    "probability_of",
]

#: What a claim predicts about its subjects.
#:
#: ``joins``: joins organization X (``organization`` required); ``leaves``: leaves party Y (or,
#: without ``organization``, whatever party they sit for); ``expelled``: loses the whip or is
#: expelled (optionally from party Y); ``stays``: does not leave party Y (or any party).
PREDICTS = ("joins", "leaves", "expelled", "stays")

#: ``asserts`` says the prediction will come true; ``denies`` says it will not ("X will not
#: leave" is ``predicts='leaves', stance='denies'``). A denial is scored like any claim.
STANCES = ("asserts", "denies")

#: Who made the claim.
SOURCE_KINDS = ("official spokesman", "anonymous party source", "journalist", "analyst", "other")

#: Resolution statuses.
STATUSES = ("pending", "true", "false")

#: Wording -> probability. The core terms and their values are the midpoints of the ranges in
#: US Intelligence Community Directive 203, *Analytic Standards* (ODNI, 2015): almost no chance
#: 1-5 %, very unlikely 5-20 %, unlikely 20-45 %, roughly even chance 45-55 %, likely 55-80 %,
#: very likely 80-95 %, almost certain(ly) 95-99 %. The press words below them are floorwatch's
#: conventions, each mapped to the ICD 203 term it reads as: "expected" and "probable" read as
#: *likely*; "feared" (a worry voiced without odds) as an *even chance*; "possible", "may",
#: "could" and "rumoured" as 0.40, between *unlikely* and *even chance*. The probability
#: applies to the claim as stated: for a denial, to the denial.
WORDING_PROBABILITIES: dict[str, float] = {
    "almost no chance": 0.03,
    "remote": 0.03,
    "very unlikely": 0.125,
    "highly unlikely": 0.125,
    "unlikely": 0.325,
    "possible": 0.40,
    "may": 0.40,
    "could": 0.40,
    "rumoured": 0.40,
    "rumored": 0.40,
    "roughly even chance": 0.50,
    "even chance": 0.50,
    "feared": 0.50,
    "likely": 0.675,
    "probable": 0.675,
    "probably": 0.675,
    "expected": 0.675,
    "very likely": 0.875,
    "highly likely": 0.875,
    "almost certain": 0.97,
    "almost certainly": 0.97,
    "certain": 0.97,
}

#: Columns of the bulk-import CSV (see ``floorwatch/templates/claims.csv``). ``made_on`` and
#: ``predicts`` are required; a row names its people in ``about`` (``;``-separated person ids
#: or ``scheme:identifier`` references) or is a count claim (``count_min``, ``count_max``,
#: ``count_of``).
COLUMNS = (
    "id",
    "made_on",
    "about",
    "count_min",
    "count_max",
    "count_of",
    "predicts",
    "organization",
    "stance",
    "deadline",
    "probability",
    "wording",
    "outlet",
    "speaker",
    "source_kind",
    "link",
    "quote",
    "note",
)


@dataclass(frozen=True)
class Claim:
    """One claim, checked and normalised (references not yet resolved).

    Attributes
    ----------
    made_on, deadline:
        The day the claim was made and the last day of its window (inclusive).
    deadline_given:
        False when the deadline is the default window (``claim_window_days`` after ``made_on``).
    predicts, stance:
        See :data:`PREDICTS` and :data:`STANCES`.
    organization_id:
        The X of "joins X" or the Y of "leaves Y" / "expelled from Y" / "stays in Y".
    about:
        The people named, as written (person ids or ``scheme:identifier``); empty for a count.
    count_min, count_max, count_of:
        A count claim: between ``count_min`` and ``count_max`` (open if None) members of party
        ``count_of`` will do what ``predicts`` says.
    probability, wording:
        The stated probability (0..1) of the claim as stated, or the wording it was read from.
    """

    made_on: dt.date
    deadline: dt.date
    deadline_given: bool
    predicts: str
    stance: str = "asserts"
    organization_id: str | None = None
    about: tuple[str, ...] = ()
    count_min: int | None = None
    count_max: int | None = None
    count_of: str | None = None
    probability: float | None = None
    wording: str | None = None
    outlet: str | None = None
    speaker: str | None = None
    source_kind: str | None = None
    link: str | None = None
    quote: str | None = None
    note: str | None = None
    id: str | None = None

    @property
    def is_count(self) -> bool:
        return self.count_min is not None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _word(value: Any) -> str | None:
    text = _text(value)
    return " ".join(text.lower().replace("_", " ").split()) if text else None


def _date(value: Any, column: str, where: dict[str, Any], *, end: bool = False) -> dt.date | None:
    if not isinstance(value, dt.date):
        value = _text(value)
    return parse_date(value, partial=True, end=end, column=column, **where)


#: The largest count a claim can state (the store keeps counts as 32-bit integers).
_COUNT_MAX = 2**31 - 1


def _count(value: Any, column: str, where: dict[str, Any]) -> int | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= _COUNT_MAX:
        raise InputError(
            f"expected a whole number from 0 to {_COUNT_MAX} but got {text!r:.60}",
            column=column,
            **where,
        )
    return int(number)


def probability_of(value: Any, wording: str | None, where: dict[str, Any]) -> float | None:
    """The probability given (0..1 or a percentage such as ``70%``), else the wording's.

    Raises
    ------
    InputError
        The probability is not a number in [0, 1], or the wording is not in
        :data:`WORDING_PROBABILITIES`.
    """
    text = _text(value)
    if text is not None:
        try:
            p = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            p = math.nan
        if not 0.0 <= p <= 1.0:  # also rejects NaN
            raise InputError(
                f"expected a probability between 0 and 1 (or 0% to 100%) but got {text!r}",
                column="probability",
                **where,
            )
        return p
    if wording is None:
        return None
    if wording not in WORDING_PROBABILITIES:
        known = ", ".join(sorted(WORDING_PROBABILITIES))
        raise InputError(
            f"unknown wording {wording!r}; use one of {known}, or give a probability instead",
            column="wording",
            **where,
        )
    return WORDING_PROBABILITIES[wording]


def _choice(value: Any, allowed: Sequence[str], column: str, where: dict[str, Any]) -> str | None:
    word = _word(value)
    if word is None:
        return None
    if word not in allowed:
        raise InputError(
            f"expected one of {', '.join(allowed)} but got {_text(value)!r}",
            column=column,
            **where,
        )
    return word


def _split_about(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        for part in str(item).split(";"):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


def normalize_claim(
    fields: Mapping[str, Any],
    *,
    window_days: int,
    file: str | None = None,
    line: int | None = None,
) -> Claim:
    """Check and normalise one claim given as a mapping of :data:`COLUMNS` to values.

    Parameters
    ----------
    fields:
        Column name -> value (text from a CSV, or Python values from :func:`add_claim`).
    window_days:
        The default window when no deadline is given.
    file, line:
        Where the row came from, for error messages.

    Raises
    ------
    InputError
        Naming the column: a missing or malformed date, a deadline before the claim date, an
        unknown ``predicts``/``stance``/``source_kind``, a bad probability or wording, a row
        naming both people and a count, or neither.
    """
    where: dict[str, Any] = {"file": file, "line": line}
    made_on = _date(fields.get("made_on"), "made_on", where)
    if made_on is None:
        raise InputError("the date the claim was made is missing", column="made_on", **where)
    predicts = _choice(fields.get("predicts"), PREDICTS, "predicts", where)
    if predicts is None:
        raise InputError(
            f"say what the claim predicts: one of {', '.join(PREDICTS)}", column="predicts", **where
        )
    stance = _choice(fields.get("stance"), STANCES, "stance", where) or "asserts"
    organization = _text(fields.get("organization"))
    if predicts == "joins" and organization is None:
        raise InputError(
            "a 'joins' claim needs the organization joined (its organization id)",
            column="organization",
            **where,
        )
    deadline = _date(fields.get("deadline"), "deadline", where, end=True)
    deadline_given = deadline is not None
    if deadline is None:
        try:
            deadline = made_on + dt.timedelta(days=int(window_days))
        except OverflowError:
            raise InputError(
                f"the default deadline ({window_days} days after {made_on.isoformat()}) is "
                "past the year 9999; give a deadline",
                column="made_on",
                **where,
            ) from None
    if deadline < made_on:
        raise InputError(
            f"the deadline {deadline.isoformat()} is before the date the claim was made "
            f"({made_on.isoformat()})",
            column="deadline",
            **where,
        )
    about = _split_about(fields.get("about"))
    count_min = _count(fields.get("count_min"), "count_min", where)
    count_max = _count(fields.get("count_max"), "count_max", where)
    count_of = _text(fields.get("count_of"))
    is_count = count_min is not None or count_max is not None or count_of is not None
    if about and is_count:
        raise InputError(
            "a claim names people ('about') or a count (count_min/count_max/count_of), not both",
            column="about",
            **where,
        )
    if not about and not is_count:
        raise InputError(
            "say who the claim is about: person ids or scheme:identifier in 'about', "
            "or a count in count_min/count_max/count_of",
            column="about",
            **where,
        )
    if is_count:
        if count_min is None:
            raise InputError(
                "a count claim needs count_min (use 0 for 'at most count_max')",
                column="count_min",
                **where,
            )
        if count_max is not None and count_max < count_min:
            raise InputError(
                f"count_max {count_max} is below count_min {count_min}", column="count_max", **where
            )
        if predicts == "stays":
            raise InputError(
                "a count claim cannot predict 'stays'; count those who leave instead "
                "(predicts=leaves, stance=denies)",
                column="predicts",
                **where,
            )
        if count_of is None:
            count_of = organization if predicts != "joins" else None
    wording = _word(fields.get("wording"))
    probability = probability_of(fields.get("probability"), wording, where)
    source_kind = _choice(fields.get("source_kind"), SOURCE_KINDS, "source_kind", where)
    return Claim(
        made_on=made_on,
        deadline=deadline,
        deadline_given=deadline_given,
        predicts=predicts,
        stance=stance,
        organization_id=organization,
        about=about,
        count_min=count_min,
        count_max=count_max,
        count_of=count_of,
        probability=probability,
        wording=wording,
        outlet=_text(fields.get("outlet")),
        speaker=_text(fields.get("speaker")),
        source_kind=source_kind,
        link=_text(fields.get("link")),
        quote=_text(fields.get("quote")),
        note=_text(fields.get("note")),
        id=_text(fields.get("id")),
    )


def claim_id(claim: Claim, person_ids: Sequence[str]) -> str:
    """A deterministic id (``claim-`` + 12 hex digits) from what the claim says and who said it.

    The same claim imported twice gets the same id, so a re-import replaces rather than
    duplicates. ``person_ids`` are the resolved subjects (so ``bioguide:S000709`` and
    ``bioguide-S000709`` give one id).
    """
    parts = [
        claim.made_on.isoformat(),
        claim.deadline.isoformat(),
        claim.predicts,
        claim.stance,
        claim.organization_id or "",
        ";".join(sorted(person_ids)),
        "" if claim.count_min is None else str(claim.count_min),
        "" if claim.count_max is None else str(claim.count_max),
        claim.count_of or "",
        claim.outlet or "",
        claim.speaker or "",
        claim.link or "",
        claim.quote or "",
    ]
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"claim-{digest}"
