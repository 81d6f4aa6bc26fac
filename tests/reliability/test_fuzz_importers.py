"""Fuzzing every importer (see ``reliability_fuzz``): 10,000 mutated inputs each, run in two
worker processes. Every input ends in a floorwatch error naming the file with the store
untouched, or in a load that an independent reading of the file confirms."""

from __future__ import annotations

import sys

import pytest
from reliability_fuzz import FUZZ_EXAMPLES, run_parallel
from reliability_oracles import CAMPAIGNS


@pytest.mark.parametrize("campaign", list(CAMPAIGNS))
def test_fuzz_importer(campaign):
    stats = run_parallel(campaign, FUZZ_EXAMPLES, workers=2, seed=20_240_601)
    print(stats.report(), file=sys.stderr)
    if stats.failure:
        pytest.fail(f"{campaign}: {stats.failure}", pytrace=False)
    assert stats.tried >= FUZZ_EXAMPLES
    assert stats.errors > 0 and stats.loads > 0
