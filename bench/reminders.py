"""Benchmark: the reminder sweep over 100,000 assignments, then a second run that must send nothing.

Builds a published plan with 500 task items assigned to each of 200 units (100,000 assignments, all
with bulk_create), two accounts per unit, published on 1 June 2019 (so June is the first period it
chases), where 10 % of the assignments already submitted their June report. Then times
`reminders_sweep` three days before the due day (goal: at most 10 s), times it again (it must claim
and send nothing), and times the overdue sweep after the due day, twice as well.

Runs on the configured database: a fresh SQLite file in a temporary folder by default, or the database
of DATABASE_URL (use a throwaway PostgreSQL database: the bench adds its rows and leaves them).
E-mails go to the in-memory backend so they are counted, not printed.

Run: .venv/bin/python bench/reminders.py [--units 200] [--tasks 500]
     DATABASE_URL=postgres://user:pass@localhost/luoshi_bench .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 10.0
SUBMITTED_EVERY = 10  # one assignment in ten already submitted its June report
BEFORE = dt.date(2019, 7, 2)
AFTER = dt.date(2019, 7, 6)


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    if "DATABASE_URL" not in os.environ:
        os.environ["LUOSHI_DATA_DIR"] = tempfile.mkdtemp(prefix="luoshi-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(unit_count: int, task_count: int) -> tuple[int, float]:
    """The plan, units, accounts, assignments and some submitted reports; returns (assignments, seconds)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from luoshi.orgs.models import Unit
    from luoshi.plans.models import Assignment, Plan, Task
    from luoshi.reports.models import Report
    from luoshi.reports.services import periods_ensure

    started = time.perf_counter()
    stamp = f"{time.time_ns():x}"
    with transaction.atomic():
        plan = Plan.objects.create(title=f"基准计划 {stamp}", source_text="", status="published", year=2019,
                                   published_at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
        periods_ensure(plan=plan)
        june = plan.periods.get(start=dt.date(2019, 6, 1))
        units = Unit.objects.bulk_create([Unit(name=f"基准单位{stamp}-{i:04d}", sort_order=i)
                                          for i in range(unit_count)])
        user_model = get_user_model()
        users = user_model.objects.bulk_create([
            user_model(username=f"b{stamp}-{unit.pk}-{role}", role=role, unit=unit, password="!",
                       email=f"{role}-{unit.pk}@bench.example")
            for unit in units for role in ("liaison", "head")])
        tasks = Task.objects.bulk_create([
            Task(plan=plan, key=f"{i}", label=str(i), level=1, position=i, text=f"基准任务{i}：推进某项工作落实。",
                 span_start=0, span_end=1, is_item=True) for i in range(task_count)], batch_size=2000)
        assignments = Assignment.objects.bulk_create([
            Assignment(task=task, unit=unit, role="responsible") for task in tasks for unit in units],
            batch_size=5000)
        author = users[0]
        Report.objects.bulk_create([
            Report(assignment=a, period=june, status="submitted", created_by=author)
            for a in assignments[::SUBMITTED_EVERY]], batch_size=5000)
    return len(assignments), time.perf_counter() - started


def timed_sweep(today: dt.date) -> tuple[float, int, int, int]:
    """(seconds, reminders claimed, e-mails sent, notifications) of one sweep, e-mails counted from outbox."""
    from django.core import mail

    from luoshi.reports.reminders import reminders_sweep

    mail.outbox = []
    started = time.perf_counter()
    result = reminders_sweep(today=today)
    seconds = time.perf_counter() - started
    return seconds, result.claimed, len(mail.outbox), result.notifications


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    count, build_seconds = build(args.units, args.tasks)
    print(f"database: {connection.vendor}; assignments: {count:,} ({args.tasks} items x {args.units} units); "
          f"built in {build_seconds:.1f} s", flush=True)
    expected = count - len(range(0, count, SUBMITTED_EVERY))
    first = timed_sweep(BEFORE)
    second = timed_sweep(BEFORE)
    overdue = timed_sweep(AFTER)
    again = timed_sweep(AFTER)
    rows = (("before due, first run", first), ("before due, second run", second),
            ("overdue, first run", overdue), ("overdue, second run", again))
    print(f"{'sweep':<24}{'seconds':>9}{'reminders':>11}{'e-mails':>9}{'notices':>9}")
    for label, (seconds, claimed, emails, notices) in rows:
        print(f"{label:<24}{seconds:>9.2f}{claimed:>11,}{emails:>9,}{notices:>9,}")
    print(f"expected reminders per kind: {expected:,} (10 % already submitted); "
          f"goal <= {GOAL_SECONDS:.0f} s: first run at {first[0] / GOAL_SECONDS:.0%} of the budget")
    ok = (first[1] == overdue[1] == expected and second[1:] == (0, 0, 0) and again[1:] == (0, 0, 0)
          and first[0] <= GOAL_SECONDS)
    print("OK" if ok else "NOT OK")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
