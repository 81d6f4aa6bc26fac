"""Propose claims from news text, for review: ``floorwatch claims extract``.

An article (plain text or HTML) is split into sentences by spaCy's rule-based
``sentencizer`` on a blank English pipeline (``spacy.blank("en")``: no model is downloaded,
nothing is learned). spaCy's ``Matcher`` then finds the phrases that make a sentence a claim,
each pattern with a name that the proposal carries:

========================  ==============================================================
pattern                   finds
========================  ==============================================================
``join.future``           "will join", "may join", "likely to join", "set to defect"
``join.past``             "has joined", "have joined", "had joined", "has defected"
``cross.floor``           "cross the floor", "crossed the floor"
``leave.party``           "will quit the party", "to leave the party"
``marked.red``            "marked red", "marked as red"
``count.defections``      "12 more defections", "at least 60 defectors"
``deny.words``            "rumours", "baseless", "unfounded", "speculation"
``deny.verb``             "trashed all such claims", "denied the reports"
``retro.false``           "proved false", "razed to the ground", "turned out to be wrong"
========================  ==============================================================

People are found by name (:class:`floorwatch.names.NameIndex`: any script and spelling,
fuzzy), in every run of capitalised words of the sentence; the speaker ("spokesman X", "X
said") and the leaders in "the group led by A and B" are not the claim's subjects. The
organization is one named in the sentence, a group named after its leaders ("the group led
by A and B", "the Awan-Khokhar group": the breakaway group or faction whose members include
every leader), or the last group the article named ("the rebels"). Counts ("30 to 60
lawmakers", "as many as 60", "at least 12") come from a regular expression. A denial that
names nobody ("trashed all such claims") denies the claim made just before it. A sentence
reporting an earlier claim that "proved false" gives the earlier claim (stance ``asserts``;
the note says it is retrospective).

Every proposal quotes its sentence exactly and gives its position (sentence number and
character offsets in the article's text) and the patterns, matched names, ambiguous names
(with their candidates) and unknown names in the ``note`` column of the claims CSV template,
so the file can be reviewed and then imported with ``floorwatch claims import``.

English only for now: the patterns are data (:data:`PATTERNS`, :data:`STRENGTH_WORDS`)
keyed by nothing but their words, so another language needs its own tables and a blank
pipeline of its own (``spacy.blank("ur")``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import spacy
from spacy.matcher import Matcher
from spacy.symbols import ORTH

from floorwatch.claims.articles import Article, article_from_text, read_articles
from floorwatch.claims.model import COLUMNS
from floorwatch.dates import parse_date
from floorwatch.errors import InputError
from floorwatch.names import NameIndex, fold, similarity
from floorwatch.store import Store

__all__ = [
    "PATTERNS",
    "STRENGTH_WORDS",
    "Proposal",
    "accept_claims",
    "extract_claims",
    "importable",
    "matches_gold",
    "precision_recall",
    "proposals_frame",
    "propose_claims",
    "propose_from_text",
    "write_csv",
]

_MODALS = ["will", "may", "might", "could", "would", "to", "shall", "can"]
_FILLER = {"IN": ["also", "soon", "likely", "all", "eventually", "formally", "not", "never"]}
_JOIN = ["join", "defect", "switch"]

#: Pattern name -> (what it means, spaCy Matcher patterns on lower-cased tokens).
PATTERNS: dict[str, tuple[str, list[list[dict]]]] = {
    "join.future": (
        "joins",
        [[{"LOWER": {"IN": _MODALS}}, {"LOWER": _FILLER, "OP": "*"}, {"LOWER": {"IN": _JOIN}}]],
    ),
    "join.past": (
        "joins",
        [
            [
                {"LOWER": {"IN": ["has", "have", "had"]}},
                {"LOWER": {"IN": ["also", "already", "formally"]}, "OP": "*"},
                {"LOWER": {"IN": ["joined", "defected", "switched"]}},
            ]
        ],
    ),
    "cross.floor": (
        "leaves",
        [
            [
                {"LOWER": {"IN": ["cross", "crossed", "crossing"]}},
                {"LOWER": "the"},
                {"LOWER": "floor"},
            ]
        ],
    ),
    "leave.party": (
        "leaves",
        [
            [
                {"LOWER": {"IN": _MODALS}},
                {"LOWER": _FILLER, "OP": "*"},
                {"LOWER": {"IN": ["quit", "leave", "desert", "abandon"]}},
                {"LOWER": {"IN": ["the", "their", "his", "her"]}},
                {"LOWER": "party"},
            ]
        ],
    ),
    "marked.red": ("joins", [[{"LOWER": "marked"}, {"LOWER": "as", "OP": "?"}, {"LOWER": "red"}]]),
    "count.defections": (
        "leaves",
        [
            [
                {"LIKE_NUM": True},
                {"LOWER": "more", "OP": "?"},
                {"LOWER": {"IN": ["defections", "defectors", "turncoats"]}},
            ]
        ],
    ),
    "deny.words": (
        "deny",
        [
            [
                {
                    "LOWER": {
                        "IN": [
                            "rumour",
                            "rumours",
                            "rumor",
                            "rumors",
                            "baseless",
                            "unfounded",
                            "speculation",
                            "speculations",
                            "propaganda",
                        ]
                    }
                }
            ]
        ],
    ),
    "deny.verb": (
        "deny",
        [
            [
                {
                    "LOWER": {
                        "IN": ["trashed", "trashes", "dismissed", "dismisses", "rejected"]
                        + ["rejects", "denied", "denies", "refuted", "refutes", "rubbished"]
                    }
                },
                {"IS_ALPHA": True, "OP": "{0,3}"},
                {"LOWER": {"IN": ["claims", "claim", "reports", "report", "rumours", "news"]}},
            ]
        ],
    ),
    "retro.false": (
        "retro",
        [
            [{"LOWER": "proved"}, {"LOWER": {"IN": ["false", "wrong", "untrue", "baseless"]}}],
            [{"LOWER": "razed"}, {"LOWER": "to"}, {"LOWER": "the"}, {"LOWER": "ground"}],
            [{"LOWER": "turned"}, {"LOWER": "out"}, {"LOWER": "to"}, {"LOWER": "be"}]
            + [{"LOWER": {"IN": ["false", "wrong", "untrue"]}}],
        ],
    ),
}

#: Words read as the claim's strength, strongest reading first; values are
#: :data:`floorwatch.claims.WORDING_PROBABILITIES` keys.
STRENGTH_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bvery likely\b", "very likely"),
    (r"\bunlikely\b", "unlikely"),
    (r"\blikely\b", "likely"),
    (r"\bexpect(?:ed|s)?\b", "expected"),
    (r"\bfear(?:ed|s)?\b", "feared"),
    (r"\brumou?r(?:ed|s)?\b", "rumoured"),
    (r"\bcertain(?:ly)?\b", "certain"),
    (r"\bpossibl[ey]\b", "possible"),
    (r"\bcould\b", "could"),
    (r"\bmay\b|\bmight\b", "may"),
)

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUM = r"(\d+|" + "|".join(_NUMBER_WORDS) + r"|a dozen|dozens of)"
_WHO = (
    r"(?:more\s+)?(?:\w+\s+){0,2}?(?:lawmakers|legislators|members|mnas|mpas|parliamentarians|"
    r"senators|defections|defectors|dissidents|mps)"
)
_RANGE_RE = re.compile(
    rf"\b(?P<lo>{_NUM})\s*(?:to|-|–|or)\s*(?P<hi>{_NUM})\s+{_WHO}", re.IGNORECASE
)
_COUNT_RE = re.compile(
    rf"\b(?:(?P<q>as many as|at least|more than|over|up to|nearly|around|about)\s+)?"
    rf"(?P<n>{_NUM})\s+{_WHO}",
    re.IGNORECASE,
)
# Runs of capitalised words (names, organizations), with "Ch." style abbreviations.
_CAPS = re.compile(r"[A-Z\u0600-\u06ff][\w'’\u0600-\u06ff-]*\.?(?:\s+[A-Z][\w'’-]*\.?)*")
_LEADING = frozenset(
    "the a an however but and according as mna mpa mnas mpas senator party's he she they it "
    "this that in on at when while also earlier meanwhile sources".split()
) | frozenset("two three four five six seven eight nine ten eleven twelve dozen dozens".split())
_NOT_PEOPLE = frozenset(
    "group party assembly committee league insaf pakistan national punjab sindh council "
    "chapter government islamabad lahore karachi peshawar quetta monday tuesday wednesday "
    "thursday friday saturday sunday january february march april may june july august "
    "september october november december budget bill session senate house".split()
)
_SAID = re.compile(r"^\s*,?\s*(?:said|says|told|added|claimed|stated|remarked)\b")
_SPEAKER_BEFORE = re.compile(r"(?:spokes(?:man|person|woman)|according to|chairman|leader)\s*$")
_LED_BY = re.compile(
    r"\b(?:group|faction|bloc|camp)\s+(?:led|headed)\s+by\s+(?P<names>[^.;]+?)(?=[,.;]|\s+(?:"
    r"before|after|in|on|by|and\s+(?:the|its|a)|is|are|was|were|which|who)\b|$)"
)
_NAMED_GROUP = re.compile(r"\b(?P<lead>[A-Z][\w'’]+(?:-[A-Z][\w'’]+)+)\s+(?:group|faction|bloc)\b")
_CONTEXT_GROUP = re.compile(r"\bthe\s+(?:rebel|rebels|breakaway|dissident|splinter)(?:\s+group)?\b")
_GROUPS = ("breakaway group", "faction", "coalition", "non-party group")


@dataclass
class Proposal:
    """One proposed claim, with why it was proposed (see the module docstring)."""

    predicts: str
    stance: str
    sentence: str
    sentence_no: int
    start: int
    end: int
    patterns: list[str]
    people: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, as written)
    organization: str | None = None
    organization_how: str | None = None
    count_min: int | None = None
    count_max: int | None = None
    count_of: str | None = None
    wording: str | None = None
    speaker: str | None = None
    source_kind: str | None = None
    retrospective: bool = False
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    inherited_from: int | None = None
    article: Article | None = None
    group: dict | None = field(default=None, repr=False)

    @property
    def person_ids(self) -> list[str]:
        return [p[0] for p in self.people]


# -- the pipeline ----------------------------------------------------------------------------
_NLP = None


@spacy.Language.component("fw_paragraphs")
def _paragraphs(doc):
    """A line break starts a new sentence (headlines, paragraphs without a full stop)."""
    for i, tok in enumerate(doc[:-1]):
        if tok.is_space and "\n" in tok.text:
            doc[i + 1].is_sent_start = True
    return doc


def _trim(sent):
    """The sentence without its leading and trailing whitespace tokens."""
    start, end = sent.start, sent.end
    while start < end and sent.doc[start].is_space:
        start += 1
    while end > start and sent.doc[end - 1].is_space:
        end -= 1
    return sent.doc[start:end]


def _pipeline():
    global _NLP
    if _NLP is None:
        nlp = spacy.blank("en")
        for abbr in ("Ch.", "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Hon.", "Prof.", "Mian."):
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("fw_paragraphs")
        matcher = Matcher(nlp.vocab)
        for name, (_, patterns) in PATTERNS.items():
            matcher.add(name, patterns)
        _NLP = (nlp, matcher)
    return _NLP


def _number(text: str | None) -> int | None:
    if not text:
        return None
    t = text.lower()
    if t.isdigit():
        return int(t)
    if t in ("a dozen", "dozens of"):
        return 12
    return _NUMBER_WORDS.get(t)


def _count(sentence: str) -> tuple[int | None, int | None]:
    m = _RANGE_RE.search(sentence)
    if m:
        return _number(m["lo"]), _number(m["hi"])
    m = _COUNT_RE.search(sentence)
    if not m:
        return None, None
    if m["q"]:
        n = _number(m["n"])
        q = m["q"].lower()
        if q in ("as many as", "up to"):
            return None, n
        if q in ("more than", "over"):
            return (n + 1 if n is not None else None), None
        if q == "at least":
            return n, None
        return n, n
    n = _number(m["n"])
    return (n, n) if n and n > 1 else (None, None)


def _strength(sentence: str) -> str | None:
    low = sentence.lower()
    for rx, word in STRENGTH_WORDS:
        if re.search(rx, low):
            return word
    return None


class _Resolver:
    """Names in an article to people and organizations, one name index for the article."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = NameIndex(store)
        self.orgs = store.records("SELECT id, name, abbreviation, classification FROM organization")
        self._members: dict[str, list[str]] | None = None

    def organization(self, text: str) -> dict | None:
        key = fold(text)
        if not key:
            return None
        for o in self.orgs:
            if key == fold(o["name"]) or (o["abbreviation"] and text == o["abbreviation"]):
                return o
            if len(text) <= 6 and text.isupper() and text == o["name"]:
                return o
        return None

    def person(self, text: str) -> tuple[str, list]:
        found = self.index.find(text, "person", limit=5)
        if not found:
            return "unknown", []
        top = found[0]
        rivals = [c for c in found[1:] if top.score - c.score < 4]
        return ("ambiguous" if rivals else "one"), [top, *rivals]

    def group_led_by(self, leaders: Sequence[str]) -> dict | None:
        """The breakaway group or faction whose members include every leader named."""
        if self._members is None:
            marks = ", ".join("?" for _ in _GROUPS)
            rows = self.store.records(
                "SELECT m.organization_id, p.name FROM membership m "
                "JOIN person p ON p.id = m.person_id JOIN organization o ON o.id = "
                f"m.organization_id WHERE o.classification IN ({marks})",
                list(_GROUPS),
            )
            self._members = {}
            for r in rows:
                self._members.setdefault(r["organization_id"], []).append(fold(r["name"]))
        keys = [fold(name) for name in leaders if fold(name)]
        if not keys:
            return None
        hits = [
            oid
            for oid, members in self._members.items()
            if all(max((similarity(k, m) for m in members), default=0) >= 86 for k in keys)
        ]
        if len(hits) != 1:
            return None
        return next(o for o in self.orgs if o["id"] == hits[0])


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", text)
    return [p.strip() for p in parts if p.strip()]


def _speaker(sentence: str, outlet: str | None) -> tuple[str | None, str]:
    m = re.search(
        r"\b((?:the\s+)?(?:[A-Z][\w()-]*\s+|[a-z]+'s\s+){0,2}spokes(?:man|person|woman)"
        r"(?:\s+[A-Z][\w'-]+){0,3})",
        sentence,
    )
    if m:
        return m[1].strip(), "official spokesman"
    m = re.search(
        r"\b(an?\s+(?:senior\s+)?(?:source|insider|leader)s?\s+(?:in|within|of|close"
        r" to)\s+the\s+[\w\s-]+?)(?=[,.;]|\s+(?:said|told|added)\b)",
        sentence,
    )
    if m:
        return m[1].strip(), "anonymous party source"
    m = re.search(r"\b(?:a|an)\s+(?:party\s+)?(insider|source)\b", sentence)
    if m:
        return m[0].strip(), "anonymous party source"
    if re.search(r"\banalysts?\b", sentence, re.IGNORECASE):
        return "analysts", "analyst"
    if re.search(r"\bthe media\b", sentence, re.IGNORECASE):
        return "the media", "journalist"
    return (outlet or "the outlet"), "journalist"


def _sentence_claim(res, sent, offset, matches, article, last_group) -> Proposal | None:
    text = sent.text
    kinds = {PATTERNS[m][0]: m for m in matches}
    names = sorted(set(matches))
    act = [m for m in names if PATTERNS[m][0] in ("joins", "leaves")]
    deny = [m for m in names if PATTERNS[m][0] == "deny"]
    retro = [m for m in names if PATTERNS[m][0] == "retro"]
    if not act and not deny:
        return None
    speaker, kind = _speaker(text, article.outlet)
    prop = Proposal(
        predicts="joins" if "joins" in kinds else "leaves",
        stance="denies" if deny and not retro else "asserts",
        sentence=text,
        sentence_no=0,
        start=offset + sent.start_char,
        end=offset + sent.end_char,
        patterns=names,
        wording=_strength(text),
        speaker=speaker,
        source_kind=kind,
        retrospective=bool(retro and act),
        article=article,
    )
    if prop.retrospective:
        prop.stance, prop.wording = "asserts", None
    # organizations: "led by A and B", "the A-B group", names, then the article's last group
    skip: set[str] = set()
    led = _LED_BY.search(text)
    group = None
    if led:
        leaders = _split_names(led["names"])
        group = res.group_led_by(leaders)
        skip.update(fold(x) for x in leaders)
        prop.organization_how = "led by " + ", ".join(leaders)
    named = _NAMED_GROUP.search(text)
    if group is None and named:
        leaders = named["lead"].split("-")
        group = res.group_led_by(leaders)
        skip.update(fold(x) for x in leaders)
        prop.organization_how = f"the {named['lead']} group"
    parties = []
    for m in _CAPS.finditer(text):
        span = m.group(0).strip().rstrip(".")
        words = span.split()
        while words and words[0].lower().rstrip(".") in _LEADING:
            words = words[1:]
        span = " ".join(words)
        if not span or fold(span) in skip or any(fold(w) in skip for w in span.split("-")):
            continue
        org = res.organization(span)
        if org is not None:
            if org["classification"] in _GROUPS and group is None:
                group, prop.organization_how = org, "named"
            elif org["classification"] == "party":
                parties.append(org)
            continue
        before, after = text[: m.start()], text[m.end() :]
        if _SAID.match(after) or _SPEAKER_BEFORE.search(before.lower()):
            if _SAID.match(after) and prop.source_kind == "journalist":
                prop.speaker, prop.source_kind = span, "other"
            continue
        if len(words) < 2 or any(w.lower().strip(".") in _NOT_PEOPLE for w in words):
            continue
        how, found = res.person(span)
        if how == "one":
            if found[0].id not in prop.person_ids:
                prop.people.append((found[0].id, found[0].name, span))
        elif how == "ambiguous":
            prop.ambiguous.append((span, [f"{c.id} ({c.name})" for c in found]))
        else:
            prop.unknown.append(span)
    if group is None and _CONTEXT_GROUP.search(text) and last_group is not None:
        group, prop.organization_how = last_group, "the group named earlier in the article"
    if prop.predicts == "joins":
        target = group or (parties[-1] if parties else None)
        if target is None and last_group is not None:
            target, prop.organization_how = last_group, "the group named earlier in the article"
        prop.organization = target["id"] if target else None
    else:
        prop.organization = parties[0]["id"] if parties else None
    prop.count_min, prop.count_max = _count(text)
    if prop.count_min is not None or prop.count_max is not None:
        prop.count_of = parties[0]["id"] if parties else None
    prop.group = group
    return prop


def extract_claims(
    store: Store,
    article: Article,
    *,
    made_on: object = None,
    outlet: str | None = None,
    link: str | None = None,
) -> list[Proposal]:
    """The claims ``article`` makes, as proposals (see the module docstring).

    ``made_on``, ``outlet`` and ``link`` override what the article's metadata says.
    """
    nlp, matcher = _pipeline()
    if made_on is not None:
        article.made_on = parse_date(made_on, name="made_on")
    article.outlet = outlet or article.outlet
    article.link = link or article.link
    res = _Resolver(store)
    out: list[Proposal] = []
    last_group = None
    doc = nlp(article.text)
    sents = [_trim(s) for s in doc.sents]
    sents = [s for s in sents if len(s)]
    by_sent: dict[int, list[str]] = {}
    for match_id, start, _ in matcher(doc):
        no = next(i for i, s in enumerate(sents) if s.start <= start < s.end)
        by_sent.setdefault(no, []).append(nlp.vocab.strings[match_id])
    for no, sent in enumerate(sents):
        matches = by_sent.get(no, [])
        prop = _sentence_claim(res, sent, 0, matches, article, last_group) if matches else None
        if prop is None:
            continue
        prop.sentence_no = no + 1
        last_group = prop.group or last_group
        has_subject = prop.people or prop.count_min is not None or prop.count_max is not None
        if prop.stance == "denies" and not has_subject and not prop.ambiguous:
            prev = next((p for p in reversed(out) if p.stance == "asserts"), None)
            if prev is None:
                continue
            prop.predicts, prop.organization = prev.predicts, prev.organization
            prop.people = list(prev.people)
            prop.count_min, prop.count_max, prop.count_of = (
                prev.count_min,
                prev.count_max,
                prev.count_of,
            )
            prop.inherited_from = prev.sentence_no
        elif not has_subject and not prop.ambiguous and not prop.unknown:
            continue
        out.append(prop)
    return out


def _note(p: Proposal) -> str:
    bits = [
        f"proposed by pattern(s) {', '.join(p.patterns)}",
        f"sentence {p.sentence_no}, characters {p.start}-{p.end}",
    ]
    if p.article is not None and p.article.path:
        bits.append(f"article {p.article.path}")
    if p.people:
        bits.append("people: " + "; ".join(f"{w!r} = {n}" for _, n, w in p.people))
    if p.organization_how:
        bits.append(f"organization: {p.organization_how}")
    if p.inherited_from:
        bits.append(f"denies the claim of sentence {p.inherited_from} ('such claims')")
    if p.retrospective:
        bits.append("retrospective: an earlier claim, reported as proved false")
    for written, cands in p.ambiguous:
        bits.append(f"AMBIGUOUS {written!r}: {' or '.join(cands)} (pick one in 'about')")
    if p.unknown:
        bits.append("UNKNOWN names (not in the store): " + "; ".join(p.unknown))
    if p.predicts == "joins" and not p.organization:
        bits.append("NO ORGANIZATION found: fill in 'organization'")
    return "; ".join(bits)


def proposals_frame(proposals: Sequence[Proposal]) -> pd.DataFrame:
    """Proposals as rows of the claims CSV template (:data:`floorwatch.claims.COLUMNS`)."""
    rows = []
    for p in proposals:
        a = p.article or Article(text="")
        row = dict.fromkeys(COLUMNS, "")  # every template column, blank unless set here
        row.update(
            {
                "made_on": a.made_on.isoformat() if a.made_on else "",
                "about": ";".join(p.person_ids),
                "count_min": p.count_min,
                "count_max": p.count_max,
                "count_of": p.count_of if p.count_min is not None or p.count_max else None,
                "predicts": p.predicts,
                "organization": p.organization,
                "stance": p.stance,
                "wording": p.wording,
                "outlet": a.outlet,
                "speaker": p.speaker,
                "source_kind": p.source_kind,
                "link": a.link,
                "quote": p.sentence,
                "note": _note(p),
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("count_min", "count_max"):
        frame[col] = frame[col].astype("Int64")
    return frame


def write_csv(frame: pd.DataFrame, path: str | Path | None = None) -> str:
    """The proposals as claims-template CSV text; also written to ``path`` when given."""
    text = frame.to_csv(index=False, lineterminator="\n")
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def accept_claims(store: Store, frame: pd.DataFrame) -> list[str]:
    """Import the :func:`importable` proposals into the ledger (one transaction, through
    :func:`floorwatch.claims.import_claims`); returns their claim ids."""
    import tempfile

    from floorwatch.claims.ledger import import_claims

    rows = importable(frame)
    if rows.empty:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "proposed-claims.csv"
        write_csv(rows, path)
        return import_claims(store, path)


def propose_claims(
    store: Store,
    paths: Iterable[str | Path],
    *,
    made_on: object = None,
    outlet: str | None = None,
    link: str | None = None,
) -> pd.DataFrame:
    """Every article's proposals (files and folders), as rows of the claims CSV template.

    Raises
    ------
    InputError
        An article gives no date and ``made_on`` is not given, or a file cannot be read.
    """
    proposals = []
    for article in read_articles(paths):
        if made_on is None and article.made_on is None:
            raise InputError(
                "the article gives no date (no article:published_time or <time datetime> "
                "metadata): pass --made-on YYYY-MM-DD",
                file=article.path,
            )
        proposals.extend(
            extract_claims(
                store,
                article,
                made_on=made_on if made_on is not None else article.made_on,
                outlet=outlet,
                link=link,
            )
        )
    return proposals_frame(proposals)


def importable(frame: pd.DataFrame) -> pd.DataFrame:
    """The proposals the ledger can take as they are: they name people or a count (not
    only ambiguous or unknown names), and a "joins" names the organization joined."""
    has_people = frame["about"].fillna("").astype(str) != ""
    has_count = frame["count_min"].notna() | frame["count_max"].notna()
    has_org = (frame["predicts"] != "joins") | frame["organization"].notna()
    return frame[(has_people | has_count) & has_org]


def matches_gold(expected: dict, proposal: Proposal) -> bool:
    """Whether ``proposal`` is the hand-read claim ``expected`` (a dict with ``sentence``, a
    part of the sentence, and ``predicts``, ``stance``, ``people``, ``organization``,
    ``count_min``, ``count_max``): every one of them equal."""
    p = proposal
    return (
        expected["sentence"] in p.sentence
        and p.predicts == expected["predicts"]
        and p.stance == expected["stance"]
        and sorted(p.person_ids) == sorted(expected["people"])
        and p.organization == expected["organization"]
        and p.count_min == expected["count_min"]
        and p.count_max == expected["count_max"]
    )


def precision_recall(
    proposals: Sequence[Proposal], expected: Sequence[dict]
) -> tuple[int, int, int]:
    """(true positives, proposals, expected claims) of ``proposals`` against a hand-read
    list (see :func:`matches_gold`); each expected claim is matched at most once."""
    left = list(proposals)
    hits = 0
    for exp in expected:
        hit = next((p for p in left if matches_gold(exp, p)), None)
        if hit is not None:
            left.remove(hit)
            hits += 1
    return hits, len(proposals), len(expected)


def propose_from_text(
    store: Store,
    text: str,
    *,
    made_on: object,
    outlet: str | None = None,
    link: str | None = None,
) -> pd.DataFrame:
    """The proposals of one article given as text (HTML or plain), as template rows."""
    article = article_from_text(text)
    return proposals_frame(
        extract_claims(store, article, made_on=made_on or article.made_on, outlet=outlet, link=link)
    )
