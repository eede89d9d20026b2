"""The permission matrix: every named URL x every persona x GET and POST, in one table.

MATRIX below says, for each (URL name, method), what each persona of tests/conftest.py and an anonymous
visitor must get back. URL arguments point at objects of 市科技局 (the lead unit of item 1 in SMALL_PLAN),
so other_liaison (市经信委) and outsider (市商务局) make the cross-unit attempts and must get 404, like a
guessed id. support_liaison (市财政局) shares item 1 as supporting unit: it reads the task, never 市科技局's
assignment, reports or evidence. Objects of no unit: the region is 中山区 (governed by no persona's unit),
the index editions are the city's. Each case also checks the audit log: a request that the table does not
mark as audited writes no AuditEntry, and a POST refused (or answered without a change) leaves the objects
it could touch as they were. Each POST carries a valid body, so the allowed persona's POST does change
something (it is marked audited) and a refusal is the access rule at work, not a malformed form.

A view added without a row here fails test_it_has_a_row_for_every_named_url.

The objects are built once per module through the real services (inside a transaction rolled back at the
end of the module); each case runs in its own savepoint, so a POST that succeeds leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luoshi.assessment.models import Adjustment, Appeal, Rubric, Score
from luoshi.core import clock
from luoshi.core.models import AuditEntry
from luoshi.documents.models import DocumentJob
from luoshi.documents.services import document_request, document_run
from luoshi.indicators.models import (
    AttainmentRule,
    IndexEdition,
    IndexMethod,
    IndicatorTarget,
    Observation,
    ObservationUpload,
    Region,
)
from luoshi.plans.models import Assignment, Plan, PlanImport, Target, Task
from luoshi.reports.models import (
    Attachment,
    Extension,
    Instruction,
    Reminder,
    Report,
    ReportingPeriod,
    TargetActual,
)
from tests.conftest import SMALL_PLAN, Personas
from tests.indicators.test_index_views import METHOD
from tests.plans.test_views_import import _edit_data

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
ANONYMOUS = "anonymous"
PERSONAS = tuple(f.name for f in dataclasses.fields(Personas) if f.name != "password")
VISITORS = (*PERSONAS, ANONYMOUS)

OFFICE = frozenset({"supervisor"})
ADMINS = frozenset({"admin", "security_admin", "audit_admin"})  # 三员: no business role, the Django admin only
READERS = OFFICE | {"leader"}                                  # sees_everything
LEAD = frozenset({"lead_liaison", "lead_head"})                # 市科技局: owns every object in the URLs
UNIT_ACCOUNTS = LEAD | {"support_liaison", "other_liaison", "outsider"}
IN_PLAN = UNIT_ACCOUNTS - {"outsider"}                         # units with an assignment in the plan
EVERYONE = READERS | UNIT_ACCOUNTS | ADMINS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Answer:
    """What a request must get: the status, the start of the redirect target, whether it is audited."""

    status: int
    to: str = ""           # URL name the Location header must start with (302 only)
    audited: bool = False  # the request writes at least one AuditEntry


NOT_FOUND = Answer(404)
WRONG_METHOD = Answer(405)
LOGIN = Answer(302, to="login")
ADMIN_LOGIN = Answer(302, to="admin:login")


def answers(allowed: Iterable[str], granted: int | Answer = 200, *, audited: Iterable[str] = (),
            refused: Answer = NOT_FOUND, anonymous: Answer = LOGIN) -> dict[str, Answer]:
    """One row: `granted` for the allowed personas (audited for those in `audited`), `refused` for the rest."""
    allowed, audited = set(allowed), set(audited)
    assert audited <= allowed, "only an allowed persona can change anything"
    ok = granted if isinstance(granted, Answer) else Answer(granted)
    row = {name: dataclasses.replace(ok, audited=name in audited) if name in allowed else refused
           for name in PERSONAS}
    row[ANONYMOUS] = anonymous
    return row


NOT_THIS_METHOD = answers((), refused=WRONG_METHOD)  # method refused to accounts; anonymous goes to login first

# (URL name, method) -> persona -> Answer. GET-only views refuse POST with 405 and the reverse.
MATRIX: dict[tuple[str, str], dict[str, Answer]] = {
    # --- core ---------------------------------------------------------------------------------------------
    ("home", GET): answers(EVERYONE),
    ("home", POST): answers(EVERYONE),  # no method restriction: renders the same page, changes nothing
    ("login", GET): answers(EVERYONE, anonymous=Answer(200)),
    ("login", POST): answers(EVERYONE, Answer(302, to="home"), anonymous=Answer(200)),  # own password; empty form
    ("logout", GET): answers((), refused=WRONG_METHOD, anonymous=WRONG_METHOD),
    ("logout", POST): answers(EVERYONE, LOGIN),
    ("set_language", GET): answers(EVERYONE, 302, anonymous=Answer(302)),
    ("set_language", POST): answers(EVERYONE, 302, anonymous=Answer(302)),
    ("admin:index", GET): answers(ADMINS, refused=ADMIN_LOGIN, anonymous=ADMIN_LOGIN),
    ("admin:index", POST): answers(ADMINS, refused=ADMIN_LOGIN, anonymous=ADMIN_LOGIN),
    # --- account: every account's own password and second factor -------------------------------------------
    ("account:security", GET): answers(EVERYONE),
    ("account:security", POST): NOT_THIS_METHOD,
    ("account:security_policy", GET): answers({"security_admin"}),
    ("account:security_policy", POST): NOT_THIS_METHOD,
    ("account:password_change", GET): answers(EVERYONE),
    ("account:password_change", POST): answers(EVERYONE, Answer(302, to="account:security"), audited=EVERYONE),
    ("account:two_factor_setup", GET): answers(EVERYONE),  # shows a new secret, confirmed by nothing yet
    ("account:two_factor_setup", POST): answers(EVERYONE, audited=EVERYONE),  # a right code: enrolled
    ("account:two_factor_verify", GET): answers(EVERYONE, Answer(302, to="home")),  # nothing enrolled to verify
    ("account:two_factor_verify", POST): answers(EVERYONE, Answer(302, to="home")),
    ("account:recovery_codes_new", GET): NOT_THIS_METHOD,
    ("account:recovery_codes_new", POST): answers(EVERYONE, Answer(302, to="account:security")),  # not enrolled
    ("account:two_factor_disable", GET): NOT_THIS_METHOD,
    ("account:two_factor_disable", POST): answers(EVERYONE, Answer(302, to="account:security")),  # none to remove
    # the audit export: holders of core.export_auditentry (the audit administrator)
    ("audit_export", GET): answers({"audit_admin"}),
    ("audit_export", POST): answers({"audit_admin"}),  # no dates: the form again, nothing exported
    # --- orgs: the unit directory is the system administrators' -------------------------------------------
    ("orgs:unit_import", GET): answers({"admin"}),
    ("orgs:unit_import", POST): answers({"admin"}),  # no file: the form again, nothing imported
    # --- orgs: the office invites a unit's liaison and head; the invited account sets its password --------
    ("orgs:unit_accounts", GET): answers(OFFICE),  # 市科技局's accounts
    ("orgs:unit_accounts", POST): answers(OFFICE, audited=OFFICE),  # a new liaison: the page with the link
    ("orgs:set_password", GET): answers(EVERYONE, anonymous=Answer(200)),  # a wrong link: "invalid", no form
    ("orgs:set_password", POST): answers(EVERYONE, anonymous=Answer(200)),
    # --- plans: whole plans for the office and leaders; changes for the office ------------------------------
    ("plans:plan_list", GET): answers(READERS),
    ("plans:plan_list", POST): NOT_THIS_METHOD,
    ("plans:plan_import", GET): answers(OFFICE),
    ("plans:plan_import", POST): answers(OFFICE, 302, audited=OFFICE),
    ("plans:plan_detail", GET): answers(READERS),
    ("plans:plan_detail", POST): NOT_THIS_METHOD,
    ("plans:import_job", GET): answers({"supervisor"}),  # a queued upload: the office account that uploaded it
    ("plans:import_job", POST): NOT_THIS_METHOD,
    ("plans:import_apply", GET): NOT_THIS_METHOD,
    ("plans:import_apply", POST): answers({"supervisor"}, 302),  # still queued, no preview: a message, no change
    ("plans:import_cancel", GET): NOT_THIS_METHOD,
    ("plans:import_cancel", POST): answers({"supervisor"}, 302),  # nothing to cancel yet: a message, no change
    ("plans:plan_reimport", GET): NOT_THIS_METHOD,
    ("plans:plan_reimport", POST): answers(OFFICE, 302, audited=OFFICE),
    ("plans:plan_map_unit", GET): NOT_THIS_METHOD,
    ("plans:plan_map_unit", POST): answers(OFFICE, 302),  # every name is mapped already: a message, no change
    ("plans:plan_unit_create", GET): NOT_THIS_METHOD,
    ("plans:plan_unit_create", POST): answers(OFFICE, 302),  # no name left unmapped: a message, no unit
    ("plans:plan_publish", GET): NOT_THIS_METHOD,
    ("plans:plan_publish", POST): answers(OFFICE, 302, audited=OFFICE),  # publishing again re-syncs, audited
    ("plans:plan_settings", GET): NOT_THIS_METHOD,
    ("plans:plan_settings", POST): answers(OFFICE, 302, audited=OFFICE),
    ("plans:task_detail", GET): answers(READERS | LEAD | {"support_liaison"}),  # item 1: 市科技局 + 市财政局
    ("plans:task_detail", POST): NOT_THIS_METHOD,
    ("plans:task_edit", GET): answers(OFFICE),
    ("plans:task_edit", POST): answers(OFFICE, 302, audited=OFFICE),
    ("plans:ledger", GET): answers(EVERYONE),
    ("plans:ledger", POST): NOT_THIS_METHOD,
    ("plans:ledger_export", GET): answers(EVERYONE),
    ("plans:ledger_export", POST): NOT_THIS_METHOD,
    ("plans:review_queue", GET): answers(READERS),
    ("plans:review_queue", POST): NOT_THIS_METHOD,
    # --- reports: lists scoped per account ----------------------------------------------------------------
    ("reports:my_tasks", GET): answers(EVERYONE),
    ("reports:my_tasks", POST): NOT_THIS_METHOD,
    ("reports:report_history", GET): answers(EVERYONE),
    ("reports:report_history", POST): NOT_THIS_METHOD,
    ("reports:extension_list", GET): answers(EVERYONE),
    ("reports:extension_list", POST): NOT_THIS_METHOD,
    # --- 市科技局's February report (a draft with evidence and an instruction answer) -----------------------
    ("reports:report_edit", GET): answers(LEAD),  # only the unit writes reports
    ("reports:report_edit", POST): answers(LEAD, 302, audited=LEAD),
    ("reports:report_detail", GET): answers(READERS | LEAD),
    ("reports:report_detail", POST): NOT_THIS_METHOD,
    ("reports:report_approve", GET): NOT_THIS_METHOD,
    ("reports:report_approve", POST): answers(OFFICE | LEAD, 302, audited={"lead_head"}),  # the head only
    ("reports:report_submit", GET): NOT_THIS_METHOD,
    ("reports:report_submit", POST): answers(OFFICE | LEAD, 302, audited={"lead_head"}),  # liaison: approve first
    ("reports:attachment_upload", GET): NOT_THIS_METHOD,
    ("reports:attachment_upload", POST): answers(OFFICE | LEAD, 302, audited=LEAD),  # the office may not add
    ("reports:attachment_download", GET): answers(READERS | LEAD),
    ("reports:attachment_download", POST): NOT_THIS_METHOD,
    ("reports:attachment_delete", GET): NOT_THIS_METHOD,
    ("reports:attachment_delete", POST): answers(LEAD, 302, audited=LEAD),
    # --- 市科技局's January report (submitted): the office reviews it ---------------------------------------
    ("reports:report_accept", GET): NOT_THIS_METHOD,
    ("reports:report_accept", POST): answers(OFFICE | LEAD, 302, audited=OFFICE),
    ("reports:report_return", GET): NOT_THIS_METHOD,
    ("reports:report_return", POST): answers(OFFICE | LEAD, 302, audited=OFFICE),
    # --- 市科技局's assignment on item 1 (a pending extension, a closing proposal) ----------------------------
    ("reports:assignment_detail", GET): answers(READERS | LEAD),
    ("reports:assignment_detail", POST): NOT_THIS_METHOD,
    ("reports:extension_request", GET): answers(LEAD),  # on item 4 (市科技局 alone, nothing pending)
    ("reports:extension_request", POST): answers(LEAD, 302, audited=LEAD),
    ("reports:extension_detail", GET): answers(READERS | LEAD),
    ("reports:extension_detail", POST): answers(OFFICE, 302, audited=OFFICE),
    ("reports:assignment_close", GET): answers(OFFICE | LEAD),
    ("reports:assignment_close", POST): answers(OFFICE | LEAD, 302, audited=OFFICE | LEAD),  # close / propose
    ("reports:assignment_close_refuse", GET): NOT_THIS_METHOD,
    ("reports:assignment_close_refuse", POST): answers(OFFICE | LEAD, 302, audited=OFFICE),
    ("reports:assignment_remind", GET): NOT_THIS_METHOD,
    ("reports:assignment_remind", POST): answers(OFFICE, 302, audited=OFFICE),
    ("reports:instruction_create", GET): answers({"leader"}),  # on item 1
    ("reports:instruction_create", POST): answers({"leader"}, 302, audited={"leader"}),
    # --- the unit's sheets (a period belongs to the plan: each unit in it gets its own rows) --------------
    ("reports:cycle_periods", GET): answers(UNIT_ACCOUNTS),
    ("reports:cycle_periods", POST): NOT_THIS_METHOD,
    ("reports:sheet_download", GET): answers(IN_PLAN),
    ("reports:sheet_download", POST): NOT_THIS_METHOD,
    ("reports:sheet_upload", GET): answers(IN_PLAN),
    ("reports:sheet_upload", POST): answers(IN_PLAN),  # no file: the form again, nothing stored
    # --- reminders, notifications, exports -----------------------------------------------------------------
    ("reports:reminder_list", GET): answers(READERS),
    ("reports:reminder_list", POST): NOT_THIS_METHOD,
    ("reports:notification_list", GET): answers(EVERYONE),
    ("reports:notification_list", POST): NOT_THIS_METHOD,
    ("reports:notification_read", GET): NOT_THIS_METHOD,
    ("reports:notification_read", POST): answers(EVERYONE, 302),  # personal reading state: not audited
    # --- batch work: the review queue's export and "accept selected", the overdue list, the head's approvals --
    ("reports:review_export", GET): answers(READERS),
    ("reports:review_export", POST): NOT_THIS_METHOD,
    ("reports:review_accept_many", GET): NOT_THIS_METHOD,
    ("reports:review_accept_many", POST): answers(OFFICE, 302, audited=OFFICE),  # 市科技局's January report
    ("reports:overdue_reports", GET): answers(READERS),
    ("reports:overdue_reports", POST): NOT_THIS_METHOD,
    ("reports:overdue_export", GET): answers(READERS),
    ("reports:overdue_export", POST): NOT_THIS_METHOD,
    ("reports:overdue_chase", GET): NOT_THIS_METHOD,
    ("reports:overdue_chase", POST): answers(OFFICE, 302, audited=OFFICE),  # 市科技局's overdue reports
    ("reports:approvals", GET): answers(UNIT_ACCOUNTS),  # each unit's own reports waiting for its head
    ("reports:approvals", POST): NOT_THIS_METHOD,
    ("reports:approvals_apply", GET): NOT_THIS_METHOD,
    ("reports:approvals_apply", POST): answers(LEAD, 302, audited={"lead_head"}),  # February's draft: the head
    # --- assessment: rubrics are the office's and leaders'; a unit reads and appeals its own score sheet -----
    ("assessment:index", GET): answers(EVERYONE),  # rubrics for readers, a unit account its own score sheets
    ("assessment:index", POST): NOT_THIS_METHOD,
    ("assessment:rubric_create", GET): NOT_THIS_METHOD,
    ("assessment:rubric_create", POST): answers(OFFICE, 302, audited=OFFICE),  # version 3 of the year
    # the published 2019 departments rubric (version 1)
    ("assessment:rubric_detail", GET): answers(READERS),
    ("assessment:rubric_detail", POST): NOT_THIS_METHOD,
    ("assessment:rubric_export", GET): answers(READERS),
    ("assessment:rubric_export", POST): NOT_THIS_METHOD,
    # its draft version 2
    ("assessment:rubric_update", GET): NOT_THIS_METHOD,
    ("assessment:rubric_update", POST): answers(OFFICE, 302, audited=OFFICE),
    ("assessment:rubric_publish", GET): NOT_THIS_METHOD,
    ("assessment:rubric_publish", POST): answers(OFFICE, 302, audited=OFFICE),
    ("assessment:adjustment_add", GET): NOT_THIS_METHOD,
    ("assessment:adjustment_add", POST): answers(OFFICE, 302, audited=OFFICE),
    # 市科技局's score under version 1, and its pending appeal
    ("assessment:score_detail", GET): answers(READERS | LEAD),
    ("assessment:score_detail", POST): NOT_THIS_METHOD,
    ("assessment:score_export", GET): answers(READERS | LEAD),
    ("assessment:score_export", POST): NOT_THIS_METHOD,
    ("assessment:appeal_create", GET): NOT_THIS_METHOD,
    ("assessment:appeal_create", POST): answers(LEAD, 302, audited=LEAD),  # only the unit appeals its deduction
    ("assessment:appeal_decide", GET): NOT_THIS_METHOD,
    ("assessment:appeal_decide", POST): answers(OFFICE, 302, audited=OFFICE),
    ("assessment:appeal_evidence", GET): answers(OFFICE | LEAD),  # the appeal's file: not even leaders
    ("assessment:appeal_evidence", POST): NOT_THIS_METHOD,
    # --- indicators: definitions and published index editions for all; figures per region; writes: office --
    ("indicators:index", GET): answers(EVERYONE),
    ("indicators:index", POST): NOT_THIS_METHOD,
    ("indicators:indicator_list", GET): answers(EVERYONE),
    ("indicators:indicator_list", POST): NOT_THIS_METHOD,
    ("indicators:region_detail", GET): answers(READERS),  # 中山区: its own unit (中山区政府) is no persona's
    ("indicators:region_detail", POST): NOT_THIS_METHOD,
    ("indicators:observation_confirm", GET): NOT_THIS_METHOD,
    ("indicators:observation_confirm", POST): answers(OFFICE, 302, audited=OFFICE),  # 中山区's self-report
    ("indicators:upload", GET): answers(OFFICE),
    ("indicators:upload", POST): answers(OFFICE, 302, audited=OFFICE),
    # the small plan: 市科技局 answers for the mapped 初创科技企业 target; 技术交易额 and 企业技术中心 are unmatched
    ("indicators:plan_targets", GET): answers(OFFICE),
    ("indicators:plan_targets", POST): answers(OFFICE, 302, audited=OFFICE),  # matches 技术交易额
    ("indicators:target_map", GET): NOT_THIS_METHOD,
    ("indicators:target_map", POST): answers(OFFICE, 302, audited=OFFICE),  # 企业技术中心 -> innovation platforms
    ("indicators:attainment", GET): answers(READERS | LEAD),  # units with a target in the plan
    ("indicators:attainment", POST): NOT_THIS_METHOD,
    ("indicators:attainment_rule", GET): NOT_THIS_METHOD,
    ("indicators:attainment_rule", POST): answers(OFFICE, 302, audited=OFFICE),
    ("indicators:index_home", GET): answers(EVERYONE),  # published editions for all, methods for the office
    ("indicators:index_home", POST): answers(OFFICE, 302, audited=OFFICE),  # a new method version
    ("indicators:edition_compute", GET): NOT_THIS_METHOD,
    ("indicators:edition_compute", POST): answers(OFFICE, 302, audited=OFFICE),
    ("indicators:edition_detail", GET): answers(EVERYONE),  # a published edition
    ("indicators:edition_detail", POST): NOT_THIS_METHOD,
    ("indicators:edition_publish", GET): NOT_THIS_METHOD,
    ("indicators:edition_publish", POST): answers(OFFICE, 302, audited=OFFICE),  # the draft edition
    ("indicators:edition_region", GET): answers(EVERYONE),  # a published edition's region; raw values to readers
    ("indicators:edition_region", POST): NOT_THIS_METHOD,
    # --- dashboards (rows of the dashboards app) ----------------------------------------------------------
    # each role to its own dashboard; an account without a role or unit has none (not among the personas)
    ("dashboards:index", GET): {**answers(UNIT_ACCOUNTS, Answer(302, to="dashboards:unit")),
                                **{name: Answer(302, to="dashboards:supervisor") for name in OFFICE},
                                "leader": Answer(302, to="dashboards:leader")},
    ("dashboards:index", POST): NOT_THIS_METHOD,
    ("dashboards:leader", GET): answers(READERS),
    ("dashboards:leader", POST): NOT_THIS_METHOD,
    ("dashboards:supervisor", GET): answers(OFFICE),
    ("dashboards:supervisor", POST): NOT_THIS_METHOD,
    ("dashboards:unit", GET): answers(UNIT_ACCOUNTS),  # the account's own unit; readers have none
    ("dashboards:unit", POST): NOT_THIS_METHOD,
    ("dashboards:unit_detail", GET): answers(READERS | LEAD),  # 市科技局's: other units get 404
    ("dashboards:unit_detail", POST): NOT_THIS_METHOD,
    ("dashboards:outstanding", GET): answers(READERS),  # February's missing reports, all units
    ("dashboards:outstanding", POST): NOT_THIS_METHOD,
    ("dashboards:overdue", GET): answers(READERS),
    ("dashboards:overdue", POST): NOT_THIS_METHOD,
    ("dashboards:unit_reporting", GET): answers(READERS),  # 市科技局's owed reports: the ranking's numbers
    ("dashboards:unit_reporting", POST): NOT_THIS_METHOD,
    # --- end dashboards ---
    # --- documents (rows of the documents app) ------------------------------------------------------------
    ("documents:index", GET): answers(EVERYONE),  # each account's own documents
    ("documents:index", POST): NOT_THIS_METHOD,
    ("documents:circular_new", GET): answers(READERS),  # the circular: the office and leaders
    ("documents:circular_new", POST): answers(READERS, 302, audited=READERS),
    ("documents:ledger_new", GET): NOT_THIS_METHOD,
    ("documents:ledger_new", POST): answers(EVERYONE, 302, audited=EVERYONE),  # each their own ledger rows
    ("documents:job_detail", GET): answers({"lead_liaison"}),  # lead_liaison's finished ledger: the owner only
    ("documents:job_detail", POST): NOT_THIS_METHOD,
    ("documents:job_download", GET): answers({"lead_liaison"}),
    ("documents:job_download", POST): NOT_THIS_METHOD,
    ("documents:task_pdf", GET): answers(READERS | LEAD | {"support_liaison"}),  # as plans:task_detail
    ("documents:task_pdf", POST): NOT_THIS_METHOD,
    ("documents:assessment_pdf", GET): answers(READERS),
    ("documents:assessment_pdf", POST): NOT_THIS_METHOD,
    ("documents:score_pdf", GET): answers(READERS | LEAD),
    ("documents:score_pdf", POST): NOT_THIS_METHOD,
    # --- end documents ---
    # --- public (rows of the public app: anonymous visitors) ----------------------------------------------
    # Everyone reads the public pages, signed in or not; they take GET only. The world's plan is published
    # but not marked public, so its public page is 404 for everyone, the office included (tests/public
    # shows the marked plan's page with 200). The edition is the published one.
    **{(f"public:{name}", method): (answers(EVERYONE, anonymous=Answer(200)) if method == GET
                                    else answers((), refused=WRONG_METHOD, anonymous=WRONG_METHOD))
       for name in ("home", "indicators", "index_home", "edition_detail", "edition_method_yaml",
                    "edition_method_json", "edition_data_csv", "feed") for method in (GET, POST)},
    ("public:plan_detail", GET): answers((), anonymous=NOT_FOUND),
    ("public:plan_detail", POST): answers((), refused=WRONG_METHOD, anonymous=WRONG_METHOD),
    # --- end public ---
}


# ---------------------------------------------------------------------------------------------------------
# The objects the URLs point at


@dataclass(frozen=True)
class World:
    personas: Personas
    plan: Plan
    item1: Task                 # lead 市科技局, support 市财政局
    lead: Assignment            # 市科技局 on item 1
    lead_alone: Assignment      # 市科技局 on item 4 (no other unit), no pending extension
    february: ReportingPeriod
    draft: Report               # 市科技局, February: draft with evidence and an answer to the instruction
    submitted: Report           # 市科技局, January: submitted, awaiting review
    attachment: Attachment
    extension: Extension        # pending, on `lead`
    instruction: Instruction    # the leader's, on item 1
    document: DocumentJob       # lead_liaison's finished ledger workbook (built in the background)
    upload: PlanImport          # supervisor's uploaded plan, queued for the import job
    other_unit_id: int          # 市商务局, for the unit-mapping form
    rubric: Rubric              # 2019 departments, version 1: published
    rubric_draft: Rubric        # version 2: a draft
    score: Score                # 市科技局's under `rubric`
    appeal: Appeal              # 市科技局's against one deduction of `score`: pending
    open_deduction: str         # the key of another deduction of `score`, not appealed yet
    region: Region              # 中山区 (governed by 中山区政府, no persona's unit), with figures
    self_report: Observation    # 中山区's unconfirmed self-reported figure
    unmatched_target: Target    # 市经信委's 企业技术中心 target: no indicator yet
    platforms_indicator_id: int  # the indicator it maps to
    index_method: IndexMethod
    edition: IndexEdition       # published
    edition_draft: IndexEdition


def _make_personas(django_user_model: Any) -> Personas:
    """The accounts of tests/conftest.py `personas` (same names, roles and units)."""
    from luoshi.orgs.choices import ADMIN_ROLES, Role
    from luoshi.orgs.models import Unit
    from luoshi.orgs.services import unit_directory_import
    from luoshi.plandoc.units import UnitDirectory

    unit_directory_import(actor=None, directory=UnitDirectory.builtin())
    units = {u.name: u for u in Unit.objects.all()}

    def make(username: str, role: str, unit: str | None = None) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=Personas.password, role=role, unit=units[unit] if unit else None,
            first_name=username, is_staff=role in ADMIN_ROLES)

    return Personas(
        admin=make("admin", Role.ADMIN), security_admin=make("secadmin", Role.SECURITY_ADMIN),
        audit_admin=make("auditor", Role.AUDIT_ADMIN), supervisor=make("office", Role.SUPERVISOR),
        leader=make("leader", Role.LEADER), lead_liaison=make("kjj", Role.LIAISON, "市科技局"),
        lead_head=make("kjj_head", Role.HEAD, "市科技局"), support_liaison=make("czj", Role.LIAISON, "市财政局"),
        other_liaison=make("jxw", Role.LIAISON, "市经信委"), outsider=make("swj", Role.LIAISON, "市商务局"),
    )


def _build_world(django_user_model: Any) -> World:
    from luoshi.orgs.models import Unit
    from luoshi.plans.services import plan_import, plan_import_request, plan_publish
    from luoshi.reports import reminders, services

    people = _make_personas(django_user_model)
    plan = plan_import(actor=people.supervisor, data=SMALL_PLAN.encode(), filename="plan.txt")
    plan = plan_publish(actor=people.supervisor, plan=plan)
    # Published at the start of its year, so its 2019 periods are owed and the pages have rows to show.
    Plan.objects.filter(pk=plan.pk).update(published_at=dt.datetime(2019, 1, 2, 9, tzinfo=dt.UTC))
    item1 = plan.tasks.get(key="二/(一)/1")
    lead = Assignment.objects.select_related("task__plan").get(task=item1, unit__name="市科技局")
    lead_alone = Assignment.objects.get(task__plan=plan, task__key="二/(二)/4", unit__name="市科技局")
    january, february = plan.periods.get(start__month=1), plan.periods.get(start__month=2)

    submitted = services.report_save(actor=people.lead_liaison, assignment=lead, period=january, version=None,
                                     progress="on_track", narrative="一月：评价工作已启动。")
    submitted = services.report_submit(actor=people.lead_head, report=submitted, version=submitted.version)
    instruction = services.instruction_create(actor=people.leader, task=item1, text="请加快评价进度。")
    draft = services.report_save(actor=people.lead_liaison, assignment=lead, period=february, version=None,
                                 progress="on_track", narrative="二月：新增入库企业。",
                                 answers={instruction.pk: "已按批示加快。"})
    attachment = services.attachment_add(actor=people.lead_liaison, report=draft,
                                         upload=SimpleUploadedFile("证明材料.pdf", PDF))
    extension = services.extension_request(actor=people.lead_liaison, assignment=lead,
                                           requested_deadline=clock.today() + dt.timedelta(days=365),
                                           reason="需要更多时间。")
    services.assignment_close(actor=people.lead_liaison, assignment=lead, closing_report="评价工作已全部完成。")
    reminders.reminder_send(actor=people.supervisor, assignment=lead, message="请报送二月进展。")  # notifications
    document = document_request(actor=people.lead_liaison, kind="ledger", params={"plan": str(plan.pk)},
                                enqueue=False)
    document = document_run(job_id=str(document.pk))
    assert document.status == "done", document.error
    upload = plan_import_request(actor=people.supervisor, data=SMALL_PLAN.encode(), filename="queued.txt",
                                 enqueue=False)
    return World(personas=people, plan=plan, item1=item1, lead=lead, lead_alone=lead_alone, february=february,
                 draft=Report.objects.get(pk=draft.pk), submitted=Report.objects.get(pk=submitted.pk),
                 attachment=attachment, extension=extension, instruction=instruction, document=document, upload=upload,
                 other_unit_id=Unit.objects.get(name="市商务局").pk,
                 **_build_assessment(people, plan), **_build_indicators(people, plan))


def _build_assessment(people: Personas, plan: Plan) -> dict[str, Any]:
    """The plan's year assessed (as of today: 市科技局 has missed reports), one appeal filed, a draft v2."""
    from luoshi.assessment import services
    from luoshi.assessment.scoring import Event

    office = people.supervisor
    rubric = services.rubric_create(actor=office, year=plan.year, unit_group="departments")
    rubric = services.rubric_publish(actor=office, rubric=rubric)
    score = Score.objects.get(rubric=rubric, unit__name="市科技局")
    deductions = [event.key for event in map(Event.from_json, score.trace) if event.points < 0]
    assert len(deductions) >= 2, score.trace
    appeal = services.appeal_file(actor=people.lead_liaison, score=score, event_key=deductions[0],
                                  reason="该期报告已按时报送。", evidence=[SimpleUploadedFile("报送记录.pdf", PDF)])
    draft = services.rubric_create(actor=office, year=plan.year, unit_group="departments")
    return {"rubric": rubric, "rubric_draft": draft, "score": score, "appeal": appeal,
            "open_deduction": deductions[1]}


def _build_indicators(people: Personas, plan: Plan) -> dict[str, Any]:
    """The catalogue and regions; 初创科技企业 mapped (市科技局 answers), the rest of the plan unmatched;
    2018 figures of three regions and an index computed from them, one edition published, one draft."""
    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.services import catalogue_import, observation_record, regions_sync, target_map

    office = people.supervisor
    catalogue_import(actor=office, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.name: r for r in regions_sync(actor=office)}
    startup = Target.objects.get(task__plan=plan, text__contains="初创科技企业")
    target_map(actor=office, target=startup, indicator=indicators["high-tech-enterprises"])
    for region, turnover, enterprises in (("中山区", 10, 300), ("西岗区", 20, 100), ("高新区", 30, 200)):
        for code, value in (("tech-contract-turnover", turnover), ("high-tech-enterprises", enterprises)):
            observation_record(actor=office, indicator=indicators[code], region=regions[region], year=2018,
                               value=float(value), source="official")
    method = index_method_save(actor=office, text=METHOD)
    edition = index_edition_publish(actor=office, edition=index_edition_compute(
        actor=office, method=method, year=2018, draws=20))
    self_report = observation_record(actor=office, indicator=indicators["high-tech-enterprises"],
                                     region=regions["中山区"], year=2019, through_month=3, value=80.0,
                                     source="self_report")
    return {"region": regions["中山区"], "self_report": self_report,
            "unmatched_target": Target.objects.get(task__plan=plan, text__contains="企业技术中心"),
            "platforms_indicator_id": indicators["innovation-platforms"].pk, "index_method": method,
            "edition": edition,
            "edition_draft": index_edition_compute(actor=office, method=method, year=2018, draws=20)}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module inside an outer transaction; each test's own transaction nests in it."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build_world(get_user_model())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------------------
# URL arguments and request bodies per URL name


ARGS: dict[str, Callable[[World], list[Any]]] = {
    "plans:plan_detail": lambda w: [w.plan.pk],
    "plans:plan_reimport": lambda w: [w.plan.pk],
    "plans:import_job": lambda w: [w.upload.pk],
    "plans:import_apply": lambda w: [w.upload.pk],
    "plans:import_cancel": lambda w: [w.upload.pk],
    "plans:plan_map_unit": lambda w: [w.plan.pk],
    "plans:plan_publish": lambda w: [w.plan.pk],
    "plans:plan_settings": lambda w: [w.plan.pk],
    "plans:task_detail": lambda w: [w.item1.pk],
    "plans:task_edit": lambda w: [w.item1.pk],
    "reports:report_edit": lambda w: [w.lead.pk, w.february.pk],
    "reports:report_detail": lambda w: [w.draft.pk],
    "reports:report_approve": lambda w: [w.draft.pk],
    "reports:report_submit": lambda w: [w.draft.pk],
    "reports:report_accept": lambda w: [w.submitted.pk],
    "reports:report_return": lambda w: [w.submitted.pk],
    "reports:attachment_upload": lambda w: [w.draft.pk],
    "reports:attachment_download": lambda w: [w.attachment.pk],
    "reports:attachment_delete": lambda w: [w.attachment.pk],
    "reports:assignment_detail": lambda w: [w.lead.pk],
    "reports:extension_request": lambda w: [w.lead_alone.pk],
    "reports:assignment_close": lambda w: [w.lead.pk],
    "reports:assignment_close_refuse": lambda w: [w.lead.pk],
    "reports:extension_detail": lambda w: [w.extension.pk],
    "reports:instruction_create": lambda w: [w.item1.pk],
    "reports:sheet_download": lambda w: [w.february.pk],
    "reports:sheet_upload": lambda w: [w.february.pk],
    "reports:assignment_remind": lambda w: [w.lead.pk],
    "plans:plan_unit_create": lambda w: [w.plan.pk],
    "orgs:unit_accounts": lambda w: [w.lead.unit_id],
    "orgs:set_password": lambda w: ["MQ", "0-0"],
    "assessment:rubric_detail": lambda w: [w.rubric.pk],
    "assessment:rubric_export": lambda w: [w.rubric.pk],
    "assessment:rubric_update": lambda w: [w.rubric_draft.pk],
    "assessment:rubric_publish": lambda w: [w.rubric_draft.pk],
    "assessment:adjustment_add": lambda w: [w.rubric_draft.pk],
    "assessment:score_detail": lambda w: [w.score.pk],
    "assessment:score_export": lambda w: [w.score.pk],
    "assessment:appeal_create": lambda w: [w.score.pk],
    "assessment:appeal_decide": lambda w: [w.appeal.pk],
    "assessment:appeal_evidence": lambda w: [w.appeal.evidence.get().pk],
    "indicators:region_detail": lambda w: [w.region.pk],
    "indicators:observation_confirm": lambda w: [w.self_report.pk],
    "indicators:plan_targets": lambda w: [w.plan.pk],
    "indicators:target_map": lambda w: [w.plan.pk, w.unmatched_target.pk],
    "indicators:attainment": lambda w: [w.plan.pk],
    "indicators:attainment_rule": lambda w: [w.plan.pk],
    "indicators:edition_detail": lambda w: [w.edition.pk],
    "indicators:edition_publish": lambda w: [w.edition_draft.pk],
    "indicators:edition_region": lambda w: [w.edition.pk, w.region.pk],
    # --- dashboards ---
    "dashboards:unit_detail": lambda w: [w.lead.unit_id],
    "dashboards:outstanding": lambda w: [w.february.pk],
    "dashboards:overdue": lambda w: [w.plan.pk],
    "dashboards:unit_reporting": lambda w: [w.plan.pk, w.lead.unit_id],
    # --- end dashboards ---
    # --- documents ---
    "documents:circular_new": lambda w: [w.plan.pk],
    "documents:job_detail": lambda w: [w.document.pk],
    "documents:job_download": lambda w: [w.document.pk],
    "documents:task_pdf": lambda w: [w.item1.pk],
    "documents:assessment_pdf": lambda w: [w.rubric.pk],
    "documents:score_pdf": lambda w: [w.score.pk],
    # --- end documents ---
    # --- public ---
    "public:plan_detail": lambda w: [w.plan.pk],
    "public:edition_detail": lambda w: [w.edition.pk],
    "public:edition_method_yaml": lambda w: [w.edition.pk],
    "public:edition_method_json": lambda w: [w.edition.pk],
    "public:edition_data_csv": lambda w: [w.edition.pk],
    # --- end public ---
}


def _plan_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


STATISTICS_SHEET = "地区,技术交易额（亿元）\n中山区,12\n".encode()  # one new figure: 中山区, 2019 through September
RUBRIC_WEIGHTS = {"weight_completion": "40", "weight_timeliness": "25", "weight_quality": "15",
                  "weight_reminders": "10", "weight_extensions": "10", "weight_indicators": "0", "per_return": "1",
                  "per_reminder": "1", "per_extension": "2", "appeal_days": "10"}


# A valid body for every view that accepts POST (so "no change" is the access rule, not a bad form).
def _totp_body(w: World, persona: str) -> dict[str, Any]:
    """A code the persona's authenticator would show now for the secret the setup page gave it."""
    from luoshi.orgs.security import totp_device_pending
    from tests.conftest import totp_now

    if persona == ANONYMOUS:
        return {"token": "000000"}
    return {"token": totp_now(totp_device_pending(user=getattr(w.personas, persona)))}


BODIES: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "account:password_change": lambda w, persona: {"old_password": Personas.password,
                                                   "new_password1": "Matrix-pass-2020",
                                                   "new_password2": "Matrix-pass-2020"},
    "account:two_factor_setup": _totp_body,
    "login": lambda w, persona: {} if persona == ANONYMOUS else {
        "username": getattr(w.personas, persona).username, "password": Personas.password},
    "set_language": lambda w, persona: {"language": "zh-hans", "next": "/"},
    "plans:plan_import": lambda w, persona: {
        "document": _plan_file("new.txt", SMALL_PLAN.replace("科技创新工作要点", "另一份工作要点"))},
    "plans:plan_reimport": lambda w, persona: {"document": _plan_file("plan.txt", SMALL_PLAN)},
    "plans:plan_map_unit": lambda w, persona: {"name": "市科技局", "unit": w.other_unit_id},
    "plans:plan_unit_create": lambda w, persona: {"name": "市数据局", "kind": "city_department"},
    "orgs:unit_accounts": lambda w, persona: {"role": "liaison", "username": f"new_{persona}"},
    "plans:plan_settings": lambda w, persona: {"cadence": w.plan.cadence, "due_day": 10, "year": w.plan.year,
                                               "is_public": "on"},
    "plans:task_edit": lambda w, persona: _edit_data(w.item1, text="开展科技型中小企业评价（修改）。"),
    "reports:report_edit": lambda w, persona: {"version": w.draft.version, "progress": "lagging",
                                               "narrative": "二月：进度有所滞后。",
                                               f"answer_{w.instruction.pk}": "已按批示加快。"},
    "reports:report_approve": lambda w, persona: {"version": w.draft.version},
    "reports:report_submit": lambda w, persona: {"version": w.draft.version},
    "reports:report_accept": lambda w, persona: {"version": w.submitted.version, "comment": "同意。"},
    "reports:report_return": lambda w, persona: {"version": w.submitted.version, "comment": "请补充数据。"},
    "reports:attachment_upload": lambda w, persona: {"file": SimpleUploadedFile("补充.pdf", PDF)},
    "reports:extension_request": lambda w, persona: {
        "requested_deadline": (clock.today() + dt.timedelta(days=400)).isoformat(), "reason": "需要协调。"},
    "reports:extension_detail": lambda w, persona: {"decision": "grant", "comment": "同意延期。"},
    "reports:assignment_close": lambda w, persona: {"closing_report": "已全部完成，申请办结。"},
    "reports:assignment_close_refuse": lambda w, persona: {"comment": "尚缺佐证材料。"},
    "reports:assignment_remind": lambda w, persona: {"message": "请尽快报送。"},
    "reports:instruction_create": lambda w, persona: {"text": "请抓紧推进。"},
    "reports:review_accept_many": lambda w, persona: {"report": [w.submitted.pk],
                                                      f"version_{w.submitted.pk}": w.submitted.version},
    "reports:overdue_chase": lambda w, persona: {"unit": w.lead.unit_id, "message": "请尽快报送。"},
    "reports:approvals_apply": lambda w, persona: {"report": [w.draft.pk], f"version_{w.draft.pk}": w.draft.version,
                                                   "action": "submit"},
    "assessment:rubric_create": lambda w, persona: {"year": w.plan.year, "unit_group": "departments"},
    "assessment:rubric_update": lambda w, persona: {**RUBRIC_WEIGHTS, "weight_completion": "35",
                                                    "revision": w.rubric_draft.revision},
    "assessment:rubric_publish": lambda w, persona: {"revision": w.rubric_draft.revision},
    "assessment:adjustment_add": lambda w, persona: {"unit": w.lead.unit_id, "kind": "bonus", "points": "1.5",
                                                     "reason": "获国家级表彰。"},
    "assessment:appeal_create": lambda w, persona: {"event_key": w.open_deduction, "reason": "已按时报送。",
                                                    "evidence": SimpleUploadedFile("报送记录.pdf", PDF)},
    "assessment:appeal_decide": lambda w, persona: {"decision": "uphold", "comment": "扣分属实。"},
    "indicators:upload": lambda w, persona: {
        "file": SimpleUploadedFile("stats.csv", STATISTICS_SHEET, content_type="text/csv"),
        "year": 2019, "through_month": 9, "source": "official"},
    "indicators:target_map": lambda w, persona: {f"t{w.unmatched_target.pk}-target": w.unmatched_target.pk,
                                                 f"t{w.unmatched_target.pk}-indicator": w.platforms_indicator_id},
    "indicators:attainment_rule": lambda w, persona: {"red_below": "0.7", "amber_below": "0.95",
                                                      "seasonal_profile": "", "self_report_tolerance": "0.1"},
    "indicators:index_home": lambda w, persona: {"m-text": METHOD.replace('"1"', '"2"')},
    "indicators:edition_compute": lambda w, persona: {"c-method": w.index_method.pk, "c-year": 2018, "c-draws": 20},
    # --- dashboards ---
    # --- end dashboards ---
    # --- documents ---
    "documents:circular_new": lambda w, persona: {"period": w.february.pk, "issuer": "大连市人民政府督查室",
                                                  "number": "", "date": "2019-03-20", "requirements": ""},
    "documents:ledger_new": lambda w, persona: {"plan": w.plan.pk},
    # --- end documents ---
    # --- public ---
    # --- end public ---
}


def _named_urls() -> set[str]:
    """Every named URL of the project (namespaced), Django admin reduced to its index page."""
    found: set[str] = set()

    def walk(patterns: Iterable[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add(f"{prefix}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    # The REST API has its own matrix (tests/api/): every endpoint x persona token, same 404 rule.
    return {name for name in found
            if (not name.startswith("admin:") or name == "admin:index") and not name.startswith("api:")}


def _state(world: World) -> tuple[Any, ...]:
    """What a refused request could have touched: row counts, statuses, versions, texts."""
    draft = Report.objects.values_list("status", "version", "progress", "narrative").get(pk=world.draft.pk)
    submitted = Report.objects.values_list("status", "version").get(pk=world.submitted.pk)
    lead = Assignment.objects.values_list("status", "closing_report", "deadline").get(pk=world.lead.pk)
    extension = Extension.objects.values_list("status").get(pk=world.extension.pk)
    plan = Plan.objects.values_list("status", "revision", "title", "due_day", "is_public").get(pk=world.plan.pk)
    item1 = Task.objects.values_list("text").get(pk=world.item1.pk)
    rubrics = tuple(Rubric.objects.order_by("pk").values_list("status", "revision", "weight_completion"))
    appeals = tuple(Appeal.objects.order_by("pk").values_list("status"))
    editions = tuple(IndexEdition.objects.order_by("pk").values_list("status"))
    rules = tuple(AttainmentRule.objects.order_by("pk").values_list("red_below", "amber_below"))
    counts = (*(model.objects.count() for model in (
        Plan, Task, Assignment, Report, TargetActual, Attachment, Extension, Instruction, Reminder, DocumentJob,
        PlanImport, Rubric, Score, Adjustment, Appeal, IndicatorTarget, Observation, ObservationUpload,
        IndexMethod, IndexEdition)), AuditEntry.objects.changes().count())  # logins, 404s: no change
    return draft, submitted, lead, extension, plan, item1, rubrics, appeals, editions, rules, counts


def _request(client: Client, world: World, name: str, method: str, persona: str) -> Any:
    url = reverse(name, args=ARGS[name](world) if name in ARGS else None)
    if persona != ANONYMOUS:
        client.force_login(getattr(world.personas, persona))
    if method == GET:
        return client.get(url)
    body = BODIES[name](world, persona) if name in BODIES else {}
    return client.post(url, body)


CASES = [pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
         for (name, method), row in MATRIX.items() for persona in VISITORS]


# ---------------------------------------------------------------------------------------------------------
# Tests


def test_it_has_a_row_for_every_named_url() -> None:
    named = _named_urls()
    covered = {name for name, _method in MATRIX}
    assert named - covered == set(), "views without a row in the permission matrix"
    assert covered - named == set(), "rows for URL names that no longer exist"
    assert {(name, method) for name in named for method in (GET, POST)} == set(MATRIX)
    assert set(ARGS) <= named and set(BODIES) <= named


def test_it_has_an_answer_for_every_persona_in_every_row() -> None:
    assert set(PERSONAS) == EVERYONE  # a persona added to conftest without a place in the sets fails here
    for key, row in MATRIX.items():
        assert tuple(row) == VISITORS, key


@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_it_answers_as_the_matrix_says(client: Client, world: World, name: str, method: str, persona: str) -> None:
    expected = MATRIX[(name, method)][persona]
    before_state = _state(world) if method == POST else None
    audit_before = AuditEntry.objects.changes().count()

    response = _request(client, world, name, method, persona)

    assert response.status_code == expected.status
    if expected.to:
        assert response["Location"].startswith(reverse(expected.to))
    audit_after = AuditEntry.objects.changes().count()
    if expected.audited:
        assert audit_after > audit_before, "the allowed request should have changed something (check its body)"
    else:
        assert audit_after == audit_before, "a refused or read-only request wrote to the audit log"
        if method == POST:
            assert _state(world) == before_state, "a refused POST changed data without an audit entry"


def test_it_refuses_a_cross_unit_id_exactly_like_a_missing_one(client: Client, world: World) -> None:
    """other_liaison and outsider get the same 404 for 市科技局's objects as for ids that do not exist."""
    no_job = ["00000000-0000-0000-0000-000000000000"]
    missing = {"documents:job_detail": no_job, "documents:job_download": no_job, "plans:import_job": no_job}
    for persona in ("other_liaison", "outsider"):
        client.force_login(getattr(world.personas, persona))
        for name, args in ARGS.items():
            if MATRIX[(name, GET)][persona] != NOT_FOUND:
                continue
            real = client.get(reverse(name, args=args(world)))
            ghost = client.get(reverse(name, args=missing.get(name, [10**9] * len(args(world)))))
            assert (real.status_code, real.content) == (ghost.status_code, ghost.content), (name, persona)
