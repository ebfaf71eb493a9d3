"""Score NeMo's finite-state text normalizer (nemo-text-processing) on the same three sets.

For the comparison in docs/architecture.md: accuracy on dev / held-out / own with
the same comparison rule as bench/normalization.py, the time to build (or load) the
grammars, and the time per case for both normalizers. NeMo is not a dependency of
the service; run this with an environment that has it, e.g.

    python -m venv /tmp/nemo-venv && /tmp/nemo-venv/bin/pip install pynini nemo-text-processing
    PYTHONPATH=. /tmp/nemo-venv/bin/python bench/normalization_nemo.py --cache-dir /tmp/nemo-cache
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for _p in (REPO, REPO / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from normalization import DEFAULT_OWN, DEFAULT_SUITE, SETS, comparable, load_sets  # noqa: E402

from service.document.normalize import normalize  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--own", type=Path, default=DEFAULT_OWN)
    parser.add_argument("--cache-dir", default=None, help="where NeMo keeps its compiled grammars")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    parser.add_argument("--set", choices=SETS, default="dev")
    args = parser.parse_args(argv)

    from nemo_text_processing.text_normalization.normalize import Normalizer

    started = time.perf_counter()
    nemo = Normalizer(input_case="cased", lang="en", cache_dir=args.cache_dir)
    print(f"NeMo grammars ready in {time.perf_counter() - started:.1f} s (cache: {args.cache_dir})")

    sets = load_sets(args.suite, args.own)
    failures: list[tuple[str, str, str, str]] = []
    for name, cases in sets.items():
        right = {"nemo": 0, "ours": 0}
        spent = {"nemo": 0.0, "ours": 0.0}
        per_category: dict[str, list[int]] = {}
        for category, written, spoken in cases:
            t0 = time.perf_counter()
            got = nemo.normalize(written, punct_post_process=True)
            t1 = time.perf_counter()
            ours = normalize(written).text
            t2 = time.perf_counter()
            spent["nemo"] += t1 - t0
            spent["ours"] += t2 - t1
            cell = per_category.setdefault(category, [0, 0])
            cell[1] += 1
            if comparable(got) == comparable(spoken):
                right["nemo"] += 1
                cell[0] += 1
            elif name == args.set:
                failures.append((category, written, spoken, got))
            right["ours"] += comparable(ours) == comparable(spoken)
        n = len(cases)
        print(
            f"{name:<9} NeMo {right['nemo']}/{n} = {100 * right['nemo'] / n:.1f}%  "
            f"({1000 * spent['nemo'] / n:.1f} ms a case)   "
            f"ours {right['ours']}/{n} = {100 * right['ours'] / n:.1f}%  ({1000 * spent['ours'] / n:.2f} ms a case)"
        )
        print("          " + ", ".join(f"{c} {r}/{t}" for c, (r, t) in sorted(per_category.items())))
    for category, written, spoken, got in failures[: args.show_failures]:
        print(f"[{category}] {written!r}\n   expected: {spoken}\n   nemo:     {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
