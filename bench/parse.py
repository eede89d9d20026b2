"""Benchmark: parse the Dalian plan, against a bare regex scan of the same text, and group 10,000 items.

The baseline is the least any parser must do: one pass of a heading regex and a unit-marker regex
over the text. Both run in this process, best of several rounds, so the ratio holds on any machine.
Goal from the issue: parsing under 25x the bare scan; grouping 10,000 items in a few seconds.

Run: make bench  (or .venv/bin/python bench/parse.py)
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from group import build_items

from luoshi.plandoc import parse
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.similar import group_duplicates

SEED = Path(__file__).resolve().parents[1] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[(（]\d+[)）])",
                     re.M)
MARKER = re.compile(r"[(（]责任单位[:：]([^()（）]*)[)）]")


def best_of(rounds: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bare_scan(text: str) -> int:
    return len(HEADING.findall(text)) + sum(len(m.group(1).split("、")) for m in MARKER.finditer(text))


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    parse(text)  # load the unit directory and compile patterns once, as a running service would

    def cold_parse() -> None:
        halfwidth.cache_clear()  # no credit for lines normalised by the previous round
        parse(text)

    t_parse = best_of(7, cold_parse)
    t_scan = best_of(50, lambda: bare_scan(text))
    print(f"parse Dalian plan ({len(text):,} chars): {t_parse * 1000:8.1f} ms")
    print(f"bare regex scan, same text:            {t_scan * 1000:8.2f} ms")
    print(f"ratio parse / bare scan:               {t_parse / t_scan:8.1f}x  (goal < 25x)")

    items = build_items()
    t_group = best_of(3, lambda: group_duplicates(items))
    print(f"group {len(items):,} items:                  {t_group:8.2f} s   (goal: a few seconds)")


if __name__ == "__main__":
    main()
