"""`manage.py demo`: a Luoshi to try at once — Dalian's 2018 plan, demo accounts and example reports.

Idempotent: a second run finds everything in place and changes nothing. Migrating is not its job (run
`manage.py migrate` first). It refuses to run in production: its passwords are printed for everyone.
Everything it invents (accounts, reports, comments) is labelled as example data (示例数据，非真实报送).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.assessment.choices import RubricStatus
from luoshi.assessment.demo import assessment_demo_load
from luoshi.assessment.models import Rubric
from luoshi.core import clock
from luoshi.core.audit import audit_record, snapshot
from luoshi.indicators.choices import EditionStatus
from luoshi.indicators.demo import indicators_demo_load
from luoshi.indicators.models import IndexEdition, Observation
from luoshi.orgs.choices import Role
from luoshi.orgs.models import Unit, User
from luoshi.orgs.services import unit_directory_import, user_create
from luoshi.plandoc.units import UnitDirectory
from luoshi.plans.choices import Cadence, PlanStatus
from luoshi.plans.models import Assignment, Plan, Target
from luoshi.plans.services import PLAN_FIELDS, plan_configure, plan_import, plan_publish
from luoshi.reports.choices import Progress, ReportStatus, ReviewAction
from luoshi.reports.models import Report, ReportingPeriod, Review
from luoshi.reports.services import report_accept, report_approve, report_return, report_save, report_submit

DEFAULT_DEMO_ADDR = "127.0.0.1:8000"


def demo_url() -> str:
    """Where the demo serves: LUOSHI_DEMO_ADDR (host:port, as scripts/run-demo.sh passes it to the server)."""
    addr = os.environ.get("LUOSHI_DEMO_ADDR", "").strip() or DEFAULT_DEMO_ADDR
    host, _, port = addr.rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):   # every interface: this machine's own address opens it
        host = "127.0.0.1"
    return f"http://{host}:{port}/"
DEMO_PASSWORD = "luoshi-demo-2018"
DEMO_MARK = "【示例】"
DEMO_CODE_COMMAND = ".venv/bin/python manage.py demo --code"
SEED_NAME = "dalian-2018-innovation-workplan.txt"
DEMO_YEAR = 2018
# The plan was issued on 16 May 2018; the demo pretends the office published it two days later, so the
# example reports for May to July fall inside the periods the units owe.
DEMO_PUBLISHED_ON = dt.date(2018, 5, 18)
# The day scripts/run-demo.sh pins the clock to (LUOSHI_TODAY): July's report is being written, May's and
# June's are in, so the example reports read as a story in progress.
DEMO_TODAY = dt.date(2018, 8, 3)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    unit: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("duchashi", "督查室（示例）", Role.SUPERVISOR),
    DemoAccount("kjj", "市科技局联络员（示例）", Role.LIAISON, "市科技局"),
    DemoAccount("kjj_head", "市科技局负责人（示例）", Role.HEAD, "市科技局"),
    DemoAccount("fgw", "市发展改革委联络员（示例）", Role.LIAISON, "市发展改革委"),
    DemoAccount("fgw_head", "市发展改革委负责人（示例）", Role.HEAD, "市发展改革委"),
    DemoAccount("gxq", "高新区管委会联络员（示例）", Role.LIAISON, "高新区管委会"),
    DemoAccount("gxq_head", "高新区管委会负责人（示例）", Role.HEAD, "高新区管委会"),
    DemoAccount("leader", "市领导（示例）", Role.LEADER),
    # 三员分立: three administrators, none of them the office
    DemoAccount("admin", "系统管理员（示例）", Role.ADMIN),
    DemoAccount("secadmin", "安全管理员（示例）", Role.SECURITY_ADMIN),
    DemoAccount("auditor", "审计管理员（示例）", Role.AUDIT_ADMIN),
)
SUPERVISOR = "duchashi"

# The example reports: for each demo unit's first three tasks (tasks with a target first), the state of
# its report for 2018年5月, 6月 and 7月; None means nothing filed for that period.
DEMO_PERIODS = ("2018年5月", "2018年6月", "2018年7月")
STORYLINES: tuple[tuple[str | None, str | None, str | None], ...] = (
    (ReportStatus.ACCEPTED, ReportStatus.ACCEPTED, ReportStatus.SUBMITTED),
    (ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.DRAFT),
    (None, ReportStatus.SUBMITTED, ReportStatus.DRAFT),
)
NARRATIVES = {
    ReportStatus.ACCEPTED: (
        "{mark}制定了本单位落实方案，明确牵头处室、责任人和时间节点；本月召开专题推进会1次，"
        "梳理重点事项并建立工作台账，各项工作按计划推进。",
        "{mark}本月完成阶段性工作：对接重点企业和项目，协调解决政策落地中的具体问题，"
        "相关材料已报送市政府，下一步将按月调度、跟踪问效。",
    ),
    ReportStatus.SUBMITTED: (
        "{mark}本月继续推进：完成年中工作总结，对照年度目标逐项查找差距，形成问题清单和整改措施；"
        "重点事项进度符合预期。",
    ),
    ReportStatus.RETURNED: ("{mark}本月工作正常推进。",),
    ReportStatus.DRAFT: ("{mark}（草稿）本月进展正在整理，待单位负责人审核后报送。",),
}
RETURN_COMMENT = f"{DEMO_MARK}进展情况过于笼统，请补充本月完成的具体事项、量化数据和佐证材料后重新报送。"
ACCEPT_COMMENT = f"{DEMO_MARK}同意。"
# Share of a target reached by the end of 5月, 6月, 7月 in the example figures.
TARGET_SHARE = (0.35, 0.5, 0.65)


class Command(BaseCommand):
    help = _("载入演示数据：大连2018年工作计划、演示账号和示例报告（可重复运行）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help=_("不打印账号和密码"))
        parser.add_argument("--code", metavar="USERNAME",
                            help=_("打印演示账号当前的动态验证码，代替手机上的身份验证器"))

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(_("演示数据的密码是公开的，生产环境不能载入"))
        if options["code"]:
            self.stdout.write(demo_totp_code(options["code"]))
            return
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(_("数据库尚未迁移，请先运行 manage.py migrate"))
        with transaction.atomic():
            units_created = units_load()
            accounts_created = accounts_load()
            two_factor_load()
            office = User.objects.get(username=SUPERVISOR)
            plan, plan_created = plan_load(actor=office)
            # Before the reports: their accepted target actuals then become self-reported figures.
            indicators_demo_load(actor=office, plan=plan)
            reports_created = reports_load(plan=plan, office=office)
            assessment_demo_load(actor=office, plan=plan, today=clock.today())  # scores read the reports
        self.report(plan=plan, units_created=units_created, accounts_created=accounts_created,
                    plan_created=plan_created, reports_created=reports_created,
                    show_logins=not options["quiet_logins"])

    def report(self, *, plan: Plan, units_created: int, accounts_created: int, plan_created: bool,
               reports_created: dict[str, int], show_logins: bool) -> None:
        write = self.stdout.write
        changed = units_created or accounts_created or plan_created or sum(reports_created.values())
        write(self.style.SUCCESS(_("落实演示数据已就绪") if changed else
                                 _("演示数据已存在，未作改动")))
        write(f"  单位目录：{Unit.objects.count()} 个单位（本次新建 {units_created}）")
        write(f"  计划：{plan.title}（{plan.get_status_display()}，{plan.year}年，{plan.get_cadence_display()}报送，"
              f"{plan.tasks.filter(is_item=True, removed=False).count()} 项任务）{'' if plan_created else '，已存在'}")
        made = "，".join(f"{ReportStatus(status).label} {n}" for status, n in reports_created.items() if n) or "无"
        total = Report.objects.filter(assignment__task__plan=plan).count()
        write(f"  示例报告（示例数据，非真实报送）：共 {total} 份，本次新建：{made}")
        years = sorted(set(IndexEdition.objects.filter(status=EditionStatus.PUBLISHED, illustrative=True)
                           .values_list("year", flat=True)))
        write(f"  示例指标数据（示例数据，非官方统计）：{Observation.objects.filter(illustrative=True).count()} 个，"
              f"已发布创新指数：{'、'.join(f'{y}年' for y in years) or '无'}")
        rubrics = Rubric.objects.filter(year=plan.year)
        write(f"  示例考核方案（示例数据，非真实考核结果）：{rubrics.count()} 套，"
              f"已发布 {rubrics.filter(status=RubricStatus.PUBLISHED).count()} 套")
        url = demo_url()
        write(_("  公开页面（无需登录）：%(url)s ；") % {"url": f"{url}public/"}
              + _("API 文档：%(url)s") % {"url": f"{url}api/v1/docs/"})
        pinned = clock.pinned_date()
        if pinned is not None:
            write(f"  演示日期：{pinned:%Y-%m-%d}（示例）")
        else:
            write(f"  演示日期：未设置，按今天 {clock.today():%Y-%m-%d} 计算，2018年的任务都已逾期；"
                  f"设置 LUOSHI_TODAY={DEMO_TODAY:%Y-%m-%d} 可回到演示情景")
        write("")
        write(_("打开 %(url)s ，用以下演示账号登录：") % {"url": demo_url()})
        if not show_logins:
            return
        width = max(len(a.username) for a in DEMO_ACCOUNTS)
        secrets = demo_totp_secrets()
        for account in DEMO_ACCOUNTS:
            role = str(Role(account.role).label).ljust(5, "\u3000")  # CJK text: pad with ideographic spaces
            write(f"  {account.username.ljust(width)}  {DEMO_PASSWORD}  {role}  {account.name}")
        if not secrets:
            return
        write("")
        write(_("督查人员和三位管理员登录时还须输入动态验证码（双因素认证，与正式环境相同）。"
                "把下列密钥加入手机上的身份验证器应用（FreeOTP、Google Authenticator 等），"))
        write(_("或不用手机，运行 %(command)s <账号> 获取当前验证码：") % {"command": DEMO_CODE_COMMAND})
        for username, secret in secrets.items():
            write(f"  {username.ljust(width)}  {secret}")


def demo_totp_secrets() -> dict[str, str]:
    """The TOTP keys (base32, as authenticator apps take them) of the demo accounts that must use one."""
    from base64 import b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    usernames = [a.username for a in DEMO_ACCOUNTS]
    devices = TOTPDevice.objects.filter(user__username__in=usernames, confirmed=True).select_related("user")
    by_user = {d.user.username: b32encode(d.bin_key).decode() for d in devices}
    return {name: by_user[name] for name in usernames if name in by_user}


def demo_totp_code(username: str) -> str:
    """The current one-time code of a demo account's authenticator (for trying the demo without a phone)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if username not in {a.username for a in DEMO_ACCOUNTS}:
        raise CommandError(_("“%(username)s”不是演示账号") % {"username": username})
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise CommandError(_("“%(username)s”没有动态验证码") % {"username": username})
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def two_factor_load() -> None:
    """Give each demo account that must use a second factor its authenticator key (printed by the demo)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]):
        if user.needs_two_factor and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            audit_record(actor=None, action="user.2fa_enrol", target=user, after={"totp": True},
                         message="演示数据：设置动态验证码")


def units_load() -> int:
    """Load the built-in Dalian directory unless every unit of it is already there."""
    directory = UnitDirectory.builtin()
    names = {entry.name for entry in directory.entries()}
    if not names - set(Unit.objects.filter(name__in=names).values_list("name", flat=True)):
        return 0
    return unit_directory_import(actor=None, directory=directory)["created"]


def accounts_load() -> int:
    """Create the demo accounts that do not exist yet; existing ones are left as they are."""
    units = {u.name: u for u in Unit.objects.filter(name__in=[a.unit for a in DEMO_ACCOUNTS if a.unit])}
    existing = set(User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
                   .values_list("username", flat=True))
    created = 0
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        # The demo's passwords are printed for everyone anyway: no forced change at first login.
        user_create(actor=None, username=account.username, password=DEMO_PASSWORD, role=account.role,
                    unit=units[account.unit] if account.unit else None, first_name=account.name,
                    password_change_required=False)
        created += 1
    return created


def seed_bytes() -> bytes:
    return resources.files("luoshi.plandoc").joinpath("data", SEED_NAME).read_bytes()


def plan_load(*, actor: User) -> tuple[Plan, bool]:
    """Import and publish the Dalian plan once (found again by the document's hash)."""
    data = seed_bytes()
    plan = Plan.objects.filter(source_sha256=hashlib.sha256(data).hexdigest()).order_by("pk").first()
    created = plan is None
    if plan is None:
        plan = plan_import(actor=actor, data=data, filename=SEED_NAME)
    if plan.status == PlanStatus.DRAFT:
        if (plan.year, plan.cadence) != (DEMO_YEAR, Cadence.MONTHLY):
            # Periods are made at publication from year and cadence, so they are fixed first.
            before = snapshot(plan, PLAN_FIELDS)
            plan.year, plan.cadence = DEMO_YEAR, Cadence.MONTHLY
            plan.save(update_fields=["year", "cadence"])
            audit_record(actor=actor, action="plan.settings", target=plan, plan_id=plan.pk, before=before,
                         after=snapshot(plan, PLAN_FIELDS), message="演示数据：2018年，每月报送")
        plan = plan_publish(actor=actor, plan=plan)
        published_at = timezone.make_aware(dt.datetime.combine(DEMO_PUBLISHED_ON, dt.time(9, 0)))
        Plan.objects.filter(pk=plan.pk).update(published_at=published_at)
        audit_record(actor=actor, action="plan.demo_backdate", target=plan, plan_id=plan.pk,
                     after={"published_at": published_at}, message="演示数据：发布时间设为2018年5月18日")
        plan.refresh_from_db()
    if not plan.is_public:  # the public page (/public/) shows it; marked through the service, audited
        plan = plan_configure(actor=actor, plan=plan, cadence=plan.cadence, due_day=plan.due_day, year=plan.year,
                              is_public=True)
    return plan, created


def demo_assignments(plan: Plan, unit_name: str) -> list[Assignment]:
    """The unit's first tasks in the plan, tasks with a quantitative target first (they show figures)."""
    has_target = Exists(Target.objects.filter(task=OuterRef("task")))
    return list(Assignment.objects.filter(task__plan=plan, unit__name=unit_name, active=True)
                .annotate(has_target=has_target).select_related("task", "unit")
                .order_by("-has_target", "task__position")[:len(STORYLINES)])


def reports_load(*, plan: Plan, office: User) -> dict[str, int]:
    """Example reports for the demo units. Returns how many were created, by status."""
    periods = {p.label: p for p in ReportingPeriod.objects.filter(plan=plan, label__in=DEMO_PERIODS)}
    if len(periods) != len(DEMO_PERIODS):
        raise CommandError(_("计划缺少演示用的报送期：%(periods)s") % {"periods": "、".join(DEMO_PERIODS)})
    created = {status: 0 for status in ReportStatus.values}
    unit_names = [a.unit for a in DEMO_ACCOUNTS if a.unit and a.role == Role.LIAISON]
    for unit_name in unit_names:
        liaison = User.objects.get(role=Role.LIAISON, unit__name=unit_name, username__in=_usernames())
        head = User.objects.get(role=Role.HEAD, unit__name=unit_name, username__in=_usernames())
        for assignment, storyline in zip(demo_assignments(plan, unit_name), STORYLINES, strict=False):
            for index, status in enumerate(storyline):
                if status is None:
                    continue
                report = report_seed(assignment=assignment, period=periods[DEMO_PERIODS[index]], status=status,
                                     index=index, liaison=liaison, head=head, office=office)
                if report is not None:
                    created[status] += 1
    return created


def _usernames() -> list[str]:
    return [a.username for a in DEMO_ACCOUNTS]


# ---------------------------------------------------------------------------------------------------
# Example reports, filed through the reporting services as the people of the story would have filed them.


def report_seed(*, assignment: Assignment, period: ReportingPeriod, status: str, index: int,
                liaison: User, head: User, office: User) -> Report | None:
    """One example report and its review trail, unless the period already has a report (idempotent)."""
    if Report.objects.filter(assignment=assignment, period=period).exists():
        return None
    texts = NARRATIVES[ReportStatus(status)]
    target = assignment.task.targets.order_by("position").first()
    actuals = {target.pk: round(target.value * TARGET_SHARE[index], 1)} if target is not None else {}
    report = report_save(actor=liaison, assignment=assignment, period=period, version=None,
                         progress=Progress.LAGGING if status == ReportStatus.RETURNED else Progress.ON_TRACK,
                         narrative=texts[index % len(texts)].format(mark=DEMO_MARK),
                         actuals=actuals if status != ReportStatus.DRAFT else {})
    if status == ReportStatus.DRAFT:
        return report
    report = report_approve(actor=head, report=report)
    report = report_submit(actor=liaison, report=report)
    if status == ReportStatus.RETURNED:
        report = report_return(actor=office, report=report, comment=RETURN_COMMENT)
    elif status == ReportStatus.ACCEPTED:
        report = report_accept(actor=office, report=report, comment=ACCEPT_COMMENT)
    report_backdate(report=report, actor=office)
    return report


def report_backdate(*, report: Report, actor: User) -> None:
    """Move the trail of a report filed today back into 2018, when the story takes place.

    No service offers this (nothing real should ever do it); the audit log keeps today's entries and
    records the move, so it still tells what actually happened.
    """
    submitted_at = _at(report.period.due_date - dt.timedelta(days=1), 16, 30)
    steps = {ReviewAction.APPROVE: submitted_at - dt.timedelta(hours=1), ReviewAction.SUBMIT: submitted_at,
             ReviewAction.RETURN: submitted_at + dt.timedelta(days=1),
             ReviewAction.ACCEPT: _at(report.period.due_date + dt.timedelta(days=2), 10, 0)}
    for review in report.reviews.all():
        Review.objects.filter(pk=review.pk).update(created_at=steps[ReviewAction(review.action)])
    accepted_at = steps[ReviewAction.ACCEPT] if report.status == ReportStatus.ACCEPTED else None
    Report.objects.filter(pk=report.pk).update(submitted_at=submitted_at, accepted_at=accepted_at, is_late=False)
    audit_record(actor=actor, action="report.demo_backdate", target=report, plan_id=report.period.plan_id,
                 task_id=report.assignment.task_id, unit_id=report.assignment.unit_id,
                 after={"submitted_at": submitted_at, "accepted_at": accepted_at},
                 message="演示数据：时间移至2018年（示例数据，非真实报送）")


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
