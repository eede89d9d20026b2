"""Near-duplicate task items: the same duty assigned to the same unit under several tasks.

Work plans repeat a unit's standing duty under every task it serves (the Dalian 2018 plan gives
市发展改革委 the same two sentences on innovation platforms under six different items). Grouping
those items lets the unit report once for all of them.

Measure: Jaccard similarity of the sets of character 3-grams of the text, after dropping
punctuation and whitespace and mapping full-width forms to ASCII. Why this measure:

* Chinese has no spaces, so word tokens would need a segmenter (a dependency, and one that splits
  domain terms such as 洁净能源国家实验室 unpredictably). Characters need none.
* Single characters and 2-grams are too common in the genre (创新, 建设, 支持 occur everywhere) and
  make unrelated duties look alike; 3-grams keep local word order, while a substituted word of k
  characters only disturbs k + 2 grams.
* Jaccard, unlike containment, is symmetric and penalises an added sentence or target: "协助…申报
  洁净能源国家实验室。" and the same sentence plus "积极争取国家级创新平台。" are not one report.
* A set-similarity threshold admits an exact prefix-filtering join, so grouping scales to
  thousands of items without comparing every pair.

Default threshold 0.8, measured on the Dalian seed (same-unit pairs): literal repeats score 1.0;
a repeat with a document number inserted scores 0.75; a sentence repeated with an extra sentence or
target scores 0.59-0.67; the closest distinct duties score 0.48 or less. 0.8 groups only clear
rewordings, so a unit never loses a distinct duty (one key word substituted in a text shorter than
about 30 characters stays apart); the price is that a longer insertion is left ungrouped.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from luoshi.plandoc.errors import InputTooLarge
from luoshi.plandoc.messages import message
from luoshi.plandoc.normalize import halfwidth

GRAM_SIZE = 3
# Work budget of one grouping: candidate pairs read from the postings (40 ns each when the pair is
# already grouped, up to ~0.4 µs when it must be verified). Prefix filtering reads few on real plans (the
# Dalian plan 6; bench/group.py's 10,000 items ~22,000), but nearly every earlier item when thousands of
# items of one unit are near-copies of one another (exact copies are folded before the join and cost
# nothing). Past this bound, 400 times the bench, the document is refused after a few seconds at most
# instead of being compared pair by pair for minutes. (Which pairs are read depends on the order of the
# grams, which is exact whatever it is; ties in rarity follow set order, so the count may vary a little
# from one process to the next.)
MAX_CANDIDATE_PAIRS = 10_000_000
# Float slack for threshold arithmetic: err towards a longer prefix and an inclusive comparison.
_EPSILON = 1e-9
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


@dataclass(slots=True, frozen=True)
class Item:
    """One task item to compare: its text without the unit marker, and its canonical unit names."""

    id: str
    text: str
    units: frozenset[str]


def comparable_text(text: str) -> str:
    """The text the measure sees: width-normalised letters and digits only.

    Punctuation, symbols, whitespace and control characters carry no duty, and their use varies
    between copies (、 or ，, a space before a number, full-width digits).
    """
    return _NOT_LETTER_OR_DIGIT.sub("", halfwidth(text))


def gram_set(text: str) -> frozenset[str]:
    """Character 3-grams of the comparable text; a 1-2 character text is its own single gram.

    An empty set (nothing but punctuation) never matches anything.
    """
    chars = comparable_text(text)
    if len(chars) < GRAM_SIZE:
        return frozenset({chars}) if chars else frozenset()
    return frozenset([chars[start:start + GRAM_SIZE] for start in range(len(chars) - GRAM_SIZE + 1)])


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when both are empty (no text is no evidence of a duplicate)."""
    union = len(left | right)
    return len(left & right) / union if union else 0.0


def group_duplicates(items: Sequence[Item], *, threshold: float = 0.8) -> list[list[str]]:
    """Group items that share a unit and whose 3-gram Jaccard similarity is >= threshold.

    Groups are the connected components of that relation with two or more members; ids keep the
    input order and groups are ordered by the position of their first id.

    The join runs once per unit, on what the unit's members share: exact copies are folded first; a
    gram that no other member of the unit has can add to no overlap, so each record keeps only its
    shared grams (a record with fewer than ceil(threshold*|s|) of them can match nothing and leaves the
    join). The rest is All-Pairs with prefix filtering: shared grams ranked rarest first within the unit,
    each record indexes its first |shared| - ceil(threshold*|s|) + 1, since two sets with Jaccard >= t
    must share one of those; candidates are then checked by size (|y| >= t*|x|) and verified, unless
    union-find already put them in the same group.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    seen_ids: set[str] = set()
    for item in items:
        if item.id in seen_ids:
            raise ValueError(f"duplicate item id {item.id!r}")
        seen_ids.add(item.id)

    # Items without a unit are never grouped: their grams are never read.
    gram_sets: list[frozenset[str]] = [gram_set(item.text) if item.units else frozenset() for item in items]
    members_by_unit: defaultdict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if gram_sets[index]:
            for unit in item.units:
                members_by_unit[unit].append(index)

    components = _DisjointSets(len(items))
    budget = [MAX_CANDIDATE_PAIRS]
    for unit in sorted(members_by_unit):
        members = members_by_unit[unit]
        if len(members) > 1:
            _join(_fold_copies(members, gram_sets, components), gram_sets, threshold, components, budget)

    groups: dict[int, list[str]] = {}
    for index, item in enumerate(items):
        groups.setdefault(components.find(index), []).append(item.id)
    # dict order is the order of each group's first member, which is the required group order.
    return [ids for ids in groups.values() if len(ids) > 1]


def _min_overlap(size: int, threshold: float) -> int:
    """The fewest grams a record of `size` grams shares with any record it matches."""
    return math.ceil(threshold * size - _EPSILON)


def _fold_copies(members: list[int], gram_sets: list[frozenset[str]], components: _DisjointSets) -> list[int]:
    """Union members with the same gram set (Jaccard 1.0) and keep one of each for the join.

    Exact: an item matches a copy exactly when it matches the kept one. Without this, N copies of one
    text (a repeated table row) would make the join read N^2/2 candidate pairs.
    """
    kept: dict[frozenset[str], int] = {}
    for index in members:
        first = kept.setdefault(gram_sets[index], index)
        if first != index:
            components.union(first, index)
    return list(kept.values())


def _shared_grams(members: list[int], gram_sets: list[frozenset[str]]) -> set[str]:
    """The grams of at least two of `members` (two or more)."""
    first, second, *rest = (gram_sets[index] for index in members)
    shared = set(first & second)
    if rest:   # the last member's grams are only looked up: nothing reads `seen` after it
        seen = set(first)
        seen.update(second)
        for grams in rest[:-1]:
            shared.update(seen.intersection(grams))
            seen.update(grams)
        shared.update(seen.intersection(rest[-1]))
    return shared


def _join(
    members: list[int],
    gram_sets: list[frozenset[str]],
    threshold: float,
    components: _DisjointSets,
    budget: list[int],
) -> None:
    """Union every pair of `members` with Jaccard >= threshold (prefix-filtered all-pairs).

    `budget[0]` is the number of candidate pairs still allowed; InputTooLarge when it runs out.
    """
    if len(members) < 2:
        return
    # The grams two members have in common are grams of two members: the overlap of any pair is the
    # overlap of their shared parts, and a member with fewer shared grams than a match needs matches none.
    shared = _shared_grams(members, gram_sets)
    kept: dict[int, frozenset[str]] = {}
    for index in members:
        grams = gram_sets[index]
        part = grams & shared
        if len(part) >= _min_overlap(len(grams), threshold):
            kept[index] = part
    if len(kept) < 2:
        return
    frequency = Counter(itertools.chain.from_iterable(kept.values()))
    # Rare grams first keeps the indexed prefixes, hence the candidate lists, short. Any order that all
    # records follow is exact; ties follow first-seen order.
    rank = {gram: position for position, gram in enumerate(sorted(frequency, key=frequency.__getitem__))}
    # Shortest first: each probe only meets records no longer than itself.
    order = sorted(kept, key=lambda index: (len(gram_sets[index]), index))
    postings: dict[int, list[int]] = {}
    for probe in order:
        probe_set = kept[probe]
        size = len(gram_sets[probe])
        record = sorted(map(rank.__getitem__, probe_set))
        prefix = record[:len(record) - _min_overlap(size, threshold) + 1]
        min_size = threshold * size - _EPSILON
        candidates: set[int] = set()
        # Each posting is read before the probe joins it; the prefix's grams are distinct, so the
        # probe never meets itself.
        for gram in prefix:
            posting = postings.get(gram)
            if posting is None:
                postings[gram] = [probe]
            else:
                budget[0] -= len(posting)
                candidates.update(posting)
                posting.append(probe)
        if budget[0] < 0:
            raise InputTooLarge(message("too_many_duplicates", limit=f"{MAX_CANDIDATE_PAIRS:,}"))
        if not candidates:
            continue
        probe_root = components.find(probe)
        for other in candidates:
            other_size = len(gram_sets[other])
            if other_size < min_size:
                continue
            other_root = components.find(other)
            if other_root == probe_root:
                continue
            overlap = len(probe_set & kept[other])
            if overlap >= threshold * (size + other_size - overlap) - _EPSILON:
                probe_root = components.union(probe_root, other_root)


class _DisjointSets:
    """Union-find with path halving and union by size."""

    __slots__ = ("_parent", "_size")

    def __init__(self, count: int) -> None:
        self._parent = list(range(count))
        self._size = [1] * count

    def find(self, node: int) -> int:
        parent = self._parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, left: int, right: int) -> int:
        """Merge the sets of two roots or members; return the new root."""
        left, right = self.find(left), self.find(right)
        if left == right:
            return left
        if self._size[left] < self._size[right]:
            left, right = right, left
        self._parent[right] = left
        self._size[left] += self._size[right]
        return left
