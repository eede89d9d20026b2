"""Parser accuracy on the real-document corpus (tests/corpus), scored as shared/ACCURACY.md defines.

For every gold outline in tests/corpus/gold/ the document (and each other rendering of it: .xlsx, .docx) is
parsed and compared with the gold:

- nodes match on their normalised label path, told apart by occurrence number in document order; an annex
  container node (附件1) is scored as if it were not there;
- units are compared on matched nodes, ignoring units the parser marks inherited; a gold unit is found when
  the parser gives the same name (width and spaces ignored), one of its `alt` names, or the text at the
  parsed unit's span equals it;
- node recall/precision, unit recall (over all gold units) and precision (over parsed units on matched nodes),
  role accuracy (found units with an accepted role / found units); totals are micro-averaged; a document
  that makes the parser fail counts as a crash with all its nodes missed.

Renderings (`--as`): the parser must read plans given as HTML, Word and PDF too, so the same texts can be
scored through those readers, each rendering made on the fly in a temporary directory (nothing is
committed), from the text alone and the same way every time:

- `--as txt` (the default): the corpus files, each text and its other renderings (.docx, .xlsx) in `also_as`;
- `--as html`: each text as a portal page, one <p> per non-empty line and each run of TAB lines one
  <table> of <td> cells (the portal's header lines, 标题: … 文号: …, as they stand in the text);
- `--as docx`: each text through make_binaries.write_docx (a paragraph per line, each run of TAB lines a
  bordered Word table), for every document, not only those with task tables;
- `--as pdf`: the HTML page printed by WeasyPrint in an official document's layout (GB/T 9704: A4, margins
  37/35/28/26 mm, 16 pt CJK serif, 28 characters a line, paragraphs indented two characters, "— N —"
  centred at the foot, tables bordered in 10.5 pt), every second document (by gold file order) with a
  running header "<issuer>文件". Uses the fonts of the machine: FangSong when installed, else Noto Serif
  CJK SC (`fc-list :lang=zh`; Debian's fonts-noto-cjk). All 107 documents take 30-50 s on 2 cores
  (WeasyPrint about half to two thirds of it).
- `--as wrapped`: each text as copied out of a PDF in that layout (or off a printed page): every paragraph
  opened by two ideographic spaces and broken into lines of 28 CJK characters (56 half-em cells: a Latin
  letter or digit is half a character wide), table rows left as they are.

Run: .venv/bin/python bench/accuracy.py [--misses] [--json] [--as txt|html|docx|pdf|wrapped] [NAME ...]
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))

from check_gold import load_gold, source_paths, squash  # noqa: E402
from make_binaries import blocks, write_docx  # noqa: E402

from luoshi.plandoc import Plan, parse  # noqa: E402
from luoshi.plandoc.reflow import display_width  # noqa: E402

Key = tuple[tuple[str, ...], int]


@dataclass
class Score:
    """Counts for one document (or the sum over many)."""

    gold_nodes: int = 0
    parsed_nodes: int = 0
    matched_nodes: int = 0
    gold_units: int = 0
    parsed_units: int = 0  # non-inherited units on matched nodes
    found_units: int = 0
    right_roles: int = 0
    metadata_fields: int = 0
    metadata_right: int = 0
    crashes: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in asdict(other).items():
            if name != "misses":
                setattr(self, name, getattr(self, name) + value)

    @staticmethod
    def ratio(num: int, den: int) -> float:
        return num / den if den else 1.0

    def figures(self) -> dict[str, float]:
        return {
            "node_recall": self.ratio(self.matched_nodes, self.gold_nodes),
            "node_precision": self.ratio(self.matched_nodes, self.parsed_nodes),
            "unit_recall": self.ratio(self.found_units, self.gold_units),
            "unit_precision": self.ratio(self.found_units, self.parsed_units),
            "role_accuracy": self.ratio(self.right_roles, self.found_units),
            "metadata": self.ratio(self.metadata_right, self.metadata_fields),
        }


def label_key(label: str) -> str:
    """A label as ACCURACY.md normalises it: half-width round brackets ('〔一〕' is '(一)', as '（一）' is), no
    trailing 、 . ：."""
    return squash(label).translate(_BRACKETS).rstrip("、.．:：")


_BRACKETS = str.maketrans("〔〕", "()")


def keyed(paths: list[tuple[str, ...]]) -> list[Key]:
    """Each path with its occurrence number in document order (an annex restarting at 一 is the second 一)."""
    seen: Counter[tuple[str, ...]] = Counter()
    keys = []
    for path in paths:
        keys.append((path, seen[path]))
        seen[path] += 1
    return keys


def parsed_nodes(plan: Plan) -> list[tuple[tuple[str, ...], list[tuple[str, str, str]]]]:
    """(path, [(name, text at span, role)]) per parsed node, annex containers dropped from nodes and paths."""
    containers = {n.label for n in plan.nodes if n.style == "annex"}
    out = []
    for node in plan.nodes:
        if node.style == "annex":
            continue
        path = tuple(label_key(p) for i, p in enumerate(node.path) if not (i == 0 and p in containers))
        units = [(u.name, plan.source[u.span[0]:u.span[1]] if u.span else "", u.role)
                 for u in node.units if not u.inherited]
        out.append((path, units))
    return out


def score(gold: dict[str, Any], plan: Plan) -> Score:
    s = Score()
    gold_nodes = gold["nodes"]
    gold_keys = keyed([tuple(label_key(p) for p in n["path"]) for n in gold_nodes])
    parsed = parsed_nodes(plan)
    parsed_by_key = dict(zip(keyed([p for p, _ in parsed]), (u for _, u in parsed), strict=True))
    s.gold_nodes, s.parsed_nodes = len(gold_nodes), len(parsed)
    for node, key in zip(gold_nodes, gold_keys, strict=True):
        units = node.get("units", [])
        s.gold_units += len(units)
        where = "/".join(key[0]) + (f" #{key[1] + 1}" if key[1] else "")
        if key not in parsed_by_key:
            s.misses.append(f"node missing: {where} {node.get('starts', '')!r}"
                            + (f" ({len(units)} units lost)" if units else ""))
            continue
        s.matched_nodes += 1
        candidates = list(parsed_by_key[key])
        s.parsed_units += len(candidates)
        # A unit named twice on a node (leading one row, supporting another) is matched in its own role
        # first, so that which of its two listings is met first does not decide the role.
        hits: dict[int, tuple[str, str, str]] = {}
        for same_role in (True, False):
            for i, unit in enumerate(units):
                if i in hits:
                    continue
                names = {squash(unit["name"]), *(squash(a) for a in unit.get("alt", []))}
                roles = {unit["role"], *unit.get("alt_roles", [])}
                hit = next((c for c in candidates if (squash(c[0]) in names or squash(c[1]) in names)
                            and (c[2] in roles or not same_role)), None)
                if hit is not None:
                    candidates.remove(hit)
                    hits[i] = hit
        for i, unit in enumerate(units):
            hit = hits.get(i)
            if hit is None:
                s.misses.append(f"unit missing: {where} {unit['name']} ({unit['role']})")
                continue
            s.found_units += 1
            if hit[2] in {unit["role"], *unit.get("alt_roles", [])}:
                s.right_roles += 1
            else:
                s.misses.append(f"role wrong: {where} {unit['name']} is {unit['role']}, parsed {hit[2]}")
        s.misses += [f"unit extra: {where} {name}" for name, _, _ in candidates]
    extra = Counter(k for k in parsed_by_key if k not in set(gold_keys))
    s.misses += [f"node extra: {'/'.join(k[0])}" + (f" #{k[1] + 1}" if k[1] else "") for k in extra]
    meta = gold["metadata"]
    for name in ("title", "doc_number", "issued_on"):
        expected = meta.get(name)
        got = getattr(plan, name)
        accepted = {squash(v) for v in [expected, *meta.get(f"{name}_alt", [])] if v}
        s.metadata_fields += 1
        if (squash(got) if got else None) in (accepted or {None}):
            s.metadata_right += 1
        else:
            s.misses.append(f"metadata {name}: expected {expected!r}, parsed {got!r}")
    return s


def score_file(gold: dict[str, Any], path: Path) -> Score:
    start = time.perf_counter()
    try:
        plan = parse(path)
    except Exception as exc:  # any failure of the parser is a crash of this document, scored as such
        s = Score(gold_nodes=len(gold["nodes"]), gold_units=sum(len(n.get("units", [])) for n in gold["nodes"]),
                  crashes=1)
        s.misses.append(f"crash: {type(exc).__name__}: {exc}")
        s.misses += traceback.format_exc().splitlines()[-3:]
        return s
    s = score(gold, plan)
    s.seconds = time.perf_counter() - start
    return s


def run(names: list[str] | None = None, rendering: str = "txt") -> dict[str, Score]:
    """Score every document (or those whose file name contains one of `names`).

    `rendering` "txt" scores the corpus files: each text and its other renderings (.docx, .xlsx). "html",
    "docx", "pdf" or "wrapped" score the text of every document rendered that way in a temporary directory.
    """
    results: dict[str, Score] = {}
    with tempfile.TemporaryDirectory(prefix="luoshi-accuracy-") as scratch:
        for position, gold_path in enumerate(sorted((CORPUS / "gold").glob("*.json"))):
            gold = load_gold(gold_path)
            paths = source_paths(gold) if rendering == "txt" else [CORPUS / gold["source"]]
            for path in paths:
                if names and not any(n in path.name for n in names):
                    continue
                if rendering != "txt":
                    path = render(path, gold, rendering, Path(scratch), running_header=position % 2 == 1)
                results[path.name] = score_file(gold, path)
    return results


# ---------------------------------------------------------------------------------------------------
# Renderings of a corpus text, made on the fly

RENDERINGS = ("txt", "html", "docx", "pdf", "wrapped")

# An official document's layout after GB/T 9704: A4, margins top 37 / bottom 35 / left 28 / right 26 mm
# (a 156 mm text block), body in 3号 (16 pt) 仿宋 with the letters drawn 0.25 pt closer, so that a full
# line holds 28 characters, 22 lines a page, paragraphs indented by two characters, the page number
# "— N —" centred at the foot. Noto Serif CJK stands in for 仿宋 where FangSong is not installed.
PDF_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "Noto Serif CJK SC", serif; } }
body { font-family: "FangSong", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 29pt;
  letter-spacing: -0.25pt; }
p { margin: 0; text-indent: 2em; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top; font-size: 10.5pt; line-height: 1.35;
  letter-spacing: 0; }
"""


def running_header_css(header: str) -> str:
    return f'@page {{ @top-center {{ content: "{header}"; font: 10.5pt "Noto Serif CJK SC", serif; }} }}'


def html_page(lines: list[str], title: str, style: str = "") -> str:
    """The text as a portal's page: a <p> per non-empty line, each run of TAB lines one <table> of <td>
    cells (as many as the line has: a portal's table is not padded), the portal's header lines as they are."""
    body = []
    for kind, value in blocks(lines):
        if kind == "p":
            if value.strip():
                body.append(f"<p>{html.escape(value)}</p>")
            continue
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                       for row in value[1])
        body.append(f"<table>{rows}</table>")
    head = f'<meta charset="utf-8"><title>{html.escape(title)}</title>' + (f"<style>{style}</style>" if style else "")
    return f'<!DOCTYPE html>\n<html lang="zh-CN"><head>{head}</head>\n<body>\n' + "\n".join(body) + "\n</body></html>\n"


def render(source: Path, gold: dict[str, Any], rendering: str, directory: Path, running_header: bool = False) -> Path:
    """Write the corpus text `source` as `rendering` into `directory` and return the file.

    A PDF gets a running header (the issuer's name and 文件, as on an official document's first page) when
    `running_header` is set: every second document of the corpus, so that both kinds are measured.
    """
    lines = source.read_text(encoding="utf-8").splitlines()
    title = gold.get("metadata", {}).get("title") or source.stem
    target = directory / f"{source.stem}.{rendering}"
    if rendering == "html":
        target.write_text(html_page(lines, title), encoding="utf-8")
    elif rendering == "docx":
        write_docx(target, lines, title)
    elif rendering == "pdf":
        from weasyprint import HTML  # imported here: only the PDF rendering needs it (and it loads slowly)

        issuer = gold.get("metadata", {}).get("issuer")
        header = running_header_css(f"{issuer}文件") if running_header and issuer else ""
        HTML(string=html_page(lines, title, PDF_CSS + header)).write_pdf(target)
    elif rendering == "wrapped":
        target = directory / f"{source.stem}.txt"
        target.write_text("\n".join(wrapped_lines(lines)) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown rendering {rendering!r}")
    return target


# A line of the official layout holds 28 CJK characters: 56 cells where a wide character takes 2.
WRAP_CELLS = 56
PARAGRAPH_INDENT = "\u3000\u3000"


def wrapped_lines(lines: list[str]) -> list[str]:
    """The text as copied from a page of the official layout: a paragraph indented and broken at the margin;
    table rows (TAB rows, and a web table's '|' rows and cells) as they are."""
    out: list[str] = []
    for line in lines:
        if "\t" in line or line.rstrip().endswith(("|", "｜")) or not line.strip():
            out.append(line)
            continue
        piece, width = "", 0
        for char in PARAGRAPH_INDENT + line.strip():
            cells = display_width(char)
            if width + cells > WRAP_CELLS:
                out.append(piece)
                piece, width = "", 0
            piece += char
            width += cells
        out.append(piece)
    return out


def total(results: dict[str, Score]) -> Score:
    s = Score()
    for r in results.values():
        s.add(r)
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="only documents whose file name contains one of these")
    ap.add_argument("--misses", action="store_true", help="list every miss under its document")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--as", dest="rendering", choices=RENDERINGS, default="txt",
                    help="score the corpus files (txt, the default) or every text rendered as html, docx, pdf or "
                         "wrapped (copied from a printed page)")
    args = ap.parse_args()
    results = run(args.names, args.rendering)
    summed = total(results)
    if args.json:
        counts = {k: v for k, v in asdict(summed).items() if k not in ("misses", "seconds")}
        documents = {k: v.figures() for k, v in results.items()}
        print(json.dumps({"total": summed.figures(), "counts": counts, "documents": documents}, indent=1))
        return
    head = f"{'document':<52} {'nodes':>5} {'recall':>6} {'prec':>6} {'units':>5} {'recall':>6} {'prec':>6} " \
           f"{'roles':>6} {'meta':>4} {'ms':>6}"
    print(head)
    print("-" * len(head))
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for name, s in results.items():
        f = s.figures()
        print(f"{name[:52]:<52} {s.gold_nodes:>5} {f['node_recall']:>6.1%} {f['node_precision']:>6.1%} "
              f"{s.gold_units:>5} {f['unit_recall']:>6.1%} {f['unit_precision']:>6.1%} {f['role_accuracy']:>6.1%} "
              f"{s.metadata_right}/{s.metadata_fields} {s.seconds * 1000:>6.0f}" + ("  CRASH" if s.crashes else ""))
        for miss in s.misses:
            kinds[name][miss.split(":")[0]] += 1
        if args.misses:
            for miss in s.misses:
                print(f"    {miss}")
    f = summed.figures()
    print("-" * len(head))
    print(f"{'TOTAL (' + str(len(results)) + ' documents)':<52} {summed.gold_nodes:>5} {f['node_recall']:>6.1%} "
          f"{f['node_precision']:>6.1%} {summed.gold_units:>5} {f['unit_recall']:>6.1%} {f['unit_precision']:>6.1%} "
          f"{f['role_accuracy']:>6.1%} {f['metadata']:>4.0%} {summed.seconds * 1000:>6.0f}")
    print(f"crashes: {summed.crashes}   goals: nodes >= 98%, unit assignments >= 95%, roles >= 95%")
    by_kind: Counter[str] = Counter()
    for c in kinds.values():
        by_kind.update(c)
    print("misses by kind: " + ", ".join(f"{k} {v}" for k, v in by_kind.most_common()))


if __name__ == "__main__":
    main()
