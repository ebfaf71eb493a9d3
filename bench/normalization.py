"""Score the text normalizer against the NeMo-derived test cases in the peer suite.

Each `*.txt` file in the suite directory is one category with lines `written~spoken`.
A case is right when `normalize(written).text` equals `spoken` after the suite's
comparison rule: case-insensitive, ignoring punctuation, hyphens and the word "and".

    .venv/bin/python bench/normalization.py [SUITE_DIR] [--show-failures N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service.document.normalize import normalize  # noqa: E402

DEFAULT_SUITE = Path(__file__).resolve().parents[2] / "shared/peer/nemo-tn-en"

_HYPHENS = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014]")
_PUNCT = re.compile(r"[^\w\s]|_")


def comparable(text: str) -> list[str]:
    """Words to compare: lowercased, hyphens as spaces, other punctuation removed, "and" dropped."""
    text = _HYPHENS.sub(" ", text.lower())
    text = _PUNCT.sub("", text)
    return [w for w in text.split() if w != "and"]


def load(path: Path) -> list[tuple[str, str]]:
    """The (written, spoken) cases of one category file."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "~" not in line:
            continue
        written, spoken = line.split("~", 1)
        cases.append((written, spoken))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE, help="directory of *.txt cases")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="list up to N failing cases")
    args = parser.parse_args(argv)

    files = sorted(args.suite.glob("*.txt"))
    if not files:
        print(f"no *.txt files in {args.suite}", file=sys.stderr)
        return 2
    failures: list[tuple[str, str, str, str]] = []
    right_all = total_all = 0
    started = time.perf_counter()
    for path in files:
        cases = load(path)
        right = 0
        for written, spoken in cases:
            got = normalize(written).text
            if comparable(got) == comparable(spoken):
                right += 1
            else:
                failures.append((path.stem, written, spoken, got))
        right_all += right
        total_all += len(cases)
        pct = 100.0 * right / len(cases) if cases else 100.0
        print(f"{path.stem}: {right}/{len(cases)} = {pct:.1f}%")
    elapsed = time.perf_counter() - started
    pct = 100.0 * right_all / total_all if total_all else 100.0
    print(f"overall: {right_all}/{total_all} = {pct:.1f}%  ({elapsed * 1000:.0f} ms)")
    if args.show_failures:
        print()
        for category, written, spoken, got in failures[: args.show_failures]:
            print(f"[{category}] {written!r}\n   expected: {spoken}\n   got:      {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
