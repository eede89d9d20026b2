"""Near-duplicate grouping: real repeats from the Dalian seed, distinct duties, units, edge cases, scale."""

from __future__ import annotations

import functools
import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.plandoc.similar import Item, comparable_text, gram_set, group_duplicates, jaccard

SEED = Path(__file__).resolve().parents[2] / "src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt"
NDRC = frozenset({"市发展改革委"})
MOST = frozenset({"市科技局"})
MIIT = frozenset({"市经信委"})

PLATFORM_DUTY = ("深入开展市级创新平台建设,扩大申报领域、增加支持数量和提高资金支持额度。"
                 "积极申报国家重点产业示范项目和国家级创新平台。")
LAB_DUTY = "协助大连化物所申报洁净能源国家实验室。"


def item(item_id: str, text: str, units: frozenset[str]) -> Item:
    return Item(id=item_id, text=text, units=units)


# --- the measure ------------------------------------------------------------------------------------

def test_it_compares_letters_and_digits_only_after_width_mapping() -> None:
    assert comparable_text("（１）新增　市级，以上-中心 15家。\n") == "1新增市级以上中心15家"


def test_it_scores_one_changed_key_word_well_below_the_threshold() -> None:
    # By hand: 12 and 14 grams, 8 shared (新增市 增市级 市级以 级以上 中心等 心等1 等15 15家), union 18.
    left = gram_set("新增市级以上工程中心等15家。")
    right = gram_set("新增市级以上企业技术中心等15家。")
    assert (len(left), len(right), len(left & right)) == (12, 14, 8)
    assert jaccard(left, right) == pytest.approx(8 / 18)


def test_it_treats_short_texts_as_one_gram_and_empty_texts_as_nothing() -> None:
    assert gram_set("同上") == frozenset({"同上"})
    assert gram_set("。、 ") == frozenset()
    assert jaccard(frozenset(), frozenset()) == 0.0


# --- real repeats and real distinctions from the seed ---------------------------------------------------

def test_it_groups_the_seeds_repeated_platform_duty_across_tasks() -> None:
    # Items 10.(2), 11.(1), 12.(2), 17.(1), 47.(2) of the seed, all for 市发展改革委, and 11.(3) between.
    items = [
        item("10.(2)", PLATFORM_DUTY, NDRC),
        item("11.(1)", PLATFORM_DUTY, NDRC),
        item("11.(3)", "支持研发高附加值精细化学品的结构设计、功能调控和清洁制备等精细化工领域项目研究,"
             "组织实施市科技重大专项和重点研发计划。", MOST),
        item("12.(2)", PLATFORM_DUTY, NDRC),
        item("17.(1)", PLATFORM_DUTY, NDRC),
        item("47.(2)", PLATFORM_DUTY, NDRC),
    ]
    assert group_duplicates(items) == [["10.(2)", "11.(1)", "12.(2)", "17.(1)", "47.(2)"]]


def test_it_keeps_a_repeat_with_an_added_sentence_apart() -> None:
    # 105.(1) and 106.(1) repeat the duty; 107.(1) adds 积极争取国家级创新平台 — another thing to report on.
    items = [
        item("105.(1)", LAB_DUTY, NDRC),
        item("106.(1)", LAB_DUTY, NDRC),
        item("107.(1)", LAB_DUTY + "积极争取国家级创新平台。", NDRC),
        item("37.(2)", "深入开展市级创新平台建设,扩大申报领域、增加支持数量和提高资金支持额度。", NDRC),
        item("47.(2)", PLATFORM_DUTY, NDRC),
    ]
    assert group_duplicates(items) == [["105.(1)", "106.(1)"]]


def test_it_groups_a_repeat_with_an_inserted_doc_number_only_below_the_default_threshold() -> None:
    # Seed items 1.(2) and 5.(1) of 市科技局: the second inserts 大政办发〔2017〕119号文件印发 (Jaccard 0.75).
    plain = ("完成《大连国家自主创新示范区三年行动计划(2017-2019年)》2018年各项指标任务,"
             "启动自创区发展规划和空间规划编制工作。")
    cited = ("完成《大连国家自主创新示范区三年行动计划(2017-2019年)》(大政办发〔2017〕119号文件印发)"
             "2018年各项指标任务,启动自创区发展规划和空间规划编制工作。")
    items = [item("1.(2)", plain, MOST), item("5.(1)", cited, MOST)]
    assert group_duplicates(items) == []
    assert group_duplicates(items, threshold=0.7) == [["1.(2)", "5.(1)"]]


def test_it_keeps_duties_that_differ_in_one_key_word_apart_for_the_same_unit() -> None:
    items = [
        item("a", "新增市级以上工程中心等15家。", NDRC),
        item("b", "新增市级以上企业技术中心等15家。", NDRC),
        item("c", "支持大连理工大学申报国家重点实验室。", NDRC),
        item("d", "支持大连海事大学申报国家重点实验室。", NDRC),  # 4 of 15 grams differ: 11/19
        item("e", "围绕人工智能等相关领域,组织实施市科技重大专项和重点研发计划。", NDRC),
        item("f", "支持先进装备制造业领域研究与开发,组织实施市科技重大专项和重点研发计划。", NDRC),
    ]
    assert group_duplicates(items) == []
    assert group_duplicates(items, threshold=0.7) == []


def test_it_ignores_punctuation_spacing_and_width_differences() -> None:
    items = [
        item("x", "对经新认定及通过评估的国家级国际科技合作基地给予补助。2018年达到20家。", MOST),
        item("y", "对经新认定及通过评估的国家级国际科技合作基地给予补助，２０１８年 达到２０家", MOST),
    ]
    assert group_duplicates(items) == [["x", "y"]]


def test_it_never_groups_items_of_different_units() -> None:
    items = [
        item("1", LAB_DUTY, NDRC),
        item("2", LAB_DUTY, MOST),
        item("3", LAB_DUTY, frozenset()),
        item("4", PLATFORM_DUTY, MIIT),
        item("5", PLATFORM_DUTY, NDRC),
    ]
    assert group_duplicates(items) == []


def test_it_groups_through_any_shared_unit_and_chains_components() -> None:
    # a~b share 市科技局, b~c share 市经信委: one component although a and c share no unit.
    items = [
        item("c", LAB_DUTY, MIIT),
        item("a", LAB_DUTY, MOST),
        item("b", LAB_DUTY, MOST | MIIT),
        item("d", PLATFORM_DUTY, MOST),
        item("e", PLATFORM_DUTY, MOST),
    ]
    assert group_duplicates(items) == [["c", "a", "b"], ["d", "e"]]


def test_it_handles_empty_short_and_punctuation_only_texts() -> None:
    items = [
        item("empty1", "", MOST),
        item("empty2", "", MOST),
        item("dots1", "。。、", MOST),
        item("dots2", "……", MOST),
        item("same1", "同上", MOST),
        item("same2", "同上。", MOST),
        item("other", "同", MOST),
    ]
    assert group_duplicates(items) == [["same1", "same2"]]
    assert group_duplicates([]) == []
    assert group_duplicates([item("only", LAB_DUTY, MOST)]) == []


def test_it_rejects_bad_thresholds_and_duplicate_ids() -> None:
    for threshold in (0.0, -0.5, 1.5, float("nan")):
        with pytest.raises(ValueError):
            group_duplicates([item("a", LAB_DUTY, MOST)], threshold=threshold)
    with pytest.raises(ValueError, match="duplicate item id"):
        group_duplicates([item("a", LAB_DUTY, MOST), item("a", PLATFORM_DUTY, MOST)])


def test_it_finds_exactly_the_literal_repeats_in_the_whole_seed() -> None:
    # Every "(责任单位:…)" line of the seed as an item. Read by hand: these line sets are literal
    # repeats for a shared unit; every other same-unit pair scores 0.75 or less (see similar.py).
    pattern = re.compile(r"^(?:\d+\.|\(\d+\))(?P<text>.*)\(责任单位:(?P<units>[^)]*)\)\s*$")
    items = []
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        match = pattern.match(line)
        if match:
            units = frozenset(re.split(r"[、,]", match["units"]))
            items.append(item(f"L{number}", match["text"], units))
    assert len(items) > 250
    expected = [
        ["L18", "L44"],                                   # 三年行动计划, 市科技局
        ["L64", "L69", "L74", "L92", "L114", "L179"],     # platform duty, 市发展改革委
        ["L146", "L150"],                                 # 制造业创新中心, 市经信委
        ["L198", "L203"],                                 # 对符合条件单位予以支持, 市科技局
        ["L225", "L231"],                                 # 国际科技合作基地, 市科技局
        ["L248", "L391"],                                 # 投资引导基金子基金, 市发展改革委
        ["L289", "L299"],                                 # 严格专利保护, 市科技局
        ["L342", "L345"],                                 # 洁净能源国家实验室, 市发展改革委
        ["L374", "L378"],                                 # 人才支持计划, 市科技局
        ["L381", "L384"],                                 # 完善相关人才政策, 市科技局
        ["L403", "L406"],                                 # 配合做好相关工作, 市科技局
    ]
    assert group_duplicates(items) == expected


# --- the join against the definition ---------------------------------------------------------------------

def brute_force_groups(items: list[Item], threshold: float) -> list[list[str]]:
    """The definition, pair by pair, with components found by depth-first search."""
    grams = [gram_set(entry.text) for entry in items]
    neighbours: dict[int, set[int]] = {index: set() for index in range(len(items))}
    for left, right in itertools.combinations(range(len(items)), 2):
        if items[left].units & items[right].units and jaccard(grams[left], grams[right]) >= threshold - 1e-9:
            neighbours[left].add(right)
            neighbours[right].add(left)
    seen: set[int] = set()
    groups = []
    for start in range(len(items)):
        if start in seen:
            continue
        stack, component = [start], set()
        while stack:
            node = stack.pop()
            if node not in component:
                component.add(node)
                stack.extend(neighbours[node] - component)
        seen |= component
        if len(component) > 1:
            groups.append([items[index].id for index in sorted(component)])
    return groups


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.tuples(st.text(alphabet="甲乙丙丁，", max_size=12),
                  st.frozensets(st.sampled_from("ABC"), max_size=2)),
        max_size=14),
    threshold=st.sampled_from([0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0]),
)
def test_it_matches_the_brute_force_definition(
    texts: list[tuple[str, frozenset[str]]], threshold: float,
) -> None:
    # A four-letter alphabet makes grams collide constantly, the hard case for prefix filtering.
    items = [item(f"i{index}", text, units) for index, (text, units) in enumerate(texts)]
    assert group_duplicates(items, threshold=threshold) == brute_force_groups(items, threshold)


# --- scale ---------------------------------------------------------------------------------------------

@functools.cache
def synthetic_items(count: int) -> tuple[list[Item], list[list[str]]]:
    """Random 60-130 character texts; planted groups of 2-4 copies, each copy edited slightly.

    Per planted group there is also a verbatim copy under another unit and a half-rewritten copy
    under the same unit: neither may join. Copies are at least 80 characters and differ from the
    original in at most one character, so any two copies share >= (m-6)/(m+6) > 0.85 of their grams.
    """
    rng = random.Random(20180516)
    pool = [chr(0x4E00 + offset) for offset in range(3000)]
    units = [f"单位{number}" for number in range(25)]
    boilerplate = "组织实施市科技重大专项和重点研发计划"
    items: list[Item] = []
    planted: list[list[str]] = []

    def add(text: str, unit: str) -> str:
        new_id = f"t{len(items)}"
        items.append(item(new_id, text, frozenset({unit})))
        return new_id

    while len(items) < count - 6:
        unit = rng.choice(units)
        text = "".join(rng.choices(pool, k=rng.randint(60, 130)))
        if rng.random() < 0.3:
            text = f"{text[:30]}，{boilerplate}。{text[30:]}"
        if rng.random() < 0.05 and len(text) >= 80:
            group = [add(text, unit)]
            for _ in range(rng.randint(1, 3)):
                copy = list(text.replace("，", "、"))
                copy[rng.randrange(len(copy))] = rng.choice(pool)
                group.append(add("".join(copy), unit))
            planted.append(group)
            add(text, rng.choice([other for other in units if other != unit]))
            add(text[: len(text) // 2] + "".join(rng.choices(pool, k=len(text) // 2)), unit)
        else:
            add(text, unit)
    order = list(range(len(items)))
    rng.shuffle(order)
    shuffled = [items[index] for index in order]
    position = {entry.id: index for index, entry in enumerate(shuffled)}
    expected = sorted((sorted(group, key=position.__getitem__) for group in planted),
                      key=lambda group: position[group[0]])
    return shuffled, expected


def test_it_groups_ten_thousand_items_correctly() -> None:
    items, expected = synthetic_items(10_000)
    assert len(items) >= 9_990
    assert len(expected) > 100
    assert group_duplicates(items) == expected


def test_it_agrees_with_brute_force_on_a_slice_of_the_synthetic_set() -> None:
    items, _ = synthetic_items(10_000)
    by_unit = [entry for entry in items if entry.units & {"单位3", "单位7"}][:400]
    assert group_duplicates(by_unit) == brute_force_groups(by_unit, 0.8)
