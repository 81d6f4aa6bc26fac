"""Measure `floorwatch claims extract`: precision and recall on the test articles, and time.

The articles, the register of fictional people and the hand-read claims (``gold.json``) are in
``tests/data/claims_extract`` (see its SOURCE.md); the real PTI comes from the EveryPolitician
cut in ``tests/data/names``. A proposal counts as right only when its sentence, predicts,
stance, people, organization and counts all equal a hand-read claim.

Run: python benchmarks/bench_claims_extract.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import floorwatch
from floorwatch.claims.articles import read_article
from floorwatch.claims.extract import extract_claims, matches_gold, precision_recall
from floorwatch.ingest import ingest_popolo
from floorwatch.ingest.csv import ingest_csv

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    store = floorwatch.open(":memory:")
    ingest_popolo(store, DATA / "names" / "pakistan-names.json")
    for kind in ("persons", "organizations", "memberships", "other_names"):
        ingest_csv(store, kind, DATA / "claims_extract" / f"{kind}.csv")
    gold = json.loads((DATA / "claims_extract" / "gold.json").read_text(encoding="utf-8"))
    total = [0, 0, 0]
    for name, expected in gold.items():
        if name.startswith("_"):
            continue
        article = read_article(DATA / "claims_extract" / "articles" / name)
        t = time.perf_counter()
        found = extract_claims(store, article, made_on=article.made_on or "2016-03-20")
        took = time.perf_counter() - t
        hits, proposed, wanted = precision_recall(found, expected)
        total = [a + b for a, b in zip(total, (hits, proposed, wanted), strict=True)]
        print(f"{name}: {proposed} proposed, {wanted} expected, {hits} right ({took:.2f} s)")
        for exp in expected:
            if not any(matches_gold(exp, p) for p in found):
                print(f"  missed: {exp['sentence']!r} ({exp['predicts']}, {exp['stance']})")
        for p in found:
            if not any(matches_gold(exp, p) for exp in expected):
                print(f"  wrong:  {p.sentence[:60]!r} ({p.predicts}, {p.stance}, {p.patterns})")
    hits, proposed, wanted = total
    print(f"precision {hits}/{proposed} = {hits / proposed:.2f}")
    print(f"recall    {hits}/{wanted} = {hits / wanted:.2f}")


if __name__ == "__main__":
    main()
