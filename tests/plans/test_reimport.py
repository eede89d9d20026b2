"""Re-import: a preview of the differences first, then the change the office confirmed, keeping
reports, actual values, evidence and the office's corrections; removed items retired; units notified;
each change audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile

from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.models import AuditEntry
from luoshi.plans.choices import ImportStatus
from luoshi.plans.models import Assignment, Plan, PlanImport, Task
from luoshi.plans.selectors import ledger_tasks, plan_tree
from luoshi.plans.services import (
    TaskUnitSpec,
    plan_import_apply,
    plan_import_cancel,
    plan_import_request,
    plan_import_run,
    task_update,
)
from luoshi.reports.models import Attachment, Notification, Report, TargetActual
from tests.conftest import SMALL_PLAN
from tests.plans.test_ledger import report_on

pytestmark = pytest.mark.django_db

ITEM2_CHANGED = SMALL_PLAN.replace("新认定市级以上企业技术中心15家", "新认定市级以上企业技术中心20家")
ITEM4_REMOVED = SMALL_PLAN.replace("4.加强知识产权保护。（责任单位：市科技局）\n", "")
ITEM5_ADDED = SMALL_PLAN + "5.建设科技成果转化平台。（责任单位：市经信委）\n"
ITEM3_LATER = SMALL_PLAN.replace("2019年底前出台配套措施", "2019年9月底前出台配套措施")


def preview(plan: Plan, text: str, actor: Any) -> PlanImport:
    """Upload `text` as a new version of `plan` and run the job as the worker would."""
    job = plan_import_request(actor=actor, data=text.encode(), filename="v2.txt", plan=plan, enqueue=False)
    return plan_import_run(job_id=str(job.pk))


def change(job: PlanImport, key: str) -> dict[str, Any]:
    assert job.preview is not None
    return next(c for c in job.preview["changes"] if c["key"] == key)


@pytest.fixture
def reported(published_plan: Plan, personas: Any) -> dict[str, Any]:
    """An accepted report with an actual value and an evidence file on item 1, a draft on item 2."""
    item1 = Task.objects.get(plan=published_plan, key="二/(一)/1")
    lead = Assignment.objects.get(task=item1, unit__name="市科技局")
    accepted = report_on(lead, month=5, status="accepted", author=personas.lead_liaison)
    actual = TargetActual.objects.create(report=accepted, target=item1.targets.get(), value=1200)
    evidence = Attachment.objects.create(report=accepted, file=ContentFile(b"%PDF", name="e.pdf"),
                                         original_name="e.pdf", content_type="application/pdf", size=4,
                                         uploaded_by=personas.lead_liaison)
    other = Assignment.objects.get(task__plan=published_plan, task__key="二/(一)/2")
    draft = report_on(other, month=5, status="draft", author=personas.other_liaison)
    return {"accepted": accepted, "actual": actual, "evidence": evidence, "draft": draft}


def test_a_reimport_stops_at_a_preview_and_changes_nothing(published_plan: Plan, personas: Any,
                                                             reported: dict[str, Any]) -> None:
    before = list(Task.objects.filter(plan=published_plan).order_by("pk").values_list("key", "text", "removed"))
    job = preview(published_plan, ITEM2_CHANGED.replace("4.加强知识产权保护。（责任单位：市科技局）\n", "")
                  + "5.建设科技成果转化平台。（责任单位：市经信委）\n", personas.supervisor)
    assert job.status == ImportStatus.PREVIEW and job.parsed is not None and not job.file
    published_plan.refresh_from_db()
    assert published_plan.revision == 1
    assert list(Task.objects.filter(plan=published_plan).order_by("pk")
                .values_list("key", "text", "removed")) == before
    assert job.preview is not None
    counts = job.preview["counts"]
    assert (counts["added"], counts["changed"], counts["retired"], counts["conflicts"]) == (1, 1, 1, 0)
    item2 = change(job, "二/(一)/2")
    assert item2["kind"] == "changed" and item2["reports"] == 1
    assert [(f["name"], f["outcome"]) for f in item2["fields"]] == [("text", "new")]
    assert "技术中心15家" in item2["fields"][0]["current"] and "技术中心20家" in item2["fields"][0]["new"]
    assert ["del", "15"] in item2["fields"][0]["pieces"] and ["ins", "20"] in item2["fields"][0]["pieces"]
    assert item2["targets"] == [{"old": "新认定市级以上企业技术中心15家", "new": "新认定市级以上企业技术中心20家",
                                 "actuals": 0}]
    added = change(job, "二/(二)/5")
    assert (added["kind"], added["units_gained"]) == ("added", ["市经信委"])
    assert change(job, "二/(二)/4")["kind"] == "retired"


def test_applying_keeps_every_report_actual_value_and_evidence_file(published_plan: Plan, personas: Any,
                                                                     reported: dict[str, Any]) -> None:
    counts = (Report.objects.count(), TargetActual.objects.count(), Attachment.objects.count())
    job = preview(published_plan, SMALL_PLAN.replace("新增初创科技企业3000家", "新增初创科技企业3500家"),
                  personas.supervisor)
    item1 = change(job, "二/(一)/1")
    assert (item1["reports"], item1["actuals"], item1["evidence"]) == (1, 1, 1)
    assert item1["report_list"] == ["市科技局 2019年5月 已通过"]
    assert item1["targets"][0]["actuals"] == 1
    plan = plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert plan.revision == 2
    assert (Report.objects.count(), TargetActual.objects.count(), Attachment.objects.count()) == counts
    actual = TargetActual.objects.get(pk=reported["actual"].pk)
    assert (actual.value, actual.target.value, actual.report.status) == (1200, 3500, "accepted")
    job.refresh_from_db()
    assert (job.status, job.result_id, job.parsed) == (ImportStatus.DONE, plan.pk, None)
    with pytest.raises(DomainError):  # confirmed once only
        plan_import_apply(actor=personas.supervisor, job=job, resolutions={})


def test_applying_uses_the_stored_parse_without_parsing_again(published_plan: Plan, personas: Any,
                                                              monkeypatch: Any) -> None:
    job = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    from luoshi.plans import services

    def refuse(**kwargs: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(services, "plan_parse", refuse)
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert "20家" in Task.objects.get(plan=published_plan, key="二/(一)/2").text


def test_cancelling_leaves_the_plan_as_it_was(published_plan: Plan, personas: Any) -> None:
    job = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    plan_import_cancel(actor=personas.supervisor, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    with pytest.raises(DomainError):
        plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert "15家" in Task.objects.get(plan=published_plan, key="二/(一)/2").text
    assert AuditEntry.objects.filter(action="plan.import_cancel").count() == 1


def test_a_preview_the_plan_changed_under_is_refused(published_plan: Plan, personas: Any) -> None:
    job = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    item2 = Task.objects.get(plan=published_plan, key="二/(一)/2")
    task_update(actor=personas.supervisor, task=item2, text="支持企业建设研发机构。", deadline=None,
                deadline_text="", units=[TaskUnitSpec("市经信委", item2.task_units.get().unit, "responsible")])
    with pytest.raises(StaleUpdate):
        plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert Task.objects.get(pk=item2.pk).text == "支持企业建设研发机构。"


def test_of_two_previews_of_the_same_plan_only_the_first_confirmed_applies(published_plan: Plan,
                                                                           personas: Any) -> None:
    first = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    second = preview(published_plan, ITEM4_REMOVED, personas.supervisor)
    plan_import_apply(actor=personas.supervisor, job=first, resolutions={})
    with pytest.raises(StaleUpdate):
        plan_import_apply(actor=personas.supervisor, job=second, resolutions={})
    assert not Task.objects.get(plan=published_plan, key="二/(二)/4").removed


# ---------------------------------------------------------------------------------------------------
# Manual corrections


def _correct_deadline(plan: Plan, key: str, actor: Any, day: dt.date) -> Task:
    task = Task.objects.get(plan=plan, key=key)
    units = [TaskUnitSpec(tu.name, tu.unit, tu.role) for tu in task.task_units.order_by("position")]
    return task_update(actor=actor, task=task, text=task.text, deadline=day, deadline_text="2019年10月底前",
                       units=units)


def test_a_correction_the_new_text_leaves_alone_is_kept(published_plan: Plan, personas: Any) -> None:
    _correct_deadline(published_plan, "二/(二)/3", personas.supervisor, dt.date(2019, 10, 31))
    job = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    assert job.preview is not None and job.preview["counts"]["conflicts"] == 0
    kept = change(job, "二/(二)/3")["kept"]
    assert [k["name"] for k in kept] == ["deadline"] and "2019年10月底前" in kept[0]["current"]
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    assert (item3.deadline, item3.deadline_text) == (dt.date(2019, 10, 31), "2019年10月底前")
    assert set(item3.assignments.values_list("deadline", flat=True)) == {dt.date(2019, 10, 31)}
    # and the next re-import still knows it is a correction
    again = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    assert [k["name"] for k in change(again, "二/(二)/3")["kept"]] == ["deadline"]


@pytest.mark.parametrize(("choice", "expected"), [("keep", dt.date(2019, 10, 31)), ("new", dt.date(2019, 9, 30))])
def test_a_correction_the_new_text_contradicts_is_a_conflict_the_office_resolves(
        published_plan: Plan, personas: Any, choice: str, expected: dt.date) -> None:
    _correct_deadline(published_plan, "二/(二)/3", personas.supervisor, dt.date(2019, 10, 31))
    job = preview(published_plan, ITEM3_LATER, personas.supervisor)
    assert job.preview is not None and job.preview["counts"]["conflicts"] == 1
    fields = {f["name"]: f for f in change(job, "二/(二)/3")["fields"]}
    assert fields["text"]["outcome"] == "new"  # the office never corrected the text
    field = fields["deadline"]
    assert (field["name"], field["outcome"], field["corrected"]) == ("deadline", "conflict", True)
    assert "2019年10月底前" in field["current"] and "2019年9月底前" in field["new"]
    assert "2019年底前" in field["old"]
    with pytest.raises(DomainError) as refused:
        plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert refused.value.code == "unresolved_conflict"
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={field["id"]: choice})
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    assert item3.deadline == expected
    assert "2019年9月底前" in item3.text  # the text itself was not corrected: the new one is taken


def test_a_unit_correction_is_kept_and_the_preview_names_units_gained_and_lost(
        published_plan: Plan, personas: Any, units: Any) -> None:
    item4 = Task.objects.get(plan=published_plan, key="二/(二)/4")
    task_update(actor=personas.supervisor, task=item4, text=item4.text, deadline=None, deadline_text="",
                units=[TaskUnitSpec("市科技局", units["市科技局"], "lead"),
                       TaskUnitSpec("市财政局", units["市财政局"], "support")])
    moved = SMALL_PLAN.replace("（责任单位：市经信委）", "（牵头单位：市经信委；配合单位：市商务局）")
    job = preview(published_plan, moved, personas.supervisor)
    item2 = change(job, "二/(一)/2")
    assert item2["units_gained"] == ["市商务局"] and item2["units_lost"] == []
    assert [k["name"] for k in change(job, "二/(二)/4")["kept"]] == ["units"]
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    assert set(Assignment.objects.filter(task=item4, active=True).values_list("unit__name", flat=True)) == {
        "市科技局", "市财政局"}
    assert set(Assignment.objects.filter(task__key="二/(一)/2", task__plan=published_plan, active=True)
               .values_list("unit__name", "role")) == {("市经信委", "lead"), ("市商务局", "support")}


# ---------------------------------------------------------------------------------------------------
# Retired items


def test_a_removed_item_is_retired_with_its_reports_kept(published_plan: Plan, personas: Any) -> None:
    item4 = Task.objects.get(plan=published_plan, key="二/(二)/4")
    assignment = item4.assignments.get()
    report = report_on(assignment, month=5, status="accepted", author=personas.lead_liaison)
    job = preview(published_plan, ITEM4_REMOVED, personas.supervisor)
    retired = change(job, "二/(二)/4")
    assert (retired["kind"], retired["reports"]) == ("retired", 1)
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item4.refresh_from_db()
    assert item4.removed and item4.retired_at is not None
    assignment.refresh_from_db()
    assert not assignment.active  # no new reporting duties
    assert Report.objects.filter(pk=report.pk).exists()
    assert item4.pk not in {t.pk for t in ledger_tasks(personas.supervisor)}
    assert item4.pk not in {node.task.pk for node in plan_tree(published_plan)}
    # back in a later version: the same task (and its history) again
    job = preview(published_plan, SMALL_PLAN, personas.supervisor)
    assert change(job, "二/(二)/4")["kind"] == "restored"
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item4.refresh_from_db()
    assignment.refresh_from_db()
    assert (item4.removed, assignment.active) == (False, True)


# ---------------------------------------------------------------------------------------------------
# Notifications and audit


def test_units_are_notified_of_new_changed_and_ended_duties(published_plan: Plan, personas: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    job = preview(published_plan, ITEM5_ADDED.replace("新增初创科技企业3000家", "新增初创科技企业3500家")
                  .replace("4.加强知识产权保护。（责任单位：市科技局）\n", ""), personas.supervisor)
    assert not Notification.objects.exists()  # nothing before the office confirms
    with django_capture_on_commit_callbacks(execute=True):
        plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    texts = {user: [n.text for n in Notification.objects.filter(user=getattr(personas, user))]
             for user in ("lead_liaison", "lead_head", "support_liaison", "other_liaison", "outsider")}
    assert texts["outsider"] == []
    assert len(texts["other_liaison"]) == 1 and "新交办1项（二.(二).5）" in texts["other_liaison"][0]
    assert "调整1项（二.(一).1）" in texts["lead_liaison"][0] and "不再承担1项（二.(二).4）" in texts["lead_liaison"][0]
    assert texts["lead_head"] == texts["lead_liaison"]
    assert "调整1项（二.(一).1）" in texts["support_liaison"][0]


def test_each_change_is_audited_on_its_own(published_plan: Plan, personas: Any) -> None:
    job = preview(published_plan, ITEM5_ADDED.replace("技术中心15家", "技术中心20家")
                  .replace("4.加强知识产权保护。（责任单位：市科技局）\n", ""), personas.supervisor)
    start = AuditEntry.objects.order_by("-pk").first()
    assert start is not None
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    entries = list(AuditEntry.objects.filter(pk__gt=start.pk).order_by("pk"))
    by_action = [(e.action, e.object_repr.split(" ")[0] if e.action.startswith("task.") else e.unit_id)
                 for e in entries]
    item2 = Task.objects.get(plan=published_plan, key="二/(一)/2")
    assert ("task.reimport", "二.(一).2") in by_action
    assert ("task.add", "二.(二).5") in by_action
    assert ("task.retire", "二.(二).4") in by_action
    units = {e.unit_id for e in entries if e.action == "assignment.create"}
    deactivated = {e.unit_id for e in entries if e.action == "assignment.deactivate"}
    assert units == set(Assignment.objects.filter(task__key="二/(二)/5").values_list("unit_id", flat=True))
    assert deactivated == set(Assignment.objects.filter(task__key="二/(二)/4").values_list("unit_id", flat=True))
    reimport = next(e for e in entries if e.action == "task.reimport")
    assert reimport.task_id == item2.pk and "15家" in reimport.before["text"] and "20家" in reimport.after["text"]
    assert [e.action for e in entries][-2:] == ["plan.import", "plan.import_confirm"]


def test_a_correction_made_before_parsed_values_were_kept_is_still_kept(published_plan: Plan, personas: Any) -> None:
    """A database from before this change: no task knows what was parsed, and item 3's deadline was corrected."""
    Task.objects.filter(plan=published_plan).update(parsed_values={})
    Task.objects.filter(plan=published_plan, key="二/(二)/3").update(deadline=dt.date(2019, 10, 31),
                                                                   deadline_text="2019年10月底前")
    job = preview(published_plan, ITEM2_CHANGED, personas.supervisor)
    assert [k["name"] for k in change(job, "二/(二)/3")["kept"]] == ["deadline"]
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    assert item3.deadline == dt.date(2019, 10, 31)
    assert item3.parsed_values["deadline"] == "2019-12-31"  # known from now on


# ---------------------------------------------------------------------------------------------------
# Renumbering


RENUMBERED = (SMALL_PLAN.replace("2.支持企业建设研发机构，新认定市级以上企业技术中心15家。（责任单位：市经信委）\n", "")
              .replace("3.落实科技创新政策", "2.落实科技创新政策").replace("4.加强知识产权保护", "3.加强知识产权保护"))


def test_an_item_renumbered_because_one_before_it_was_removed_keeps_its_reports(
        published_plan: Plan, personas: Any) -> None:
    item4 = Task.objects.get(plan=published_plan, key="二/(二)/4")
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    report = report_on(item4.assignments.get(), month=5, status="accepted", author=personas.lead_liaison)
    job = preview(published_plan, RENUMBERED, personas.supervisor)
    assert job.preview is not None
    assert (job.preview["counts"]["moved"], job.preview["counts"]["retired"]) == (2, 1)
    assert change(job, "二/(二)/3")["moved_from"] == "二.(二).4"
    assert change(job, "二/(二)/3")["reports"] == 1
    assert change(job, "二/(二)/2")["moved_from"] == "二.(二).3"
    assert change(job, "二/(一)/2")["kind"] == "retired"
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item4.refresh_from_db()
    item3.refresh_from_db()
    assert (item4.key, item4.text, item4.removed) == ("二/(二)/3", "加强知识产权保护。", False)
    assert (item3.key, item3.removed) == ("二/(二)/2", False)
    assert Report.objects.get(pk=report.pk).assignment.task_id == item4.pk
    assert item4.assignments.get().active
    retired = Task.objects.get(plan=published_plan, text__startswith="支持企业建设研发机构")
    assert retired.removed and retired.key == "二/(一)/2"
    entry = AuditEntry.objects.get(action="task.reimport", task_id=item4.pk)
    assert (entry.before["key"], entry.after["key"]) == ("二/(二)/4", "二/(二)/3")


def test_a_number_a_retired_task_held_can_be_given_to_a_renumbered_one(published_plan: Plan, personas: Any) -> None:
    """Item 3 removed, item 4 renumbered 3: the retired item keeps its history under its old number."""
    item3 = Task.objects.get(plan=published_plan, key="二/(二)/3")
    item4 = Task.objects.get(plan=published_plan, key="二/(二)/4")
    text = SMALL_PLAN.replace("3.落实科技创新政策，2019年底前出台配套措施。（责任单位：各先导区管委会）\n", "") \
        .replace("4.加强知识产权保护", "3.加强知识产权保护")
    job = preview(published_plan, text, personas.supervisor)
    plan_import_apply(actor=personas.supervisor, job=job, resolutions={})
    item3.refresh_from_db()
    item4.refresh_from_db()
    assert item4.key == "二/(二)/3" and not item4.removed
    assert item3.removed and item3.key == f"二/(二)/3~{item3.pk}" and item3.display_path == "二.(二).3"
    # the next version is the same: nothing to do
    again = preview(published_plan, text, personas.supervisor)
    assert again.preview is not None and again.preview["changes"] == []
