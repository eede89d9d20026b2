"""Reading the documents back: PDF text, fonts and pages (pypdf)."""

from __future__ import annotations

import io
import subprocess
from typing import Any

from pypdf import PdfReader


def pdf_reader(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-"), content[:40]
    return PdfReader(io.BytesIO(content))


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, with the line breaks and spaces the layout added taken out."""
    return ["".join(page.extract_text().split()) for page in pdf_reader(content).pages]


def pdf_text(content: bytes) -> str:
    return "".join(pdf_pages(content))


def pdf_fonts(content: bytes) -> set[str]:
    """The embedded font names without their subset prefix ("ABCDEF+Noto-Sans-CJK-SC-Bold")."""
    fonts: set[str] = set()
    for page in pdf_reader(content).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return fonts


def installed_zh_families() -> str:
    result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return result.stdout


def body_font_expected() -> str:
    """FangSong when the machine has it (the CSS prefers it), else Noto Serif CJK SC."""
    return "FangSong" if "FangSong" in installed_zh_families() else "Noto-Serif-CJK-SC"


def overflowing_boxes(html: str) -> list[str]:
    """Tables and cells that reach past the right edge of the page's content area, laid out by WeasyPrint.

    (Percent widths on padded cells, or a word that cannot break, push a table into the margin.)
    """
    from weasyprint import HTML

    found: list[str] = []

    def walk(box: Any, number: int, right: float) -> None:
        if type(box).__name__ in ("TableBox", "TableCellBox") and box.position_x + box.margin_width() > right:
            found.append(f"page {number}: {box.element_tag} ends at {box.position_x + box.margin_width():.0f}"
                         f" > {right:.0f}")
        for child in getattr(box, "children", []):
            walk(child, number, right)

    for number, page in enumerate(HTML(string=html).render().pages, start=1):
        page_box = page._page_box
        walk(page_box, number, page_box.content_box_x() + page_box.width + 0.5)
    return found
