"""Reminders (催办): the scheduled sweep before the due day and after it, and the office's manual chase.

Delivery is *at most once*. The sweep first claims its Reminder rows (unique per assignment, period and
automatic kind) and writes the in-app notifications in the same transaction; the e-mails are handed to
the mail backend only after that transaction has committed. So:

- running the sweep again finds the claimed rows and sends nothing new;
- two sweeps at the same time are serialised by locking the periods they work on (SQLite serialises
  writers anyway), so the second one sees the first one's claims;
- each Reminder row records what became of its e-mail (`email_status`): sent, failed (the mail server
  refused it or was down: the error is kept), no address, or pending while it is being handed over;
- a failed e-mail is retried by the next sweep, e-mail only (its notification is already in the app),
  while its report is still owed. The retry is claimed like a new reminder (failed -> pending, under a
  row lock, audited), so two sweeps never retry the same row;
- a crash after the commit but before the e-mails went out leaves the rows pending: those e-mails are
  lost, never doubled (the backend may have taken them). We chose this over "at least once" because a
  unit chased twice for the same period is the failure people notice and resent; a missing e-mail is
  covered by the in-app notice and the office can chase by hand.

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
from django.db.models import Case, CharField, Exists, F, JSONField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role
from luoshi.plans.choices import AssignmentStatus, PlanStatus
from luoshi.plans.models import Assignment, Plan, Task

from .choices import EmailStatus, ExtensionStatus, ReminderKind, ReportStatus
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
    assignment_ids: list[int] = field(default_factory=list)

    def reminders(self) -> Q:
        """The group's Reminder rows (automatic kinds are unique per assignment, period and kind)."""
        return Q(period_id=self.period.pk, kind=self.kind, assignment_id__in=self.assignment_ids)


@dataclass(frozen=True)
class OutgoingMail:
    subject: str
    body: str
    to: tuple[str, ...]
    reminders: Q  # the Reminder rows this e-mail delivers: their email_status records the outcome


@dataclass
class SweepResult:
    """What one sweep did; `claimed` and `retried` count Reminder rows (one per assignment).

    `emails` went to the mail server; `failed` e-mails did not (`failed_reminders` rows, retried next time).
    """

    claimed: int = 0
    units: int = 0
    emails: int = 0
    notifications: int = 0
    retried: int = 0
    failed: int = 0
    failed_reminders: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "units": self.units, "emails": self.emails,
                "notifications": self.notifications, "retried": self.retried, "failed": self.failed,
                "failed_reminders": self.failed_reminders, "by_kind": dict(self.by_kind)}


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
    """Claim and send every reminder due today, and retry the e-mails earlier sweeps could not send.

    Idempotent: a second run sends nothing new. The claim (Reminder rows, notifications, one audit row
    per period and kind; failed e-mails taken back for a retry) commits first; the e-mails go out after
    the commit (see the module docstring for why "at most once").
    """
    today = today or clock.today()
    result = SweepResult()
    mails: list[OutgoingMail] = []
    with translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic(durable=True):
            pairs = periods_to_remind(today=today, before_days=before_days, overdue_window=overdue_window)
            if pairs:
                # Serialise concurrent sweeps on PostgreSQL: whoever locks the periods second waits, then sees
                # the first one's claims through the NOT IN below. (SQLite: IMMEDIATE transactions already do.)
                list(ReportingPeriod.objects.select_for_update().filter(pk__in=[p.pk for p, _k in pairs])
                     .order_by("pk").values_list("pk", flat=True))
            for period, kind in pairs:
                _claim_period(period, kind, today, result, mails)
            mails += _claim_retries(today=today, overdue_window=overdue_window, result=result)
        # Durable: the claim has committed here.
        _deliver(mails, result)
    return result


def _claim_period(period: ReportingPeriod, kind: str, today: dt.date, result: SweepResult,
                  mails: list[OutgoingMail]) -> None:
    candidates = assignments_needing_reminder(period, kind, today=today)
    rows = list(candidates.order_by("unit_id", "task__position").values_list("pk", "unit_id", "task_id"))
    if not rows:
        return
    recipients = recipients_for_units({unit_id for _pk, unit_id, _task in rows})
    groups: dict[int, _Group] = {}
    for assignment_id, unit_id, task_id in rows:
        if not recipients.get(unit_id):
            # Nobody to tell yet: leave it unclaimed, so the reminder goes out once the unit has an account.
            continue
        group = groups.setdefault(unit_id, _Group(unit_id=unit_id, period=period, kind=kind))
        group.task_ids.append(task_id)
        group.assignment_ids.append(assignment_id)
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
            mails.append(OutgoingMail(subject=_mail_subject(group), body=_mail_body(group, tasks), to=to,
                                      reminders=group.reminders()))
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
    then rolls back the whole claim and nothing is sent (the safe side). A unit whose accounts have no
    e-mail address gets its rows marked `no_address` (notified in the app only).
    """
    meta = Reminder._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in (
        "assignment", "period", "kind", "message", "sent_by", "created_at", "email_error", "recipients",
        "email_status"))
    people = Case(*[When(unit_id=unit_id, then=Value([{"user": r.user_id, "email": r.email} for r in users],
                                                     output_field=JSONField()))
                    for unit_id, users in recipients.items()], output_field=JSONField())
    no_address = [unit_id for unit_id, users in recipients.items() if not any(r.email for r in users)]
    status = Case(When(unit_id__in=no_address, then=Value(str(EmailStatus.NO_ADDRESS))),
                  default=Value(str(EmailStatus.PENDING)), output_field=CharField())
    select_sql, select_params = (candidates.filter(unit_id__in=list(recipients)).order_by()
                                 .values(claim_id=F("pk"), claim_people=people, claim_status=status)
                                 .query.sql_with_params())
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                       f"SELECT claim.claim_id, %s, %s, %s, NULL, %s, %s, claim.claim_people, claim.claim_status "
                       f"FROM ({select_sql}) claim",
                       [period.pk, kind, "", now, "", *select_params])
        inserted: int = cursor.rowcount
    return inserted


def _tasks_for_mail(groups: Iterable[_Group]) -> dict[int, Task]:
    wanted = [task_id for group in groups for task_id in group.task_ids[:MAX_TASKS_IN_MAIL]]
    tasks: dict[int, Task] = Task.objects.only("pk", "key", "text").in_bulk(wanted)
    return tasks


def _notification_text(group: _Group) -> str:
    period = group.period
    values = {"plan": period.plan.title[:80], "period": period.label, "due": formats.date_format(period.due_date),
              "count": len(group.task_ids)}
    if group.kind == BEFORE_DUE:
        text = _("【到期提醒】《%(plan)s》%(period)s进展报告将于%(due)s截止，贵单位尚有%(count)d项任务未报送。")
    else:
        text = _("【逾期催办】《%(plan)s》%(period)s进展报告已于%(due)s截止，"
                 "贵单位尚有%(count)d项任务未报送，请尽快报送。")
    message: str = (text % values)[:500]
    return message


def _mail_subject(group: _Group) -> str:
    values = {"period": group.period.label, "due": formats.date_format(group.period.due_date)}
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


# --- retrying e-mails the mail server did not take -------------------------------------------------------------


def _claim_retries(*, today: dt.date, overdue_window: int, result: SweepResult) -> list[OutgoingMail]:
    """Take back the reminders whose e-mail failed (failed -> pending) and rebuild their e-mails.

    E-mail only: their notifications were written with the first claim. Only while the report is still
    owed: an assignment since closed, a report since submitted, or a period past the overdue window keeps
    its `failed` state and is left alone. Runs inside the sweep's transaction, under a row lock, so two
    sweeps never retry the same row.
    """
    done = Report.objects.filter(assignment=OuterRef("assignment_id"), period=OuterRef("period_id"),
                                 status__in=DONE_STATUSES)
    rows = list(Reminder.objects.select_for_update(of=("self",))
                .filter(email_status=EmailStatus.FAILED,
                        period__due_date__gte=today - dt.timedelta(days=overdue_window),
                        period__plan__status=PlanStatus.PUBLISHED, assignment__task__removed=False,
                        assignment__active=True, assignment__status=AssignmentStatus.OPEN)
                .exclude(Exists(done))
                .select_related("assignment__task", "assignment__unit", "period__plan", "sent_by")
                .order_by("period_id", "kind", "assignment__unit_id", "assignment__task__position", "pk"))
    if not rows:
        return []
    Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(email_status=EmailStatus.PENDING)
    mails: list[OutgoingMail] = []
    groups: dict[tuple[int, str, int], tuple[_Group, set[str]]] = {}
    for reminder in rows:
        addresses = {str(r.get("email") or "") for r in reminder.recipients if isinstance(r, dict)} - {""}
        if reminder.kind == MANUAL:
            mails.append(_manual_mail(reminder, to=tuple(sorted(addresses))))
            continue
        group, to = groups.setdefault((reminder.period_id, reminder.kind, reminder.assignment.unit_id), (
            _Group(unit_id=reminder.assignment.unit_id, period=reminder.period, kind=reminder.kind), set()))
        group.task_ids.append(reminder.assignment.task_id)
        group.assignment_ids.append(reminder.assignment_id)
        to |= addresses
    tasks = {r.assignment.task_id: r.assignment.task for r in rows}
    mails += [OutgoingMail(subject=_mail_subject(group), body=_mail_body(group, tasks), to=tuple(sorted(to)),
                           reminders=group.reminders()) for group, to in groups.values()]
    by_period: dict[tuple[int, str], list[Reminder]] = defaultdict(list)
    for reminder in rows:
        by_period[(reminder.period_id, reminder.kind)].append(reminder)
    for (_period_id, kind), retried in by_period.items():
        period = retried[0].period
        units = len({r.assignment.unit_id for r in retried})
        audit_record(actor=None, action=f"reminder.{kind}", target=period, plan_id=period.plan_id,
                     after={"kind": kind, "retried": len(retried), "units": units},
                     message=_("重发未送达的催办邮件：%(count)d 项任务，%(units)d 个单位") % {
                         "count": len(retried), "units": units})
    result.retried += len(rows)
    return mails


# --- delivery ---------------------------------------------------------------------------------------------------


def _deliver(mails: list[OutgoingMail], result: SweepResult) -> None:
    """Hand the e-mails to the backend, one at a time, and record on their reminders whether each went.

    Runs after the claim committed. A failure (server down, refused) is logged and recorded as `failed`
    with the error, for the next sweep to retry; it never stops the other e-mails or the loop.
    """
    if not mails:
        return
    try:
        backend = get_connection()
        backend.open()
    except Exception as exc:  # the server is down: none of them goes
        for mail in mails:
            _record_delivery(mail, result, error=exc)
        return
    try:
        for mail in mails:
            message = EmailMessage(subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
                                   to=list(mail.to), connection=backend)
            try:
                sent = backend.send_messages([message]) or 0
            except Exception as exc:
                _record_delivery(mail, result, error=exc)
            else:
                _record_delivery(mail, result, error=None if sent else RuntimeError("the mail backend sent nothing"))
    finally:
        try:
            backend.close()
        except Exception:  # closing a broken connection: nothing left to record
            logger.warning("Closing the mail connection failed", exc_info=True)


def _record_delivery(mail: OutgoingMail, result: SweepResult, *, error: BaseException | None) -> None:
    pending = Reminder.objects.filter(mail.reminders, email_status=EmailStatus.PENDING)
    if error is None:
        pending.update(email_status=EmailStatus.SENT, email_error="", emailed_at=timezone.now())
        result.emails += 1
        return
    text = f"{type(error).__name__}: {error}"[:500]
    logger.warning("A reminder e-mail (%d recipient(s)) could not be sent: %s", len(mail.to), text)
    result.failed += 1
    result.failed_reminders += pending.update(email_status=EmailStatus.FAILED, email_error=text)


# --- the manual chase -----------------------------------------------------------------------------------


def reminder_send(*, actor: Any, assignment: Assignment, message: str,
                  period: ReportingPeriod | None = None) -> Reminder:
    """The office chases one unit by hand (人工催办): a Reminder row, notifications, audit, then e-mail."""
    if not getattr(actor, "is_office", False):
        raise DomainError(_("只有督查人员可以催办"), code="forbidden")
    message = (message or "").strip()
    if len(message) > MAX_MANUAL_MESSAGE:
        raise DomainError(_("催办内容不能超过%(max)d字") % {"max": MAX_MANUAL_MESSAGE},
                          code="too_long")
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update().select_related("task", "task__plan", "unit")
                      .get(pk=assignment.pk))
        plan = assignment.task.plan
        if (not assignment.active or assignment.status != AssignmentStatus.OPEN
                or plan.status != PlanStatus.PUBLISHED):
            raise DomainError(_("该任务已办结或不在督办中，无需催办"), code="not_open")
        if period is None:
            period = period_current(plan)
        if period is None or period.plan_id != plan.pk:
            raise DomainError(_("该计划没有报送期"), code="no_period")
        people = recipients_for_units([assignment.unit_id]).get(assignment.unit_id, [])
        if not people:
            raise DomainError(_("该单位尚无联络员或负责人账号，无法催办"),
                              code="no_recipient")
        text = message or _("请尽快报送本期进展。")
        to = tuple(sorted({r.email for r in people if r.email}))
        reminder: Reminder = Reminder.objects.create(
            assignment=assignment, period=period, kind=MANUAL, message=text, sent_by=actor,
            recipients=[{"user": r.user_id, "email": r.email} for r in people],
            email_status=EmailStatus.PENDING if to else EmailStatus.NO_ADDRESS)
        url = reverse("reports:sheet_upload", args=[period.pk])
        notice = _manual_notice(reminder)
        Notification.objects.bulk_create([Notification(user_id=r.user_id, text=notice[:500], url=url)
                                          for r in people])
        audit_record(actor=actor, action="reminder.manual", target=reminder, plan_id=plan.pk,
                     task_id=assignment.task_id, unit_id=assignment.unit_id,
                     after={"period": period.label, "message": text, "recipients": len(people)})
        if to:
            mail = _manual_mail(reminder, to=to)
            transaction.on_commit(lambda: _deliver([mail], SweepResult()))
    return reminder


def _manual_notice(reminder: Reminder) -> str:
    notice: str = _("【督办催办】%(task)s（%(period)s）：%(text)s") % {
        "task": reminder.assignment.task.display_path, "period": reminder.period.label, "text": reminder.message}
    return notice


def _manual_mail(reminder: Reminder, *, to: tuple[str, ...]) -> OutgoingMail:
    """The e-mail of a manual chase (sent after the chase commits, or again by a sweep if it failed)."""
    notice = _manual_notice(reminder)
    task = reminder.assignment.task
    body = "\n".join([notice, "", f"{task.display_path} {task.text[:200]}", "",
                      _("督查人员：%(name)s") % {"name": str(reminder.sent_by or "")}])
    return OutgoingMail(subject=notice[:150], body=body, to=to, reminders=Q(pk=reminder.pk))


# --- notifications ---------------------------------------------------------------------------------------


def notifications_mark_read(*, actor: Any) -> int:
    """Mark all of the actor's notifications read. Personal reading state: not audited."""
    return int(Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now()))
