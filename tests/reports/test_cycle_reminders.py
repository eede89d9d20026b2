"""Reminders (催办): the scheduled sweep, its idempotence, the manual chase, the pages that show them."""

from __future__ import annotations

import datetime as dt
import io
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.core.errors import DomainError
from luoshi.core.models import AuditEntry
from luoshi.plans.models import Assignment
from luoshi.reports.models import Extension, Notification, Reminder, Report, ReportingPeriod
from luoshi.reports.reminders import reminder_send, reminders_sweep

pytestmark = pytest.mark.django_db

JUNE = dt.date(2019, 6, 1)          # the June 2019 period, due 2019-07-05 (due_day 5)
BEFORE = dt.date(2019, 7, 2)        # three days before the due day
DUE = dt.date(2019, 7, 5)
AFTER = dt.date(2019, 7, 6)


@pytest.fixture
def plan(published_plan: Any, personas: Any) -> Any:
    """The small plan, published at the start of its year, with only its June period kept."""
    published_plan.periods.exclude(start=JUNE).delete()
    type(published_plan).objects.filter(pk=published_plan.pk).update(
        published_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
    for user, email in ((personas.lead_liaison, "kjj@example.org"), (personas.lead_head, "kjj-head@example.org"),
                        (personas.support_liaison, "czj@example.org"), (personas.other_liaison, "")):
        user.email = email
        user.save()
    published_plan.refresh_from_db()
    return published_plan


@pytest.fixture
def june(plan: Any) -> ReportingPeriod:
    period: ReportingPeriod = plan.periods.get()
    assert period.due_date == DUE
    return period


def assignment(plan: Any, path: str, unit: str) -> Assignment:
    found: Assignment = Assignment.objects.get(task__plan=plan, task__key=path, unit__name=unit)
    return found


def sweep(capture: Any, today: dt.date, **options: Any) -> Any:
    with capture(execute=True):
        return reminders_sweep(today=today, **options)


def test_it_sends_nothing_before_the_window(plan: Any, june: Any, django_capture_on_commit_callbacks: Any) -> None:
    result = sweep(django_capture_on_commit_callbacks, BEFORE - dt.timedelta(days=1))
    assert result.claimed == 0
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_it_reminds_every_unit_with_an_account_before_the_due_day(
        plan: Any, june: Any, personas: Any, django_capture_on_commit_callbacks: Any) -> None:
    result = sweep(django_capture_on_commit_callbacks, BEFORE)

    # 市科技局 (items 1 and 4), 市财政局 (item 1), 市经信委 (item 2); the pilot zones have no account yet.
    reminded = set(Reminder.objects.values_list("assignment__task__key", "assignment__unit__name", "kind"))
    assert reminded == {("二/(一)/1", "市科技局", "before_due"), ("二/(二)/4", "市科技局", "before_due"),
                        ("二/(一)/1", "市财政局", "before_due"), ("二/(一)/2", "市经信委", "before_due")}
    assert result.claimed == 4 and result.units == 3
    assert Reminder.objects.get(assignment__unit__name="市财政局").recipients == [
        {"user": personas.support_liaison.pk, "email": "czj@example.org"}]
    assert all(r.created_at and r.sent_by is None and r.period == june for r in Reminder.objects.all())
    # One e-mail per unit with an address (市经信委's liaison has none): to liaison and head together.
    assert sorted(sorted(m.to) for m in mail.outbox) == [["czj@example.org"],
                                                       ["kjj-head@example.org", "kjj@example.org"]]
    kjj_mail = next(m for m in mail.outbox if "kjj@example.org" in m.to)
    assert "2项任务" in kjj_mail.body and "二.(一).1" in kjj_mail.body and "2019年7月5日" in kjj_mail.body
    # In-app: everyone of the three units, including the liaison without an e-mail address.
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"kjj", "kjj_head", "czj", "jxw"}
    assert Notification.objects.filter(user=personas.outsider).count() == 0
    note = Notification.objects.get(user=personas.other_liaison)
    assert note.url == reverse("reports:sheet_upload", args=[june.pk]) and "到期提醒" in note.text
    audit = AuditEntry.objects.get(action="reminder.before_due")
    assert audit.actor is None and audit.after == {"kind": "before_due", "reminders": 4, "units": 3}


def test_it_never_sends_the_same_reminder_twice(plan: Any, june: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    sweep(django_capture_on_commit_callbacks, BEFORE)
    sent, reminders, notes = len(mail.outbox), Reminder.objects.count(), Notification.objects.count()
    again = sweep(django_capture_on_commit_callbacks, BEFORE)
    on_due_day = sweep(django_capture_on_commit_callbacks, DUE)

    assert again.claimed == on_due_day.claimed == 0
    assert (len(mail.outbox), Reminder.objects.count(), Notification.objects.count()) == (sent, reminders, notes)


def test_it_chases_overdue_reports_once_after_the_due_day(plan: Any, june: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    sweep(django_capture_on_commit_callbacks, BEFORE)
    mail.outbox.clear()
    first = sweep(django_capture_on_commit_callbacks, AFTER)
    second = sweep(django_capture_on_commit_callbacks, AFTER + dt.timedelta(days=3))

    assert first.by_kind == {"overdue": 4} and second.claimed == 0
    assert len(mail.outbox) == 2 and all("逾期催办" in m.subject for m in mail.outbox)
    assert Reminder.objects.filter(kind="overdue").count() == 4


def test_it_does_not_chase_periods_long_past_or_before_publication(
        plan: Any, june: Any, django_capture_on_commit_callbacks: Any) -> None:
    assert sweep(django_capture_on_commit_callbacks, DUE + dt.timedelta(days=32)).claimed == 0
    type(plan).objects.filter(pk=plan.pk).update(published_at=dt.datetime(2019, 7, 3, tzinfo=dt.UTC))
    assert sweep(django_capture_on_commit_callbacks, AFTER).claimed == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("status", "reminded"), [("submitted", False), ("accepted", False), ("draft", True),
                                                  ("approved", True), ("returned", True)])
def test_it_skips_only_reports_that_reached_the_office(plan: Any, june: Any, personas: Any, status: str,
                                                       reminded: bool,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    item2 = assignment(plan, "二/(一)/2", "市经信委")
    Report.objects.create(assignment=item2, period=june, status=status, created_by=personas.other_liaison)
    sweep(django_capture_on_commit_callbacks, BEFORE)
    assert Reminder.objects.filter(assignment=item2).exists() is reminded
    assert Reminder.objects.count() == 3 + reminded


def test_it_skips_closed_inactive_and_unpublished(plan: Any, june: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    Assignment.objects.filter(pk=assignment(plan, "二/(一)/1", "市财政局").pk).update(status="closed")
    Assignment.objects.filter(pk=assignment(plan, "二/(二)/4", "市科技局").pk).update(active=False)
    sweep(django_capture_on_commit_callbacks, BEFORE)
    assert set(Reminder.objects.values_list("assignment__task__key", "assignment__unit__name")) == {
        ("二/(一)/1", "市科技局"), ("二/(一)/2", "市经信委")}

    type(plan).objects.filter(pk=plan.pk).update(status="archived")
    assert sweep(django_capture_on_commit_callbacks, AFTER).claimed == 0


def test_it_waits_for_a_granted_extension_before_chasing(plan: Any, june: Any, personas: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    item2 = assignment(plan, "二/(一)/2", "市经信委")
    extension = Extension.objects.create(assignment=item2, requested_deadline=dt.date(2019, 7, 20), reason="x",
                                         status="granted", requested_by=personas.other_liaison)
    Extension.objects.filter(pk=extension.pk).update(requested_at=dt.datetime(2019, 6, 20, 12, tzinfo=dt.UTC))
    sweep(django_capture_on_commit_callbacks, AFTER)
    assert not Reminder.objects.filter(assignment=item2).exists()
    sweep(django_capture_on_commit_callbacks, dt.date(2019, 7, 21))
    assert Reminder.objects.filter(assignment=item2, kind="overdue").count() == 1


def test_it_claims_a_unit_only_once_it_has_an_account(plan: Any, june: Any, django_user_model: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    sweep(django_capture_on_commit_callbacks, BEFORE)
    zone = assignment(plan, "二/(二)/3", "高新区管委会")
    assert not Reminder.objects.filter(assignment=zone).exists()
    django_user_model.objects.create_user(username="gxq", password="x", role="liaison", unit=zone.unit,
                                          email="gxq@example.org")
    result = sweep(django_capture_on_commit_callbacks, DUE)
    assert result.claimed == 1 and [m.to for m in mail.outbox[-1:]] == [["gxq@example.org"]]


class MailServerDown(BaseEmailBackend):
    """A mail backend whose server is down: every send raises, as smtplib does."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


MAIL_DOWN = f"{__name__}.MailServerDown"
MAIL_UP = "django.core.mail.backends.locmem.EmailBackend"


def email_states() -> dict[tuple[str, str], str]:
    return dict(((key, unit), status) for key, unit, status in Reminder.objects.values_list(
        "assignment__task__key", "assignment__unit__name", "email_status"))


def test_it_reports_e_mails_the_mail_server_lost_and_retries_them_once(
        client: Any, plan: Any, june: Any, personas: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = MAIL_DOWN
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 reminder e-mail"):
        call_command("send_reminders", "--once", "--date", "2019-07-02", stdout=out)

    assert "e-mails failed: 2" in out.getvalue()
    assert email_states() == {("二/(一)/1", "市科技局"): "failed", ("二/(二)/4", "市科技局"): "failed",
                              ("二/(一)/1", "市财政局"): "failed", ("二/(一)/2", "市经信委"): "no_address"}
    assert all("Connection unexpectedly closed" in error for error in
               Reminder.objects.filter(email_status="failed").values_list("email_error", flat=True))
    assert mail.outbox == [] and Notification.objects.count() == 4  # in-app notices went out with the claim
    client.force_login(personas.supervisor)
    table = client.get(reverse("reports:reminder_list"), HTTP_HX_REQUEST="true").content.decode()
    assert table.count("未发送") == 3

    # The server is back: the next run sends the lost e-mails, once, without a second in-app notice.
    settings.EMAIL_BACKEND = MAIL_UP
    out = io.StringIO()
    call_command("send_reminders", "--once", "--date", "2019-07-03", stdout=out)
    assert sorted(sorted(m.to) for m in mail.outbox) == [["czj@example.org"],
                                                       ["kjj-head@example.org", "kjj@example.org"]]
    assert "2项任务" in next(m for m in mail.outbox if "kjj@example.org" in m.to).body
    assert set(email_states().values()) == {"sent", "no_address"}
    assert (Reminder.objects.count(), Notification.objects.count()) == (4, 4)
    assert "e-mails failed: 0" in out.getvalue()
    retry = AuditEntry.objects.get(action="reminder.before_due", after__retried=3)
    assert retry.actor is None and retry.after == {"kind": "before_due", "retried": 3, "units": 2}
    table = client.get(reverse("reports:reminder_list"), HTTP_HX_REQUEST="true").content.decode()
    assert "未发送" not in table and table.count("已发送") == 3

    # A third run, and the overdue sweep of the same reminders' kind: nothing is sent twice.
    call_command("send_reminders", "--once", "--date", "2019-07-04", stdout=io.StringIO())
    assert len(mail.outbox) == 2 and Notification.objects.count() == 4


def test_it_retries_only_what_is_still_owed(plan: Any, june: Any, personas: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = MAIL_DOWN
    result = reminders_sweep(today=BEFORE)
    assert (result.claimed, result.emails, result.failed, result.failed_reminders) == (4, 0, 2, 3)
    # 市财政局 reports meanwhile: its lost reminder is no longer owed and stays unsent.
    Report.objects.create(assignment=assignment(plan, "二/(一)/1", "市财政局"), period=june, status="submitted",
                          created_by=personas.support_liaison)
    settings.EMAIL_BACKEND = MAIL_UP
    result = reminders_sweep(today=BEFORE)
    assert (result.claimed, result.retried, result.emails, result.failed) == (0, 2, 1, 0)
    assert [sorted(m.to) for m in mail.outbox] == [["kjj-head@example.org", "kjj@example.org"]]
    assert email_states()[("二/(一)/1", "市财政局")] == "failed"
    assert reminders_sweep(today=BEFORE).retried == 0 and len(mail.outbox) == 1


def test_it_never_resends_after_a_crash_between_claim_and_e_mail(plan: Any, june: Any, monkeypatch: Any) -> None:
    """A crash after the claim committed loses the e-mail (pending): the next run does not send it twice."""
    from luoshi.reports import reminders

    monkeypatch.setattr(reminders, "_deliver", lambda mails, result: None)
    assert reminders_sweep(today=BEFORE).claimed == 4
    monkeypatch.undo()
    result = reminders_sweep(today=BEFORE)
    assert (result.claimed, result.retried) == (0, 0)
    assert mail.outbox == [] and set(email_states().values()) == {"pending", "no_address"}
    assert Notification.objects.count() == 4


def test_it_retries_a_manual_chase_the_mail_server_lost(plan: Any, june: Any, personas: Any, settings: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    item1 = assignment(plan, "二/(一)/1", "市科技局")
    settings.EMAIL_BACKEND = MAIL_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send(actor=personas.supervisor, assignment=item1, message="请于周五前报送")
    reminder.refresh_from_db()
    assert reminder.email_status == "failed" and Notification.objects.count() == 2
    settings.EMAIL_BACKEND = MAIL_UP
    result = reminders_sweep(today=BEFORE - dt.timedelta(days=1))  # no automatic reminder due yet
    assert (result.claimed, result.retried, result.emails) == (0, 1, 1)
    assert "请于周五前报送" in mail.outbox[0].body and "督查人员" in mail.outbox[0].body
    reminder.refresh_from_db()
    assert reminder.email_status == "sent" and reminder.emailed_at is not None
    assert reminders_sweep(today=BEFORE - dt.timedelta(days=1)).retried == 0
    assert len(mail.outbox) == 1 and Notification.objects.count() == 2


def test_it_runs_as_a_command_once_and_refuses_bad_options(plan: Any, june: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--once", "--date", "2019-07-02", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--once", "--date", "2019-07-02", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "2019-07-02")
    with pytest.raises(CommandError):
        call_command("send_reminders", "--once", "--date", "July")


def test_it_runs_as_a_background_task(plan: Any, june: Any, django_capture_on_commit_callbacks: Any) -> None:
    from luoshi.reports.jobs import reminders_sweep_job

    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_sweep_job.enqueue("2019-07-02")
    assert result.return_value is not None and result.return_value["claimed"] == 4
    assert len(mail.outbox) == 2


# --- the manual chase ---------------------------------------------------------------------------------------


def test_it_lets_the_office_chase_a_unit_by_hand(plan: Any, june: Any, personas: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    item1 = assignment(plan, "二/(一)/1", "市科技局")
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send(actor=personas.supervisor, assignment=item1, message="请于周五前报送")
    assert (reminder.kind, reminder.sent_by, reminder.period) == ("manual", personas.supervisor, june)
    assert [sorted(m.to) for m in mail.outbox] == [["kjj-head@example.org", "kjj@example.org"]]
    assert "请于周五前报送" in mail.outbox[0].body
    assert Notification.objects.filter(user__unit=item1.unit, text__contains="请于周五前报送").count() == 2
    audit = AuditEntry.objects.get(action="reminder.manual")
    assert (audit.actor, audit.unit_id, audit.task_id) == (personas.supervisor, item1.unit_id, item1.task_id)
    # Manual reminders are not unique: the office may chase again, and the sweep still runs.
    with django_capture_on_commit_callbacks(execute=True):
        reminder_send(actor=personas.supervisor, assignment=item1, message="")
    assert Reminder.objects.filter(kind="manual").count() == 2
    assert sweep(django_capture_on_commit_callbacks, BEFORE).claimed == 4


def test_it_refuses_a_manual_chase_by_others_or_on_closed_work(plan: Any, june: Any, personas: Any) -> None:
    item1 = assignment(plan, "二/(一)/1", "市科技局")
    for actor in (personas.lead_liaison, personas.leader):
        with pytest.raises(DomainError):
            reminder_send(actor=actor, assignment=item1, message="")
    Assignment.objects.filter(pk=item1.pk).update(status="closed")
    with pytest.raises(DomainError):
        reminder_send(actor=personas.supervisor, assignment=item1, message="")
    with pytest.raises(DomainError):  # nobody to tell
        reminder_send(actor=personas.supervisor, assignment=assignment(plan, "二/(二)/3", "高新区管委会"), message="")
    assert not Reminder.objects.exists() and not AuditEntry.objects.filter(action="reminder.manual").exists()


def test_it_chases_from_the_page_only_for_the_office(client: Any, plan: Any, june: Any, personas: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    item1 = assignment(plan, "二/(一)/1", "市科技局")
    url = reverse("reports:assignment_remind", args=[item1.pk])
    for persona in (personas.lead_liaison, personas.lead_head, personas.support_liaison, personas.outsider,
                    personas.leader):
        client.force_login(persona)
        assert client.post(url, {"message": "x"}).status_code == 404
    client.force_login(personas.supervisor)
    assert client.get(url).status_code == 405
    assert not Reminder.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "请报送", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:reminder_list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "再催"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已催办" in response.content.decode()
    assert list(Reminder.objects.order_by("pk").values_list("message", flat=True)) == ["请报送", "再催"]
    assert len(mail.outbox) == 2

    july = plan.periods.create(label="2019年7月", start=dt.date(2019, 7, 1), end=dt.date(2019, 7, 31),
                               due_date=dt.date(2019, 8, 5))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "七月", "period": july.pk})
    assert Reminder.objects.get(message="七月").period == july
    other_plan_period = ReportingPeriod.objects.exclude(plan=plan).first()
    response = client.post(url, {"message": "x", "period": other_plan_period.pk if other_plan_period else 999999},
                           HTTP_HX_REQUEST="true")
    assert "报送期无效" in response.content.decode() and Reminder.objects.count() == 3

    response = client.post(url, {"message": "x" * 1001}, HTTP_HX_REQUEST="true")
    assert Reminder.objects.count() == 3 and "errorlist" in response.content.decode()
    zone = assignment(plan, "二/(二)/3", "高新区管委会")
    response = client.post(reverse("reports:assignment_remind", args=[zone.pk]), {"message": ""}, follow=True)
    assert "尚无联络员" in response.content.decode()


def test_it_lists_reminders_for_the_office_with_a_flat_query_count(
        client: Any, plan: Any, june: Any, personas: Any, django_assert_max_num_queries: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    url = reverse("reports:reminder_list")
    for persona in (personas.lead_liaison, personas.outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 404
    item1 = assignment(plan, "二/(一)/1", "市科技局")
    Reminder.objects.bulk_create([Reminder(assignment=item1, period=june, kind="manual", message=f"m{i}",
                                           sent_by=personas.supervisor) for i in range(10)])
    client.force_login(personas.supervisor)
    query = {"kind": "manual", "unit": item1.unit_id}
    with django_assert_max_num_queries(12) as small:
        assert client.get(url, query).status_code == 200
    Reminder.objects.bulk_create([Reminder(assignment=item1, period=june, kind="manual", message=f"n{i}",
                                           sent_by=personas.supervisor) for i in range(10)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, query)
    assert response.status_code == 200 and response.content.decode().count("<tr>") == 21
    client.force_login(personas.leader)
    assert client.get(url).status_code == 200


def test_it_shows_each_user_only_their_own_notifications(client: Any, plan: Any, june: Any, personas: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    sweep(django_capture_on_commit_callbacks, BEFORE)
    client.force_login(personas.outsider)
    assert "到期提醒" not in client.get(reverse("reports:notification_list")).content.decode()
    client.force_login(personas.support_liaison)
    assert "到期提醒" in client.get(reverse("reports:notification_list")).content.decode()
    client.post(reverse("reports:notification_read"))
    assert not Notification.objects.filter(user=personas.support_liaison, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=personas.lead_liaison, read_at__isnull=True).exists()


def test_the_office_finds_the_chase_form_on_the_assignment_page(client: Any, personas: Any,
                                                                published_plan: Any) -> None:
    from django.urls import reverse

    from luoshi.plans.models import Assignment

    assignment = Assignment.objects.filter(task__plan=published_plan).first()
    client.force_login(personas.supervisor)
    page = client.get(reverse("reports:assignment_detail", args=[assignment.pk])).content.decode()
    assert reverse("reports:assignment_remind", args=[assignment.pk]) in page
    client.force_login(personas.leader)
    page = client.get(reverse("reports:assignment_detail", args=[assignment.pk])).content.decode()
    assert reverse("reports:assignment_remind", args=[assignment.pk]) not in page
