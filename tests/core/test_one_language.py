"""One language per message: no "中文 (English)" strings in the code or the templates.

A message is written in Chinese and translated through gettext (the English catalogue); a string that carries
both languages shows the English half to Chinese readers and the Chinese half to English readers. This scans
every Python string literal (docstrings aside) and the text of every template (comments aside) under src/.
"""

from __future__ import annotations

import io
import re
import token
import tokenize
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "luoshi"

# A CJK character (or CJK punctuation), maybe a placeholder after it, then a parenthesis holding Latin words
# and no CJK.
BILINGUAL = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef](?:%\(\w+\)\w|\{[^{}]*\}|[^\s(){}])*\s*"
                       r"(?<!%)\((?=[^)]*[A-Za-z]{2})[^()|\\{}\u3400-\u9fff]*\)")

# Also: a text with Chinese in it and an English gloss of two words or more, wherever the gloss sits.
GLOSS = re.compile(r"\((?=[^)]*[a-z]{2,} [a-z]{2,})[^()\u3400-\u9fff]*\)")
CHINESE = re.compile(r"[\u3400-\u9fff]")


def _bilingual_in(text: str) -> list[str]:
    found = [match.group(0) for match in BILINGUAL.finditer(text)]
    if CHINESE.search(text):
        found += [match.group(0) for match in GLOSS.finditer(text) if match.group(0) not in "".join(found)]
    return found


TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->|/\*.*?\*/", re.S)


QUOTES = re.compile(r"^[rRbBuUfF]*(\"\"\"|\'\'\'|\"|\')(.*)\1$", re.S)


F_PREFIX = re.compile(r"^[rRbBuU]*[fF]")
F_EXPRESSION = re.compile(r"\{[^{}]*\}")


def _python_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module with their first line, adjacent literals joined ("..." "..."),
    leaving out docstrings and other bare strings."""
    found: list[tuple[int, str]] = []
    previous = token.NEWLINE
    group: list[tokenize.TokenInfo] = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for tok in tokens:
        if tok.type in (token.COMMENT, token.NL):
            continue
        if tok.type == token.STRING:
            if group or previous not in (token.NEWLINE, token.INDENT, token.DEDENT):
                group.append(tok)
            previous = tok.type
            continue
        if group:
            bodies = [match.group(2) if (match := QUOTES.match(t.string)) else t.string for t in group]
            text = "".join(bodies)
            if any(F_PREFIX.match(t.string) for t in group):
                text = F_EXPRESSION.sub("{x}", text)  # the code inside an f-string's braces is not text
            found.append((group[0].start[0], text))
            group = []
        previous = tok.type
    return found


def bilingual_strings(root: Path = SRC) -> list[str]:
    hits = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in _python_strings(path):
            hits += [f"{path.relative_to(root)}:{line}: {found}" for found in _bilingual_in(text)]
    for path in sorted(root.rglob("templates/**/*.html")):
        text = TEMPLATE_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), start=1):
            hits += [f"{path.relative_to(root)}:{number}: {found}" for found in _bilingual_in(line)]
    return hits


def test_no_message_carries_two_languages() -> None:
    hits = bilingual_strings()
    assert hits == [], f"{len(hits)} bilingual strings:\n" + "\n".join(hits)


def test_the_scan_finds_a_bilingual_message(tmp_path: Path) -> None:
    (tmp_path / "services.py").write_text(
        '"""Docstrings may gloss 催办 (reminders)."""\n'
        'def f():\n'
        '    """催办 (reminder) in a docstring."""\n'
        '    raise ValueError("只有承办单位的账号可以进行此操作 (only the responsible unit\'s accounts may do this)")\n'
        'ok = ("须为 true 或 false (true or false)")\n'
        '# 催办 (a comment)\n', encoding="utf-8")
    (tmp_path / "templates" / "x").mkdir(parents=True)
    (tmp_path / "templates" / "x" / "page.html").write_text(
        "{# 提示 (a comment) #}\n<p>提示 (hint)</p>\n<p>Luoshi (落实)</p>", encoding="utf-8")
    assert [hit.split(": ", 1)[0] for hit in bilingual_strings(tmp_path)] == ["services.py:4", "services.py:5",
                                                                               "templates/x/page.html:2"]
