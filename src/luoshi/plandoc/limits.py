"""Work budgets: how much one document may make the parser do.

The byte limit (read.DEFAULT_MAX_BYTES) bounds the file; these bound what the file expands to, so that
the time and memory of a parse are proportional to a stated budget, whatever the input. Every stage is
linear in its input, so a document within the budgets parses in seconds; a document over one is refused
with one InputTooLarge error (one line, Chinese with English in parentheses), as early as a reader can
tell, instead of taking minutes of CPU or gigabytes of memory.
"""

from __future__ import annotations

from luoshi.plandoc.errors import InputTooLarge
from luoshi.plandoc.messages import message

# Characters of text the parser works on (after reading, tables as TAB rows). The Dalian plan has
# 29,398; long plans with their annexes (a five-year plan outline) have 100,000-300,000. The parser reads
# ~700,000 characters a second (bench/parse.py), so an accepted document costs a few seconds at most.
# Readers count as they extract and stop at the budget (a 47 MB .docx holds 24 million characters).
MAX_TEXT_CHARS = 1_000_000

# Cells of the tables of one document once merged cells are expanded and rows padded to the table's
# width (HTML rowspan/colspan, .docx gridSpan, .xlsx merged ranges, CSV). A task table of 2,000 rows x 12
# columns has 24,000; a rendered cell costs at least its TAB, so the text budget allows no more than this.
# Spans multiply: 2,500 HTML cells with rowspan=100 colspan=100 expand to 25 million cells (4 GB, a
# minute); this bound stops any expansion at ~100 MB and a second or two.
MAX_TABLE_CELLS = 500_000

# The .docx main part (word/document.xml) is parsed whole into memory (about 6 bytes per byte of XML).
# 1,000,000 characters of text take 3-30 MB of WordprocessingML; this bounds the tree to ~400 MB.
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024


# Tags of an HTML page, counted as "<" before the page is parsed. The Dalian plan's portal page has 1,245;
# a page with a task table of 2,000 rows x 12 columns ~60,000. lxml keeps ~120 bytes per element and the
# reader spends ~5 µs on each, so this bounds a page to ~150 MB and a few seconds (a 50 MB page of
# empty <span>s took 16 s and 1 GB).
MAX_HTML_TAGS = 1_000_000


def text_too_large() -> InputTooLarge:
    return InputTooLarge(message("text_too_large", limit=f"{MAX_TEXT_CHARS:,}"))


def tables_too_large() -> InputTooLarge:
    return InputTooLarge(message("tables_too_large", limit=f"{MAX_TABLE_CELLS:,}"))


def check_text(chars: int) -> None:
    """Refuse a text longer than MAX_TEXT_CHARS."""
    if chars > MAX_TEXT_CHARS:
        raise text_too_large()


class WorkBudget:
    """What a reader has spent on one document so far: characters of text and cells of tables."""

    __slots__ = ("cells", "chars")

    def __init__(self) -> None:
        self.chars = 0
        self.cells = 0

    def text(self, chars: int) -> None:
        self.chars += chars
        if self.chars > MAX_TEXT_CHARS:
            raise text_too_large()

    def table(self, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_TABLE_CELLS:
            raise tables_too_large()
