"""Unit directory import: the administrators' page (upload, preview, apply), the files it reads, the command."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from luoshi.core.models import AuditEntry
from luoshi.orgs.directory_files import MAX_DIRECTORY_BYTES, directory_file_read
from luoshi.orgs.models import Unit, UnitAlias
from luoshi.orgs.selectors import unit_directory_plan
from luoshi.orgs.services import unit_directory_import
from luoshi.orgs.views import SESSION_KEY
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

URL = "/units/import/"

NEW_UNITS_CSV = (
    "name,full_name,kind,aliases,is_group,members,parent\n"
    "市数据局,大连市大数据管理局,city_department,市大数据局;大连市数据局,,,\n"
    "市数据中心,大连市大数据中心,other,,,,市数据局\n"
    "市科技局,大连市科学技术局（更名）,city_department,市科技厅,,,\n"
    "数据单位,,group,,是,市数据局;市数据中心,\n"
)


def snapshot() -> dict[str, Any]:
    """Everything an import can change."""
    return {
        "units": sorted(Unit.objects.values_list("name", "full_name", "kind", "is_group", "member_kind",
                                                 "parent__name", "sort_order")),
        "aliases": sorted(UnitAlias.objects.values_list("alias", "unit__name")),
        "members": sorted(Unit.members.through.objects.values_list("from_unit__name", "to_unit__name")),
        "audit": AuditEntry.objects.filter(action="units.import").count(),
    }


def upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(URL, {"action": "preview", "directory": SimpleUploadedFile(name, data)})


def apply(client: Client) -> Any:
    return client.post(URL, {"action": "apply"})


def xlsx(rows: list[list[Any]], *, hidden_first: list[list[Any]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if hidden_first is not None:
        for row in hidden_first:
            sheet.append(row)
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("单位目录")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def admin_client(client: Client, personas: Personas) -> Client:
    client.force_login(personas.admin)
    return client


# --- who may use it --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "leader", "lead_liaison", "lead_head", "support_liaison",
                                     "other_liaison", "outsider"])
def test_it_is_not_there_for_anyone_but_an_administrator(client: Client, personas: Personas, persona: str) -> None:
    before = snapshot()
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 404
    assert upload(client, "units.csv", NEW_UNITS_CSV.encode()).status_code == 404
    assert apply(client).status_code == 404
    assert SESSION_KEY not in client.session
    assert snapshot() == before


def test_it_sends_an_anonymous_visitor_to_the_login(client: Client, units: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_shows_the_upload_form_to_an_administrator(admin_client: Client) -> None:
    assert reverse("orgs:unit_import") == URL
    page = admin_client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'enctype="multipart/form-data"' in text and "csrfmiddlewaretoken" in text
    assert "city_department" in text  # the kinds a file may use are listed


# --- CSV: preview, then apply ----------------------------------------------------------------------


def test_it_previews_a_csv_and_changes_nothing_until_confirmed(admin_client: Client) -> None:
    before = snapshot()
    page = upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.can_apply
    assert preview.counts == {"create": 3, "update": 1, "same": 0}
    actions = {row.name: row.action for row in preview.rows}
    assert actions == {"市数据局": "create", "市数据中心": "create", "市科技局": "update", "数据单位": "create"}
    changes = next(row.changes for row in preview.rows if row.name == "市科技局")
    assert any("大连市科学技术局（更名）" in c for c in changes) and any("市科技厅" in c for c in changes)
    assert "确认导入" in page.content.decode()
    assert snapshot() == before   # the preview tried the import and rolled it back


def test_it_applies_the_csv_on_confirmation_and_audits_it(admin_client: Client, personas: Personas) -> None:
    top = max(Unit.objects.values_list("sort_order", flat=True))
    kjj_id = Unit.objects.get(name="市科技局").pk
    upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    response = apply(admin_client)
    assert response.status_code == 302 and response["Location"] == URL
    assert SESSION_KEY not in admin_client.session
    data = Unit.objects.get(name="市数据局")
    assert (data.full_name, data.kind, data.sort_order) == ("大连市大数据管理局", "city_department", top + 1)
    assert set(data.aliases.values_list("alias", flat=True)) == {"市大数据局", "大连市数据局"}
    assert Unit.objects.get(name="市数据中心").parent == data
    group = Unit.objects.get(name="数据单位")
    assert group.is_group and set(group.members.values_list("name", flat=True)) == {"市数据局", "市数据中心"}
    kjj = Unit.objects.get(name="市科技局")
    assert kjj.pk == kjj_id and kjj.full_name == "大连市科学技术局（更名）"
    assert {"市科学技术局", "市科技厅"} <= set(kjj.aliases.values_list("alias", flat=True))  # old alias kept
    entry = AuditEntry.objects.filter(action="units.import").latest("pk")
    assert entry.actor == personas.admin and entry.after == {"created": 3, "updated": 1, "unchanged": 0}
    assert "units.csv" in entry.message
    assert "新建 3 个单位" in admin_client.get(URL).content.decode()


def test_it_is_idempotent_when_the_same_file_is_imported_again(admin_client: Client) -> None:
    upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    apply(admin_client)
    after_first = snapshot()
    ids = dict(Unit.objects.values_list("name", "pk"))
    page = upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    assert page.context["preview"].counts == {"create": 0, "update": 0, "same": 4}
    assert page.context["preview"].shown_rows == []
    apply(admin_client)
    again = snapshot()
    assert again.pop("audit") == after_first.pop("audit") + 1   # the import itself is recorded
    assert again == after_first
    assert dict(Unit.objects.values_list("name", "pk")) == ids


def test_it_keeps_the_dalian_directory_unchanged_when_it_is_imported_again(units: Any) -> None:
    from luoshi.plandoc.units import UnitDirectory

    before = snapshot()
    counts = unit_directory_import(actor=None, directory=UnitDirectory.builtin())
    assert counts == {"created": 0, "updated": 0, "unchanged": len(UnitDirectory.builtin())}
    after = snapshot()
    assert after.pop("audit") == before.pop("audit") + 1 and after == before


# --- Excel --------------------------------------------------------------------------------------------


def test_it_reads_an_xlsx_with_chinese_headings(admin_client: Client) -> None:
    rows: list[list[Any]] = [["单位名称", "全称", "类别", "别名", "群组", "成员", "上级单位"],
            ["市数据局", "大连市大数据管理局", "city_department", "市大数据局；大连市数据局", False, None, None],
            [None, None, None, None, None, None, None],   # blank rows are skipped
            ["市数据中心", "大连市大数据中心", "other", None, None, None, "市数据局"],
            ["数据单位", None, "group", None, True, "市数据局;市数据中心", None],
            [2019, None, None, None, None, None, None]]   # a number typed as a name is still text
    page = upload(admin_client, "单位目录.xlsx", xlsx(rows, hidden_first=[["name"], ["隐藏表中的单位"]]))
    preview = page.context["preview"]
    assert preview.can_apply, [r.error for r in preview.rows] + preview.errors
    assert [(r.where, r.name) for r in preview.rows] == [
        ("第2行 (row 2)", "市数据局"), ("第4行 (row 4)", "市数据中心"), ("第5行 (row 5)", "数据单位"),
        ("第6行 (row 6)", "2019")]
    apply(admin_client)
    assert not Unit.objects.filter(name="隐藏表中的单位").exists()
    assert Unit.objects.get(name="市数据中心").parent == Unit.objects.get(name="市数据局")
    assert set(Unit.objects.get(name="数据单位").members.values_list("name", flat=True)) == {"市数据局", "市数据中心"}
    assert UnitAlias.objects.get(alias="大连市数据局").unit.name == "市数据局"
    assert not Unit.objects.get(name="市数据局").is_group


def test_it_reports_every_bad_row_of_an_xlsx_and_stores_nothing(admin_client: Client) -> None:
    before = snapshot()
    rows: list[list[Any]] = [["name", "kind", "is_group", "members", "parent"],
            ["市数据局", "ministry", None, None, None],          # unknown kind
            [None, "other", None, None, None],                   # no name
            ["市数据中心", "other", "也许", None, None],          # is_group neither yes nor no
            ["市数据局", "other", None, None, None],             # listed twice (its first row is bad already)
            ["数据单位", "group", True, "市数据局;不存在的局", None]]
    page = upload(admin_client, "units.xlsx", xlsx(rows))
    preview = page.context["preview"]
    assert not preview.can_apply
    bad = {row.where: row.error for row in preview.rows}
    assert set(bad) == {"第2行 (row 2)", "第3行 (row 3)", "第4行 (row 4)"}
    assert "ministry" in bad["第2行 (row 2)"] and "缺少单位名称" in bad["第3行 (row 3)"]
    assert all("\n" not in error for error in bad.values())
    assert "确认导入" not in page.content.decode()
    assert SESSION_KEY not in admin_client.session
    assert apply(admin_client).status_code == 302
    assert snapshot() == before


# --- one bad row: nothing stored -----------------------------------------------------------------------


@pytest.mark.parametrize(("csv_text", "where", "says"), [
    ("name,kind\n市数据局,city_department\n市数据中心,unknown_kind\n", "第3行", "unknown_kind"),
    ("name,parent\n市数据局,\n市数据中心,市不存在局\n", "第3行", "上级单位“市不存在局”"),
    ("name,is_group,members\n市数据局,,\n数据单位,是,市数据局;市不存在局\n", "第3行", "市不存在局"),
    ("name\n市数据局\n市数据局\n", "第3行", "重复"),
    ("name,full_name\n市数据局,\n市数据中心," + "长" * 201 + "\n", "第3行", "全称超过"),
])
def test_it_stores_nothing_when_one_row_is_bad(admin_client: Client, csv_text: str, where: str, says: str) -> None:
    before = snapshot()
    page = upload(admin_client, "units.csv", csv_text.encode())
    preview = page.context["preview"]
    assert not preview.can_apply
    errors = [row for row in preview.rows if row.error]
    assert len(errors) == 1 and errors[0].where.startswith(where) and says in errors[0].error
    apply(admin_client)
    assert snapshot() == before


def test_it_refuses_an_alias_that_is_another_units_name(admin_client: Client) -> None:
    before = snapshot()
    page = upload(admin_client, "units.csv", "name,aliases\n市数据局,市财政局\n".encode())
    preview = page.context["preview"]
    assert not preview.can_apply and preview.errors
    assert "市财政局" in preview.errors[0]
    assert snapshot() == before


def test_it_moves_an_alias_from_another_unit_and_says_so(admin_client: Client) -> None:
    page = upload(admin_client, "units.csv", "name,aliases\n市数据局,市科学技术局\n".encode())
    row = page.context["preview"].rows[0]
    assert row.action == "create" and row.error == ""
    apply(admin_client)
    assert UnitAlias.objects.get(alias="市科学技术局").unit.name == "市数据局"


# --- bad files: one line, nothing stored ---------------------------------------------------------------


def _damaged_xlsx() -> bytes:
    return xlsx([["name"], ["市数据局"]])[:400]


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "says"), [
    ("units.exe", b"MZ\x90\x00", "只能是 CSV、YAML 或 Excel"),
    ("units.txt", "name\n市数据局\n".encode(), "只能是 CSV、YAML 或 Excel"),
    ("units.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xlsx"),
    ("units.xlsx", "name\n市数据局\n".encode(), "不是 Excel"),
    ("units.xlsx", b"PK\x03\x04" + b"\0" * 100, "损坏"),
    ("units.xlsx", _damaged_xlsx(), "损坏"),
    ("units.xlsx", xlsx([["全称"], ["大连市大数据管理局"]]), "没有含“name”"),
    ("units.csv", b"", "为空"),
    ("units.csv", "full_name\n大连市大数据管理局\n".encode(), "缺少 name 列"),
    ("units.csv", b"name\n\x00\x01\x02", "不是文本文件"),
    ("units.csv", b"name\n" + b"a" * (MAX_DIRECTORY_BYTES + 1), "过大"),
    ("units.yaml", "units: [name: 市数据局\n".encode(), "YAML 格式错误"),
    ("units.csv", b"name\n\n", "没有单位"),
])
def test_it_refuses_a_bad_file_with_one_line_and_stores_nothing(admin_client: Client, name: str, data: bytes,
                                                                says: str) -> None:
    before = snapshot()
    page = upload(admin_client, name, data)
    assert page.status_code == 200
    errors = page.context["form"].errors.get("directory", [])
    assert len(errors) == 1 and says in errors[0] and "\n" not in errors[0], errors
    assert "preview" not in page.context
    assert SESSION_KEY not in admin_client.session
    assert snapshot() == before


def test_it_refuses_an_xlsx_that_unpacks_to_too_much() -> None:
    from luoshi.core.errors import DomainError

    with pytest.raises(DomainError, match="解压后过大"):
        directory_file_read(filename="units.xlsx", data=_zip_bomb())


# --- between preview and confirmation --------------------------------------------------------------------


def test_it_shows_a_fresh_preview_when_the_directory_changed_before_confirmation(admin_client: Client) -> None:
    upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    Unit.objects.filter(name="市科技局").update(full_name="又被改过的全称")
    before = snapshot()
    page = apply(admin_client)
    assert page.status_code == 200 and page.context["changed"]
    assert "又被改过的全称" in page.content.decode()
    assert snapshot() == before
    assert apply(admin_client).status_code == 302  # the second confirmation applies the fresh preview
    assert Unit.objects.get(name="市科技局").full_name == "大连市科学技术局（更名）"


def test_it_cancels_a_pending_import(admin_client: Client) -> None:
    upload(admin_client, "units.csv", NEW_UNITS_CSV.encode())
    before = snapshot()
    assert admin_client.post(URL, {"action": "cancel"}).status_code == 302
    assert SESSION_KEY not in admin_client.session
    apply(admin_client)
    assert snapshot() == before


def test_it_needs_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    assert upload(client, "units.csv", NEW_UNITS_CSV.encode()).status_code == 403


@pytest.mark.parametrize("n", [20, 40])
def test_its_plan_reads_a_fixed_number_of_queries(units: Any, django_assert_max_num_queries: Any, n: int) -> None:
    # Half the rows update existing units (with aliases and groups to compare), half create new ones.
    existing = list(Unit.objects.order_by("pk")[:n // 2])
    lines = ["name,full_name,aliases,is_group,members"]
    lines += [f"{u.name},{u.full_name}（新）,{u.name}别名,{'是' if u.is_group else ''}," for u in existing]
    lines += [f"市测试{i}局,大连市测试{i}局,测{i}局,," for i in range(n - len(existing))]
    directory = directory_file_read(filename="units.csv", data="\n".join(lines).encode()).directory()
    with django_assert_max_num_queries(4):
        planned = unit_directory_plan(directory)
    assert len(planned) == n and sum(p.action == "update" for p in planned) == n // 2


# --- the command ---------------------------------------------------------------------------------------


def test_the_command_dry_run_prints_the_changes_and_stores_nothing(units: Any, tmp_path: Any) -> None:
    path = tmp_path / "units.csv"
    path.write_text(NEW_UNITS_CSV, encoding="utf-8")
    before = snapshot()
    out = io.StringIO()
    call_command("import_units", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "+ 市数据局" in text and "~ 市科技局" in text and "试运行，未保存" in text and "新建 3，更新 1" in text
    assert snapshot() == before
    call_command("import_units", str(path), stdout=io.StringIO())
    assert Unit.objects.filter(name="市数据局").exists()


def test_the_command_reads_xlsx_and_refuses_bad_rows(units: Any, tmp_path: Any) -> None:
    good = tmp_path / "units.xlsx"
    good.write_bytes(xlsx([["name", "kind"], ["市数据局", "city_department"]]))
    call_command("import_units", str(good), stdout=io.StringIO())
    assert Unit.objects.get(name="市数据局").kind == "city_department"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\n市数据中心,nonsense\n", encoding="utf-8")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_units", str(bad), stdout=io.StringIO(), stderr=err)
    assert "nonsense" in err.getvalue()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_units", str(tmp_path / "missing.csv"), stdout=io.StringIO())
    assert snapshot() == before
