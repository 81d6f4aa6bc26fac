"""The store's schema, as an ordered list of migrations.

Table and column names follow the Popolo data standard (https://www.popoloproject.com/specs/)
where it has one: ``person``, ``organization``, ``membership`` (with ``on_behalf_of_id``),
``event``, ``vote_event``, ``vote`` (``voter_id``, ``option``, ``group_id``), ``count``
(here ``vote_count``, since COUNT is an SQL keyword). floorwatch adds what Popolo lacks:
``attendance`` per person per event, ``whip_direction`` per party per roll call, a ``crucial``
weight on events and roll calls, ``end_reason`` on memberships and a Voteview ``cast_code``.

The SQL here is plain SQL (types VARCHAR, INTEGER, DOUBLE, DATE, BOOLEAN, TIMESTAMP) so the
same tables can be created on another engine. Each migration is applied once, in order, in
one transaction, and recorded in ``schema_version``.
"""

from __future__ import annotations

__all__ = [
    "ATTENDANCE_STATUSES",
    "CAST_OPTION_SQL",
    "CAST_POSITION_SQL",
    "END_REASONS",
    "EVENT_CLASSIFICATIONS",
    "MIGRATIONS",
    "ORGANIZATION_CLASSIFICATIONS",
    "SCHEMA_VERSION",
    "SWITCH_REASONS",
    "TABLES",
    "VOTE_EVENT_CLASSIFICATIONS",
    "VOTE_OPTIONS",
    "VOTE_STORAGE",
    "WHIP_DIRECTIONS",
]

#: Popolo organization classifications floorwatch understands.
ORGANIZATION_CLASSIFICATIONS = (
    "legislature",
    "chamber",
    "party",
    "faction",
    "breakaway group",
    "coalition",
    "party body",
    "committee",
    "office",
    "non-party group",
)

#: Why a membership ended (``membership.end_reason``) or began (``start_reason``).
END_REASONS = (
    "changed party",
    "party renamed",
    "whip removed",
    "whip restored",
    "expelled",
    "left",
    "resigned",
    "died",
    "term ended",
    "election",
    "by-election",
    "disqualified",
    "unknown",
)

#: Reasons that mark a change of party in mid-term (a floor-crossing or a change of whip).
SWITCH_REASONS = ("changed party", "whip removed", "whip restored", "expelled")

#: Event classifications.
EVENT_CLASSIFICATIONS = (
    "plenary sitting",
    "party meeting",
    "committee meeting",
    "legislative period",
    "election",
    "rally",
    "press conference",
    "public event",
)

#: Attendance statuses. ``leave`` and ``excused`` are known absences, reported apart from misses.
ATTENDANCE_STATUSES = ("present", "absent", "leave", "excused", "suspended")

#: Roll-call classifications (a roll call may carry one).
VOTE_EVENT_CLASSIFICATIONS = (
    "free vote",
    "confidence",
    "no confidence",
    "election of leader",
    "money bill",
    "constitutional amendment",
    "procedural",
    "passage",
    "amendment",
    "nomination",
    "other",
)

#: Vote options: Popolo's (yes, no, abstain, absent, not voting, paired) plus ``present`` and
#: ``both`` (voted in both lobbies, as Public Whip records).
VOTE_OPTIONS = ("yes", "no", "abstain", "absent", "not voting", "paired", "present", "both")

#: Whip directions per party per roll call.
WHIP_DIRECTIONS = ("yes", "no", "abstain", "free")

_INITIAL = """
CREATE TABLE person (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    sort_name VARCHAR,
    given_name VARCHAR,
    family_name VARCHAR,
    gender VARCHAR,
    birth_date VARCHAR,
    death_date VARCHAR,
    source VARCHAR
);
CREATE TABLE identifier (
    scheme VARCHAR NOT NULL,
    identifier VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    PRIMARY KEY (scheme, identifier)
);
CREATE TABLE other_name (
    person_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    lang VARCHAR NOT NULL DEFAULT '',
    note VARCHAR,
    PRIMARY KEY (person_id, name, lang)
);
CREATE TABLE organization (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    classification VARCHAR NOT NULL,
    parent_id VARCHAR,
    abbreviation VARCHAR,
    jurisdiction VARCHAR,
    founding_date DATE,
    dissolution_date DATE,
    source VARCHAR
);
CREATE TABLE membership (
    id VARCHAR PRIMARY KEY,
    person_id VARCHAR NOT NULL,
    organization_id VARCHAR NOT NULL,
    on_behalf_of_id VARCHAR,
    role VARCHAR,
    area VARCHAR,
    legislative_period_id VARCHAR,
    start_date DATE,
    end_date DATE,
    start_reason VARCHAR,
    end_reason VARCHAR,
    source VARCHAR
);
CREATE TABLE event (
    id VARCHAR PRIMARY KEY,
    name VARCHAR,
    classification VARCHAR NOT NULL,
    organization_id VARCHAR,
    legislative_period_id VARCHAR,
    start_date DATE,
    end_date DATE,
    crucial DOUBLE NOT NULL DEFAULT 0,
    source VARCHAR
);
CREATE TABLE attendance (
    event_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    note VARCHAR,
    source VARCHAR,
    PRIMARY KEY (event_id, person_id)
);
CREATE TABLE vote_event (
    id VARCHAR PRIMARY KEY,
    organization_id VARCHAR NOT NULL,
    legislative_period_id VARCHAR,
    identifier VARCHAR,
    seq INTEGER,
    start_date DATE,
    motion_text VARCHAR,
    question VARCHAR,
    bill VARCHAR,
    result VARCHAR,
    classification VARCHAR,
    crucial DOUBLE NOT NULL DEFAULT 0,
    source VARCHAR
);
-- No key on vote: it is the big table, and an index would slow bulk loads. Importers check
-- (vote_event_id, voter_id) for duplicates before they write.
CREATE TABLE vote (
    vote_event_id VARCHAR NOT NULL,
    voter_id VARCHAR NOT NULL,
    option VARCHAR NOT NULL,
    position SMALLINT,
    cast_code SMALLINT,
    group_id VARCHAR,
    role VARCHAR
);
CREATE TABLE vote_count (
    vote_event_id VARCHAR NOT NULL,
    option VARCHAR NOT NULL,
    group_id VARCHAR NOT NULL DEFAULT '',
    value INTEGER NOT NULL,
    PRIMARY KEY (vote_event_id, option, group_id)
);
CREATE TABLE whip_direction (
    vote_event_id VARCHAR NOT NULL,
    organization_id VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    strength VARCHAR,
    source VARCHAR,
    PRIMARY KEY (vote_event_id, organization_id)
);
CREATE TABLE ingest_log (
    kind VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows INTEGER NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);
"""

#: The claims ledger (``floorwatch.claims``): claims about defections, the people they name,
#: and their resolution against the membership history. Vocabularies: ``claim.predicts`` in
#: ``floorwatch.claims.PREDICTS``, ``stance`` in ``STANCES``, ``source_kind`` in
#: ``SOURCE_KINDS``, ``claim_resolution.status`` in ``STATUSES``.
_CLAIMS = """
CREATE TABLE claim (
    id VARCHAR PRIMARY KEY,
    made_on DATE NOT NULL,
    deadline DATE NOT NULL,
    deadline_given BOOLEAN NOT NULL,
    predicts VARCHAR NOT NULL,
    organization_id VARCHAR,
    stance VARCHAR NOT NULL,
    count_min INTEGER,
    count_max INTEGER,
    count_of VARCHAR,
    probability DOUBLE,
    wording VARCHAR,
    outlet VARCHAR,
    speaker VARCHAR,
    source_kind VARCHAR,
    link VARCHAR,
    quote VARCHAR,
    note VARCHAR,
    source VARCHAR
);
CREATE TABLE claim_subject (
    claim_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    reference VARCHAR,
    PRIMARY KEY (claim_id, person_id)
);
CREATE TABLE claim_resolution (
    claim_id VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL,
    resolved_on DATE,
    event_date DATE,
    auto_status VARCHAR,
    auto_resolved_on DATE,
    auto_event_date DATE,
    evidence_person_id VARCHAR,
    evidence_membership_id VARCHAR,
    matched INTEGER,
    as_of DATE,
    manual BOOLEAN NOT NULL DEFAULT FALSE,
    note VARCHAR,
    resolved_by VARCHAR,
    overridden_at TIMESTAMP
);
"""

#: The ``vote`` table of migration 1 becomes a view with the same columns over
#: ``vote_row``, which holds integer keys instead of the three string ids (each id has one
#: key in ``vote_key_event``, ``vote_key_voter`` or ``vote_key_group``). Writing millions of
#: string ids was most of an ingest's time; reads see the same ``vote`` as before. Write votes
#: through the store (``Store.insert_votes``, ``Store.delete_votes``), never into the view.
_VOTE_KEYS = """
CREATE TABLE vote_key_event (id VARCHAR PRIMARY KEY, key INTEGER NOT NULL);
CREATE TABLE vote_key_voter (id VARCHAR PRIMARY KEY, key INTEGER NOT NULL);
CREATE TABLE vote_key_group (id VARCHAR PRIMARY KEY, key INTEGER NOT NULL);
INSERT INTO vote_key_event
    SELECT id, CAST(row_number() OVER (ORDER BY id) AS INTEGER)
    FROM (SELECT DISTINCT vote_event_id AS id FROM vote) k;
INSERT INTO vote_key_voter
    SELECT id, CAST(row_number() OVER (ORDER BY id) AS INTEGER)
    FROM (SELECT DISTINCT voter_id AS id FROM vote) k;
INSERT INTO vote_key_group
    SELECT id, CAST(row_number() OVER (ORDER BY id) AS INTEGER)
    FROM (SELECT DISTINCT group_id AS id FROM vote WHERE group_id IS NOT NULL) k;
CREATE TABLE vote_row (
    event_key INTEGER NOT NULL,
    voter_key INTEGER NOT NULL,
    option VARCHAR NOT NULL,
    position SMALLINT,
    cast_code SMALLINT,
    group_key INTEGER,
    role VARCHAR
);
INSERT INTO vote_row
    SELECT e.key, p.key, v.option, v.position, v.cast_code, g.key, v.role
    FROM vote v JOIN vote_key_event e ON e.id = v.vote_event_id
    JOIN vote_key_voter p ON p.id = v.voter_id
    LEFT JOIN vote_key_group g ON g.id = v.group_id;
DROP TABLE vote;
CREATE VIEW vote AS
    SELECT e.id AS vote_event_id, p.id AS voter_id, r.option, r.position, r.cast_code,
           g.id AS group_id, r.role
    FROM vote_row r JOIN vote_key_event e ON e.key = r.event_key
    JOIN vote_key_voter p ON p.key = r.voter_key
    LEFT JOIN vote_key_group g ON g.key = r.group_key;
"""

#: SQL for the Popolo option of a Voteview cast code ``{c}`` (1-3 yea, 4-6 nay, 2 and 5
#: paired, 7-8 present, 9 not voting). Part of migration 4's view: never edit.
CAST_OPTION_SQL = (
    "CASE WHEN {c} IN (1, 3) THEN 'yes' WHEN {c} IN (4, 6) THEN 'no' "
    "WHEN {c} IN (2, 5) THEN 'paired' WHEN {c} IN (7, 8) THEN 'present' ELSE 'not voting' END"
)
#: SQL for the position (+1 yea, -1 nay, 0 present, NULL not voting) of cast code ``{c}``.
#: Part of migration 4's view: never edit.
CAST_POSITION_SQL = (
    "CASE WHEN {c} BETWEEN 1 AND 3 THEN 1 WHEN {c} BETWEEN 4 AND 6 THEN -1 "
    "WHEN {c} IN (7, 8) THEN 0 ELSE NULL END"
)

#: Votes given as Voteview cast codes (the roll-call importers': millions of rows) are
#: stored in ``vote_cast``: the keys and the cast code only, four integers; option and
#: position follow from the cast code in the view. Writing the option string, the position
#: and an empty role for each of the EP's 3.9 million votes was half of their write. Votes
#: of other importers (an option of their own, a role) stay in ``vote_row``; ``vote`` reads
#: both, with the same columns as before.
_CAST_VOTES = f"""
CREATE TABLE vote_cast (
    event_key INTEGER NOT NULL,
    voter_key INTEGER NOT NULL,
    cast_code SMALLINT NOT NULL,
    group_key INTEGER
);
CREATE OR REPLACE VIEW vote AS
    SELECT e.id AS vote_event_id, p.id AS voter_id, r.option, r.position, r.cast_code,
           g.id AS group_id, r.role
    FROM (SELECT event_key, voter_key, option, position, cast_code, group_key, role
          FROM vote_row
          UNION ALL
          SELECT event_key, voter_key, {CAST_OPTION_SQL.format(c="cast_code")},
                 CAST({CAST_POSITION_SQL.format(c="cast_code")} AS SMALLINT), cast_code,
                 group_key, CAST(NULL AS VARCHAR)
          FROM vote_cast) r
    JOIN vote_key_event e ON e.key = r.event_key
    JOIN vote_key_voter p ON p.key = r.voter_key
    LEFT JOIN vote_key_group g ON g.key = r.group_key;
"""

#: The tables behind the ``vote`` view (not data tables of their own: exports and counts
#: show ``vote``).
VOTE_STORAGE = ("vote_row", "vote_cast", "vote_key_event", "vote_key_voter", "vote_key_group")

#: (version, description, SQL). Append only: never edit a migration that has shipped.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial Popolo-aligned schema", _INITIAL),
    (2, "claims ledger: claim, claim_subject, claim_resolution", _CLAIMS),
    (3, "vote stored with integer keys (vote_row, vote_key_*); vote is a view", _VOTE_KEYS),
    (4, "votes given as cast codes stored as four integers (vote_cast)", _CAST_VOTES),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]

#: Every data table (all but the bookkeeping ``schema_version`` and ``ingest_log``), in the
#: order ``floorwatch info`` lists them and ``floorwatch export`` writes them: the Popolo
#: tables of migration 1, then the claims ledger's of migration 2.
TABLES = (
    "person",
    "identifier",
    "other_name",
    "organization",
    "membership",
    "event",
    "attendance",
    "vote_event",
    "vote",
    "vote_count",
    "whip_direction",
    "claim",
    "claim_resolution",
    "claim_subject",
)
