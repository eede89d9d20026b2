"""The parser's accuracy on the real-document corpus (tests/corpus) may only go up.

The floors are the totals bench/accuracy.py measured when they were last raised, rounded down. Raise them
when the parser gets better; never lower them to let a change through. Adding documents to the corpus resets
them to the new measured totals (the harder documents are the point of adding them).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

# (Node recall 0.985 until batch 53's Lucheng ledger, a forum copy whose rows open on a bare number and a space:
# 17 of its 21 nodes not read, 98.4% of all nodes read; then 0.983 and (task, unit) recall 0.948 -> 0.945 with batch
# 61's police task table, set apart by spaces with the police's short names (国保、经侦、治安…), 40 pairs not read.
# On 617 texts (batches 69-85 added): (task, unit) recall 0.945 -> 0.950 and roles 0.998 -> 0.999, the police table
# and the new batches' tables and markers read; node recall 0.983 -> 0.981 and precision 0.992 -> 0.990 with pages
# the parser does not read whole: batch 74's docshare copy whose 一 is written '一'' (9 nodes), batch 84's lossy
# extract with its labels inside one paragraph (7), batch 83's and 82's one-line preview and table one cell a line
# (3 and 3), and batch 71's Guangzhou annex whose indicator cells list numbered entries (16 nodes parsed that its
# gold does not count). On 668 texts (batches 86-104 added, 418 pairs read 64.8% on first sight): (task, unit) recall
# 0.950 -> 0.949 (94.96% of 11,096 pairs: their tables flattened or broken over lines a page at a time, prose
# subjects without a marker word and a flipbook page whose columns interleave), node precision 0.990 -> 0.991,
# roles 0.999 -> 0.998 (99.896%: batch 94's grain table on one line, its support unit read as responsible).)
FLOORS = {
    "node_recall": 0.981,
    "node_precision": 0.991,
    "unit_recall": 0.949,
    "role_accuracy": 0.998,
}
MIN_DOCUMENTS = 668


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def accuracy() -> ModuleType:
    return _load("corpus_accuracy", ROOT / "bench" / "accuracy.py")


def test_it_keeps_every_gold_outline_valid() -> None:
    check = _load("corpus_check_gold", CORPUS / "check_gold.py")
    golds = sorted((CORPUS / "gold").glob("*.json"))
    assert len(golds) >= MIN_DOCUMENTS
    problems = {p.name: check.problems(check.load_gold(p)) for p in golds}
    assert {k: v for k, v in problems.items() if v} == {}


def test_it_does_not_fall_below_the_corpus_floors(accuracy: ModuleType) -> None:
    results = accuracy.run()
    total = accuracy.total(results)
    assert total.crashes == 0, [m for s in results.values() for m in s.misses if m.startswith("crash")]
    figures = total.figures()
    below = {k: round(figures[k], 4) for k, floor in FLOORS.items() if figures[k] < floor}
    assert below == {}, f"below the floors {FLOORS}: {below}"


# The same texts as copied out of a PDF in the official layout (bench/accuracy.py --as wrapped): a line break
# at every margin, inside sentences, names and markers. Measured when the plain-text reader learnt to join
# them (45.5% of the (task, unit) pairs before, 91.5% after, against 91.8% on the texts as published; on 201
# documents 91.2% against 91.9%; on 252, 90.5% against 91.3%; on 265, 92.2% against 93.2%; on 280, 93.1%
# against 94.0%; on 289, 93.3% against 94.2%; on 302, 93.4% against 94.3%; on 309, 93.5% against 94.3%; on 321,
# 94.2% against 95.0%; on 334, 94.3% against 95.2%; on 338, 94.6% against 95.4%; on 350, 94.5% against 95.4%;
# on 372, 94.2% against 95.1%; on 381, with a web table's '|' rows kept whole as TAB rows are, 94.0% against 94.8%;
# on 396, 94.3% against 95.1%; on 406, 94.4% against 95.2%; on 415, 94.3% against 95.0%; on 420, 94.5%
# against 95.2%; on 424, 94.5% against 95.2%; on 427, 94.2% against 94.9%, then 94.5% against 95.3%; on 437,
# 94.4% against 95.2%; on 447, 94.3% against 95.1%; on 456, 94.2% against 95.0%; on 460, 94.2% against 95.0%;
# on 465, 94.1% against 94.9%; on 470, 93.9% against 94.6%; on 481, 93.9% against 94.7%; on 487,
# 93.9% against 94.7%; on 504, 94.1% against 94.6%; on 511, 94.0% against 94.6%; on 530, 93.9% against 94.7%,
# nodes 98.0% with batch 53's Lucheng ledger, whose rows open on a bare number; on 558, 93.6% against 94.5%, with
# batch 61's police task table; on 617, 94.1% against 94.9%, nodes 97.7%, the floors reset with the texts'; on
# 668, 93.8% against 94.7%, nodes 97.5%: the held-out batches 86-104 and their pages copied a page at a time).
WRAPPED_FLOORS = {
    "node_recall": 0.975,
    "node_precision": 0.989,
    "unit_recall": 0.937,
    "role_accuracy": 0.999,
}


def test_it_reads_the_corpus_as_copied_from_a_printed_page(accuracy: ModuleType) -> None:
    total = accuracy.total(accuracy.run(rendering="wrapped"))
    assert total.crashes == 0
    figures = total.figures()
    below = {k: round(figures[k], 4) for k, floor in WRAPPED_FLOORS.items() if figures[k] < floor}
    assert below == {}, f"below the floors {WRAPPED_FLOORS}: {below}"


# The corpus rewritten in the genre's other forms (bench/variants.py): the (task, unit) pairs and nodes each
# variant may lose at most against the texts as published. Most lose nothing; the rest are ceilings measured
# when they were last lowered (a page on one line, tables that lose their empty merged cells on the way).
# Lower them when the parser gets better; never raise them to let a change through (only by what the published
# texts gained and a rewriting did not share: the rewritten texts' own count may not fall). '【责任单位】A、B' lost
# 869 pairs before the parser learnt it. Reset on 265 documents (batch 16 added), on 280 (batch 17), on 289
# (batch 18), on 302 (batch 19), on 309 (batch 20), on 321 (batch 21), on 334 (batch 22), on 338 (batch 23), on
# 350 (batch 24), on 372 (batches 25-27), on 381 (batch 28) and on 386 (batch 29; the list rewritings no longer
# change a 、 inside a name's bracket, '各县〔市、区〕政府', which had cost 2 pairs each; then a table's second unit
# column of one role, 实施部门 after 责任单位, gained 2 pairs as published that the page on one line does not read,
# and a digest's '1.' items under '一、' under its region's '1、' 5 pairs and a node), on 396 (batch 30) and on
# 406 (batch 31) and on 415 (batch 32; then a catalogue's category column split into levels on a second header
# row and a unit label alone on its line gained 9 pairs the page on one line does not read), on 420 (batch 33)
# and on 424 (batch 34; then a cell listing numbered measures, its row broken after a cell, gained 3 pairs and 3 nodes
# the page on one line does not read) and on 427 (batch 35; a heading after a row of a headerless table copied
# one cell per line now heads the rows below, which also read 13 more pairs and 12 more nodes of the tables
# rewritten one cell per line), and again on 427 (a '|' table whose header lost its first cells and a header
# copied one cell per line without its number cell gained 22 pairs and 7 nodes the page on one line does not read),
# and on 437 (batch 36: an item without a full stop glued to its unbracketed marker, 1 pair; a marker broken over two
# lines whose second half a rewriting indents as a paragraph, 4 pairs; a table's heading in its first row's category
# cell, 1 pair and 4 nodes the page on one line does not read; then its rows that left that cell out, 1 pair, and a
# progress column after the units, 3 pairs) and on 447 (batch 37; then 由X承办 and a masked name, 1 pair the page on
# one line does not read) and on 456 (batch 38, and the tables it showed, which a page on one line does not read; its
# own count gained 2 pairs, Chizhou's sub-items run on after a marker; then an item's own list restarting at 1, 1
# pair and 3 nodes) and on 460 (batch 39; then a star after a name in a unit line of its own, 7 pairs) and on 465
# (batch 40; then a unit's name wrapped in its cell, 3 pairs), with batch 41's Shouguang (then unit lines naming units
# by their verbs under a spaced-out header, 19 pairs) and on 470 (batch 41) and on 481 (batch 42; its Zigong writes a
# lead rule after a full stop inside its markers, which the bare-list rewriting moves into 【…】: 7 pairs; the verb
# rewritings now take '分工负责' whole, which left '分工' on the last name before; then a table without a unit column
# under a heading naming its units, 3 nodes; which also read 121 more nodes and 3 more pairs of the tables rewritten one
# cell per line) and on 487 (batch 43) and on 494 (batch 44) and on 504 (batch 45, 18 pairs and 7 nodes; then a
# sub-item's number that lost its closing bracket and levels in tortoise-shell brackets before one government, 10 pairs
# and a node the page on one line does not read; then a spaced table's lead cell wrapped a unit a line, 8 pairs and a
# node) and on 511 (batch 46: Linxia's blanket rule after a comma in its first marker costs four rewritings 1-2 pairs,
# Changxing's '|' table on one line 6 nodes; then that table's lists in cells right of their indicator, 10 pairs and 7
# nodes the page on one line does not read) and on 514 (batch 48: Xi'an's '|' table on one line 2 nodes; then its number
# column holding the headings over items in the next cells, 5 pairs and 2 nodes the page on one line does not read)
# and on 530 (batches 50-53: their own losses on one line, 20 pairs and 17 nodes, and Xiangyang's marker without
# brackets, 5 pairs; then units named as lead and assisting units in sentences, a clause of units closing on their
# group word, a web table's cell going on on the next line and a street in a problem cell, 9 pairs the page on one
# line does not read) and on 545 (batches 54-57: their own losses on one line, 36 pairs and 28 nodes; then a level row
# in Traditional characters and a progress cell's numbered entries in a table one cell per line, 4 pairs) and on 558
# (batches 58-61: their own losses, 1 pair each as comma-list, space-list and he-before-last, 2 as label-lines-below,
# 9 pairs and 19 nodes on one line; then a label alone in a table's number column, a header that kept a two-level
# column as one and a marker clause naming the task's part before 由, 16 pairs and 9 nodes the page on one line does
# not read) and on 569 (batches 62-65; then a page that lost its line breaks broken again before its outline's
# labels, which lowered the page on one line's losses to 1,805 pairs and 982 nodes, and a label alone on its line
# joined to its text, 5 nodes fewer lost by tables one cell per line) and on 570 (then a table set apart by spaces
# under a header of words, its rows opening on their labels, 40 pairs and a node the page on one line does not read)
# and on 617 (batches 69-85: their own losses, measured on the parser of the session's end, where a rewriting
# loses what the published text reads — Chongqing's PDF copy, its names broken by spaces and page breaks, 42 pairs and
# 10 nodes when its markers stand on lines of their own, 36 and 7 in 【】, 15 as lists set apart by spaces; Hohhot's
# list broken after a 、, 6 in each marker rewriting; Beijing's '…局、市经济和信息化局' 14 each with 和 before the last
# name; on one line 253 pairs and 75 nodes, most of them Guangzhou's annex one cell a line (182) and Suining's (48),
# while Chengdu's flattened table on one line now reads 13 pairs more;
# and gains of the published texts a rewriting does not share: Qingpu's rows going on a task one entry per row, 6
# pairs that its tables rewritten without their empty cells do not read; no rewritten count fell but Pingdingshan's,
# whose published count fell as much, its gold parting '…党委' and '人民政府'):
# a unit two markers of a paragraph name now counts once per marker as published, and the rewritings that merge
# those markers (labels on lines of their own, 【牵头单位】A【配合单位】B) keep it once; tables one cell per line or
# set apart by spaces lose the empty cells that show a row goes on the task above, and join a unit named in two
# unit columns of one row into one cell (a unit holding two duties there is listed twice as published, once
# rewritten). And on 668 (batches 86-104: their own losses, on one line 110 pairs and 49 nodes, most of them
# Guangdong's children's targets one cell a line (28), Yuzhong's table (22) and an energy page's prose (23); the
# workflow page's sharing-site chunks, 2-5 pairs and 3 nodes in each marker rewriting; and gains of the published
# texts a rewriting does not share: the Chongqing first-store draft's sharing-site chunks, now joined and read as
# published, 3 pairs and 4 nodes its marker rewritings do not read, and Xiuning's, Qijiang's and Guangdong's women's
# gains, 16 pairs, on one line. Zhonglou's glued table with its leaders' names, whose two nodes the chunks' join lost
# as published, lost them rewritten as much.)
VARIANT_CEILINGS = {
    "label-in-brackets": (47, 11), "square-brackets": (0, 1), "spaced-marker": (0, 0), "half-width-marker": (0, 0),
    "spaced-out-label": (0, 0), "label-is": (2, 0), "label-dash": (3, 0), "bare-list-in-brackets": (13, 1),
    "comma-list": (5, 0), "space-list": (24, 0), "he-before-last": (45, 0), "etc-departments": (0, 0),
    "unbracketed-marker": (20, 1), "marker-own-line": (59, 18), "verb-as-labels": (0, 0),
    "verb-as-bracketed-labels": (24, 0), "verb-with-you": (0, 0), "labels-on-lines": (40, 4),
    "marker-line-below": (7, 0), "label-lines-below": (7, 0), "number-dun": (0, 0),
    "number-fullwidth-dot": (0, 0), "chinese-number-dot": (0, 0), "half-width-paren-number": (0, 0),
    "half-width-punctuation": (0, 0), "indented": (6, 0), "blank-lines": (0, 0), "cr-line-ends": (0, 0),
    "one-line": (2261, 1118), "table-pipes": (2, 0), "table-cell-lines": (265, 204), "table-spaces": (557, 385),
}


def test_it_reads_the_other_ways_of_writing_the_same_plans(tmp_path: Path) -> None:
    variants = _load("corpus_variants", ROOT / "bench" / "variants.py")
    assert set(VARIANT_CEILINGS) == set(variants.VARIANTS)
    texts = variants.corpus_texts()
    published = {path.name: variants.accuracy.score_file(gold, path) for gold, path in texts}
    over = {}
    for name, (pairs, nodes) in VARIANT_CEILINGS.items():
        outcome = variants.measure(name, texts, published, tmp_path)
        assert outcome.texts > 0, f"{name} changes no text of the corpus"
        if outcome.pairs_lost > pairs or outcome.nodes_lost > nodes:
            over[name] = (outcome.pairs_lost, outcome.nodes_lost)
    assert over == {}, f"lost more than the ceilings {VARIANT_CEILINGS}: {over}"
