"""Benchmark: parse the Dalian plan, against a bare regex scan of the same text, and group 10,000 items.

The baseline is the least any parser must do: one pass of a heading regex and a unit-marker regex
over the text. Both run in this process, best of several rounds, so the ratio holds on any machine.
Goal from the issue: parsing under 25x the bare scan; grouping 10,000 items in a few seconds.

Linear growth: a synthetic plan ten times the Dalian plan (its body ten times over, chapters numbered
on: 一 to 九十) should take ten times as long (ratio ~1.0), and texts of 2,000 / 4,000 / 8,000 lines
without a full stop (one wrapped paragraph: the case that used to be quadratic) should double with the
lines.

Every timed parse is cold: the parser's memoised functions of text (halfwidth, looks_like_unit,
match_label) are emptied first, so no round is credited with lines or names read by the round before;
the garbage of earlier rounds is collected before the clock starts. Times are CPU time of this process
(time.process_time), best of many rounds: on a machine shared with other jobs wall-clock time swings
several-fold, CPU time much less.

`--shares` also prints where the Dalian parse's time goes: the exclusive time of the parser's main
functions (each wrapped; its time minus that of the wrapped functions it calls), in the fastest of the
rounds. The wrappers add ~0.3 µs a call, so the total reads a little higher than the plain parse.

Run: make bench  (or .venv/bin/python bench/parse.py [--shares])
"""

from __future__ import annotations

import argparse
import gc
import importlib
import inspect
import pkgutil
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from group import build_items

import luoshi.plandoc
from luoshi.plandoc import parse
from luoshi.plandoc.numerals import parse_number
from luoshi.plandoc.similar import group_duplicates

SEED = Path(__file__).resolve().parents[1] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[(（]\d+[)）])",
                     re.M)
MARKER = re.compile(r"[(（]责任单位[:：]([^()（）]*)[)）]")
CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、", re.M)
COPIES = 10
NO_STOP_LINE = "推进科技创新体系建设加快产业转型升级完善政策支撑体系提升城市"  # 30 characters, no 。


def best_of(rounds: int, fn: Callable[[], object], *, collect: bool = False) -> float:
    """Best time of `rounds` calls. With `collect` (the parses), each round starts with the garbage of the
    rounds before it collected, outside the timing: otherwise the cyclic collector's passes over a previous
    round's plan (drafts point at their parents and children) land in the next round, which made the 10x
    plan read up to ~1.2 instead of ~1.0. The collector stays on while timing (timeit turns it off), so a
    parse pays for its own garbage. Not for the bare scan: a collection leaves the CPU caches cold, which
    would slow the baseline down and flatter the ratio."""
    best = float("inf")
    for _ in range(rounds):
        if collect:
            gc.collect()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def bare_scan(text: str) -> int:
    return len(HEADING.findall(text)) + sum(len(m.group(1).split("、")) for m in MARKER.finditer(text))


def chinese(value: int) -> str:
    """1..99 as a chapter numeral: 九, 十, 十一, 二十, 九十九."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(value, 10)
    return (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[ones] if ones else "")


def larger_plan(text: str, copies: int) -> str:
    """The preamble once, the body (first chapter to the last item) `copies` times with the chapters
    numbered on, then the page furniture after the body once."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if CHAPTER.match(line))
    last = max(i for i, line in enumerate(lines) if MARKER.search(line))
    body = "\n".join(lines[first:last + 1])
    chapters = len(CHAPTER.findall(body))

    def renumber(offset: int) -> str:
        return CHAPTER.sub(lambda m: f"{chinese(int(parse_number(m.group(1)) or 0) + offset)}、", body)

    return "\n".join([*lines[:first], *(renumber(copy * chapters) for copy in range(copies)),
                      *lines[last + 1:]])


def no_full_stop(lines: int) -> str:
    return "一、总体要求\n" + "\n".join(NO_STOP_LINE for _ in range(lines)) + "\n"


def text_caches() -> list[Any]:
    """The parser's memoised functions of text (halfwidth, looks_like_unit, ...): every function of a
    luoshi.plandoc module with a cache_clear() and an argument. The built-in unit directory (no
    argument) is loaded once per process, as a running service does."""
    found = []
    for info in pkgutil.iter_modules(luoshi.plandoc.__path__):
        module = importlib.import_module(f"luoshi.plandoc.{info.name}")
        found.extend(value for value in vars(module).values()
                     if callable(getattr(value, "cache_clear", None))
                     and getattr(value, "__module__", None) == module.__name__
                     and inspect.signature(value).parameters)
    return found


def cold(text: str) -> Callable[[], object]:
    caches = text_caches()

    def run() -> object:
        for cache in caches:  # no credit for lines normalised or names read by the previous round
            cache.cache_clear()
        return parse(text)
    return run


# The parser's main functions, for --shares: module and qualified name.
SHARE_FUNCTIONS = (
    "core.parse_source", "core._finalise", "core._plan_units", "core._canonical_units", "core._text_span",
    "lines.split_lines", "lines.noise_kind", "lines.match_label", "lines.split_inline_items",
    "tables.rebuild_tables", "meta.extract_metadata", "normalize.halfwidth",
    "tree.find_lead_rule_line", "tree.TreeBuilder.feed", "tree.TreeBuilder.finish",
    "units.find_unit_markers", "units._unbracketed_marker", "units._parse_labelled", "units._parse_verbs",
    "units._brackets", "units._pieces", "units.looks_like_unit", "units.find_duty_units",
    "units.find_unit_title", "units.find_blanket_rule",
    "targets.find_targets", "dates.find_deadline", "dates.find_labelled_deadline", "refs.find_refs",
    "similar.group_duplicates",
)


def plandoc_modules() -> list[ModuleType]:
    return [importlib.import_module(f"luoshi.plandoc.{info.name}")
            for info in pkgutil.iter_modules(luoshi.plandoc.__path__)]


def shares(text: str, rounds: int) -> list[tuple[str, float]]:
    """Exclusive time of each of SHARE_FUNCTIONS in the fastest of `rounds` cold parses, and the total.

    Each function is replaced, wherever a parser module holds it, by a wrapper that adds its time less
    the time of the wrapped functions it called. The originals are put back at the end.
    """
    run = cold(text)   # the caches to empty are found before the functions are wrapped
    spent: dict[str, float] = {}
    callee_time = [0.0]
    restore: list[tuple[Any, str, Any]] = []

    def wrapped(fn: Callable[..., Any], key: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            callee_time.append(0.0)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                spent[key] = spent.get(key, 0.0) + elapsed - callee_time.pop()
                callee_time[-1] += elapsed
        return timed

    modules = plandoc_modules()
    for key in SHARE_FUNCTIONS:
        module_name, *names = key.split(".")
        module = importlib.import_module(f"luoshi.plandoc.{module_name}")
        if len(names) == 2:   # a method
            owner = getattr(module, names[0])
            restore.append((owner, names[1], owner.__dict__[names[1]]))
            setattr(owner, names[1], wrapped(owner.__dict__[names[1]], key))
            continue
        original = getattr(module, names[0])
        timed = wrapped(original, key)
        for holder in modules:
            for name, value in list(vars(holder).items()):
                if value is original:
                    restore.append((holder, name, original))
                    setattr(holder, name, timed)
    try:
        best_total, best_spent = float("inf"), {}
        for _ in range(rounds):
            gc.collect()
            spent.clear()
            start = time.perf_counter()
            run()
            total = time.perf_counter() - start
            if total < best_total:
                best_total, best_spent = total, dict(spent)
    finally:
        for holder, name, original in reversed(restore):
            setattr(holder, name, original)
    return [("total", best_total), *sorted(best_spent.items(), key=lambda kv: -kv[1])]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--shares", action="store_true", help="also print where the Dalian parse's time goes")
    options.add_argument("--rounds", type=int, default=25, help="rounds of the Dalian parse (default 25)")
    args = options.parse_args()
    text = SEED.read_text(encoding="utf-8")
    parse(text)  # load the unit directory and compile patterns once, as a running service would

    t_parse = best_of(args.rounds, cold(text), collect=True)
    t_scan = best_of(12 * args.rounds, lambda: bare_scan(text))
    print(f"parse Dalian plan ({len(text):,} chars): {t_parse * 1000:8.1f} ms")
    print(f"bare regex scan, same text:            {t_scan * 1000:8.2f} ms")
    print(f"ratio parse / bare scan:               {t_parse / t_scan:8.1f}x  (goal < 25x)")

    big = larger_plan(text, COPIES)
    big_nodes = len(parse(big).nodes)
    t_big = best_of(max(3, args.rounds // 5), cold(big), collect=True)
    print(f"parse {COPIES}x plan ({len(big):,} chars, {big_nodes:,} nodes): {t_big * 1000:8.1f} ms"
          f"   / ({COPIES} x Dalian) = {t_big / (COPIES * t_parse):.2f}  (linear: ~1.0)")
    previous = None
    for lines in (2000, 4000, 8000):
        t_lines = best_of(3, cold(no_full_stop(lines)), collect=True)
        growth = f"   x{t_lines / previous:.2f} for 2x the lines" if previous else ""
        print(f"{lines:,} lines without a full stop:       {t_lines * 1000:8.1f} ms{growth}")
        previous = t_lines

    items = build_items()
    t_group = best_of(3, lambda: group_duplicates(items))
    print(f"group {len(items):,} items:                  {t_group:8.2f} s   (goal: a few seconds)")

    if args.shares:
        found = shares(text, args.rounds)
        total = found[0][1]
        print(f"where the Dalian parse goes (exclusive time, {total * 1000:.1f} ms with the wrappers):")
        for key, seconds in found[1:]:
            print(f"  {key:32s} {seconds * 1000:7.2f} ms {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
