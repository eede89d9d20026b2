"""HTML portal pages: furniture dropped, metadata kept as rows, blocks as lines, data tables as rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luoshi.plandoc import parse
from luoshi.plandoc.errors import PlanDocError, UnsupportedInput
from luoshi.plandoc.normalize import halfwidth
from luoshi.plandoc.read import read_bytes, read_path
from tests.plandoc.conftest import MARKED_PLAN, broken_at_margin

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).parents[2] / "src" / "luoshi" / "plandoc" / "data" / "dalian-2018-innovation-workplan.txt"


def comparable_lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", halfwidth(line)) for line in text.splitlines() if line.strip()]


def html_text(body: str, head: str = "") -> str:
    page = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return read_bytes(page.encode("utf-8")).text


METADATA_ROWS = [
    "索引号\t11210200MB1950372Y/2018-00054",
    "主题分类\t科技、教育",
    "发文机关\t大连市人民政府办公厅",
    "成文日期\t2018年05月16日",
    "标题\t大连市人民政府办公厅关于印发贯彻落实全面实施创新驱动发展战略加快建设东北亚科技创新创业创投中心意见"
    "2018年工作计划的通知",
    "发文字号\t大政办发〔2018〕54号",
    "发布日期\t2018年05月22日",
]


def test_it_reads_the_portal_page_as_metadata_rows_then_the_document() -> None:
    source = read_path(FORMATS / "dalian.portal.html")
    assert (source.format, source.encoding) == ("html", "gb18030")  # declared gb2312
    lines = source.text.splitlines()
    assert lines[:len(METADATA_ROWS) + 1] == [*METADATA_ROWS, ""]
    seed = comparable_lines(SEED.read_text(encoding="utf-8"))
    # The seed's last three lines are portal furniture scraped with it (扫描二维码 / 本文链接 / 本文关键词):
    # on the page they are furniture, and the reader drops them.
    assert seed[-3:] == ["扫描二维码关注我们", "本文链接://www.0798ci.com/rule/38027.html", "本文关键词:大连市"]
    assert comparable_lines("\n".join(lines[len(METADATA_ROWS):])) == seed[:-3]


def test_it_drops_the_portal_furniture_and_says_how_much() -> None:
    source = read_path(FORMATS / "dalian.portal.html")
    for furniture in ("当前位置", "首页", "政务公开", "上一篇", "下一篇", "打印本页", "关闭窗口", "字体", "分享到",
                      "QQ空间", "相关链接", "大连市支持科技创新若干政策措施</a>", "网站标识码", "ICP备", "主办",
                      "无障碍", "浏览次数", "统计代码", "_hmt", "扫描二维码", "本文链接", "请输入关键字"):
        assert furniture not in source.text, furniture
    assert len(source.warnings) == 1
    assert re.fullmatch(r"已删除网页中的.* \d+ 处", source.warnings[0])


def test_it_breaks_lines_at_blocks_only_and_joins_cjk_across_source_line_breaks() -> None:
    text = html_text("<p>一、<span>总体</span><b>要求</b></p><div>第一行<br>第二行</div>"
                     "<p>大连\n   市科技局</p><p>R&amp;D\nfunds</p><ul><li>甲</li><li>乙</li></ul>")
    assert text.splitlines() == ["一、总体要求", "第一行", "第二行", "大连市科技局", "R&D funds", "甲", "乙"]


def test_it_renders_a_data_table_with_spans_as_stable_tab_rows() -> None:
    text = html_text(
        "<p>附件</p><table>"
        "<tr><th colspan='4'>重点任务分解表</th></tr>"
        "<tr><td>序号</td><td>任务</td><td>牵头单位</td><td>时限</td></tr>"
        "<tr><td>1</td><td>建设\t平台<br>一期</td><td rowspan='2'>市科技局</td><td>2018年底</td></tr>"
        "<tr><td>2</td><td>培育企业</td><td>2018年6月</td></tr>"
        "</table><p>说明</p>")
    assert text == ("附件\n\n重点任务分解表\t\t\t\n序号\t任务\t牵头单位\t时限\n1\t建设 平台 一期\t市科技局\t2018年底\n"
                    "2\t培育企业\t〃\t2018年6月\n\n说明\n")


def test_it_reads_a_layout_table_as_blocks_not_rows() -> None:
    text = html_text("<table><tr><td><table><tr><td>左栏</td></tr></table></td>"
                     "<td><p>一、总体要求</p><p>二、主要目标</p></td></tr></table>")
    assert text.splitlines() == ["左栏", "一、总体要求", "二、主要目标"]


def test_it_keeps_key_value_metadata_written_as_lines() -> None:
    text = html_text("<div><span>发文机关：</span>大连市人民政府 <span>成文日期：</span>2018年5月16日</div>"
                     "<div>发文字号：大政发〔2018〕1号</div><p>正文。</p>")
    assert text.splitlines() == ["发文机关\t大连市人民政府", "成文日期\t2018年5月16日", "发文字号\t大政发〔2018〕1号",
                                 "", "正文。"]


def test_it_keeps_policy_text_that_shares_words_with_portal_furniture() -> None:
    body = ("<p>（三）探索建立容错纠错机制，鼓励党员干部主动作为。</p><p>为企业提供技术支持和无障碍环境建设服务。</p>"
            "<p>推进适老化改造，群众可扫描二维码参与评价，并将评价结果纳入考核。</p><p>上一年度完成情况良好。</p>")
    assert html_text(body).splitlines() == [
        "（三）探索建立容错纠错机制，鼓励党员干部主动作为。", "为企业提供技术支持和无障碍环境建设服务。",
        "推进适老化改造，群众可扫描二维码参与评价，并将评价结果纳入考核。", "上一年度完成情况良好。"]


def test_it_drops_a_link_dense_menu_but_keeps_a_paragraph_with_one_link() -> None:
    text = html_text("<div><a href='/'>首页</a> <a href='/a'>机构</a> <a href='/b'>政策</a></div>"
                     "<p>依据<a href='/c'>《大连市支持科技创新若干政策措施》</a>制定本方案。</p>")
    assert text == "依据《大连市支持科技创新若干政策措施》制定本方案。\n"


def test_it_keeps_the_text_of_a_page_wrapped_whole_in_furniture() -> None:
    paragraph = "各地区要认真贯彻落实本方案，明确责任分工，确保各项任务按期完成。" * 20
    text = html_text(f"<form id='aspnetForm'><nav><a href='/'>首页</a></nav><p>{paragraph}</p></form>")
    assert text == paragraph + "\n"


def test_it_falls_back_to_detection_when_the_declared_charset_is_wrong() -> None:
    page = "<html><head><meta charset='utf-8'></head><body><p>关于印发工作计划的通知</p></body></html>"
    source = read_bytes(page.encode("gbk"))
    assert (source.text, source.encoding) == ("关于印发工作计划的通知\n", "gb18030")
    assert "编码 utf-8 与内容不符" in source.warnings[0]


def test_it_honours_a_bom_over_the_declared_charset() -> None:
    page = "<html><head><meta charset='gb2312'></head><body><p>任务</p></body></html>"
    source = read_bytes(page.encode("utf-8-sig"))
    assert (source.text, source.encoding) == ("任务\n", "utf-8-sig")


def test_it_refuses_a_page_without_text() -> None:
    with pytest.raises(PlanDocError, match="没有可读的文字"):
        read_bytes(b"<html><head><script>var a = 1;</script></head><body><nav><a>x</a></nav></body></html>")


def test_it_says_when_a_page_nests_deeper_than_it_can_read() -> None:
    def page(depth: int) -> bytes:
        return ("<html><body>" + "<div>" * depth + "<p>一、重点任务</p><p>（一）推进创新。</p>"
                + "</div>" * depth + "</body></html>").encode()
    assert len(parse(page(200), filename="x.html").nodes) == 2
    with pytest.raises(UnsupportedInput, match="嵌套过深"):
        parse(page(300), filename="x.html")
    # Unclosed paragraphs and list items do not nest: a long page of them is read.
    flat = ("<html><body>" + "<p>说明" * 2000 + "<p>一、重点任务<p>（一）推进创新。</body></html>").encode()
    assert [n.label for n in parse(flat, filename="x.html").nodes] == ["一", "（一）"]


def test_it_keeps_marker_lines_that_open_like_a_sites_sponsor_line() -> None:
    text = html_text("<p>（1）实施老旧小区改造提升。</p><p>主办单位：县城投公司，协办单位：住建局、凤城镇。</p>"
                     "<div class='foot'><p>主办单位：某县人民政府办公室</p></div>")
    assert "主办单位：县城投公司，协办单位：住建局、凤城镇。" in text
    assert "某县人民政府办公室" not in text


def test_it_joins_the_lines_of_a_page_that_keeps_a_pdfs_line_breaks() -> None:
    text = html_text("".join(f"<p>{line}</p>" for line in broken_at_margin(MARKED_PLAN)))
    assert comparable_lines(text) == comparable_lines("\n".join(MARKED_PLAN))
