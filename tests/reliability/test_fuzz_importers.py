"""Fuzzing every importer (see ``reliability_fuzz``): a small fixed-seed campaign in the test
suite (400 mutated inputs per importer, two worker processes), beside the regression test of
every bug found so far (``test_found_bugs.py``). Every input ends in a floorwatch error naming
the file with the store untouched, or in a load that an independent reading of the file
confirms. The full campaign, 10,000 inputs per importer with a fresh random seed, is
``./run fuzz`` (``benchmarks/fuzz_importers.py``)."""

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
