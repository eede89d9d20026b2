"""The parser's messages to the user: errors and warnings, each with a stable code.

A message is a `str` (its Chinese text, what the command line and the exports print) that also carries
`code` and `params`, so an application can say the same thing in the reader's language: the web layer maps
each code to a translated message (luoshi.plans.parser_messages) and fills it with the same params. The
parser never imports Django, hence no gettext here.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # reading the file
    "empty_file": "文件为空",
    "no_text": "文件中没有可读的文字",
    "damaged_file": "文件已损坏或格式异常，无法读取",
    "file_too_large": "文件过大（{size} MB，上限 {limit} MB）",
    "binary_file": "不是文本或支持的文档格式",
    "legacy_office": "旧版 Word/Excel 文件（.doc/.xls）或加密的 Office 文件，无法读取，请另存为 .docx/.xlsx 后再试",
    "encrypted_office": "文件已加密，无法读取，请取消密码后另存为 .docx/.xlsx 再试",
    "rtf": "RTF 格式暂不支持，请另存为 .docx 后再试",
    "image": "这是图片文件，没有文字层",
    "archive": "压缩包请先解压",
    "powerpoint": "PowerPoint 文件暂不支持，请另存为 .docx 或 PDF 后再试",
    "opendocument": "OpenDocument 文件暂不支持，请另存为 .docx/.xlsx 后再试",
    "bad_encoding": "文件编码错误，无法按 {encoding} 解码",
    "unknown_encoding": "无法识别文本编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5）",
    "damaged_zip": "文件已损坏或不完整",
    "zip_not_office": "压缩包不是 Word/Excel 文件，请先解压",
    "zip_bomb": "压缩文件异常（{member} 压缩比过高，疑似压缩炸弹）",
    "zip_expands": "文件解压后过大（{size} MB）",
    "text_too_large": "文档文字过多（超过 {limit} 字）",
    "tables_too_large": "表格过大（展开合并单元格后超过 {limit} 个单元格）",
    "damaged_xlsx": "Excel 文件已损坏，无法读取（{reason}）",
    "unreadable_xlsx": "Excel 文件无法读取（{reason}）",
    "damaged_docx": "Word 文件已损坏，无法读取",
    "docx_too_deep": "Word 文件结构嵌套过深，无法读取",
    "docx_too_large": "Word 文件正文过大（{size} MB XML，上限 {limit} MB）",
    "html_too_many_tags": "网页标签过多（{tags} 个，上限 {limit} 个）",
    "html_too_deep": "网页元素嵌套过深（约 {depth} 层，最多能读 {limit} 层）",
    "html_unreadable": "网页内容为空或无法解析",
    "pdf_encrypted": "文件已加密，无法读取",
    "pdf_encryption_unsupported": "文件已加密（加密方式不受支持），无法读取",
    "pdf_unsupported": "PDF 使用了不支持的加密或编码方式，无法读取",
    "pdf_damaged": "PDF 文件已损坏，无法读取",
    "pdf_scanned": "扫描件，没有文字层",
    "sheet_too_large": "表格过大（超过 {limit} 个单元格）",
    "too_many_duplicates": "近似重复的事项过多，无法在限定工作量内分组（候选对超过 {limit}）",
    "unknown_member_kind": "单位目录中“{unit}”的成员规则“{rule}”类型未知",
    "member_not_in_directory": "单位目录中“{unit}”的成员“{member}”不在目录中",
    # unit directories
    "cannot_open": "无法打开文件：{reason}",
    "bad_csv": "CSV 文件格式错误：{reason}",
    "directory_duplicate_name": "单位目录中单位名称重复：{name}",
    "directory_ambiguous_name": "单位目录中“{label}”同时指向“{first}”和“{second}”",
    "directory_bad_type": "单位目录只能是 YAML 或 CSV 文件：{file}",
    "directory_too_large": "单位目录文件过大（上限 {limit} MB）：{file}",
    "directory_not_found": "找不到单位目录文件：{file}",
    "directory_not_a_file": "单位目录路径不是文件：{file}",
    "directory_unreadable": "无法读取单位目录文件：{file}",
    "directory_invalid": "{reason}：{file}",
    "directory_empty": "单位目录为空：{file}",
    "directory_not_text": "单位目录不是文本文件：{file}",
    "directory_bad_encoding": "单位目录文件编码无法识别：{file}",
    "directory_bad_yaml_line": "单位目录 YAML 格式错误（第{line}行）：{file}",
    "directory_bad_yaml": "单位目录 YAML 格式错误：{file}",
    "directory_yaml_top_level": "单位目录 YAML 顶层只能有 city 和 units（不认识 {key}）：{file}",
    "directory_yaml_city": "单位目录 YAML 中 city 应为文字：{file}",
    "directory_yaml_not_list": "单位目录 YAML 应为单位列表：{file}",
    "directory_entry_not_mapping": "单位目录{where}不是键值对：{file}",
    "directory_bad_csv": "单位目录 CSV 格式错误（第{line}行）：{file}",
    "directory_no_name_column": "单位目录 CSV 缺少 name 列：{file}",
    "entry_unknown_field": "单位目录{where}有未知字段 {field}：{file}",
    "entry_no_name": "单位目录{where}缺少单位名称：{file}",
    "entry_name_too_long": "单位目录{where}单位名称过长：{file}",
    "entry_unknown_kind": "单位目录{where}类型“{kind}”未知：{file}",
    "entry_bad_is_group": "单位目录{where}is_group 应为是/否：{file}",
    "entry_members_not_group": "单位目录{where}不是群组却列出了成员：{file}",
    "entry_group_kind": "单位目录{where}类型为 group 却不是群组：{file}",
    "entry_field_not_text": "单位目录{where}字段应为文字：{file}",
    "entry_list_not_list": "单位目录{where}别名或成员应为列表：{file}",
    "entry_list_item_not_text": "单位目录{where}别名或成员应为文字：{file}",
    # warnings: the file was read, with something the user should check
    "charset_mismatch": "网页声明的编码 {encoding} 与内容不符，已自动识别",
    "big5": "文件按繁体中文 Big5 编码读取",
    "html_boilerplate": "已删除网页中的导航、分享、版权等非正文内容 {count} 处",
    "page_noise": "已删除 {count} 行网页杂项：{shown}",
    "text_unwrapped": "原文在每行页边处断行（从 PDF 或纸面复制），已将 {count} 处断行接回段落",
    "pinyin_removed": "原文为转载网站的副本，字后插有拼音，已删除 {count} 处拼音",
    "pdf_pages_without_text": "第 {pages} 页没有文字层（可能是扫描页）",
    "pdf_page_unreadable": "第 {page} 页无法读取，已跳过",
    "sheet_hidden": "已跳过隐藏的工作表“{sheet}”",
    "no_structure": "未识别到编号结构，只提取了文件信息",
    "numbering_gap": "编号不连续：{label} 前缺少第 {expected} 项",
    "units_not_in_directory": "单位目录中没有这些单位，已保留原名：{units}",
}


class Message(str):
    """A message's Chinese text, with its `code` and the `params` that filled it."""

    code: str
    params: dict[str, str]

    def __new__(cls, code: str, **params: Any) -> Message:
        values = {key: str(value) for key, value in params.items()}
        text = super().__new__(cls, MESSAGES[code].format(**values))
        text.code, text.params = code, values
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (worker queues) keep the code
        return (_rebuild, (self.code, self.params))

    def as_dict(self) -> dict[str, Any]:
        """What an application stores (JSON): the code, the params and the Chinese text."""
        return {"code": self.code, "params": dict(self.params), "text": str(self)}


def _rebuild(code: str, params: dict[str, str]) -> Message:
    return Message(code, **params)


def message(code: str, **params: Any) -> Message:
    return Message(code, **params)
