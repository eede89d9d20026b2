"""Check gold outlines against their documents: schema, normalised labels, parents, text evidence.

Standard library only, so it runs before the project is installed:

    python3 tests/corpus/check_gold.py                 # every gold file
    python3 tests/corpus/check_gold.py gold/x.json ... # some

Exit status 1 when any file has a problem; each problem is printed as `file: message`.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent
ROLES = {"lead", "support", "responsible"}
LEVELS = {"national", "ministry", "province", "city", "county"}
FEATURES = {
    "marker-paren", "marker-line", "marker-verb", "multi-marker-paragraph", "marker-continuation",
    "heading-units", "lead-rule", "blanket-rule", "deadline-in-marker", "task-table-tab", "annex",
    "two-documents", "zhuanlan", "portal-metadata", "chapters-articles", "inline-items", "circled",
    "unknown-units", "short-names", "traditional-script", "task-table-lines",
}
# A normalised label: no full-width brackets or digits, no trailing 、 . ． ： or space.
BAD_LABEL = re.compile(r"[（）０-９]|[、.．:：\s]$")


def squash(text: str) -> str:
    """Width- and space-insensitive form used for every comparison (as ACCURACY.md says)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load_gold(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        gold: dict[str, Any] = json.load(f)
    return gold


def source_paths(gold: dict[str, Any]) -> list[Path]:
    """The document and its other renderings, each scored as a document of its own."""
    return [CORPUS / gold["source"], *(CORPUS / p for p in gold.get("also_as", []))]


def problems(gold: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("source", "metadata", "nodes", "provenance", "level", "features"):
        if key not in gold:
            found.append(f"missing key {key!r}")
    if found:
        return found
    src = CORPUS / gold["source"]
    if not src.is_file():
        return [f"source {gold['source']} not found"]
    found += [f"rendering {p.name} not found" for p in source_paths(gold)[1:] if not p.is_file()]
    text = squash(src.read_text(encoding="utf-8"))
    if gold["level"] not in LEVELS:
        found.append(f"level {gold['level']!r} not one of {sorted(LEVELS)}")
    found += [f"unknown feature {f!r}" for f in gold["features"] if f not in FEATURES]
    meta = gold["metadata"]
    for key in ("title", "doc_number", "issuer", "issued_on"):
        if key not in meta:
            found.append(f"metadata lacks {key!r}")
    if meta.get("issued_on") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["issued_on"]):
        found.append(f"issued_on {meta['issued_on']!r} is not YYYY-MM-DD")
    seen_paths: set[tuple[str, ...]] = set()
    for i, node in enumerate(gold["nodes"]):
        where = f"node {i} {'/'.join(node.get('path', []))}"
        label, path = node.get("label"), node.get("path")
        if not isinstance(label, str) or not isinstance(path, list) or not path:
            found.append(f"{where}: label and path are required")
            continue
        if path[-1] != label:
            found.append(f"{where}: path must end with the label {label!r}")
        if BAD_LABEL.search(label):
            found.append(f"{where}: label {label!r} is not normalised")
        if len(path) > 1 and tuple(path[:-1]) not in seen_paths:
            found.append(f"{where}: parent {path[:-1]} does not come before it")
        seen_paths.add(tuple(path))
        starts = node.get("starts", "")
        if not starts or squash(starts) not in text:
            found.append(f"{where}: starts {starts!r} not found in the text")
        if not isinstance(node.get("inline"), bool):
            found.append(f"{where}: inline must be true or false")
        for unit in node.get("units", []):
            name = unit.get("name", "")
            if unit.get("role") not in ROLES:
                found.append(f"{where}: unit {name!r} has role {unit.get('role')!r}")
            for role in unit.get("alt_roles", []):
                if role not in ROLES:
                    found.append(f"{where}: unit {name!r} has alt role {role!r}")
            if not name or squash(name) not in text:
                found.append(f"{where}: unit {name!r} does not occur in the text")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((CORPUS / "gold").glob("*.json"))
    failed = False
    for path in paths:
        try:
            issues = problems(load_gold(path))
        except (OSError, ValueError) as exc:
            issues = [f"cannot read: {exc}"]
        for issue in issues:
            print(f"{path.name}: {issue}")
        failed = failed or bool(issues)
    if not failed:
        print(f"{len(paths)} gold file(s) OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
