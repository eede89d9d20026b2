"""Write the Word and Excel renderings of the corpus documents that hold task tables.

For every gold outline whose features include `task-table-tab`:

- docs/<id>.docx: the whole document as a Word file, each line that holds no TAB a paragraph and each run
  of consecutive TAB lines one Word table (one w:tc per cell; empty cells stay empty; short rows are padded
  with empty cells to the table's width, as a Word grid is rectangular);
- docs/<id>.xlsx: only when every numbered node of the gold stands in a table row (a workbook holding only
  the tables would otherwise miss the body's nodes): one sheet per table, the table's title line (when the
  line before the table is a short title such as "…任务分解表") merged across the top, then its rows.

The renderings are listed in the gold's "also_as" key (the rest of the gold file is left as it is), so that
bench/accuracy.py scores them against the same outline. Standard library only; the files are written with
fixed zip timestamps and fixed document properties, so running the script again gives identical bytes:

    python3 tests/corpus/make_binaries.py
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

CORPUS = Path(__file__).resolve().parent
DOCS = CORPUS / "docs"
GOLD = CORPUS / "gold"

ZIP_TIME = (2026, 1, 1, 0, 0, 0)
STAMP = "2026-01-01T00:00:00Z"
AUTHOR = "luoshi corpus"

# A short line naming the table below it: "表1 …计划表", "…任务分解表", "…任务清单（2018-2020年）", "…考核细则".
TITLE = re.compile(r"^(附表\s*\d*|表\s*\d+).{0,48}$|^.{2,60}?(表|清单|细则|计划|分工|指标)(\s*[(（][^()（）]*[)）])?$")
SENTENCE_END = tuple("。；;，,：:")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------------------------------------------
# The document as blocks: paragraphs and tables

Block = tuple[str, Any]  # ("p", line) or ("table", (first_line_index, rows))


def blocks(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    for index, line in enumerate(lines):
        if "\t" not in line:
            out.append(("p", line))
        elif out and out[-1][0] == "table":
            out[-1][1][1].append(line.split("\t"))
        else:
            out.append(("table", (index, [line.split("\t")])))
    return out


def table_title(lines: list[str], first: int) -> str | None:
    """The line above a table when it is a short title, else None."""
    if first == 0:
        return None
    line = re.sub(r"^附件\s*\d*\s*[：:]\s*", "", lines[first - 1].strip())
    if not line or "\t" in line or line.endswith(SENTENCE_END) or not TITLE.match(line):
        return None
    return line


def nodes_outside_tables(gold: dict[str, Any], lines: list[str]) -> list[str]:
    """Paths of gold nodes whose line (found in document order by its `starts`) holds no TAB."""
    squashed = [squash(line) for line in lines]
    position, outside = 0, []
    for node in gold["nodes"]:
        starts = squash(node["starts"])
        found = next((i for i in range(position, len(lines)) if starts in squashed[i]), None)
        if found is None:  # not found after the previous node: count it as outside, to be safe
            outside.append("/".join(node["path"]))
            continue
        position = found
        if "\t" not in lines[found]:
            outside.append("/".join(node["path"]))
    return outside


# ---------------------------------------------------------------------------------------------------
# Zip packages with fixed timestamps

def write_package(path: Path, parts: list[tuple[str, str]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def core_properties(title: str) -> str:
    return (XML_HEAD +
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>{AUTHOR}</dc:creator>"
            f"<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{STAMP}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{STAMP}</dcterms:modified>'
            "</cp:coreProperties>")


def app_properties(application: str) -> str:
    return (XML_HEAD +
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{application}</Application></Properties>")


def root_rels(main_part: str) -> str:
    return (XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="{main_part}"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>")


def content_types(overrides: list[tuple[str, str]]) -> str:
    items = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{items}"
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>")


# ---------------------------------------------------------------------------------------------------
# Word

TEXT_WIDTH = 11906 - 1588 - 1474  # twips: A4 width less the section's left and right margins

DOCX_STYLES = (XML_HEAD + f'<w:styles xmlns:w="{W_NS}">'
               '<w:docDefaults><w:rPrDefault><w:rPr>'
               '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312"/>'
               '<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
               '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="560" '
               'w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>'
               '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
               '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
               '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
               '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
               '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
               '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
               + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                         for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
               + '</w:tblBorders></w:tblPr></w:style>'
               '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/>'
               '<w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
               '<w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>'
               "</w:styles>")


def docx_run(text: str) -> str:
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return f"<w:r><w:t{space}>{escape(text)}</w:t></w:r>"


def docx_paragraph(text: str, style: str | None = None) -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}{docx_run(text)}</w:p>"


def docx_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    column = TEXT_WIDTH // width
    grid = "".join(f'<w:gridCol w:w="{column}"/>' for _ in range(width))
    body = []
    for row in rows:
        cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr>'
                        f'{docx_paragraph(cell, "TableText")}</w:tc>'
                        for cell in row + [""] * (width - len(row)))
        body.append(f"<w:tr>{cells}</w:tr>")
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>')


def write_docx(path: Path, lines: list[str], title: str) -> None:
    body = []
    items = blocks(lines)
    for kind, value in items:
        body.append(docx_paragraph(value) if kind == "p" else docx_table(value[1]))
    if items and items[-1][0] == "table":
        body.append(docx_paragraph(""))  # Word ends a body with a paragraph
    section = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" '
               'w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    document = (XML_HEAD + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
                f'{"".join(body)}{section}</w:body></w:document>')
    rels = (XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/styles" Target="styles.xml"/></Relationships>')
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    write_package(path, [
        ("[Content_Types].xml", content_types([("/word/document.xml", f"{word}.document.main+xml"),
                                               ("/word/styles.xml", f"{word}.styles+xml")])),
        ("_rels/.rels", root_rels("word/document.xml")),
        ("docProps/core.xml", core_properties(title)),
        ("docProps/app.xml", app_properties("Microsoft Office Word")),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", rels),
        ("word/styles.xml", DOCX_STYLES),
    ])


# ---------------------------------------------------------------------------------------------------
# Excel

INTEGER = re.compile(r"^(0|[1-9]\d{0,8})$")
DECIMAL = re.compile(r"^(0|[1-9]\d{0,8})\.\d{1,6}$")


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title: str | None, number: int, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title or "")[:31].strip() or f"表{number}"
    while name in taken:
        name = f"{name[:28]}({number})"
    taken.add(name)
    return name


class SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def get(self, text: str) -> int:
        self.count += 1
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' if t != t.strip()
                        else f"<si><t>{escape(t)}</t></si>" for t in self.index)
        return (XML_HEAD + f'<sst xmlns="{S_NS}" count="{self.count}" uniqueCount="{len(self.index)}">'
                f"{items}</sst>")


def sheet_xml(title: str | None, rows: list[list[str]], strings: SharedStrings) -> str:
    width = max(len(row) for row in rows)
    out_rows, number = [], 0
    if title:
        number += 1
        out_rows.append(f'<row r="{number}" ht="30" customHeight="1"><c r="A{number}" s="1" t="s">'
                        f"<v>{strings.get(title)}</v></c></row>")
    for row_index, row in enumerate(rows):
        number += 1
        style = 2 if row_index == 0 else 3
        cells = []
        for column, text in enumerate(row, start=1):
            ref = f"{column_letters(column)}{number}"
            if not text.strip():
                cells.append(f'<c r="{ref}" s="{style}"/>')  # a bordered empty cell
            elif INTEGER.match(text.strip()) or DECIMAL.match(text.strip()):
                cells.append(f'<c r="{ref}" s="{style}"><v>{text.strip()}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="{style}" t="s"><v>{strings.get(text)}</v></c>')
        out_rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    columns = "".join(f'<col min="{c}" max="{c}" width="{8 if c == 1 else 24}" customWidth="1"/>'
                      for c in range(1, width + 1))
    merge = (f'<mergeCells count="1"><mergeCell ref="A1:{column_letters(width)}1"/></mergeCells>'
             if title and width > 1 else "")
    return (XML_HEAD + f'<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}">'
            f'<dimension ref="A1:{column_letters(width)}{number}"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{columns}</cols><sheetData>{"".join(out_rows)}</sheetData>{merge}'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>")


XLSX_STYLES = (XML_HEAD + f'<styleSheet xmlns="{S_NS}">'
               '<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
               '<font><b/><sz val="16"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
               '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
               '<fills count="2"><fill><patternFill patternType="none"/></fill>'
               '<fill><patternFill patternType="gray125"/></fill></fills>'
               '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
               '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
               "<diagonal/></border></borders>"
               '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
               '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
               '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
               '<alignment horizontal="center" vertical="center"/></xf>'
               '<xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
               'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
               '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
               '<alignment vertical="center" wrapText="1"/></xf></cellXfs>'
               '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
               "</styleSheet>")


def write_xlsx(path: Path, tables: list[tuple[str | None, list[list[str]]]], title: str) -> None:
    strings = SharedStrings()
    taken: set[str] = set()
    sheets = [(sheet_name(name, i, taken), sheet_xml(name, rows, strings))
              for i, (name, rows) in enumerate(tables, start=1)]
    workbook = (XML_HEAD + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}"><bookViews><workbookView/></bookViews>'
                "<sheets>" + "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                                     for i, (name, _) in enumerate(sheets, start=1))
                + "</sheets></workbook>")
    n = len(sheets)
    rels = (XML_HEAD + f'<Relationships xmlns="{PKG_RELS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{OFFICE_RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>")
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("/xl/workbook.xml", f"{sml}.sheet.main+xml"),
                 *((f"/xl/worksheets/sheet{i}.xml", f"{sml}.worksheet+xml") for i in range(1, n + 1)),
                 ("/xl/styles.xml", f"{sml}.styles+xml"),
                 ("/xl/sharedStrings.xml", f"{sml}.sharedStrings+xml")]
    write_package(path, [
        ("[Content_Types].xml", content_types(overrides)),
        ("_rels/.rels", root_rels("xl/workbook.xml")),
        ("docProps/core.xml", core_properties(title)),
        ("docProps/app.xml", app_properties("Microsoft Excel")),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        *((f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)),
        ("xl/styles.xml", XLSX_STYLES),
        ("xl/sharedStrings.xml", strings.xml()),
    ])


# ---------------------------------------------------------------------------------------------------
# Gold files: only the "also_as" key is set

def set_also_as(gold_path: Path, renderings: list[str]) -> str:
    text = gold_path.read_text(encoding="utf-8")
    gold = json.loads(text)
    ending = "\n" if text.endswith("\n") else ""
    if json.dumps(gold, ensure_ascii=False, indent=1) + ending != text:
        return "left alone (not in json.dumps(indent=1) form)"
    if gold.get("also_as") == renderings:
        return "also_as unchanged"
    updated: dict[str, Any] = {}
    for key, value in gold.items():
        if key != "also_as":
            updated[key] = value
        if key == "source":
            updated["also_as"] = renderings
    gold_path.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + ending, encoding="utf-8")
    return "also_as set"


def main() -> int:
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if "task-table-tab" not in gold.get("features", []):
            continue
        source = CORPUS / gold["source"]
        stem = source.stem
        lines = source.read_text(encoding="utf-8").splitlines()
        title = gold.get("metadata", {}).get("title") or stem
        renderings = [f"docs/{stem}.docx"]
        write_docx(DOCS / f"{stem}.docx", lines, title)
        outside = nodes_outside_tables(gold, lines)
        if not outside:
            tables = [(table_title(lines, value[0]), value[1]) for kind, value in blocks(lines) if kind == "table"]
            write_xlsx(DOCS / f"{stem}.xlsx", tables, title)
            renderings.append(f"docs/{stem}.xlsx")
        status = set_also_as(gold_path, renderings)
        for rendering in renderings:
            print(f"{(CORPUS / rendering).stat().st_size:>8}  {rendering}")
        if outside:
            print(f"{'':>8}  (no .xlsx: {len(outside)} of {len(gold['nodes'])} nodes outside the tables)")
        print(f"{'':>8}  {gold_path.name}: {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
