"""The business clock: LUOSHI_TODAY pins "today" for periods, deadlines and the pages; unset, the real date."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from luoshi.config.settings import env_date
from luoshi.core import clock
from luoshi.plans.models import Plan
from luoshi.plans.services import plan_import, plan_publish
from luoshi.reports import selectors
from luoshi.reports.reminders import period_current
from tests.conftest import SMALL_PLAN, Personas

ROOT = Path(__file__).resolve().parents[2]


# --- the setting ------------------------------------------------------------------------------------


def test_it_parses_a_yyyy_mm_dd_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUOSHI_TODAY", " 2018-08-03 ")
    assert env_date("LUOSHI_TODAY") == dt.date(2018, 8, 3)


@pytest.mark.parametrize("raw", ["", "   "])
def test_it_reads_an_empty_value_as_unset(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LUOSHI_TODAY", raw)
    assert env_date("LUOSHI_TODAY") is None
    monkeypatch.delenv("LUOSHI_TODAY")
    assert env_date("LUOSHI_TODAY") is None


@pytest.mark.parametrize("raw", ["2018-8-3", "20180803", "2018-02-30", "03/08/2018", "2018-W31-5", "today",
                                 "2018-08-03T00:00", "２０１８-０８-０３"])
def test_it_refuses_anything_but_a_real_yyyy_mm_dd_date(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LUOSHI_TODAY", raw)
    with pytest.raises(ImproperlyConfigured, match="LUOSHI_TODAY must be a date written YYYY-MM-DD"):
        env_date("LUOSHI_TODAY")


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("LUOSHI_TODAY", "DJANGO_SETTINGS_MODULE")}
    environ.update(DJANGO_SETTINGS_MODULE="luoshi.config.settings", LUOSHI_DATA_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=60)


def test_it_stops_at_startup_on_a_bad_date_and_in_production(tmp_path: Path) -> None:
    bad = _check(tmp_path, LUOSHI_TODAY="2018-13-01")
    assert bad.returncode != 0
    assert "LUOSHI_TODAY must be a date written YYYY-MM-DD" in bad.stderr and "'2018-13-01'" in bad.stderr
    production = _check(tmp_path, LUOSHI_TODAY="2018-08-03", LUOSHI_ENV="production", SECRET_KEY="x" * 60,
                        ALLOWED_HOSTS="example.gov.cn")
    assert production.returncode != 0
    assert "unset it in production" in production.stderr
    good = _check(tmp_path, LUOSHI_TODAY="2018-08-03")
    assert good.returncode == 0, good.stderr


# --- the clock --------------------------------------------------------------------------------------


@override_settings(LUOSHI_TODAY=None)
def test_it_follows_the_real_local_date_when_unset() -> None:
    assert clock.today() == timezone.localdate()
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


@override_settings(LUOSHI_TODAY=dt.date(2018, 8, 3), TIME_ZONE="Asia/Shanghai")
def test_it_keeps_the_time_of_day_running_on_the_pinned_date() -> None:
    assert clock.today() == dt.date(2018, 8, 3)
    now = clock.now()
    real = timezone.localtime()
    assert timezone.is_aware(now)
    assert timezone.localdate(now) == dt.date(2018, 8, 3)
    assert abs(dt.datetime.combine(dt.date.min, timezone.localtime(now).time())
               - dt.datetime.combine(dt.date.min, real.time())) < dt.timedelta(seconds=5)


# --- what reads it ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_moves_the_plans_current_period_with_the_setting(published_plan: Plan) -> None:
    # The small plan reports monthly, due on the 5th of the next month: on 3 April the March report is
    # still being written; from 6 April the unit reports on April.
    with override_settings(LUOSHI_TODAY=dt.date(2019, 4, 3)):
        period = period_current(published_plan)
        assert period is not None and period.label == "2019年3月"
    with override_settings(LUOSHI_TODAY=dt.date(2019, 4, 6)):
        period = period_current(published_plan)
        assert period is not None and period.label == "2019年4月"


@pytest.mark.django_db
def test_it_shows_the_pinned_date_and_period_on_the_unit_pages(published_plan: Plan, personas: Personas,
                                                                client: Client) -> None:
    client.force_login(personas.lead_liaison)
    with override_settings(LUOSHI_TODAY=dt.date(2019, 7, 2)):
        assert "今天是2019年7月2日" in client.get("/").content.decode()
        page = client.get(reverse("reports:my_tasks"))
        assert page.status_code == 200
        text = page.content.decode()
        # June's period is the one due; July's (the pinned month) is not offered yet.
        assert "今天是 2019年7月2日" in text
        shown = text.replace("2019年7月2日", "").replace("2019年7月5日", "")  # today and June's due date
        assert "2019年6月" in shown and "2019年7月" not in shown


@pytest.mark.django_db
def test_it_dates_publication_by_the_clock_so_earlier_periods_are_not_owed(personas: Personas) -> None:
    with override_settings(LUOSHI_TODAY=dt.date(2019, 3, 10)):
        plan = plan_publish(actor=personas.supervisor, plan=plan_import(
            actor=personas.supervisor, data=SMALL_PLAN.encode("utf-8"), filename="plan.txt"))
    assert plan.published_at is not None and timezone.localdate(plan.published_at) == dt.date(2019, 3, 10)
    with override_settings(LUOSHI_TODAY=dt.date(2019, 4, 10)):
        today = clock.today()
        rows = selectors.my_tasks_rows(list(selectors.my_tasks_queryset(personas.lead_liaison, today=today)),
                                       today=today)
    assert rows
    # Published on 10 March: February was never owed; March (due 5 April) is overdue on 10 April.
    assert {tuple(p.label for p in row.overdue) for row in rows} == {("2019年3月",)}


@pytest.mark.django_db
def test_it_plays_the_demo_on_the_pinned_day(client: Client) -> None:
    from django.core.management import call_command

    from luoshi.core.management.commands.demo import DEMO_TODAY
    from luoshi.orgs.models import User

    out = io.StringIO()
    with override_settings(LUOSHI_TODAY=DEMO_TODAY):
        call_command("demo", stdout=out)
        assert "演示日期：2018-08-03（示例）" in out.getvalue()
        client.force_login(User.objects.get(username="kjj"))
        home = client.get("/").content.decode()
        assert "今天是2018年8月3日" in home
        page = client.get(reverse("reports:my_tasks")).content.decode()
    # 3 August: the units are writing July's report (due 5 August); nothing is reported on for later months.
    page = page.replace("2018年8月3日", "").replace("2018年8月5日", "")  # today and July's due date
    assert "2018年7月" in page and "2018年8月" not in page
