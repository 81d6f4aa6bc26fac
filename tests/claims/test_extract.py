"""Claims proposed from news text (floorwatch.claims.extract, `floorwatch claims extract`).

Articles and a register of fictional people written for the tests (tests/data/claims_extract,
see its SOURCE.md), on top of the EveryPolitician Pakistan cut (tests/data/names) that gives
the real PTI. ``gold.json`` holds the claims each article makes, read by hand.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

import floorwatch
from floorwatch.claims.articles import read_article
from floorwatch.claims.extract import extract_claims, matches_gold
from floorwatch.cli import main
from floorwatch.ingest import ingest_popolo
from floorwatch.ingest.csv import ingest_csv


@pytest.fixture(scope="module")
def data(test_data):
    return test_data / "claims_extract"


@pytest.fixture(scope="module")
def gold(data):
    return json.loads((data / "gold.json").read_text(encoding="utf-8"))


def build(path, test_data):
    with floorwatch.open(path) as store:
        ingest_popolo(store, test_data / "names" / "pakistan-names.json")
        for kind in ("persons", "organizations", "memberships", "other_names"):
            ingest_csv(store, kind, test_data / "claims_extract" / f"{kind}.csv")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory, test_data):
    path = build(tmp_path_factory.mktemp("extract") / "register.duckdb", test_data)
    with floorwatch.open(path) as s:
        yield s


def _proposals(store, data, name, made_on="2016-03-20"):
    article = read_article(data / "articles" / name)
    return article, extract_claims(store, article, made_on=article.made_on or made_on)


@pytest.mark.parametrize("name", ["01-marked-red.html", "02-two-join.txt", "03-no-claims.txt"])
def test_every_expected_claim_and_no_other(store, data, gold, name):
    article, found = _proposals(store, data, name)
    expected = gold[name]
    assert len(found) == len(expected), [p.sentence for p in found]
    for exp in expected:
        hits = [p for p in found if matches_gold(exp, p)]
        assert len(hits) == 1, (exp, [(p.sentence, p.predicts, p.person_ids) for p in found])
        p = hits[0]
        assert p.source_kind == exp["source_kind"], p.speaker
        # the quote is the article's own sentence, at the position given
        assert article.text[p.start : p.end] == p.sentence
        assert p.patterns and all("." in name for name in p.patterns)
        if "ambiguous" in exp:
            assert [sorted(c.split()[0] for c in cands) for _, cands in p.ambiguous] == [
                exp["ambiguous"]
            ]
        if "unknown" in exp:
            assert p.unknown == exp["unknown"]


def test_names_in_two_spellings_and_scripts(store, data):
    _, first = _proposals(store, data, "01-marked-red.html")
    _, second = _proposals(store, data, "02-two-join.txt")
    written = {w: pid for p in first + second for pid, _, w in p.people}
    assert written["Ch. Naveed Anjum"] == written["Chaudhry Naveed Anjum"] == "fx-naveed-anjum"
    assert written["Rubina Gill"] == written["Rubina Shaheen Gill"] == "fx-rubina-gill"
    assert written["Nadia Sultana Qureishi"] == "fx-nadia-qureshi"  # a stored other spelling
    _, fourth = _proposals(store, data, "04-karachi.txt")
    joined = [p for p in fourth if "(فیصل" in p.sentence]
    assert [p.person_ids for p in joined] == [["fx-faisal-cheema"]]  # Latin and Urdu: one
    assert all("in contact" not in p.sentence for p in fourth)


def test_group_named_after_its_leaders(store, data):
    _, found = _proposals(store, data, "01-marked-red.html")
    led = [p for p in found if "led by" in p.sentence]
    assert led[0].organization == "fx-nig"
    assert led[0].organization_how == "led by Tariq Mehmood Awan, Zubair Ahmed Khokhar"
    # the leaders are the group, not the subjects of the claim
    assert "fx-tariq-awan" not in led[0].person_ids
    named = [p for p in found if "Awan-Khokhar group" in p.sentence][0]
    assert named.organization == "fx-nig" and named.wording == "likely"


def test_html_metadata_and_text(data):
    article = read_article(data / "articles" / "01-marked-red.html")
    assert str(article.made_on) == "2016-03-14"
    assert article.outlet == "The Daily Frontier"
    assert article.link == "https://frontier.example/2016/03/14/pti-red-list"
    assert "tracker" not in article.text and "Home" not in article.text  # script, nav
    assert article.text.startswith("PTI marks up to 60 lawmakers red")


def test_cli_writes_the_template_and_accept_imports(tmp_path, test_data, data, capsys):
    db = build(tmp_path / "cli.duckdb", test_data)
    out = tmp_path / "proposed.csv"

    def extract(*args: str) -> int:
        return main(["--db", str(db), "claims", "extract", *args])

    code = extract(str(data / "articles"), "-o", str(out), "--made-on", "2016-03-20")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0]
    template = floorwatch.claims.template_path().read_text(encoding="utf-8").splitlines()[0]
    assert header == template
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(r["note"].startswith("proposed by pattern(s) ") for r in rows)
    assert all("sentence " in r["note"] and "characters " in r["note"] for r in rows)
    with floorwatch.open(db) as s:
        assert s.scalar("SELECT count(*) FROM claim") == 0  # nothing enters unreviewed
    ambiguous = [r for r in rows if "AMBIGUOUS" in r["note"]]
    assert len(ambiguous) == 1 and "fx-asif-kasur" in ambiguous[0]["note"]
    # the reviewed file (the rows that name people or a count) imports as it is
    reviewed = tmp_path / "reviewed.csv"
    with reviewed.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header.split(","))
        w.writeheader()
        w.writerows(
            r
            for r in rows
            if (r["about"] or r["count_max"] or r["count_min"])
            and (r["predicts"] != "joins" or r["organization"])
        )
    assert main(["--db", str(db), "claims", "import", str(reviewed)]) == 0
    with floorwatch.open(db) as s:
        imported = s.scalar("SELECT count(*) FROM claim")
    assert imported >= 8
    capsys.readouterr()
    code = extract(str(data / "articles"), "--made-on", "2016-03-20", "--accept")
    assert code == 0
    with floorwatch.open(db) as s:  # --accept imports the same rows: the ids are the same
        assert s.scalar("SELECT count(*) FROM claim") == imported
    code = extract(str(data / "articles" / "02-two-join.txt"))
    assert code == 1
    assert "--made-on" in capsys.readouterr().err
