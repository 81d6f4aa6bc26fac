"""Response and request models of the JSON API (they feed ``/openapi.json``).

Each HTML page has a JSON twin whose body is the page model validated by one of the
``*Page`` models here. Fields the store always has are typed; tables produced by the
analysis layers (metrics, ideal points, risk, claims) are lists of objects whose keys are the
layer's documented columns, wrapped in a :class:`Section` that says whether the layer could
answer for the page's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Activity",
    "BodyPage",
    "CheckPage",
    "ClaimIn",
    "ClaimOverrideIn",
    "ClaimsPage",
    "DefinitionsPage",
    "ErrorBody",
    "HistoryRow",
    "Legislature",
    "LegislatureMembers",
    "MemberPage",
    "MemberRow",
    "MembersPage",
    "OtherName",
    "OverviewPage",
    "PartyPage",
    "PartySeats",
    "ProposeIn",
    "Proposals",
    "Section",
    "SwitchRow",
    "SwitchesPage",
    "WatchPage",
    "WriteResult",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Section(BaseModel):
    """A part of a page that needs an analysis layer."""

    available: bool = Field(
        description="False when the layer cannot answer for this scope (the note says why)."
    )
    note: str | None = Field(None, description="Why the section is empty, or a caveat.")
    data: Any = Field(None, description="The layer's output; shape documented per page.")


class PartySeats(BaseModel):
    id: str
    name: str
    abbreviation: str | None = None
    seats: int


class Legislature(BaseModel):
    id: str
    name: str
    members: int = Field(description="Members sitting on the as-of date.")
    members_ever: int = Field(description="Members who sat at any time up to the as-of date.")
    roll_calls: int
    first_vote: dt.date | None = None
    last_vote: dt.date | None = None
    parties: list[PartySeats]


class Activity(BaseModel):
    month: str = Field(description="YYYY-MM")
    roll_calls: int


class SwitchRow(_Open):
    person_id: str
    name: str
    legislature: str | None = None
    from_party_id: str | None = None
    from_party: str | None = None
    to_party_id: str | None = None
    to_party: str | None = None
    date_from: dt.date | None = Field(None, description="Last day known under the old party.")
    date_to: dt.date | None = Field(None, description="First day under the new party.")
    kind: str | None = None


class OverviewPage(BaseModel):
    as_of: dt.date
    legislatures: list[Legislature]
    activity: list[Activity]
    flags: Section = Field(description="data: red and amber members, most at risk first.")
    cohesion: Section = Field(description="data: one series per party: {party_id, party, points}.")
    switches: list[SwitchRow]


class OtherName(BaseModel):
    name: str
    lang: str | None = Field(None, description="BCP 47 language tag as stored (Popolo).")
    dir: str = Field("auto", description="Text direction: ltr, rtl or auto.")
    script: str | None = Field(None, description="Unicode script of the name (LATIN, ARABIC).")


class MemberRow(BaseModel):
    person_id: str
    name: str
    other_names: list[OtherName] = Field(
        default_factory=list, description="Other names written in another script."
    )
    sort_name: str | None = None
    area: str | None = None
    legislature_id: str | None = None
    party_id: str | None = None
    party: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    level: str | None = Field(None, description="Risk level red/amber/green, if scored.")
    score: float | None = None


class LegislatureMembers(BaseModel):
    id: str
    name: str
    members: list[MemberRow]
    former: list[MemberRow]


class MembersPage(BaseModel):
    as_of: dt.date
    legislatures: list[LegislatureMembers]
    flags_available: bool


class HistoryRow(BaseModel):
    legislature_id: str | None = None
    legislature: str | None = None
    party_id: str | None = None
    party: str | None = None
    party_abbreviation: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    start_reason: str | None = None
    end_reason: str | None = None
    current: bool


class MemberPage(BaseModel):
    as_of: dt.date
    person: dict[str, Any]
    party: HistoryRow | None
    party_history: list[HistoryRow]
    switches: list[SwitchRow]
    crucial_events: list[dict[str, Any]]
    vote_tally: list[dict[str, Any]]
    recent_votes: list[dict[str, Any]]
    attendance: Section
    loyalty: Section
    agreement: Section
    ideal_points: Section
    flag: Section
    claims: Section


class PartyPage(BaseModel):
    as_of: dt.date
    party: dict[str, Any]
    legislatures: list[dict[str, Any]]
    members: list[MemberRow]
    former: list[MemberRow]
    ideal_points: Section
    cohesion: Section
    switches: list[SwitchRow]


class WatchPage(BaseModel):
    """The party watch: the party's red list across all its bodies (``flags --party P``)."""

    as_of: dt.date
    party: dict[str, Any]
    flags: Section
    left: list[dict[str, Any]]
    unscored: list[dict[str, Any]]
    bodies: list[dict[str, Any]]


class BodyPage(BaseModel):
    """A party body (or any body) with its members and its meetings' attendance."""

    as_of: dt.date
    body: dict[str, Any]
    parent: dict[str, Any] | None
    members: list[dict[str, Any]]
    meetings: list[dict[str, Any]]


class CheckPage(BaseModel):
    """The data-quality report of ``floorwatch check``."""

    as_of: dt.date
    checks: list[str]
    problems: list[dict[str, Any]]


class SwitchesPage(BaseModel):
    as_of: dt.date
    include_elections: bool
    switches: list[SwitchRow]


class ClaimsPage(BaseModel):
    as_of: dt.date
    claims: Section
    track_records: Section
    vocabulary: dict[str, Any]


class DefinitionsPage(BaseModel):
    terms: list[dict[str, Any]]
    settings: list[dict[str, Any]]


class ErrorBody(BaseModel):
    status: int
    error: str
    detail: str


class ClaimIn(BaseModel):
    """A new claim, as :func:`floorwatch.claims.add_claim` takes it."""

    model_config = ConfigDict(extra="forbid")

    made_on: dt.date
    predicts: str = Field(description="joins, leaves, expelled or stays")
    about: list[str] = Field(default_factory=list, description="Person ids the claim names.")
    organization: str | None = None
    stance: str = "asserts"
    deadline: dt.date | None = None
    probability: float | None = Field(None, ge=0, le=1)
    wording: str | None = None
    count_min: int | None = Field(None, ge=0)
    count_max: int | None = Field(None, ge=0)
    count_of: str | None = None
    outlet: str | None = None
    speaker: str | None = None
    source_kind: str | None = None
    link: str | None = None
    quote: str | None = None
    note: str | None = None


class ClaimOverrideIn(BaseModel):
    """A manual resolution of a claim."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="true, false or pending")
    note: str = Field(min_length=1)
    by: str = Field(min_length=1, description="Who made the call.")


class ProposeIn(BaseModel):
    """An article to propose claims from (:mod:`floorwatch.claims.extract`)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=500_000, description="The article: plain text or HTML.")
    made_on: dt.date
    outlet: str | None = Field(None, max_length=500)
    link: str | None = Field(None, max_length=2000)


class Proposals(BaseModel):
    """Proposed claims, as rows of the claims CSV template; nothing is stored."""

    rows: list[dict[str, Any]]
    importable: int = Field(
        description="Rows that name people or a count (and, for a "
        "'joins', its organization): ready to add as they are."
    )


class WriteResult(BaseModel):
    ok: bool
    claim_id: str | None = None
    detail: str | None = None
