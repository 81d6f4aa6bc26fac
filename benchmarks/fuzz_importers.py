"""A longer fuzzing campaign than CI's: every importer, more inputs, a seed of your choice.

The campaigns, their seeds, oracles and checks are those of ``tests/reliability`` (see
``tests/reliability/reliability_fuzz.py``); this script only runs them longer and prints the
figures that ``docs/reliability.md`` quotes::

    python benchmarks/fuzz_importers.py                      # 20,000 per importer, seed 1
    python benchmarks/fuzz_importers.py --examples 50000 --seed 7 voteview popolo

A failure prints the minimal input Hypothesis found (and, with ``--keep DIR``, writes its
files there) and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--examples", type=int, default=20_000, help="inputs per importer")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, help="write a failing input's files here")
    args = parser.parse_args(argv)
    if args.keep:
        os.environ["FLOORWATCH_FUZZ_KEEP"] = str(args.keep)
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
