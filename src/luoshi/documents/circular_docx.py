"""The supervision circular as an editable Word document (python-docx), for offices that edit before 签发.

It prints what the PDF prints (the same context from builders.circular_context, hence the same sentences)
in the layout of GB/T 9704-2012 党政机关公文格式: A4 with the standard type area; 版头 with the issuing
office's mark in red 小标宋 and a red separator line; the title in 2号 (22pt) 小标宋; the body in 3号 (16pt)
仿宋_GB2312 on a 28.95pt line pitch (22 lines a page), level-1 headings in 黑体, level-2 in 楷体_GB2312; page
numbers in 4号 (14pt) 宋体 "— N —", odd pages on the right and even pages on the left, one character in from
the edge; and the 版记 (抄送, 印发机关 and 印发日期) between rules at the end.

Word documents name the fonts of the standard (the office's machines have them); the chart of the PDF is not
repeated (Word cannot show its SVG), the figures table is.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The faces GB/T 9704 names, as Chinese Word installations call them.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_SIZE = Pt(16)     # 3号
TITLE_SIZE = Pt(22)    # 2号
FOOTER_SIZE = Pt(14)   # 4号
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm type area
TABLE_SIZE = Pt(10.5)  # 五号: the tables have up to ten columns


def _font(run: Any, face: str, size: Any, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = face
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face)
    if color is not None:
        run.font.color.rgb = color


def _border(paragraph: Paragraph, side: str, *, size_eighths: int, color: str = "000000") -> None:
    """A rule above or below the paragraph (w:pBdr), `size_eighths` in eighths of a point."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", "1"), ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)


class CircularWriter:
    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)  # the page number sits 7 mm below the type area
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        normal.font.name = FANGSONG
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE_PITCH
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        self._page_numbers(section)

    def _page_numbers(self, section: Any) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = FOOTER_SIZE  # 空一字
            else:
                paragraph.paragraph_format.left_indent = FOOTER_SIZE
            _font(paragraph.add_run("— "), SONGTI, FOOTER_SIZE)
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            paragraph._p.append(field)
            number = paragraph.add_run("1")
            _font(number, SONGTI, FOOTER_SIZE)
            field.append(number._r)
            _font(paragraph.add_run(" —"), SONGTI, FOOTER_SIZE)

    def paragraph(self, text: str = "", *, indent: bool = True, align: Any = None, face: str = FANGSONG,
                  size: Any = BODY_SIZE, bold: bool = False, color: RGBColor | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)  # 首行缩进两字
        if align is not None:
            paragraph.alignment = align
        if text:
            _font(paragraph.add_run(text), face, size, bold=bold, color=color)
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """Level 1 (一、) in 黑体, level 2 (（一）) in 楷体, both 3号 and indented like the body."""
        return self.paragraph(text, face=HEITI if level == 1 else KAITI)

    def table(self, header: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row_index, values in enumerate([header, *rows]):
            cells = table.rows[0].cells if row_index == 0 else table.add_row().cells
            for cell, value, width in zip(cells, values, widths_mm, strict=True):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                _font(paragraph.add_run(value), HEITI if row_index == 0 else FANGSONG, TABLE_SIZE)
        # The header row repeats on every page the table runs over.
        header_properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_properties.append(repeat)

    def colophon(self, *, copy_to: str, issuer: str, date_text: str) -> None:
        """版记: 抄送 (when given) and 印发机关 with 印发日期, 4号仿宋 between a thick first and last rule."""
        lines = []
        if copy_to:
            lines.append(self.paragraph(_("抄送：%(units)s。") % {"units": copy_to}, indent=False, size=FOOTER_SIZE))
        printed = self.paragraph(indent=False, size=FOOTER_SIZE)
        printed.paragraph_format.tab_stops.add_tab_stop(Mm(155), WD_TAB_ALIGNMENT.RIGHT)
        _font(printed.add_run(f"{issuer}\t{_('%(date)s印发') % {'date': date_text}}"), FANGSONG, FOOTER_SIZE)
        lines.append(printed)
        for line in lines:
            line.paragraph_format.left_indent = line.paragraph_format.right_indent = FOOTER_SIZE  # 空一字
        _border(lines[0], "top", size_eighths=8)  # 0.35 mm: the first and last rules are thicker
        for line in lines[:-1]:
            _border(line, "bottom", size_eighths=6)
        _border(lines[-1], "bottom", size_eighths=8)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def circular_docx(context: dict[str, Any]) -> bytes:
    """The circular of builders.circular_context as .docx bytes."""
    w = CircularWriter()
    c, f, issuer = context["c"], context["f"], context["issuer"]
    center = WD_ALIGN_PARAGRAPH.CENTER

    # 版头
    w.paragraph(issuer, indent=False, align=center, face=XIAOBIAOSONG, size=Pt(context["masthead_size"]),
                color=RED).paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    w.paragraph()
    number = w.paragraph(context["number"], indent=False, align=center)
    _border(number, "bottom", size_eighths=12, color="FF0000")  # the red separator line
    # 主体
    w.paragraph()
    title = w.paragraph(context["title"], indent=False, align=center, face=XIAOBIAOSONG, size=TITLE_SIZE)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    w.paragraph()
    w.paragraph(context["summary"])

    w.heading(_("一、总体情况"))
    w.table([_("任务"), _("任务分工"), _("已办结"), _("本期应报"), _("按时报送"), _("逾期报送"), _("未报送"),
             _("红灯"), _("黄灯"), _("绿灯")],
            [[str(v) for v in (f.tasks, f.assignments, f.closed, f.owed, f.on_time, f.late, f.missing,
                               f.rag["red"], f.rag["amber"], f.rag["green"])]], [15.6] * 10)

    w.heading(_("二、逾期和进展滞后事项"))
    if c.problems:
        rows = []
        for number_, item in enumerate(c.problems, start=1):
            task = item.task.text
            if item.narrative:
                task += "\n" + _("本期进展：") + Truncator(item.narrative).chars(120)
            rows.append([str(number_), item.task.display_path, task, item.unit.name, _date(item.deadline),
                         "；".join(str(issue) for issue in item.issues), str(item.reminders)])
        w.table([_("序号"), _("编号"), _("任务"), _("责任单位"), _("完成时限"), _("问题"), _("催办")], rows,
                [10, 16, 56, 21, 21, 22, 10])
    else:
        w.paragraph(_("本期无逾期或进展滞后的事项。"))

    w.heading(_("三、未按时报送进展的单位"))
    w.paragraph(context["late_units_text"] or _("本期各单位均按时报送进展。"))

    w.heading(_("四、通报表扬"))
    if c.praised:
        w.paragraph(_("以下单位%(period)s应报进展全部按时报送，且无逾期、滞后事项，予以通报表扬：") % {
            "period": context["period"].label})
        w.table([_("序号"), _("单位"), _("按时报送"), _("按期办结任务")],
                [[str(i), line.unit.name, f"{line.on_time}/{line.owed}", str(line.closed_on_time)]
                 for i, line in enumerate(c.praised, start=1)], [16, 76, 32, 32])
    else:
        w.paragraph(_("本期暂无符合表扬条件的单位。"))

    if context["named_units_requirement"] or context["requirements"]:
        w.heading(_("五、工作要求"))
        if context["named_units_requirement"]:
            w.paragraph(context["named_units_requirement"])
        for line in context["requirements"].splitlines():
            if line.strip():
                w.paragraph(line.strip())

    # 发文机关署名和成文日期: right-aligned, the date four characters in from the right edge.
    w.paragraph()
    for text in (issuer, context["date_text"]):
        signature = w.paragraph(text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
    w.paragraph()
    w.paragraph(context["method_note"], indent=False, size=Pt(10.5)).paragraph_format.line_spacing_rule = (
        WD_LINE_SPACING.SINGLE)
    w.paragraph()
    w.colophon(copy_to=context["copy_to"], issuer=issuer, date_text=context["date_text"])
    return w.content()
