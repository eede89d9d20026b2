"""Benchmark: group_duplicates on 10,000 work-plan-like items against a naive all-pairs loop.

Items are sentences of 60-150 characters drawn from Zipf-weighted 2-3 character pieces of the seed
plan (so frequent grams such as 创新 are frequent here too), with near-duplicates planted in groups
of 2-6 (punctuation, width and one-character edits) under a shared unit. The naive baseline runs over
the first 1,000 items only (it is quadratic); both are measured in the same run.

Run: .venv/bin/python bench/group.py
"""

from __future__ import annotations

import itertools
import random
import time
from pathlib import Path

from luoshi.plandoc.similar import Item, gram_set, group_duplicates, jaccard

ITEM_COUNT = 10_000
NAIVE_COUNT = 1_000
UNIT_NAMES = tuple(f"单位{number:02d}" for number in range(40))
PUNCTUATION = "，。、；"
SEED = Path(__file__).resolve().parents[1] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"


def seed_pieces() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    hanzi = "".join(char for char in text if "\u4e00" <= char <= "\u9fff")
    pieces: list[str] = []
    position = 0
    rng = random.Random(7)
    while position < len(hanzi) - 3:
        size = rng.choice((2, 3))
        pieces.append(hanzi[position:position + size])
        position += size
    return list(dict.fromkeys(pieces))


def sentence(rng: random.Random, pieces: list[str], cumulative_weights: list[float]) -> str:
    length = rng.randint(60, 150)
    out: list[str] = []
    written = since_mark = 0
    while written < length:
        word = rng.choices(pieces, cum_weights=cumulative_weights)[0]
        out.append(word)
        written += len(word)
        since_mark += len(word)
        if since_mark > rng.randint(8, 20):
            out.append(rng.choice(PUNCTUATION))
            since_mark = 0
    return "".join(out)[:length] + "。"


def variant(rng: random.Random, text: str) -> str:
    """A planted near-duplicate: commas dropped, a digit made full-width, or one character changed."""
    chars = list(text)
    edit = rng.choice(("punctuation", "width", "substitute"))
    if edit == "punctuation":
        return text.replace("，", "")
    if edit == "width":
        return text.replace("1", "１") + " "
    position = rng.randrange(len(chars) - 1)
    chars[position] = "改"
    return "".join(chars)


def build_items() -> list[Item]:
    rng = random.Random(2018)
    pieces = seed_pieces()
    cumulative_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(pieces))))
    rng.shuffle(pieces)
    items: list[Item] = []
    while len(items) < ITEM_COUNT:
        unit = rng.choice(UNIT_NAMES)
        base = sentence(rng, pieces, cumulative_weights)
        copies = rng.randint(2, 6) if rng.random() < 0.15 else 1
        for copy in range(copies):
            text = base if copy == 0 else variant(rng, base)
            items.append(Item(id=f"item{len(items)}", text=text, units=frozenset({unit})))
    rng.shuffle(items)
    return items[:ITEM_COUNT]


def naive_pairs(items: list[Item], threshold: float) -> int:
    """Every pair, same definition, no index: the baseline."""
    grams = [gram_set(item.text) for item in items]
    matches = 0
    for left, right in itertools.combinations(range(len(items)), 2):
        if items[left].units & items[right].units and jaccard(grams[left], grams[right]) >= threshold:
            matches += 1
    return matches


def run(title: str, items: list[Item]) -> None:
    print(title)
    started = time.perf_counter()
    groups = group_duplicates(items)
    grouping_seconds = time.perf_counter() - started

    started = time.perf_counter()
    naive_matches = naive_pairs(items[:NAIVE_COUNT], 0.8)
    naive_seconds = time.perf_counter() - started

    grouped = sum(len(group) for group in groups)
    print(f"  group_duplicates, {len(items)} items: {grouping_seconds:.2f} s "
          f"({len(groups)} groups, {grouped} items grouped)")
    print(f"  naive all-pairs, first {NAIVE_COUNT} items: {naive_seconds:.2f} s "
          f"({naive_matches} matching pairs)")
    print(f"  ratio naive({NAIVE_COUNT}) / group_duplicates({len(items)}): "
          f"{naive_seconds / grouping_seconds:.2f}")
    projected = naive_seconds * (len(items) / NAIVE_COUNT) ** 2
    print(f"  naive all-pairs projected to {len(items)} items: {projected:.0f} s, "
          f"{projected / grouping_seconds:.0f}x the indexed join")


def main() -> None:
    items = build_items()
    run(f"{len(UNIT_NAMES)} units, near-duplicates share their unit:", items)
    single_unit = frozenset({UNIT_NAMES[0]})
    run("one unit on every item (the join's worst case):",
        [Item(id=item.id, text=item.text, units=single_unit) for item in items])


if __name__ == "__main__":
    main()
