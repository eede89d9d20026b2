"""Benchmark: the leader dashboard and the public page with 10,000 tasks, 20 concurrent clients, PostgreSQL,
gunicorn with the production settings.

1. Creates a throwaway PostgreSQL database (as bench/ledger.py does, whose data builder it reuses): one
   published, public plan of 10 chapters x 10 sections x 100 items (10,000 task items, 20,000 assignments
   over 100 units), periods, ~38,000 reports; plus reminders on the overdue assignments, a plan-level target
   on the city with six years of figures, twelve districts with two indicators and two published editions of
   a composite index (so the dashboard draws the ranked chart with rank intervals and the change on last
   year). ANALYZE after each load.
2. Counts the queries of the two pages (leader dashboard as an office account, public page anonymous) and
   times one request of each in this process (Django test client; the median of 5: wall-clock, SQL and this
   process's CPU time). The dashboard's rendered body is cached (keyed by the newest audit entry), so it is
   measured twice: as served (cache warm) and computed (cache off: what the first request after a change
   costs).
3. Starts gunicorn (LUOSHI_ENV=production) on 127.0.0.1; 20 clients (each logged in through the login form
   for the dashboard, without a session for the public page) request both pages back to back, `--rounds`
   times each, after one unmeasured warm-up request per page and client. Prints p50/p95/max per page and
   p95 / goal (200 ms).
4. Adds a second plan of the same size (2x data) and counts the queries again: they must not grow.

The public page is URL name "public:home"; if it does not resolve, it is skipped with a message.

Run: DATABASE_URL=postgres://luoshi:luoshi@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard.py
     [--tasks 10000] [--clients 20] [--rounds 10] [--workers 3] [--threads 2] [--keep] [--allow-sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ledger  # bench/ledger.py: the database, the data builder, gunicorn, HTTP sessions

GOAL_P95_MS = 200.0
REGIONS = 12
PUBLIC = "public:home"


def build_measures(*, author: Any, plan_ids: list[int], today: dt.date) -> None:
    """Reminders on overdue assignments, a plan-level target with figures, districts and two index editions."""
    from django.db import transaction

    from luoshi.indicators.catalogue import BUILTIN_CATALOGUE, catalogue_parse
    from luoshi.indicators.choices import RegionKind
    from luoshi.indicators.index import index_edition_compute, index_edition_publish, index_method_save
    from luoshi.indicators.models import Indicator, IndicatorTarget, Observation, Region
    from luoshi.indicators.services import catalogue_import
    from luoshi.plans.models import Assignment, Plan
    from luoshi.reports.models import Reminder

    with transaction.atomic():
        Plan.objects.filter(pk__in=plan_ids).update(is_public=True)
        overdue = list(Assignment.objects.filter(task__plan_id__in=plan_ids, status="open", deadline__lt=today)
                       .select_related("task__plan").order_by("pk"))
        periods = {p.plan_id: p for p in ledger_periods(plan_ids, today)}
        Reminder.objects.bulk_create([
            Reminder(assignment=a, period=periods[a.task.plan_id], kind="manual", message="请报送。", sent_by=author)
            for index, a in enumerate(overdue) if index % 3 == 0 and a.task.plan_id in periods], batch_size=5000)
        if not Indicator.objects.exists():
            catalogue_import(actor=author, entries=catalogue_parse(BUILTIN_CATALOGUE.read_text(encoding="utf-8")))
        indicators = {i.code: i for i in Indicator.objects.all()}
        city, _created = Region.objects.get_or_create(name="全市", defaults={"kind": RegionKind.CITY})
        districts = [Region.objects.get_or_create(name=f"基准区{n:02d}", defaults={
            "kind": RegionKind.DISTRICT, "sort_order": n})[0] for n in range(REGIONS)]
        turnover, enterprises = indicators["tech-contract-turnover"], indicators["high-tech-enterprises"]
        rows = [Observation(indicator=turnover, region=city, year=today.year - k, value=100.0 + 10 * k,
                            source="official", illustrative=True) for k in range(6)]
        for year in (today.year - 2, today.year - 1):
            for n, region in enumerate(districts):
                rows += [Observation(indicator=turnover, region=region, year=year, source="official",
                                     value=float(10 + (n * 7 + year) % 40), illustrative=True),
                         Observation(indicator=enterprises, region=region, year=year, source="official",
                                     value=float(100 + (n * 13 + year * 3) % 200), illustrative=True)]
        Observation.objects.bulk_create(rows, ignore_conflicts=True)
        for plan_id in plan_ids:
            IndicatorTarget.objects.get_or_create(plan_id=plan_id, indicator=turnover, year=today.year, region=city,
                                                  defaults={"comparator": ">=", "value": 160.0, "value_unit": "亿元"})
    if not ledger_editions():
        method = index_method_save(actor=author, text=METHOD)
        for year in (today.year - 2, today.year - 1):
            index_edition_publish(actor=author, edition=index_edition_compute(
                actor=author, method=method, year=year, draws=200))
    ledger.analyze()


METHOD = """
id: bench
version: "1"
title: 基准创新指数
indicators:
  - {name: turnover, source: tech-contract-turnover}
  - {name: hte, source: high-tech-enterprises}
index:
  name: index
  children:
    - {name: inputs, children: [hte]}
    - {name: outputs, children: [turnover]}
"""


def ledger_periods(plan_ids: list[int], today: dt.date) -> list[Any]:
    """The last period past due of each plan."""
    from luoshi.reports.models import ReportingPeriod

    latest: dict[int, Any] = {}
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids, due_date__lt=today).order_by("start"):
        latest[period.plan_id] = period
    return list(latest.values())


def ledger_editions() -> bool:
    from luoshi.indicators.models import IndexEdition

    return IndexEdition.objects.filter(status="published").exists()


def pages() -> list[tuple[str, str, str]]:
    """(label, path, who) of the measured pages; the public page only once it exists."""
    from django.urls import NoReverseMatch, reverse

    found = [("leader dashboard", reverse("dashboards:leader"), "office")]
    try:
        found.append(("public page", reverse(PUBLIC), "anonymous"))
    except NoReverseMatch:
        print(f"public page: URL name {PUBLIC!r} does not resolve yet: skipped", flush=True)
    return found


def profile(accounts: ledger.Accounts, measured: list[tuple[str, str, str]]) -> dict[str, ledger.Profile]:
    """One request of each page in this process; the dashboard also with its cache off (what a change costs)."""
    from django.test import override_settings

    found = {label: _profile_one(accounts, path, who, label) for label, path, who in measured}
    with override_settings(LUOSHI_DASHBOARD_CACHE_SECONDS=0):
        for label, path, who in measured:
            if who == "office":
                found[f"{label}, computed"] = _profile_one(accounts, path, who, label)
    return found


def _profile_one(accounts: ledger.Accounts, path: str, who: str, label: str) -> ledger.Profile:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if who == "office":
        client.force_login(accounts.office[0])
    client.get(path)  # warm (and, with the cache on, fills it)
    runs = []
    for _repeat in range(ledger.PROFILE_REPEATS):
        began, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        elapsed, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise ledger.BenchError(f"{label}: {path} answered {response.status_code} in the test client")
        runs.append((elapsed, cpu, queries))
    elapsed, _cpu, queries = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    times = [float(q["time"]) * 1000 for q in queries.captured_queries]
    slowest = max(range(len(times)), key=times.__getitem__) if times else -1
    return ledger.Profile(
        queries=len(queries), ms=elapsed, sql_ms=sum(times), cpu_ms=sorted(run[1] for run in runs)[len(runs) // 2],
        slowest=f"{times[slowest]:.0f} ms: {queries.captured_queries[slowest]['sql'][:90]}" if times else "")


def load(port: int, accounts: ledger.Accounts, measured: list[tuple[str, str, str]], *, clients: int,
         rounds: int) -> ledger.LoadResult:
    sessions = []
    for index in range(clients):
        office = ledger.Session(port)
        office.login(accounts.office[index].username, accounts.password)
        sessions.append({"office": office, "anonymous": ledger.Session(port)})
    return ledger.drive_load(sessions, measured, rounds=rounds)


def run(args: argparse.Namespace, database: ledger.Database, data_dir: str) -> int:
    ledger.setup_django(database, data_dir)
    from luoshi.core import clock

    today = clock.today()
    units, accounts = ledger.create_accounts(args.clients)
    author = accounts.office[0]
    first = ledger.build_plan(batch=1, task_count=args.tasks, units=units, author=author, today=today)
    build_measures(author=author, plan_ids=_plan_ids(), today=today)
    print(f"database: {database.label}; {first.tasks:,} tasks, {first.assignments:,} assignments over "
          f"{len(units)} units, {first.reports:,} reports; index on {REGIONS} districts; built in "
          f"{first.seconds:.1f} s", flush=True)
    measured = pages()
    load_before = os.getloadavg()[0]
    single = profile(accounts, measured)

    with ledger.production_server(database, data_dir, workers=args.workers, threads=args.threads) as port:
        mode = f"-w {args.workers}" + (f" --threads {args.threads}" if args.threads > 1 else " (sync)")
        print(f"gunicorn {mode} on {ledger.HOST}:{port}, production settings; {args.clients} clients x "
              f"{args.rounds} rounds x {len(measured)} pages, back to back", flush=True)
        result = load(port, accounts, measured, clients=args.clients, rounds=args.rounds)

    second = ledger.build_plan(batch=2, task_count=args.tasks, units=units, author=author, today=today)
    build_measures(author=author, plan_ids=_plan_ids(), today=today)
    double = profile(accounts, measured)

    print(f"\n{'one request':<28}{'queries 1x':>11}{'2x':>5}{'ms 1x':>8}{'SQL':>7}{'CPU':>7}{'ms 2x':>8}{'SQL':>7}"
          f"{'CPU':>7}  (in this process, test client, median of {ledger.PROFILE_REPEATS})")
    for label in single:
        one, two = single[label], double[label]
        print(f"{label:<28}{one.queries:>11}{two.queries:>5}{one.ms:>8.0f}{one.sql_ms:>7.0f}{one.cpu_ms:>7.0f}"
              f"{two.ms:>8.0f}{two.sql_ms:>7.0f}{two.cpu_ms:>7.0f}"
              f"  {'same' if two.queries <= one.queries else 'GROWS'}")
    print(f"(2x: a second plan of {second.tasks:,} tasks and {second.assignments:,} assignments; CPU: this "
          f"process's CPU time, the Python part; load average {load_before:.1f} before the 1x requests, "
          f"{os.getloadavg()[0]:.1f} now, on {os.cpu_count()} cores)")
    for label in single:
        print(f"  slowest query of {label} at 1x: {single[label].slowest}")

    total = sum(len(v) for v in result.latencies.values())
    print(f"\n{'latency ms':<18}{'n':>6}{'p50':>9}{'p95':>9}{'max':>9}{'p95/goal':>10}")
    worst = 0.0
    for label, values in result.latencies.items():
        if not values:
            print(f"{label:<18}{0:>6}  no answer")
            continue
        p95 = ledger.percentile(values, 0.95)
        worst = max(worst, p95)
        print(f"{label:<18}{len(values):>6}{ledger.percentile(values, 0.5):>9.0f}{p95:>9.0f}{max(values):>9.0f}"
              f"{p95 / GOAL_P95_MS:>10.2f}")
    print(f"{total:,} requests in {result.seconds:.1f} s ({total / result.seconds:.1f} per second), "
          f"{len(result.errors)} errors; goal p95 <= {GOAL_P95_MS:.0f} ms on 2 cores "
          f"(this machine: {os.cpu_count()} cores, load generator included)")
    for error in result.errors[:10]:
        print(f"  error: {error}")
    flat = all(double[label].queries <= single[label].queries for label in single)
    ok = flat and not result.errors and worst <= GOAL_P95_MS
    reasons = [text for failed, text in ((not flat, "query counts grow"), (bool(result.errors), "errors"),
                                         (worst > GOAL_P95_MS, "p95 over the goal")) if failed]
    print("OK" if ok else f"NOT OK: {', '.join(reasons)}")
    return 0 if ok else 1


def _plan_ids() -> list[int]:
    from luoshi.plans.models import Plan

    return list(Plan.objects.filter(status="published").values_list("pk", flat=True))


def main() -> int:
    return ledger.bench_main((__doc__ or "").splitlines()[0], run, think=False)


if __name__ == "__main__":
    sys.exit(main())
