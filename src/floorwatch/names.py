"""Find people and organizations by name, in any script and spelling.

A name is compared in its *folded* form (:func:`fold`): Unicode NFKC, case folded
(``str.casefold``), diacritics and Arabic-script vowel marks dropped, the letter variants that
Arabic, Persian and Urdu keyboards type differently made one (Arabic yeh and alef maksura to
Farsi yeh, kaf to keheh, heh to heh goal, tatweel removed), punctuation read as a space. So
"Chaudhry Nisar Ali Khan", "CHAUDHRY NISAR ALI KHAN" and "Chaudhry Nisār Alī Khān" are one
name, "PML(N)" and "PML-N" one abbreviation, and ``احسن اقبال`` typed with an Arabic yeh
finds the Urdu spelling the Popolo file gives.

What a name is looked up in:

* people: the id, every ``scheme:identifier`` (and the bare identifier), ``name``,
  ``sort_name``, ``given_name family_name`` and every Popolo ``other_names`` entry the store
  holds (any language: the EveryPolitician Pakistan file gives Urdu, Punjabi, Sindhi, ...);
* organizations: the id, ``name`` and ``abbreviation``.

An exact match of the id, an identifier or a folded name wins; otherwise the closest names by
:func:`similarity` (Levenshtein ratios from rapidfuzz, over the whole name with its words
sorted and word by word) on the folded forms. :func:`resolve_person` and
:func:`resolve_organization` return one id, or raise :class:`~floorwatch.errors.AmbiguousNameError`
listing the candidates when two or more fit about equally well.

Names are matched within one script: a Latin query does not find a name stored only in Urdu
(no transliteration).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from floorwatch.dates import parse_date
from floorwatch.errors import AmbiguousNameError, NotFoundError
from floorwatch.memberships import PARTY_SPELLS_SQL
from floorwatch.store import Store

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_MARGIN",
    "Candidate",
    "NameIndex",
    "find_organizations",
    "find_people",
    "fold",
    "name_variants",
    "organizations",
    "other_names",
    "people",
    "pick",
    "resolve_group_ref",
    "resolve_legislature",
    "resolve_organization",
    "resolve_person",
    "script_of",
    "similarity",
    "text_direction",
]

#: Lowest fuzzy score (0-100, :func:`similarity` of folded names) that counts as a match.
DEFAULT_CUTOFF = 86.0
#: A fuzzy best match must beat the next person by this many points, else it is ambiguous.
DEFAULT_MARGIN = 4.0

# Arabic-script letters typed differently on Arabic, Persian and Urdu keyboards -> one form.
_ARABIC = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
        "\u06d2": "\u06cc",  # yeh barree -> Farsi yeh (final form in Urdu)
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0647": "\u06c1",  # heh -> heh goal
        "\u06d5": "\u06c1",  # ae -> heh goal
        "\u0629": "\u06c1",  # teh marbuta -> heh goal
        "\u0640": "",  # tatweel
    }
)
_TITLES = frozenset(
    "mr mrs ms miss dr prof sen senator rep hon honourable honorable sir justice mna mpa".split()
)


def fold(text: object) -> str:
    """The folded form of a name: what two spellings of it have in common (see module doc)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = unicodedata.normalize("NFD", s)
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf"):
            continue
        if cat.startswith(("P", "S", "Z")) or ch.isspace():
            out.append(" ")
        elif cat == "Nd":
            out.append(str(unicodedata.digit(ch)))
        else:
            out.append(ch)
    s = unicodedata.normalize("NFC", "".join(out)).translate(_ARABIC)
    return " ".join(s.split())


# Spellings and abbreviations of common name words, read as one (for the fuzzy "bare" key).
_SAME_WORD = {
    "ch": "chaudhry",
    "chaudhary": "chaudhry",
    "choudhry": "chaudhry",
    "chaudhri": "chaudhry",
    "md": "muhammad",
    "muhd": "muhammad",
    "mohd": "muhammad",
    "mohammad": "muhammad",
    "mohammed": "muhammad",
    "muhammed": "muhammad",
}


def _untitled(key: str) -> str:
    words = [_SAME_WORD.get(w, w) for w in key.split()]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def text_direction(text: object) -> str:
    """``rtl`` when the first strongly directional letter is right-to-left (Arabic, Hebrew
    scripts), ``ltr`` when it is left-to-right, ``auto`` when there is none."""
    for ch in str(text or ""):
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "auto"


@dataclass(frozen=True)
class Candidate:
    """One person or organization a query may mean.

    ``how`` says why: ``id``, ``identifier``, ``name`` (folded names equal) or ``fuzzy``;
    ``matched`` is the stored name that matched, ``score`` 0-100.
    """

    id: str
    name: str
    matched: str
    how: str
    score: float

    def label(self) -> str:
        extra = f", matched {self.matched!r}" if self.matched != self.name else ""
        return f"{self.id} ({self.name}{extra}, {self.how} {self.score:.0f})"


_PEOPLE_NAMES_SQL = """
SELECT id AS target, name AS display, name, '' AS lang, 'name' AS field FROM person
UNION ALL SELECT id, name, sort_name, '', 'sort_name' FROM person WHERE sort_name IS NOT NULL
UNION ALL SELECT id, name, given_name || ' ' || family_name, '', 'given and family name'
    FROM person WHERE given_name IS NOT NULL AND family_name IS NOT NULL
UNION ALL SELECT o.person_id, p.name, o.name, o.lang, 'other name'
    FROM other_name o JOIN person p ON p.id = o.person_id
"""
_ORG_NAMES_SQL = """
SELECT id AS target, name AS display, name, '' AS lang, 'name' AS field FROM organization
UNION ALL SELECT id, name, abbreviation, '', 'abbreviation' FROM organization
    WHERE abbreviation IS NOT NULL
"""


def name_variants(name: str) -> list[str]:
    """The ways a person's stored name is also written: Voteview's "SURNAME, Given Middle
    (Nick)" as "Given Middle Surname", "Given Surname" and "Nick Surname"; any name of three
    or more words also as its first and last word ("Aftab Sherpao")."""
    name = str(name).strip()
    out = [name]
    nick = ""
    if "(" in name and name.endswith(")"):
        name, nick = name[: name.index("(")].strip(), name[name.index("(") + 1 : -1].strip()
    if "," in name:
        last, _, given = (part.strip() for part in name.partition(","))
        if last and given and len(last.split()) <= 3:
            out += [f"{given} {last}", f"{given.split()[0]} {last}"]
            if nick:
                out.append(f"{nick} {last}")
            return out
    words = name.split()
    while len(words) > 1 and fold(words[0]) in _TITLES:
        words = words[1:]
    if len(words) >= 3:
        out.append(f"{words[0]} {words[-1]}")
    return out


def _name_table(store: Store, sql: str, where: str = "", params: list | None = None):
    frame = store.query(f"SELECT * FROM ({sql}) n {where}", params or [])
    if "field" in frame and sql is _PEOPLE_NAMES_SQL:
        frame["name"] = [name_variants(n) for n in frame["name"]]
        frame = frame.explode("name", ignore_index=True)
    frame["key"] = [fold(n) for n in frame["name"]]
    frame["bare"] = [_untitled(k) for k in frame["key"]]
    return frame[frame["key"] != ""].drop_duplicates(["target", "key"])


def _exact(store: Store, query: str, kind: str) -> list[Candidate]:
    table = "person" if kind == "person" else "organization"
    rows = store.records(f"SELECT id, name FROM {table} WHERE id = ?", [query])
    if rows:
        return [Candidate(rows[0]["id"], rows[0]["name"], query, "id", 100.0)]
    if kind == "person":
        scheme, _, ident = query.partition(":")
        rows = store.records(
            "SELECT DISTINCT p.id, p.name FROM identifier i JOIN person p ON p.id = i.person_id "
            "WHERE (i.scheme = ? AND i.identifier = ?) OR i.identifier = ? ORDER BY p.id",
            [scheme, ident, query],
        )
        return [Candidate(r["id"], r["name"], query, "identifier", 100.0) for r in rows]
    return []


def similarity(query: str, name: str) -> float:
    """How well a folded ``query`` fits a folded stored ``name``, 0-100.

    The better of the Levenshtein ratio of the two with their words sorted (rapidfuzz
    ``token_sort_ratio``: "Iqbal Ahsan" = "Ahsan Iqbal", "Iqbaal" ~ "Iqbal") and the mean,
    over the query's words, of each word's best ratio with a word of the name, times 0.9 when
    the query names only some of the name's words ("Qureshi" in "Shah Mahmood Qureshi"). A
    stored name under three letters (an abbreviation) only ever matches exactly.
    """
    if len(name) < 3 or not query:
        return 0.0
    words, stored = query.split(), name.split()
    per_word = sum(max(fuzz.ratio(w, n) for n in stored) for w in words) / len(words)
    if len(words) < len(stored):
        per_word *= 0.9
    return max(fuzz.token_sort_ratio(query, name), per_word)


class NameIndex:
    """The folded names of a store's people and organizations, built once and searched many
    times (an article's every name, say). :func:`find_people` builds one per call."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._tables: dict[object, pd.DataFrame] = {}

    def _names(self, kind: str, classification: tuple[str, ...] | None) -> pd.DataFrame:
        key = (kind, classification)
        if key not in self._tables:
            if kind == "person":
                self._tables[key] = _name_table(self.store, _PEOPLE_NAMES_SQL)
            else:
                where, params = "", []
                if classification:
                    marks = ", ".join("?" for _ in classification)
                    where = (
                        "WHERE target IN (SELECT id FROM organization "
                        f"WHERE classification IN ({marks}))"
                    )
                    params = list(classification)
                self._tables[key] = _name_table(self.store, _ORG_NAMES_SQL, where, params)
        return self._tables[key]

    def find(
        self,
        query: str,
        kind: str,
        *,
        classification: tuple[str, ...] | None = None,
        limit: int = 10,
        cutoff: float = DEFAULT_CUTOFF,
    ) -> list[Candidate]:
        """Candidates for ``query``; ``kind`` is ``person`` or ``organization``."""
        query = str(query).strip()
        if not query:
            return []
        exact = _exact(self.store, query, kind)
        if exact:
            return exact
        names = self._names(kind, classification)
        key = fold(query)
        bare = _untitled(key)
        hits = names[(names["key"] == key) | (names["bare"] == bare)]
        if len(hits):
            return [
                Candidate(r.target, r.display, r.name, "name", 100.0)
                for r in hits.drop_duplicates("target").itertuples()
            ]
        rough = process.extract(
            bare, list(names["bare"]), scorer=fuzz.token_set_ratio, score_cutoff=60, limit=None
        )
        best: dict[str, Candidate] = {}
        for _, _, i in rough:
            r = names.iloc[i]
            score = similarity(bare, r["bare"])
            if score < cutoff:
                continue
            if r.target not in best or score > best[r.target].score:
                best[r.target] = Candidate(r.target, r.display, r["name"], "fuzzy", round(score, 1))
        out = sorted(best.values(), key=lambda c: (-c.score, c.name, c.id))
        return out[:limit]


def _find(
    store: Store,
    query: str,
    kind: str,
    *,
    classification: tuple[str, ...] | None,
    limit: int,
    cutoff: float,
) -> list[Candidate]:
    return NameIndex(store).find(
        query, kind, classification=classification, limit=limit, cutoff=cutoff
    )


def find_people(
    store: Store, query: str, *, limit: int = 10, cutoff: float = DEFAULT_CUTOFF
) -> list[Candidate]:
    """People the query may mean, best first: by id, ``scheme:identifier``, or name in any
    script and spelling (see the module docstring)."""
    return _find(store, query, "person", classification=None, limit=limit, cutoff=cutoff)


def find_organizations(
    store: Store,
    query: str,
    *,
    classification: tuple[str, ...] | None = None,
    limit: int = 10,
    cutoff: float = DEFAULT_CUTOFF,
) -> list[Candidate]:
    """Organizations the query may mean (id, name or abbreviation), best first; only those
    of the given Popolo ``classification`` values when given."""
    return _find(
        store, query, "organization", classification=classification, limit=limit, cutoff=cutoff
    )


def pick(query: str, what: str, found: list[Candidate], margin: float, hint: str = "") -> str:
    """The one candidate's id, or raise NotFoundError (none) or AmbiguousNameError (two or
    more of the same kind of match within ``margin`` points of the best)."""
    if not found:
        raise NotFoundError(f"no {what} matches {query!r}. {hint}")
    top = found[0]
    rivals = [c for c in found[1:] if c.how == top.how and top.score - c.score < margin]
    if not rivals or top.how in ("id",):
        return top.id
    raise AmbiguousNameError(query, what, [top, *rivals])


def resolve_person(store: Store, ref: str, *, margin: float = DEFAULT_MARGIN) -> str:
    """The id of the one person ``ref`` names (id, ``scheme:identifier`` or name).

    Raises
    ------
    NotFoundError
        Nobody matches.
    AmbiguousNameError
        Two or more people match about equally well; the message lists them.
    """
    found = find_people(store, ref)
    return pick(ref, "person", found, margin, "List people with `floorwatch people`.")


def resolve_organization(
    store: Store,
    ref: str,
    *,
    classification: tuple[str, ...] | None = None,
    margin: float = DEFAULT_MARGIN,
) -> str:
    """The id of the one organization ``ref`` names (id, name or abbreviation); raises like
    :func:`resolve_person`."""
    found = find_organizations(store, ref, classification=classification)
    return pick(ref, "organization", found, margin, "List them with `floorwatch orgs`.")


def resolve_legislature(store: Store, ref: str, *, margin: float = DEFAULT_MARGIN) -> str:
    """A legislative period's event id as it is, else the legislature or chamber ``ref``
    names (id or name); raises like :func:`resolve_person`."""
    if store.scalar("SELECT count(*) FROM event WHERE id = ?", [ref]):
        return ref
    return resolve_organization(
        store, ref, classification=("legislature", "chamber"), margin=margin
    )


def resolve_group_ref(store: Store, ref: str, *, margin: float = DEFAULT_MARGIN) -> str:
    """An organization or, failing that, a person: the id ``ref`` names (for options such as
    ``--against`` that take either)."""
    orgs = find_organizations(store, ref)
    if orgs and orgs[0].how in ("id", "name"):
        return pick(ref, "organization", orgs, margin, "")
    people_found = find_people(store, ref)
    if people_found and people_found[0].how in ("id", "identifier", "name"):
        return pick(ref, "person", people_found, margin, "")
    both = sorted(orgs + people_found, key=lambda c: -c.score)
    if not both:
        raise NotFoundError(
            f"{ref!r} is neither an organization (id, abbreviation or name) nor a person in "
            "the store. List them with `floorwatch orgs` and `floorwatch people`."
        )
    return pick(ref, "organization or person", both, margin)


# -- listings --------------------------------------------------------------------------------
def _with_matches(frame: pd.DataFrame, found: list[Candidate], id_col: str) -> pd.DataFrame:
    """``frame`` with the matched name, how and score of each row's candidate, best first."""
    by_id = {c.id: c for c in found}
    order = {c.id: i for i, c in enumerate(found)}
    frame = frame.assign(
        matched=[by_id[x].matched for x in frame[id_col]],
        how=[by_id[x].how for x in frame[id_col]],
        score=[by_id[x].score for x in frame[id_col]],
    )
    return frame.sort_values(id_col, key=lambda col: col.map(order))


def script_of(text: object) -> str | None:
    """The Unicode script of the first letter of ``text`` (``LATIN``, ``ARABIC``,
    ``DEVANAGARI``, ...), from the character's Unicode name; None without a letter."""
    for ch in str(text or ""):
        if ch.isalpha():
            return unicodedata.name(ch, "UNKNOWN").split()[0]
    return None


def other_names(
    store: Store, ids: list[str] | None = None, *, other_script: bool = False
) -> dict[str, list[dict]]:
    """Each person's Popolo other names, distinct and unlike the main name: person id ->
    list of ``{name, lang, dir, script}`` (``lang`` as stored, e.g. ``ur``; ``dir`` from
    :func:`text_direction`), ordered by language. ``other_script`` keeps only names written
    in another script than the main name (the Urdu beside a Latin name), as lists show them.
    """
    where, params = "", []
    if ids is not None:
        if not ids:
            return {}
        where = "WHERE o.person_id IN (" + ", ".join("?" for _ in ids) + ")"
        params = list(ids)
    rows = store.records(
        "SELECT o.person_id, o.name, o.lang, p.name AS main FROM other_name o "
        f"JOIN person p ON p.id = o.person_id {where} ORDER BY o.person_id, o.lang, o.name",
        params,
    )
    out: dict[str, list[dict]] = {}
    seen: set[tuple[str, str]] = set()
    for r in rows:
        k = (r["person_id"], fold(r["name"]))
        if k[1] == fold(r["main"]) or k in seen:
            continue
        script = script_of(r["name"])
        if other_script and script == script_of(r["main"]):
            continue
        seen.add(k)
        out.setdefault(r["person_id"], []).append(
            {
                "name": r["name"],
                "lang": r["lang"] or None,
                "dir": text_direction(r["name"]),
                "script": script,
            }
        )
    return out


def people(
    store: Store,
    query: str | None = None,
    *,
    party: str | None = None,
    as_of: object = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """People with their other names, party and seat.

    Columns: person_id, name, other_names (list of ``{name, lang, dir}``), party_id, party
    (the party of the latest party spell begun on or before ``as_of``, default the latest),
    seat (the area of the latest legislature membership), legislature, identifiers (list of
    ``scheme:identifier``), and with a ``query``: matched (the stored name that matched), how
    and score, best first. ``party`` keeps those whose party is this one (id, abbreviation or
    name).
    """
    when = parse_date(as_of, name="as_of")
    if query:
        found = find_people(store, query, limit=limit or 50)
        ids = [c.id for c in found]
        if not ids:
            return pd.DataFrame(columns=_PEOPLE_COLUMNS + ["matched", "how", "score"])
    else:
        ids = [r["id"] for r in store.records("SELECT id FROM person ORDER BY name, id")]
        found = []
    party_id = resolve_organization(store, party) if party else None
    marks = ", ".join("?" for _ in ids) or "NULL"
    params: list = [*ids, when, when]
    frame = store.query(
        f"""
        WITH spell AS (
            SELECT s.person_id, s.party_id, row_number() OVER (
                PARTITION BY s.person_id ORDER BY s.start_date DESC NULLS LAST,
                s.end_date DESC NULLS FIRST) AS k
            FROM ({PARTY_SPELLS_SQL}) s
            WHERE s.person_id IN ({marks}) AND (CAST(? AS DATE) IS NULL OR s.start_date IS NULL
                  OR s.start_date <= ?)
        ),
        seat AS (
            SELECT m.person_id, m.area, m.organization_id, row_number() OVER (
                PARTITION BY m.person_id ORDER BY m.start_date DESC NULLS LAST,
                m.legislative_period_id DESC NULLS LAST) AS k
            FROM membership m JOIN organization o ON o.id = m.organization_id
            WHERE o.classification IN ('legislature', 'chamber')
        )
        SELECT p.id AS person_id, p.name, s.party_id,
               coalesce(po.abbreviation, po.name) AS party, st.area AS seat,
               lo.name AS legislature
        FROM person p
        LEFT JOIN spell s ON s.person_id = p.id AND s.k = 1
        LEFT JOIN organization po ON po.id = s.party_id
        LEFT JOIN seat st ON st.person_id = p.id AND st.k = 1
        LEFT JOIN organization lo ON lo.id = st.organization_id
        WHERE p.id IN ({marks})
        """,
        [*params, *ids],
    )
    if party_id:
        frame = frame[frame["party_id"] == party_id]
    others = other_names(store, list(frame["person_id"]))
    frame["other_names"] = [others.get(p, []) for p in frame["person_id"]]
    idents: dict[str, list[str]] = {}
    for r in store.records("SELECT person_id, scheme, identifier FROM identifier ORDER BY 1, 2"):
        idents.setdefault(r["person_id"], []).append(f"{r['scheme']}:{r['identifier']}")
    frame["identifiers"] = [idents.get(p, []) for p in frame["person_id"]]
    frame = frame[_PEOPLE_COLUMNS]
    if found:
        frame = _with_matches(frame, found, "person_id")
    else:
        frame = frame.sort_values(["name", "person_id"])
    if limit:
        frame = frame.head(limit)
    return frame.reset_index(drop=True)


_PEOPLE_COLUMNS = [
    "person_id",
    "name",
    "other_names",
    "party_id",
    "party",
    "seat",
    "legislature",
    "identifiers",
]


def organizations(
    store: Store,
    query: str | None = None,
    *,
    classification: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Organizations with their kind, parent and members.

    Columns: organization_id, name, abbreviation, classification, parent, founding_date,
    dissolution_date, members (distinct people with a membership of it, or sitting for it),
    and with a ``query``: matched, how and score, best first.
    """
    found = find_organizations(store, query, limit=limit or 50) if query else []
    where, params = [], []
    if query:
        if not found:
            return pd.DataFrame(columns=_ORG_COLUMNS + ["matched", "how", "score"])
        where.append("o.id IN (" + ", ".join("?" for _ in found) + ")")
        params.extend(c.id for c in found)
    if classification:
        where.append("o.classification = ?")
        params.append(classification)
    frame = store.query(
        f"""
        SELECT o.id AS organization_id, o.name, o.abbreviation, o.classification,
               par.name AS parent, o.founding_date, o.dissolution_date,
               (SELECT count(DISTINCT m.person_id) FROM membership m
                WHERE m.organization_id = o.id OR m.on_behalf_of_id = o.id) AS members
        FROM organization o LEFT JOIN organization par ON par.id = o.parent_id
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY o.classification, o.name, o.id
        """,
        params,
    )
    for col in ("founding_date", "dissolution_date"):
        frame[col] = [parse_date(d) for d in frame[col]]
    if found:
        frame = _with_matches(frame, found, "organization_id")
    if limit:
        frame = frame.head(limit)
    return frame.reset_index(drop=True)


_ORG_COLUMNS = [
    "organization_id",
    "name",
    "abbreviation",
    "classification",
    "parent",
    "founding_date",
    "dissolution_date",
    "members",
]
