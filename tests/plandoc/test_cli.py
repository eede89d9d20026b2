"""`luoshi parse` as a user runs it: JSON on stdout, -o with xlsx/csv/md, --units, stdin, and bad input.

Bad input of every kind must give exactly one line on stderr starting "luoshi:", exit code 2 and no
traceback. Those cases run as real subprocesses, started all at once so the file stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from luoshi import cli
from luoshi.plandoc import parse
from luoshi.plandoc.export import HEADERS, TASK_SHEET, to_json
from tests.plandoc.conftest import FIXTURES, SEED

FORMATS = FIXTURES / "formats"
UNITS = FIXTURES / "units"

# The JSON contract, as documented for consumers of `luoshi parse`.
PLAN_KEYS = {"title", "doc_number", "issuer", "issued_on", "addressees", "warnings", "units", "nodes", "duplicates"}
UNIT_KEYS = {"name", "full_name", "kind", "is_group", "known"}
NODE_KEYS = {"id", "parent", "level", "label", "path", "text", "span", "units", "targets", "deadline", "refs"}
UNIT_REF_KEYS = {"name", "role", "inherited"}
TARGET_KEYS = {"text", "indicator", "value", "value_max", "unit", "op", "basis", "year"}
DEADLINE_KEYS = {"text", "date"}
REF_KEYS = {"title", "doc_number"}

# A plan with units that only the Sichuan directory (fixtures/units/sichuan.csv) knows, and one
# (市科技局) that only the built-in Dalian directory knows.
SICHUAN_PLAN = ("一、重点任务\n"
                "1.推进重大项目建设。（牵头单位：省发改委；配合单位：省财政厅、市科技局）\n"
                "2.加强金融支持。（责任单位：人行成都分行）\n")

NO_STRUCTURE = ("洛阳市人民政府办公室关于做好2019年春节期间有关工作的通知\n"
                "洛政办明电〔2019〕3号\n"
                "各县（市、区）人民政府，市人民政府各部门：\n"
                "春节将至，经市政府同意，现就做好春节期间有关工作通知如下。\n"
                "各地要高度重视节日期间各项工作，保持通信畅通。\n"
                "洛阳市人民政府办公室\n"
                "2019年1月18日\n")


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "luoshi.cli", *args], input=stdin, capture_output=True,
                          timeout=120, check=False)


def assert_no_traceback(*streams: str | bytes) -> None:
    for stream in streams:
        text = stream.decode("utf-8", "replace") if isinstance(stream, bytes) else stream
        assert "Traceback" not in text


# -- JSON on stdout --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dalian_json() -> dict[str, Any]:
    done = run_cli("parse", str(FORMATS / "dalian.docx"))
    assert done.returncode == 0, done.stderr.decode()
    assert_no_traceback(done.stdout, done.stderr)
    data: dict[str, Any] = json.loads(done.stdout.decode("utf-8"))
    return data


def test_it_prints_the_json_contract_to_stdout(dalian_json: dict[str, Any]) -> None:
    assert set(dalian_json) >= PLAN_KEYS
    assert (dalian_json["doc_number"], dalian_json["issuer"], dalian_json["issued_on"]) == (
        "大政办发〔2018〕54号", "大连市人民政府办公厅", "2018-05-16")
    assert dalian_json["title"].endswith("2018年工作计划")
    assert "各先导区管委会" in dalian_json["addressees"]
    assert dalian_json["units"] and all(set(u) >= UNIT_KEYS for u in dalian_json["units"])
    nodes = dalian_json["nodes"]
    assert len(nodes) == 9 + 24 + 133 + 239  # the level counts of the Dalian tree
    for node in nodes:
        assert set(node) >= NODE_KEYS
        assert all(set(u) >= UNIT_REF_KEYS for u in node["units"])
        assert all(set(t) >= TARGET_KEYS for t in node["targets"])
        assert all(set(r) >= REF_KEYS for r in node["refs"])
        assert node["deadline"] is None or set(node["deadline"]) >= DEADLINE_KEYS
    # The key checks above saw real values, not only empty lists.
    assert any(n["targets"] for n in nodes) and any(n["refs"] for n in nodes)
    assert any(n["deadline"] for n in nodes) and any(n["units"] for n in nodes)
    by_id = {n["id"]: n for n in nodes}
    assert all(n["parent"] is None or by_id[n["parent"]]["level"] == n["level"] - 1 for n in nodes)


def test_it_prints_what_the_library_returns(dalian_json: dict[str, Any]) -> None:
    assert dalian_json == json.loads(to_json(parse(FORMATS / "dalian.docx")))


def test_it_reads_standard_input() -> None:
    done = run_cli("parse", "-", stdin=SEED.read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout.decode("utf-8"))
    assert data["doc_number"] == "大政办发〔2018〕54号"
    assert len(data["nodes"]) == 405


def test_it_reads_a_word_file_from_standard_input() -> None:
    done = run_cli("parse", "-", "--format", "csv", stdin=(FORMATS / "tasks.docx").read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert [row[3] for row in rows[1:]] == ["市科技局", "市科技局", "市经信委"]  # 牵头单位 of the 3 tasks


def test_it_returns_metadata_and_a_warning_for_a_document_without_structure(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NO_STRUCTURE, encoding="utf-8")
    done = run_cli("parse", str(path))
    assert done.returncode == 0
    data = json.loads(done.stdout.decode("utf-8"))
    assert data["nodes"] == []
    assert (data["doc_number"], data["issuer"], data["issued_on"]) == (
        "洛政办明电〔2019〕3号", "洛阳市人民政府办公室", "2019-01-18")
    assert any("编号" in w for w in data["warnings"])
    stderr = done.stderr.decode("utf-8")
    assert stderr.startswith("luoshi: ") and "编号" in stderr
    assert_no_traceback(done.stdout, stderr)


# -- -o with the other formats ----------------------------------------------------------------------

def test_it_writes_the_task_workbook(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    assert cli.main(["parse", str(SEED), "--format", "xlsx", "-o", str(out)]) == 0
    sheet = load_workbook(out)[TASK_SHEET]
    header_row = 2  # row 1 is the merged title
    assert [cell.value for cell in sheet[header_row]] == list(HEADERS)
    items = parse(SEED).items()
    data_rows = [row for row in sheet.iter_rows(min_row=header_row + 1, values_only=True) if any(row)]
    assert len(data_rows) == len(items) == 288
    # The first task of the seed, by hand: 三 (一) 1 (1), 高新区管委会 responsible.
    assert str(data_rows[0][2]).startswith("强化区域控规") and data_rows[0][5] == "高新区管委会"
    assert [str(row[2]).split("\n")[0] for row in data_rows] == [n.text for n in items]
    assert sheet.freeze_panes is not None
    _column, first_scrolling_row = coordinate_from_string(sheet.freeze_panes)
    assert first_scrolling_row == header_row + 1  # the header stays in view


def test_it_writes_csv_with_one_row_per_task(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    assert cli.main(["parse", str(SEED), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert len(rows) - 1 == len(parse(SEED).items())


def test_it_writes_markdown(tmp_path: Path) -> None:
    out = tmp_path / "plan.md"
    assert cli.main(["parse", str(SEED), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    plan = parse(SEED)
    assert text.startswith(f"# {plan.title}\n")
    assert "大政办发〔2018〕54号" in text
    assert "强化区域控规" in text and "高新区管委会" in text  # the first task and its unit


def test_it_writes_xlsx_bytes_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert cli.main(["parse", str(FORMATS / "tasks.csv"), "--format", "xlsx"]) == 0
    workbook = load_workbook(io.BytesIO(capsysbinary.readouterr().out))
    assert workbook.sheetnames[0] == TASK_SHEET


# -- --units ---------------------------------------------------------------------------------------

def _known(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, bool]:
    assert cli.main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    return {u["name"]: u["known"] for u in data["units"]}


def test_it_uses_the_unit_directory_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(SICHUAN_PLAN, encoding="utf-8")
    builtin = _known(["parse", str(path)], capsys)
    sichuan = _known(["parse", str(path), "--units", str(UNITS / "sichuan.csv")], capsys)
    # The built-in directory is Dalian's: it does not apply to a Sichuan plan (its 市科技局 is not Dalian's).
    assert builtin == {"省发改委": False, "省财政厅": False, "市科技局": False, "人行成都分行": False}
    # The Sichuan directory knows 省发改委 as an alias of 省发展改革委, and not Dalian's 市科技局.
    assert sichuan == {"省发展改革委": True, "省财政厅": True, "市科技局": False, "人行成都分行": True}


# -- errors ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BadInput:
    name: str
    args: tuple[str, ...]
    expect: str  # a word the one-line message must contain
    stdin: bytes = b""


def _bad_inputs(tmp: Path) -> list[BadInput]:
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "undecodable.txt").write_bytes("一、推进工作\n".encode() + b"\xff\x80\xfe abc \x81\xff\n")
    (tmp / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage\n")
    (tmp / "plans").mkdir()
    seed = str(FORMATS / "dalian.utf8-bom.txt")  # 80 KB
    return [
        BadInput("empty file", (str(tmp / "empty.txt"),), "空"),
        BadInput("binary file", (str(FORMATS / "binary.bin"),), "不是文本"),
        BadInput("encrypted pdf", (str(FORMATS / "encrypted.pdf"),), "加密"),
        BadInput("encrypted docx", (str(FORMATS / "encrypted.docx"),), "加密"),
        BadInput("truncated docx", (str(FORMATS / "truncated.docx"),), "损坏"),
        BadInput("zip bomb", (str(FORMATS / "bomb.docx"),), "压缩"),
        BadInput("damaged pdf", (str(tmp / "damaged.pdf"),), "PDF"),
        BadInput("scanned pdf", (str(FORMATS / "scanned.pdf"),), "文字层"),
        BadInput("over --max-mb", (seed, "--max-mb", "0.05"), "过大"),
        BadInput("stdin over --max-mb", ("-", "--max-mb", "0.05"), "过大", stdin=SEED.read_bytes()),
        BadInput("missing file", (str(tmp / "no-such-file.txt"),), "找不到"),
        BadInput("directory", (str(tmp / "plans"),), "文件夹"),
        BadInput("undecodable text", (str(tmp / "undecodable.txt"),), "编码"),
        BadInput("empty stdin", ("-",), "空"),
        BadInput("bad unit directory", (seed, "--units", str(UNITS / "bad-syntax.yaml")), "YAML"),
        BadInput("missing unit directory", (seed, "--units", str(tmp / "none.csv")), "单位目录"),
        BadInput("unwritable output", (seed, "-o", str(tmp / "no-such-dir" / "out.json")), "无法"),
    ]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: bytes
    stderr: str


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadInput]:
    return {case.name: case for case in _bad_inputs(tmp_path_factory.mktemp("bad"))}


BAD_INPUT_NAMES = ["empty file", "binary file", "encrypted pdf", "encrypted docx", "truncated docx", "zip bomb",
                   "damaged pdf", "scanned pdf", "over --max-mb", "stdin over --max-mb", "missing file",
                   "directory", "undecodable text", "empty stdin", "bad unit directory", "missing unit directory",
                   "unwritable output"]
# Run again as real processes: standard error then also shows what libraries log or warn (the PDF
# reader logs "EOF marker not found" for a damaged file) and what happens outside main().
SUBPROCESS_NAMES = ["encrypted docx", "zip bomb", "damaged pdf", "directory", "stdin over --max-mb",
                    "undecodable text", "unwritable output"]


def assert_one_line_error(case: BadInput, outcome: Outcome) -> None:
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("luoshi: ")
    assert case.expect in lines[0]
    assert outcome.returncode == cli.EXIT_BAD_INPUT
    assert outcome.stdout == b""
    assert_no_traceback(outcome.stdout, outcome.stderr)


@pytest.mark.parametrize("name", BAD_INPUT_NAMES)
def test_it_reports_bad_input_in_one_line_with_exit_code_2(
        name: str, bad_inputs: dict[str, BadInput], monkeypatch: pytest.MonkeyPatch,
        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    case = bad_inputs[name]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.stdin)))
    returncode = cli.main(["parse", *case.args])
    captured = capsysbinary.readouterr()
    assert_one_line_error(case, Outcome(returncode, captured.out, captured.err.decode("utf-8")))


@pytest.fixture(scope="module")
def subprocess_outcomes(bad_inputs: dict[str, BadInput]) -> dict[str, Outcome]:
    """The SUBPROCESS_NAMES cases as real processes, all started at once."""
    running = []
    for name in SUBPROCESS_NAMES:
        process = subprocess.Popen([sys.executable, "-m", "luoshi.cli", "parse", *bad_inputs[name].args],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        running.append((name, process))
    outcomes = {}
    for name, process in running:
        out, err = process.communicate(bad_inputs[name].stdin, timeout=120)
        outcomes[name] = Outcome(process.returncode, out, err.decode("utf-8", "replace"))
    return outcomes


@pytest.mark.parametrize("name", SUBPROCESS_NAMES)
def test_it_reports_bad_input_in_one_line_as_a_process(
        name: str, bad_inputs: dict[str, BadInput], subprocess_outcomes: dict[str, Outcome]) -> None:
    assert_one_line_error(bad_inputs[name], subprocess_outcomes[name])


def test_it_covers_every_bad_input_case(bad_inputs: dict[str, BadInput]) -> None:
    assert sorted(bad_inputs) == sorted(BAD_INPUT_NAMES)
    assert set(SUBPROCESS_NAMES) <= set(BAD_INPUT_NAMES)


def test_it_reports_an_internal_error_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def broken_parse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "parse", broken_parse)
    assert cli.main(["parse", str(SEED)]) == cli.EXIT_INTERNAL
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["luoshi: 内部错误: RuntimeError: boom"]
    with pytest.raises(RuntimeError):  # --debug shows the traceback to whoever reports the bug
        cli.main(["--debug", "parse", str(SEED)])


def test_it_stops_quietly_when_the_reader_closes_the_pipe() -> None:
    import subprocess
    import sys

    from tests.plandoc.conftest import SEED

    proc = subprocess.run(f"'{sys.executable}' -m luoshi.cli parse '{SEED}' | head -c 10", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.startswith("{")
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr
