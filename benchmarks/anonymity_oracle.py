"""A long run of the anonymity oracle, beyond the 400 random organisations CI tries.

    ./run oracle [--examples N]

For N random organisations (tests/test_anonymity.py: random trees, role levels, mappings and
answer patterns), the suppression stage decides every figure, and then:
- the oracle, which knows nothing of families, looks for any subtraction of shown figures that
  isolates 1 to 4 respondents (a leak of the stage);
- the audit (`disclosure.check`, knowing the private own-part counts as the build's audit does)
  must find a small group exactly where the oracle does;
- with the stage's rule for derivable own parts switched off (`_still_derivable`), every leak
  the oracle then finds must be caught by the audit.
Each case that fails is printed, ready to paste into an @example. Exit status 1 if any failed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from unittest import mock

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_anonymity import MIN, _figures, _isolated_small_groups, audited_small_groups, organisations  # noqa: E402

from pipeline import disclosure  # noqa: E402


def _decide(figures: list[dict], units: pl.DataFrame) -> pl.DataFrame:
    return disclosure.decide(pl.DataFrame(figures), units, {"s": MIN})


def _audit_finds(figures: list[dict], decided: pl.DataFrame) -> bool:
    return audited_small_groups(pl.DataFrame(figures), decided) > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="random organisations to try")
    args = parser.parse_args()
    counts = {"organisations": 0, "stage leaks": 0, "audit false alarms": 0,
              "leaks without the rule": 0, "caught by the audit": 0}
    failed = []

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(organisations())
    def run(org) -> None:
        parent, role, mapping, staff = org
        figures, pairs = _figures(parent, role, mapping, staff)
        units = pl.DataFrame({"survey": "s", "wave": "w", "unit_id": list(parent), "parent_id": list(parent.values())})
        counts["organisations"] += 1
        decided = _decide(figures, units)
        leaks, found = bool(_isolated_small_groups(pairs, decided["shown"].to_list())), _audit_finds(figures, decided)
        if leaks:
            counts["stage leaks"] += 1
            failed.append(("the stage leaks" + (" (the audit finds it)" if found else " and the audit misses it"), org))
        elif found:
            counts["audit false alarms"] += 1
            failed.append(("the audit raises a false alarm", org))
        with mock.patch.object(disclosure, "_still_derivable", lambda *a: np.zeros(len(a[4]), dtype=bool)):
            without = _decide(figures, units)
        if _isolated_small_groups(pairs, without["shown"].to_list()):
            counts["leaks without the rule"] += 1
            if _audit_finds(figures, without):
                counts["caught by the audit"] += 1
            else:
                failed.append(("the audit misses a leak of a stage without the rule", org))

    run()
    for what, org in failed:
        print(f"{what}: {org!r}")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
