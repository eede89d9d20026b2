"""PDFs from Django templates with WeasyPrint (HTML + print CSS).

The templates extend documents/pdf/base.html, which carries the official-document typography: A4, the
margins of GB/T 9704, headings in a 黑体-style face, body text in 仿宋 where the machine has it (else a
宋体-style serif), page numbers "— N —" centred at the foot of every page. Fonts come from the system
(fontconfig; Debian's fonts-noto-cjk); the CSS lists the preferred faces first and the installed Noto CJK
faces after them, so a machine with FangSong uses it and every other one still renders every glyph.

Nothing is fetched while rendering: only data: URLs are allowed (charts are inline SVG), so text from
reports can never make the renderer read a file or call a server.
"""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint parses its stylesheets on import, which every command would otherwise pay for.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per layout step otherwise
    fetcher = URLFetcher(allowed_protocols=["data"], timeout=1)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher, media_type="print").write_pdf()
    return pdf


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a documents/pdf/*.html template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
