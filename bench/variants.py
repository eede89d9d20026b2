"""The corpus rewritten in the other ways plans of the genre are written and copied: how much does each cost?

Every text of the real-document corpus (tests/corpus) is rewritten one way at a time — its unit markers in
another of the genre's forms, its numbering in another delimiter, its tables in another layout, the page
copied without its line breaks — and scored against the same gold outline (bench/accuracy.py's scoring:
the rewrites change how units and labels are written, never which units or labels there are). A variant
the parser reads as well as the published text loses nothing; one it has not learnt shows as (task, unit)
pairs lost. This finds what the next office's plan may trip on without waiting for that plan.

Run: .venv/bin/python bench/variants.py [VARIANT ...]     (all variants when none is named)

Prints, per variant, the texts it changed, the (task, unit) pairs and nodes found in them as published and
rewritten, and the texts that lost most. Figures only, no goal: a variant should lose nothing.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy

# A labelled marker in brackets, full- or half-width: （责任单位：A、B）
_MARKER = re.compile(r"[（(](?P<label>责任单位|牵头单位|责任部门)[：:](?P<units>[^（）():：]{2,80})[）)]")
# A verb marker naming a lead and the others: （A牵头，B、C按职责分工负责）
_VERB_MARKER = re.compile(r"[（(](?P<lead>[^（）():：，,；;]{2,40}?)牵头(?:负责)?[，,]"
                          r"(?P<others>[^（）():：；;]{2,60}?)(?:配合|参与|按职责分工负责|分工负责|组织落实|负责)[）)]")


def _markers(rewrite: Callable[[re.Match[str]], str]) -> Callable[[str], str]:
    return lambda text: _MARKER.sub(rewrite, text)


def _verb_markers(rewrite: Callable[[re.Match[str]], str]) -> Callable[[str], str]:
    return lambda text: _VERB_MARKER.sub(rewrite, text)


def _last_with_he(units: str) -> str:
    separators = _separators(units)
    return units[:separators[-1]] + "和" + units[separators[-1] + 1:] if separators else units


def _set_apart_by(separator: str) -> Callable[[str], str]:
    """The list with each 、 between names replaced, not one inside a name's bracket ('各县〔市、区〕政府')."""
    def rewrite(units: str) -> str:
        chars = list(units)
        for i in _separators(units):
            chars[i] = separator
        return "".join(chars)
    return rewrite


def _separators(units: str) -> list[int]:
    """Where the 、 between the names of a list stand (outside any bracket)."""
    depth, found = 0, []
    for i, char in enumerate(units):
        depth += (char in "〔[【〈<") - (char in "〕]】〉>")
        if char == "、" and depth <= 0:
            found.append(i)
    return found


def _below(pattern: re.Pattern[str], lines_for: Callable[[re.Match[str]], str]) -> Callable[[str], str]:
    """The one marker of a paragraph taken out of it and written on lines of their own below it."""
    def rewrite(text: str) -> str:
        out = []
        for line in text.split("\n"):
            found = list(pattern.finditer(line))
            if len(found) == 1:
                m = found[0]
                line = line[:m.start()] + line[m.end():] + "\n" + lines_for(m)
            out.append(line)
        return "\n".join(out)
    return rewrite


def _rows(rewrite: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: "\n".join(rewrite(line) if "\t" in line else line for line in text.split("\n"))


def _one_line(text: str) -> str:
    return text if "\t" in text else " ".join(text.split("\n"))   # tables have no one-line form


VARIANTS: dict[str, tuple[str, Callable[[str], str]]] = {
    # unit markers
    "label-in-brackets": ("【责任单位】A、B instead of （责任单位：A、B）",
                          _markers(lambda m: f"【{m['label']}】{m['units']}")),
    "square-brackets": ("[责任单位:A、B]", _markers(lambda m: f"[{m['label']}:{m['units']}]")),
    "bare-list-in-brackets": ("…建设【A、B】。: no label, right after the sentence's last word",
                              lambda t: re.sub(r"。" + _MARKER.pattern, lambda m: f"【{m['units']}】。", t)),
    "spaced-marker": ("（ 责任单位 ： A、B ）", _markers(lambda m: f"（ {m['label']} ： {m['units']} ）")),
    "half-width-marker": ("(责任单位:A、B)", _markers(lambda m: f"({m['label']}:{m['units']})")),
    "label-is": ("（责任单位为A、B）", _markers(lambda m: f"（{m['label']}为{m['units']}）")),
    "label-dash": ("（责任单位——A、B）", _markers(lambda m: f"（{m['label']}——{m['units']}）")),
    "spaced-out-label": ("（责 任 单 位：A、B）, a label spaced out to fill a line",
                         _markers(lambda m: f"（{' '.join(m['label'])}：{m['units']}）")),
    "comma-list": ("units set apart by ，",
                   _markers(lambda m: f"（{m['label']}：{_set_apart_by('，')(m['units'])}）")),
    "space-list": ("units set apart by spaces",
                   _markers(lambda m: f"（{m['label']}：{_set_apart_by(' ')(m['units'])}）")),
    "he-before-last": ("A、B和C", _markers(lambda m: f"（{m['label']}：{_last_with_he(m['units'])}）")),
    "etc-departments": ("A、B等部门", _markers(lambda m: f"（{m['label']}：{m['units']}等部门）")),
    "unbracketed-marker": ("责任单位：A、B。 closing the paragraph",
                           _markers(lambda m: f"{m['label']}：{m['units']}。")),
    "marker-own-line": ("the marker on a line of its own", _markers(lambda m: f"\n{m['label']}：{m['units']}")),
    "verb-as-labels": ("（牵头单位：A；配合单位：B） for （A牵头，B…负责）",
                       _verb_markers(lambda m: f"（牵头单位：{m['lead']}；配合单位：{m['others']}）")),
    "verb-as-bracketed-labels": ("【牵头单位】A【配合单位】B",
                                 _verb_markers(lambda m: f"【牵头单位】{m['lead']}【配合单位】{m['others']}")),
    "verb-with-you": ("（由A牵头，B配合）", _verb_markers(lambda m: f"（由{m['lead']}牵头，{m['others']}配合）")),
    "labels-on-lines": ("牵头单位：A / 配合单位：B on lines of their own",
                        _verb_markers(lambda m: f"\n牵头单位：{m['lead']}\n配合单位：{m['others']}")),
    "marker-line-below": ("责任单位：A、B on a line below its paragraph",
                          _below(_MARKER, lambda m: f"{m['label']}：{m['units']}")),
    "label-lines-below": ("牵头单位：A / 配合单位：B on lines below the paragraph, for （A牵头，B…）",
                          _below(_VERB_MARKER, lambda m: f"牵头单位：{m['lead']}\n配合单位：{m['others']}")),
    # numbering
    "number-dun": ("1、 for 1.", lambda t: re.sub(r"(?m)^(\d{1,2})\.(?!\d)", r"\1、", t)),
    "number-fullwidth-dot": ("1． for 1.", lambda t: re.sub(r"(?m)^(\d{1,2})\.(?!\d)", r"\1．", t)),
    "chinese-number-dot": ("一． for 一、", lambda t: re.sub(r"(?m)^([一二三四五六七八九十]{1,3})、", r"\1．", t)),
    "half-width-paren-number": ("(一) for （一）",
                                lambda t: re.sub(r"(?m)^（([一二三四五六七八九十]{1,3})）", r"(\1)", t)),
    # layout
    "half-width-punctuation": ("（）：，； typed half-width",
                               lambda t: t.translate(str.maketrans("（）：，；", "():,;"))),
    "indented": ("paragraphs indented by two ideographic spaces",
                 lambda t: "\n".join("\u3000\u3000" + line if line.strip() else line for line in t.split("\n"))),
    "blank-lines": ("an empty line between paragraphs", lambda t: "\n\n".join(t.split("\n"))),
    "cr-line-ends": ("old Mac line ends (CR)", lambda t: t.replace("\n", "\r")),
    "one-line": ("a page that lost its line breaks (texts without tables)", _one_line),
    "table-pipes": ("table rows as | a | b | c |", _rows(lambda row: "| " + row.replace("\t", " | ") + " |")),
    "table-cell-lines": ("tables one cell per line", _rows(lambda row: row.replace("\t", "\n"))),
    "table-spaces": ("table cells set apart by spaces", _rows(lambda row: row.replace("\t", "   "))),
}


@dataclass
class Outcome:
    """A variant's effect on the texts it changed: their scores as published and rewritten."""

    texts: int = 0
    published: accuracy.Score = field(default_factory=accuracy.Score)
    rewritten: accuracy.Score = field(default_factory=accuracy.Score)
    losses: list[tuple[int, int, str]] = field(default_factory=list)   # (pairs lost, nodes lost, text)

    @property
    def pairs_lost(self) -> int:
        return self.published.found_units - self.rewritten.found_units

    @property
    def nodes_lost(self) -> int:
        return self.published.matched_nodes - self.rewritten.matched_nodes


def corpus_texts() -> list[tuple[dict[str, Any], Path]]:
    """The gold outline and text file of every corpus document (its other renderings left out)."""
    golds = [(gold, accuracy.CORPUS / gold["source"])
             for gold in map(accuracy.load_gold, sorted((accuracy.CORPUS / "gold").glob("*.json")))]
    return [(gold, path) for gold, path in golds if path.suffix == ".txt"]


def measure(name: str, texts: list[tuple[dict[str, Any], Path]], published: dict[str, accuracy.Score],
            scratch: Path) -> Outcome:
    """Score the texts that variant `name` changes, rewritten, against their scores as published."""
    rewrite = VARIANTS[name][1]
    outcome = Outcome()
    for gold, path in texts:
        text = path.read_text(encoding="utf-8")
        changed = rewrite(text)
        if changed == text:
            continue
        target = scratch / path.name
        target.write_text(changed, encoding="utf-8")
        score = accuracy.score_file(gold, target)
        base = published[path.name]
        outcome.texts += 1
        outcome.published.add(base)
        outcome.rewritten.add(score)
        outcome.losses.append((base.found_units - score.found_units, base.matched_nodes - score.matched_nodes,
                               path.stem))
    return outcome


def main() -> None:
    names = sys.argv[1:] or list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    texts = corpus_texts()
    published = {path.name: accuracy.score_file(gold, path) for gold, path in texts}
    print(f"{'variant':<26} {'texts':>5} {'pairs as published':>19} {'rewritten':>9} {'lost':>5} "
          f"{'nodes lost':>10}  what")
    with tempfile.TemporaryDirectory(prefix="luoshi-variants-") as scratch:
        for name in names:
            outcome = measure(name, texts, published, Path(scratch))
            print(f"{name:<26} {outcome.texts:>5} {outcome.published.found_units:>19} "
                  f"{outcome.rewritten.found_units:>9} {outcome.pairs_lost:>5} {outcome.nodes_lost:>10}  "
                  f"{VARIANTS[name][0]}")
            worst = [f"{stem[:40]} (-{pairs} pairs, -{nodes} nodes)"
                     for pairs, nodes, stem in sorted(outcome.losses, reverse=True)[:3] if pairs > 0 or nodes > 0]
            if worst:
                print(f"{'':<26} most: " + "; ".join(worst))


if __name__ == "__main__":
    main()
