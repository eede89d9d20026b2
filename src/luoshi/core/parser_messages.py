"""The parser's messages (luoshi.plandoc.messages) in the reader's language.

The parser never imports Django: its errors and warnings are Chinese text carrying a code and params. Here
each code has its gettext message, filled with the same params; a message without a known code (an older
plan's stored warnings, a parser message added later) is shown as the parser wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARSER_MESSAGES: dict[str, Promise] = {
    "empty_file": _("文件为空"),
    "no_text": _("文件中没有可读的文字"),
    "damaged_file": _("文件已损坏或格式异常，无法读取"),
    "file_too_large": _("文件过大（%(size)s MB，上限 %(limit)s MB）"),
    "binary_file": _("不是文本或支持的文档格式"),
    "legacy_office": _("旧版 Word/Excel 文件（.doc/.xls）或加密的 Office 文件，无法读取，请另存为 .docx/.xlsx 后再试"),
    "encrypted_office": _("文件已加密，无法读取，请取消密码后另存为 .docx/.xlsx 再试"),
    "rtf": _("RTF 格式暂不支持，请另存为 .docx 后再试"),
    "image": _("这是图片文件，没有文字层"),
    "archive": _("压缩包请先解压"),
    "powerpoint": _("PowerPoint 文件暂不支持，请另存为 .docx 或 PDF 后再试"),
    "opendocument": _("OpenDocument 文件暂不支持，请另存为 .docx/.xlsx 后再试"),
    "bad_encoding": _("文件编码错误，无法按 %(encoding)s 解码"),
    "unknown_encoding": _("无法识别文本编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5）"),
    "damaged_zip": _("文件已损坏或不完整"),
    "zip_not_office": _("压缩包不是 Word/Excel 文件，请先解压"),
    "zip_bomb": _("压缩文件异常（%(member)s 压缩比过高，疑似压缩炸弹）"),
    "zip_expands": _("文件解压后过大（%(size)s MB）"),
    "text_too_large": _("文档文字过多（超过 %(limit)s 字）"),
    "tables_too_large": _("表格过大（展开合并单元格后超过 %(limit)s 个单元格）"),
    "damaged_xlsx": _("Excel 文件已损坏，无法读取（%(reason)s）"),
    "unreadable_xlsx": _("Excel 文件无法读取（%(reason)s）"),
    "damaged_docx": _("Word 文件已损坏，无法读取"),
    "docx_too_deep": _("Word 文件结构嵌套过深，无法读取"),
    "docx_too_large": _("Word 文件正文过大（%(size)s MB XML，上限 %(limit)s MB）"),
    "html_too_many_tags": _("网页标签过多（%(tags)s 个，上限 %(limit)s 个）"),
    "html_too_deep": _("网页元素嵌套过深（约 %(depth)s 层，最多能读 %(limit)s 层）"),
    "html_unreadable": _("网页内容为空或无法解析"),
    "pdf_encrypted": _("文件已加密，无法读取"),
    "pdf_encryption_unsupported": _("文件已加密（加密方式不受支持），无法读取"),
    "pdf_unsupported": _("PDF 使用了不支持的加密或编码方式，无法读取"),
    "pdf_damaged": _("PDF 文件已损坏，无法读取"),
    "pdf_scanned": _("扫描件，没有文字层"),
    "sheet_too_large": _("表格过大（超过 %(limit)s 个单元格）"),
    "too_many_duplicates": _("近似重复的事项过多，无法在限定工作量内分组（候选对超过 %(limit)s）"),
    "unknown_member_kind": _("单位目录中“%(unit)s”的成员规则“%(rule)s”类型未知"),
    "member_not_in_directory": _("单位目录中“%(unit)s”的成员“%(member)s”不在目录中"),
    "cannot_open": _("无法打开文件：%(reason)s"),
    "bad_csv": _("CSV 文件格式错误：%(reason)s"),
    "directory_duplicate_name": _("单位目录中单位名称重复：%(name)s"),
    "directory_ambiguous_name": _("单位目录中“%(label)s”同时指向“%(first)s”和“%(second)s”"),
    "directory_bad_type": _("单位目录只能是 YAML 或 CSV 文件：%(file)s"),
    "directory_too_large": _("单位目录文件过大（上限 %(limit)s MB）：%(file)s"),
    "directory_not_found": _("找不到单位目录文件：%(file)s"),
    "directory_not_a_file": _("单位目录路径不是文件：%(file)s"),
    "directory_unreadable": _("无法读取单位目录文件：%(file)s"),
    "directory_invalid": _("%(reason)s：%(file)s"),
    "directory_empty": _("单位目录为空：%(file)s"),
    "directory_not_text": _("单位目录不是文本文件：%(file)s"),
    "directory_bad_encoding": _("单位目录文件编码无法识别：%(file)s"),
    "directory_bad_yaml_line": _("单位目录 YAML 格式错误（第%(line)s行）：%(file)s"),
    "directory_bad_yaml": _("单位目录 YAML 格式错误：%(file)s"),
    "directory_yaml_top_level": _("单位目录 YAML 顶层只能有 city 和 units（不认识 %(key)s）：%(file)s"),
    "directory_yaml_city": _("单位目录 YAML 中 city 应为文字：%(file)s"),
    "directory_yaml_not_list": _("单位目录 YAML 应为单位列表：%(file)s"),
    "directory_entry_not_mapping": _("单位目录%(where)s不是键值对：%(file)s"),
    "directory_bad_csv": _("单位目录 CSV 格式错误（第%(line)s行）：%(file)s"),
    "directory_no_name_column": _("单位目录 CSV 缺少 name 列：%(file)s"),
    "entry_unknown_field": _("单位目录%(where)s有未知字段 %(field)s：%(file)s"),
    "entry_no_name": _("单位目录%(where)s缺少单位名称：%(file)s"),
    "entry_name_too_long": _("单位目录%(where)s单位名称过长：%(file)s"),
    "entry_unknown_kind": _("单位目录%(where)s类型“%(kind)s”未知：%(file)s"),
    "entry_bad_is_group": _("单位目录%(where)sis_group 应为是/否：%(file)s"),
    "entry_members_not_group": _("单位目录%(where)s不是群组却列出了成员：%(file)s"),
    "entry_group_kind": _("单位目录%(where)s类型为 group 却不是群组：%(file)s"),
    "entry_field_not_text": _("单位目录%(where)s字段应为文字：%(file)s"),
    "entry_list_not_list": _("单位目录%(where)s别名或成员应为列表：%(file)s"),
    "entry_list_item_not_text": _("单位目录%(where)s别名或成员应为文字：%(file)s"),
    "charset_mismatch": _("网页声明的编码 %(encoding)s 与内容不符，已自动识别"),
    "big5": _("文件按繁体中文 Big5 编码读取"),
    "html_boilerplate": _("已删除网页中的导航、分享、版权等非正文内容 %(count)s 处"),
    "page_noise": _("已删除 %(count)s 行网页杂项：%(shown)s"),
    "text_unwrapped": _("原文在每行页边处断行（从 PDF 或纸面复制），已将 %(count)s 处断行接回段落"),
    "pinyin_removed": _("原文为转载网站的副本，字后插有拼音，已删除 %(count)s 处拼音"),
    "pdf_pages_without_text": _("第 %(pages)s 页没有文字层（可能是扫描页）"),
    "pdf_page_unreadable": _("第 %(page)s 页无法读取，已跳过"),
    "sheet_hidden": _("已跳过隐藏的工作表“%(sheet)s”"),
    "no_structure": _("未识别到编号结构，只提取了文件信息"),
    "numbering_gap": _("编号不连续：%(label)s 前缺少第 %(expected)s 项"),
    "units_not_in_directory": _("单位目录中没有这些单位，已保留原名：%(units)s"),
}


def parser_message(value: Any) -> str:
    """A parser message, exception or stored warning ({"code", "params", "text"}) in the active language."""
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, Mapping):
        code, params, text = value.get("code"), value.get("params") or {}, str(value.get("text", ""))
    else:
        code, params, text = getattr(value, "code", None), getattr(value, "params", {}), str(value)
    template = PARSER_MESSAGES.get(str(code)) if code else None
    if template is None:
        return text
    try:
        return str(template) % dict(params)
    except (KeyError, TypeError, ValueError):
        return text


def stored_warnings(warnings: list[Any]) -> list[Any]:
    """The parser's warnings as a plan stores them (JSON): code, params and Chinese text when there is a code."""
    return [w.as_dict() if hasattr(w, "as_dict") else str(w) for w in warnings]
