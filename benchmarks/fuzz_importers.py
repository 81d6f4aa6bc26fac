"""The full fuzzing campaign (``./run fuzz``): every importer, 10,000 inputs each, a fresh seed.

The campaigns, their seed files, oracles and checks are those of ``tests/reliability`` (see
``tests/reliability/reliability_fuzz.py``), whose test suite runs a small fixed-seed campaign
(400 inputs per importer) to stay fast. Here each run draws a new random seed and prints it
first, so that it keeps finding new bugs instead of replaying old ones, and any failure can be
replayed with the same seed::

    ./run fuzz                                               # 10,000 per importer, new seed
    python benchmarks/fuzz_importers.py --examples 50000 --seed 7 voteview popolo

A failure prints the minimal input Hypothesis found (and, with ``--keep DIR``, writes its
files there) and makes the exit status 1. Add a regression test for it to
``tests/reliability/test_found_bugs.py`` and list it in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "tests" / "reliability"
sys.path.insert(0, str(HERE))

from reliability_fuzz import run_parallel  # noqa: E402
from reliability_oracles import CAMPAIGNS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("campaigns", nargs="*", default=list(CAMPAIGNS), help="default: all")
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per importer")
    parser.add_argument("--seed", type=int, help="default: a new random seed, printed")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, help="write a failing input's files here")
    args = parser.parse_args(argv)
    if args.keep:
        os.environ["FLOORWATCH_FUZZ_KEEP"] = str(args.keep)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    names = " ".join(args.campaigns)
    print(
        f"seed {args.seed}: replay with python benchmarks/fuzz_importers.py --seed {args.seed} "
        f"--examples {args.examples} --workers {args.workers} {names}",
        flush=True,
    )
    failed = 0
    t0 = time.perf_counter()
    print(f"{'campaign':<14}{'inputs':>9}{'errors':>9}{'loads':>8}{'seconds':>9}{'/s':>7}")
    for name in args.campaigns:
        stats = run_parallel(name, args.examples, workers=args.workers, seed=args.seed)
        rate = stats.tried / stats.seconds if stats.seconds else 0
        print(
            f"{name:<14}{stats.tried:>9}{stats.errors:>9}{stats.loads:>8}"
            f"{stats.seconds:>9.0f}{rate:>7.0f}",
            flush=True,
        )
        if stats.failure:
            failed += 1
            print(stats.failure)
    print(f"total {time.perf_counter() - t0:.0f} s, {failed} campaign(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
