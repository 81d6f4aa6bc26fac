"""Party spells and switches derived from the party or group label recorded at each vote.

Most legislatures' roll-call records carry the voter's party or group at each vote (the
European Parliament's roll-call annexes print each MEP under a political group; Brazil's
Câmara records the deputy's party). From these labels, per person and legislative period:

* a **run** is a maximal stretch of consecutive votes (in roll-call order) under one label;
* a **change** is two consecutive runs; it is dated between the last vote under the old label
  and the first under the new one (as floorwatch dates Voteview switches);
* a change is a **flicker** when either run has fewer than ``min_run`` votes (default 3: a
  label printed for one or two votes, mostly A -> B -> A glitches);
* a change is a **relabel** when the two labels name one party: a rename, a merger or a
  spelling variant. Relabels are the pairs the user lists (old -> new), and, with
  ``detect_relabels``, the pairs where *a whole party is relabelled at once*: label A is never
  used again in the period after the change, and at least half (and at least two) of the
  members recorded under A at its last roll call next appear under B;
* a change to or from a label the user names as *no party* (Brazil's ``S.Part.``) is
  ``no party``;
* every other change is a **switch**.

Spells (the memberships written) are the runs with flickers absorbed: a run shorter than
``min_run`` joins the spell before it (or after it, at the start), and neighbouring runs under
one label then merge. A spell ends with ``changed party`` (a switch or a move to or from no
party) or ``party renamed`` (a relabel), and the last spell of a period with ``term ended``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_MIN_RUN", "LabelRules", "changes_sql", "runs_sql", "spells_sql"]

#: Runs shorter than this many votes are flickers, not switches.
DEFAULT_MIN_RUN = 3


@dataclass(frozen=True)
class LabelRules:
    """How label changes are read (see the module docstring).

    Parameters
    ----------
    min_run:
        A change where either run has fewer votes is a flicker (1: every change counts).
    relabels:
        Pairs (old, new) of labels that name one party (a rename, merger or spelling
        variant); a change from old to new is a relabel (list both ways for a variant).
    detect_relabels:
        Also find relabels in the data (a whole party relabelled at once).
    no_party:
        Labels that mean "no party" (e.g. ``S.Part.``).
    """

    min_run: int = DEFAULT_MIN_RUN
    relabels: tuple[tuple[str, str], ...] = ()
    detect_relabels: bool = True
    no_party: tuple[str, ...] = ()


def runs_sql(votes: str) -> str:
    """SQL for the runs of one label in ``votes`` (columns person_id, period, seq, date,
    label): person_id, period, run (1, 2, ...), label, n, seq0, seq1, date0, date1.

    One aggregate gives each person, period and label its votes' count, first and last vote:
    a label's *span*. Where a person's spans do not overlap (most people: one label
    throughout, or a few clean switches), each span is one run, read off it. Only the votes
    of the others (labels that interleave, e.g. A B A flickers; picked by a semi-join) are
    sorted: each vote's previous label, seq and date and its row number; the votes where the
    label changes (few) start the runs, and each run ends where the next starts (the
    person's last vote for the last run). A run's date1 is the date of its last vote, the
    last run's the person's latest date."""
    return f"""
    WITH span AS (
        SELECT person_id, period, label, count(*) AS n, min(seq) AS seq0, max(seq) AS seq1,
               arg_min(date, seq) AS date0, arg_max(date, seq) AS date_end,
               max(date) AS date_max
        FROM {votes} GROUP BY person_id, period, label),
    o AS (
        SELECT *, row_number() OVER w AS run, lag(seq1) OVER w AS prev_seq1,
               count(*) OVER p AS runs, max(date_max) OVER p AS date1_all
        FROM span
        WINDOW w AS (PARTITION BY person_id, period ORDER BY seq0),
               p AS (PARTITION BY person_id, period)),
    tangled AS (
        SELECT DISTINCT person_id, period FROM o WHERE seq0 <= prev_seq1),
    agg AS (
        SELECT person_id, period, CAST(sum(n) AS BIGINT) AS total, max(seq1) AS seq1,
               max(date_max) AS date1
        FROM span WHERE (person_id, period) IN (SELECT (person_id, period) FROM tangled)
        GROUP BY person_id, period),
    w AS (
        SELECT v.person_id, v.period, v.seq, v.date, v.label,
               lag(v.label) OVER o AS prev_label, lag(v.seq) OVER o AS prev_seq,
               lag(v.date) OVER o AS prev_date, row_number() OVER o AS rn
        FROM {votes} v
        WHERE (v.person_id, v.period) IN (SELECT (person_id, period) FROM tangled)
        WINDOW o AS (PARTITION BY v.person_id, v.period ORDER BY v.seq)),
    starts AS (
        SELECT person_id, period, seq AS seq0, date AS date0, label, rn,
               row_number() OVER p AS run, lead(rn) OVER p AS next_rn,
               lead(prev_seq) OVER p AS end_seq, lead(prev_date) OVER p AS end_date
        FROM w WHERE rn = 1 OR label IS DISTINCT FROM prev_label
        WINDOW p AS (PARTITION BY person_id, period ORDER BY rn))
    SELECT s.person_id, s.period, s.run, s.label, coalesce(s.next_rn, l.total + 1) - s.rn AS n,
           s.seq0, coalesce(s.end_seq, l.seq1) AS seq1, s.date0,
           coalesce(s.end_date, l.date1) AS date1
    FROM starts s JOIN agg l USING (person_id, period)
    UNION ALL
    SELECT person_id, period, run, label, n, seq0, seq1, date0,
           CASE WHEN run = runs THEN date1_all ELSE date_end END AS date1
    FROM o WHERE (person_id, period) NOT IN (SELECT (person_id, period) FROM tangled)"""


def changes_sql(runs: str, rules: LabelRules, relabel_table: str | None) -> str:
    """SQL listing every label change with its kind.

    ``runs`` is a relation of :func:`runs_sql`; ``relabel_table`` a relation (a, b) of the
    user's relabel pairs, or None.
    Columns: person_id, period, from_label, to_label, last_seq_from, last_date_from,
    first_seq_to, first_date_to, n_from, n_to, kind.
    """
    given = (
        f"SELECT NULL AS period, a, b FROM {relabel_table}"
        if relabel_table
        else "SELECT NULL AS period, NULL AS a, NULL AS b WHERE false"
    )
    detected = "SELECT NULL AS period, NULL AS a, NULL AS b WHERE false"
    if rules.detect_relabels:
        # the members recorded under a label at its last roll call in the period, and the
        # label each of them has next
        detected = """
        SELECT period, a, b FROM (
            SELECT e.period, e.label AS a, t.to_label AS b,
                   count(*) OVER (PARTITION BY e.period, e.label) AS voters
            FROM (SELECT r.person_id, r.period, r.run, r.label FROM runs r
                  JOIN (SELECT period, label, max(seq1) AS last_seq FROM runs
                        GROUP BY period, label) l
                    ON l.period = r.period AND l.label = r.label AND r.seq1 = l.last_seq) e
            LEFT JOIN ch t ON t.person_id = e.person_id AND t.period = e.period
                          AND t.run = e.run) x
        WHERE b IS NOT NULL GROUP BY period, a, b, voters
        HAVING count(*) >= 2 AND 2 * count(*) >= voters"""
    no_party = ", ".join("'" + x.replace("'", "''") + "'" for x in rules.no_party) or "NULL"
    return f"""
    WITH runs AS (SELECT * FROM {runs}),
    ch AS (SELECT a.person_id, a.period, a.run, a.label AS from_label, b.label AS to_label,
                  a.seq1 AS last_seq_from, a.date1 AS last_date_from, b.seq0 AS first_seq_to,
                  b.date0 AS first_date_to, a.n AS n_from, b.n AS n_to
           FROM runs a JOIN runs b ON b.person_id = a.person_id AND b.period = a.period
                                  AND b.run = a.run + 1),
    relabel AS ({given} UNION {detected})
    SELECT person_id, period, from_label, to_label, last_seq_from, last_date_from,
           first_seq_to, first_date_to, n_from, n_to,
           CASE WHEN EXISTS (SELECT 1 FROM relabel x WHERE x.a = ch.from_label
                             AND x.b = ch.to_label
                             AND (x.period IS NULL OR x.period = ch.period)) THEN 'relabel'
                WHEN n_from < {int(rules.min_run)} OR n_to < {int(rules.min_run)}
                    THEN 'flicker'
                WHEN from_label IN ({no_party}) OR to_label IN ({no_party}) THEN 'no party'
                ELSE 'switch' END AS kind
    FROM ch"""


def spells_sql(runs: str, rules: LabelRules) -> str:
    """SQL for the spells (flickers absorbed): person_id, period, spell (1, 2, ...), label,
    first_seq, last_seq, start_date, end_date, n_votes."""
    k = int(rules.min_run)
    return f"""
    WITH runs AS (SELECT * FROM {runs}),
    kept AS (SELECT *, sum(CASE WHEN n >= {k} THEN 1 ELSE 0 END) OVER w AS grp,
                    max(CASE WHEN n >= {k} THEN 1 ELSE 0 END) OVER (PARTITION BY person_id,
                        period) AS any_long
             FROM runs WINDOW w AS (PARTITION BY person_id, period ORDER BY run
                                    ROWS UNBOUNDED PRECEDING)),
    -- a short run joins the long run before it (grp counts long runs so far); short runs
    -- before the first long run join it (grp 0 -> 1); all-short people keep their runs
    owner AS (SELECT *, CASE WHEN any_long = 0 THEN run WHEN grp = 0 THEN 1 ELSE grp END AS g
              FROM kept),
    glabel AS (SELECT person_id, period, g, min(label) FILTER (WHERE n >= {k} OR any_long = 0)
                      AS label, min(seq0) AS seq0, max(seq1) AS seq1, min(date0) AS date0,
                      max(date1) AS date1, sum(n) AS n
               FROM owner GROUP BY person_id, period, g),
    merged AS (SELECT *, sum(CASE WHEN label IS DISTINCT FROM prev THEN 1 ELSE 0 END)
                         OVER (PARTITION BY person_id, period ORDER BY g
                               ROWS UNBOUNDED PRECEDING) AS spell
               FROM (SELECT *, lag(label) OVER (PARTITION BY person_id, period ORDER BY g)
                               AS prev FROM glabel))
    SELECT person_id, period, spell, min(label) AS label, min(seq0) AS first_seq,
           max(seq1) AS last_seq, min(date0) AS start_date, max(date1) AS end_date,
           sum(n) AS n_votes
    FROM merged GROUP BY person_id, period, spell"""
