"""Personas and a published plan shared by the web tests (see STYLE.md, "personas").

The plan is small but real: a cover notice, two chapters, a lead unit with a supporting unit, an item
assigned to a group (各先导区管委会, expanded to its members) and a plan-level target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser import browser, page  # noqa: F401  (one session-scoped browser for every test module)

SMALL_PLAN = """大政办发〔2019〕7号
大连市人民政府办公厅关于印发大连市2019年科技创新工作要点的通知
各区市县人民政府，各先导区管委会，市政府各有关部门：
现将《大连市2019年科技创新工作要点》印发给你们，请认真贯彻落实。
大连市人民政府办公厅
2019年3月1日
大连市2019年科技创新工作要点
一、主要目标
到2019年，技术交易额达到160亿元。
二、重点任务
（一）培育创新主体
1.开展科技型中小企业评价，2019年新增初创科技企业3000家。（牵头单位：市科技局；配合单位：市财政局）
2.支持企业建设研发机构，新认定市级以上企业技术中心15家。（责任单位：市经信委）
（二）优化创新环境
3.落实科技创新政策，2019年底前出台配套措施。（责任单位：各先导区管委会）
4.加强知识产权保护。（责任单位：市科技局）
"""


def _unlock_postgresql_audit(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET luoshi.audit_unlock = 'on'")


@pytest.fixture(scope="session", autouse=True)
def _audit_flush_allowed() -> None:
    """The database flush between transactional tests (live server, import jobs) empties every table, the
    audit log's included, which its triggers refuse unless unlocked. Only the test suite unlocks every
    connection; tests/core/test_audit_guard.py locks again to see the triggers refuse. (TestCase-style tests
    roll back a transaction and never need this.)"""
    from django.db import connections
    from django.db.backends.signals import connection_created

    from luoshi.core.chain import unlock_everywhere_for_tests

    unlock_everywhere_for_tests(True)
    connection_created.connect(_unlock_postgresql_audit, dispatch_uid="tests_unlock_postgresql_audit")
    for connection in connections.all():
        if connection.connection is not None:
            _unlock_postgresql_audit(None, connection)


@dataclass
class Personas:
    """Named accounts: the three administrators, the office, a leader, and liaison/head accounts of three units."""

    admin: Any             # the system administrator
    security_admin: Any
    audit_admin: Any
    supervisor: Any
    leader: Any
    lead_liaison: Any      # 市科技局 (lead on item 1)
    lead_head: Any         # 市科技局 head
    support_liaison: Any   # 市财政局 (support on item 1)
    other_liaison: Any     # 市经信委 (item 2 only)
    outsider: Any          # 市商务局: no task at all
    password: str = "Luoshi-test-2019"


@pytest.fixture(autouse=True)
def _fresh_fragment_cache() -> Any:
    """Rendered fragments are keyed on the newest audit id, which a rolled-back test may hand out again."""
    from django.core.cache import caches

    caches["fragments"].clear()
    yield


@pytest.fixture
def units(db: Any) -> Any:
    from luoshi.orgs.services import unit_directory_import
    from luoshi.plandoc.units import UnitDirectory

    unit_directory_import(actor=None, directory=UnitDirectory.builtin())
    from luoshi.orgs.models import Unit

    return {u.name: u for u in Unit.objects.all()}


@pytest.fixture
def personas(units: Any, django_user_model: Any) -> Personas:
    from luoshi.orgs.choices import ADMIN_ROLES, Role

    password = Personas.password

    def make(username: str, role: str, unit: str | None = None) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=password, role=role, unit=units[unit] if unit else None,
            first_name=username, is_staff=role in ADMIN_ROLES)

    return Personas(
        admin=make("admin", Role.ADMIN), security_admin=make("secadmin", Role.SECURITY_ADMIN),
        audit_admin=make("auditor", Role.AUDIT_ADMIN), supervisor=make("office", Role.SUPERVISOR),
        leader=make("leader", Role.LEADER), lead_liaison=make("kjj", Role.LIAISON, "市科技局"),
        lead_head=make("kjj_head", Role.HEAD, "市科技局"), support_liaison=make("czj", Role.LIAISON, "市财政局"),
        other_liaison=make("jxw", Role.LIAISON, "市经信委"), outsider=make("swj", Role.LIAISON, "市商务局"),
    )


def login_verified(client: Any, user: Any) -> Any:
    """Log `client` in as `user` with a verified second factor, as a real login with a code would leave the
    session (for tests run with LUOSHI_2FA_REQUIRED on). Creates the user's TOTP device if it has none."""
    from django.contrib.auth import SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from luoshi.orgs.security import SESSION_TWO_FACTOR

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_TWO_FACTOR] = "verify"
    session.save()
    return device


def totp_now(device: Any) -> str:
    """The code the authenticator app would show right now for `device`."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def published_plan(personas: Personas) -> Any:
    from luoshi.plans.services import plan_import, plan_publish

    plan = plan_import(actor=personas.supervisor, data=SMALL_PLAN.encode("utf-8"), filename="plan.txt")
    return plan_publish(actor=personas.supervisor, plan=plan)


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in the site's default language (Chinese): a request in English activates English for
    the thread, which would otherwise leak into the next test's commands and messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
