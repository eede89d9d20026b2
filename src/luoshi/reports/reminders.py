"""Reminders (催办): the scheduled sweep before the due day and after it, and the office's manual chase.

Delivery is *at most once*. The sweep first claims its Reminder rows (unique per assignment, period and
automatic kind) and writes the in-app notifications in the same transaction; the e-mails are handed to
the mail backend only after that transaction has committed. So:

- running the sweep again finds the claimed rows and sends nothing new;
- two sweeps at the same time are serialised by locking the periods they work on (SQLite serialises
  writers anyway), so the second one sees the first one's claims;
- a crash after the commit but before the e-mails went out loses those e-mails, never doubles them: the
  notifications are already in the app, the Reminder rows record who should have been told, and the
  office can chase by hand. We chose this over "at least once" because a unit chased twice for the same
  period is the failure people notice and resent; a missing e-mail is covered by the in-app notice.

E-mails and notifications are grouped per unit, period and kind: a unit with forty late tasks gets one
message listing them, not forty.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Case, Exists, F, JSONField, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, Plan, Task

from .choices import ExtensionStatus, ReminderKind, ReportStatus
from .models import Extension, Notification, Reminder, Report, ReportingPeriod
from .selectors import current_period

logger = logging.getLogger(__name__)

# Days before the due day when the first reminder goes out (the due day itself counts as "before").
BEFORE_DUE_DAYS: int = getattr(settings, "LUOSHI_REMINDER_BEFORE_DAYS", 3)
# Overdue reminders only for periods due at most this many days ago: a plan published late, or a sweep
# started after a long pause, must not chase units for last year's months.
OVERDUE_WINDOW_DAYS: int = getattr(settings, "LUOSHI_REMINDER_OVERDUE_WINDOW_DAYS", 31)
BEFORE_DUE = str(ReminderKind.BEFORE_DUE)
OVERDUE = str(ReminderKind.OVERDUE)
MANUAL = str(ReminderKind.MANUAL)
# Reports in these states need no reminder.
DONE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
RECIPIENT_ROLES = (Role.LIAISON, Role.HEAD)
MAX_TASKS_IN_MAIL = 30
MAX_MANUAL_MESSAGE = 1000
CLAIM_BATCH = 2000


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str


@dataclass
class _Group:
    """The reminders of one unit for one period and kind: one e-mail, one notification per person."""

    unit_id: int
    period: ReportingPeriod
    kind: str
    task_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class OutgoingMail:
    subject: str
    body: str
    to: tuple[str, ...]


@dataclass
class SweepResult:
    """What one sweep did; `claimed` counts Reminder rows (one per assignment)."""

    claimed: int = 0
    units: int = 0
    emails: int = 0
    notifications: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "units": self.units, "emails": self.emails,
                "notifications": self.notifications, "by_kind": dict(self.by_kind)}


# --- selectors ------------------------------------------------------------------------------------------


def recipients_for_units(unit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Active liaison and head accounts of each unit (those without an e-mail still get in-app notices)."""
    found: dict[int, list[Recipient]] = defaultdict(list)
    users = (get_user_model().objects.filter(unit_id__in=list(unit_ids), role__in=RECIPIENT_ROLES, is_active=True)
             .order_by("unit_id", "role", "pk").values_list("pk", "email", "unit_id"))
    for user_id, email, unit_id in users:
        found[unit_id].append(Recipient(user_id=user_id, email=email or ""))
    return found


def periods_to_remind(*, today: dt.date, before_days: int = BEFORE_DUE_DAYS,
                      overdue_window: int = OVERDUE_WINDOW_DAYS) -> list[tuple[ReportingPeriod, str]]:
    """(period, kind) pairs of published plans whose reminders fall due today.

    before_due: from `before_days` days before the due day up to the due day; overdue: the days after it,
    within the window. A period that ended before its plan was published is never chased (the same rule
    as `selectors.owed_periods`).
    """
    periods = (ReportingPeriod.objects.filter(plan__status=PlanStatus.PUBLISHED,
                                              due_date__gte=today - dt.timedelta(days=overdue_window),
                                              due_date__lte=today + dt.timedelta(days=before_days))
               .select_related("plan").order_by("due_date", "pk"))
    pairs: list[tuple[ReportingPeriod, str]] = []
    for period in periods:
        published = period.plan.published_at
        if published and period.end < timezone.localdate(published):
            continue
        pairs.append((period, BEFORE_DUE if today <= period.due_date else OVERDUE))
    return pairs


def assignments_needing_reminder(period: ReportingPeriod, kind: str, *, today: dt.date) -> QuerySet[Assignment]:
    """Active, open assignments of the period's plan with no submitted/accepted report and no such reminder.

    An extension granted while the report was due moves its due date (`selectors.report_due_date`): such
    an assignment gets no reminder for this period while the extended deadline has not passed.
    """
    done = Report.objects.filter(assignment=OuterRef("pk"), period=period, status__in=DONE_STATUSES)
    # NOT IN, not NOT EXISTS: SQLite would scan the period's reminders once per assignment (quadratic
    # once the first sweep has claimed them); NOT IN reads them once into a lookup table.
    reminded = Reminder.objects.filter(period=period, kind=kind).values("assignment_id")
    deferred = Extension.objects.filter(
        assignment=OuterRef("pk"), status=ExtensionStatus.GRANTED, requested_at__date__gte=period.start,
        requested_at__date__lte=period.due_date, requested_deadline__gt=period.due_date,
        requested_deadline__gte=today)
    return (Assignment.objects.filter(task__plan_id=period.plan_id, task__plan__status=PlanStatus.PUBLISHED,
                                      task__removed=False, active=True, status=AssignmentStatus.OPEN)
            .exclude(Exists(done)).exclude(pk__in=reminded).exclude(Exists(deferred)))


def period_current(plan: Plan, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period a manual chase is about: the one the unit is reporting on today."""
    return current_period(list(plan.periods.all()), today or clock.today())


def reminders_for_assignment(assignment: Assignment) -> QuerySet[Reminder]:
    return assignment.reminders.select_related("period", "sent_by").order_by("-created_at", "-pk")


# --- the sweep ------------------------------------------------------------------------------------------


def reminders_sweep(*, today: dt.date | None = None, before_days: int = BEFORE_DUE_DAYS,
                    overdue_window: int = OVERDUE_WINDOW_DAYS) -> SweepResult:
    """Claim and send every reminder due today. Idempotent: a second run sends nothing new.

    The claim (Reminder rows, notifications, one audit row per period and kind) commits first; the
    e-mails go out after the commit (see the module docstring for why "at most once").
    """
    today = today or clock.today()
    result = SweepResult()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic(durable=True):
        pairs = periods_to_remind(today=today, before_days=before_days, overdue_window=overdue_window)
        if not pairs:
            return result
        # Serialise concurrent sweeps on PostgreSQL: whoever locks the periods second waits, then sees the
        # first one's claims through the NOT EXISTS below. (SQLite: IMMEDIATE transactions already do.)
        list(ReportingPeriod.objects.select_for_update().filter(pk__in=[p.pk for p, _k in pairs]).order_by("pk")
             .values_list("pk", flat=True))
        mails: list[OutgoingMail] = []
        for period, kind in pairs:
            _claim_period(period, kind, today, result, mails)
        transaction.on_commit(lambda: _deliver(mails, result))
    return result


def _claim_period(period: ReportingPeriod, kind: str, today: dt.date, result: SweepResult,
                  mails: list[OutgoingMail]) -> None:
    candidates = assignments_needing_reminder(period, kind, today=today)
    rows = list(candidates.order_by("unit_id", "task__position").values_list("pk", "unit_id", "task_id"))
    if not rows:
        return
    recipients = recipients_for_units({unit_id for _pk, unit_id, _task in rows})
    groups: dict[int, _Group] = {}
    for _assignment_id, unit_id, task_id in rows:
        if not recipients.get(unit_id):
            # Nobody to tell yet: leave it unclaimed, so the reminder goes out once the unit has an account.
            continue
        group = groups.setdefault(unit_id, _Group(unit_id=unit_id, period=period, kind=kind))
        group.task_ids.append(task_id)
    if not groups:
        return
    # Under the period lock nothing changed since `rows` was read: the inserts claim exactly those rows.
    claimed = _insert_claims(candidates, period, kind, {unit_id: recipients[unit_id] for unit_id in groups})
    tasks = _tasks_for_mail(groups.values())
    notifications: list[Notification] = []
    for group in groups.values():
        people = recipients[group.unit_id]
        text = _notification_text(group)
        url = reverse("reports:sheet_upload", args=[period.pk])
        notifications.extend(Notification(user_id=r.user_id, text=text, url=url) for r in people)
        to = tuple(sorted({r.email for r in people if r.email}))
        if to:
            mails.append(OutgoingMail(subject=_mail_subject(group), body=_mail_body(group, tasks), to=to))
    Notification.objects.bulk_create(notifications, batch_size=CLAIM_BATCH)
    audit_record(actor=None, action=f"reminder.{kind}", target=period, plan_id=period.plan_id,
                 after={"kind": kind, "reminders": claimed, "units": len(groups)},
                 message=_("自动催办：%(count)d 项任务，%(units)d 个单位") % {"count": claimed,
                                                                    "units": len(groups)})
    result.claimed += claimed
    result.units += len(groups)
    result.notifications += len(notifications)
    result.by_kind[kind] = result.by_kind.get(kind, 0) + claimed


def _insert_claims(candidates: QuerySet[Assignment], period: ReportingPeriod, kind: str,
                   recipients: dict[int, list[Recipient]]) -> int:
    """Insert the Reminder rows with one INSERT ... SELECT; returns how many were inserted.

    The same rows Reminder.objects.bulk_create would write, without building 100,000 model instances
    and their parameters in Python (7 s on SQLite, more on PostgreSQL): the database copies the ids of
    the candidate query itself, and each unit's recipient list comes from a CASE on the unit. No
    conflict handling on purpose: a clash would mean the period lock did not hold; the IntegrityError
    then rolls back the whole claim and nothing is sent (the safe side).
    """
    meta = Reminder._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in (
        "assignment", "period", "kind", "message", "sent_by", "created_at", "recipients"))
    people = Case(*[When(unit_id=unit_id, then=Value([{"user": r.user_id, "email": r.email} for r in users],
                                                     output_field=JSONField()))
                    for unit_id, users in recipients.items()], output_field=JSONField())
    select_sql, select_params = (candidates.filter(unit_id__in=list(recipients)).order_by()
                                 .values(claim_id=F("pk"), claim_people=people).query.sql_with_params())
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                       f"SELECT claim.claim_id, %s, %s, %s, NULL, %s, claim.claim_people FROM ({select_sql}) claim",
                       [period.pk, kind, "", now, *select_params])
        inserted: int = cursor.rowcount
    return inserted


def _tasks_for_mail(groups: Iterable[_Group]) -> dict[int, Task]:
    wanted = [task_id for group in groups for task_id in group.task_ids[:MAX_TASKS_IN_MAIL]]
    tasks: dict[int, Task] = Task.objects.only("pk", "key", "text").in_bulk(wanted)
    return tasks


def _notification_text(group: _Group) -> str:
    period = group.period
    values = {"plan": period.plan.title[:80], "period": period.label, "due": period.due_date.isoformat(),
              "count": len(group.task_ids)}
    if group.kind == BEFORE_DUE:
        text = _("【到期提醒】《%(plan)s》%(period)s进展报告将于%(due)s截止，贵单位尚有%(count)d项任务未报送。")
    else:
        text = _("【逾期催办】《%(plan)s》%(period)s进展报告已于%(due)s截止，"
                 "贵单位尚有%(count)d项任务未报送，请尽快报送。")
    message: str = (text % values)[:500]
    return message


def _mail_subject(group: _Group) -> str:
    values = {"period": group.period.label, "due": group.period.due_date.isoformat()}
    if group.kind == BEFORE_DUE:
        subject: str = _("【到期提醒】%(period)s进展报告将于%(due)s截止") % values
    else:
        subject = _("【逾期催办】%(period)s进展报告已于%(due)s截止，请尽快报送") % values
    return subject


def _mail_body(group: _Group, tasks: dict[int, Task]) -> str:
    lines = [_notification_text(group), "", _("未报送的任务：")]
    for task_id in group.task_ids[:MAX_TASKS_IN_MAIL]:
        task = tasks.get(task_id)
        if task is not None:
            lines.append(f"  {task.display_path} {task.text[:80]}")
    if len(group.task_ids) > MAX_TASKS_IN_MAIL:
        lines.append(_("  ……等共%(count)d项") % {"count": len(group.task_ids)})
    lines += ["", _("请登录落实系统填报，或下载本期填报表填写后上传。"), _("（本邮件由系统自动发送）")]
    return "\n".join(lines)


def _deliver(mails: list[OutgoingMail], result: SweepResult) -> None:
    """Hand the e-mails to the backend. Runs after commit; failures are logged, never retried (at most once)."""
    if not mails:
        return
    messages = [EmailMessage(subject=m.subject, body=m.body, from_email=settings.DEFAULT_FROM_EMAIL, to=list(m.to))
                for m in mails]
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:  # the claim is committed: log and move on rather than crash the loop
        logger.exception("Reminder e-mails could not be sent (%d messages)", len(messages))
        return
    result.emails += sent


# --- the manual chase -----------------------------------------------------------------------------------


def reminder_send(*, actor: Any, assignment: Assignment, message: str,
                  period: ReportingPeriod | None = None) -> Reminder:
    """The office chases one unit by hand (人工催办): a Reminder row, notifications, audit, then e-mail."""
    if not getattr(actor, "is_office", False):
        raise DomainError(_("只有督查人员可以催办 (only the office can send reminders)"), code="forbidden")
    message = (message or "").strip()
    if len(message) > MAX_MANUAL_MESSAGE:
        raise DomainError(_("催办内容不能超过%(max)d字 (message too long)") % {"max": MAX_MANUAL_MESSAGE},
                          code="too_long")
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update().select_related("task", "task__plan", "unit")
                      .get(pk=assignment.pk))
        plan = assignment.task.plan
        if (not assignment.active or assignment.status != AssignmentStatus.OPEN
                or plan.status != PlanStatus.PUBLISHED):
            raise DomainError(_("该任务已办结或不在督办中，无需催办 (the assignment is not open)"), code="not_open")
        if period is None:
            period = period_current(plan)
        if period is None or period.plan_id != plan.pk:
            raise DomainError(_("该计划没有报送期 (the plan has no reporting period)"), code="no_period")
        people = recipients_for_units([assignment.unit_id]).get(assignment.unit_id, [])
        if not people:
            raise DomainError(_("该单位尚无联络员或负责人账号，无法催办 (the unit has no account to notify)"),
                              code="no_recipient")
        text = message or _("请尽快报送本期进展。")
        reminder: Reminder = Reminder.objects.create(
            assignment=assignment, period=period, kind=MANUAL, message=text, sent_by=actor,
            recipients=[{"user": r.user_id, "email": r.email} for r in people])
        notice = _("【督办催办】%(task)s（%(period)s）：%(text)s") % {
            "task": assignment.task.display_path, "period": period.label, "text": text}
        url = reverse("reports:sheet_upload", args=[period.pk])
        Notification.objects.bulk_create([Notification(user_id=r.user_id, text=notice[:500], url=url)
                                          for r in people])
        audit_record(actor=actor, action="reminder.manual", target=reminder, plan_id=plan.pk,
                     task_id=assignment.task_id, unit_id=assignment.unit_id,
                     after={"period": period.label, "message": text, "recipients": len(people)})
        to = tuple(sorted({r.email for r in people if r.email}))
        if to:
            body = "\n".join([notice, "", f"{assignment.task.display_path} {assignment.task.text[:200]}", "",
                              _("督查人员：%(name)s") % {"name": str(actor)}])
            mail = OutgoingMail(subject=notice[:150], body=body, to=to)
            transaction.on_commit(lambda: _deliver([mail], SweepResult()))
    return reminder


# --- notifications ---------------------------------------------------------------------------------------


def notifications_mark_read(*, actor: Any) -> int:
    """Mark all of the actor's notifications read. Personal reading state: not audited."""
    return int(Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now()))
