"""Benchmark: the ledger, the unit's task page and the review queue with 10,000 tasks and 20,000 assignments.

1. Creates a throwaway PostgreSQL database next to the one in DATABASE_URL (luoshi_bench_<random>),
   migrates it and bulk-creates one published plan: 10 chapters x 10 sections x 100 items (10,000 task
   items), a lead and a supporting unit on each (20,000 assignments over 100 units), a target on every
   fifth item, the monthly periods, and reports on the last two periods past due and on the current one
   (accepted, submitted, returned, drafts) with their target actuals. Tables are ANALYZEd after each load,
   as autovacuum would have done on a live database.
2. Counts the queries of the three pages (the office's ledger, a unit's task list, the review queue) and of
   the unit's report form (a liaison opening the form of one task for the current period), and times one
   request of each (the median of 5: wall-clock, SQL and this process's CPU time), in this process through
   Django's test client: as served (their cached fragments warm) and computed (the fragment cache off: the
   first request after a change). Goal: <= 20 ms as served, at 1x and 2x data. Prints the load average.
3. Starts gunicorn with the production settings (LUOSHI_ENV=production, a generated SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false) on 127.0.0.1, logs 20 clients in through the login
   form (each client: an office account and a unit account, cookies kept by hand), warms the workers with
   one unmeasured request per page and client, then has the clients request the three pages back to back
   (--think adds a pause), `--rounds` times each, and with them the limit of this machine: a static file
   whitenoise serves and a trivial view (set_language's redirect), same clients, same run. Prints
   p50/p95/max per page, p95 / goal (150 ms) and p95 / the static file's p95 (goal <= 5), and the pages'
   throughput (goal >= 5x the 21.6 requests/s measured in issue 13).
4. Adds a second plan of the same size (2x data) and counts the queries again: they must not grow.
5. Stops gunicorn and drops the database, unless --keep.

Only 127.0.0.1 is contacted. With --keep, the database named in DATABASE_URL is used (it must exist and
hold no earlier bench data; it is migrated) and kept afterwards, with its data and the bench accounts.
SQLite is refused unless --allow-sqlite (then a temporary file, or DATABASE_URL's file with --keep).

Run: DATABASE_URL=postgres://luoshi:luoshi@127.0.0.1:5432/postgres .venv/bin/python bench/ledger.py
     [--tasks 10000] [--clients 20] [--rounds 10] [--workers 3] [--threads 2] [--think 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL_P95_MS = 150.0
GOAL_SERVER_MS = 20.0  # one request of a page in this process, at 1x and 2x data
GOAL_STATIC_RATIO = 5.0  # a page's p95 over the static file's p95 in the same run
BASELINE_THROUGHPUT = 21.6  # requests/s of the three pages measured in issue 13 (before the speed work)
GOAL_THROUGHPUT = 5 * BASELINE_THROUGHPUT
HOST = "127.0.0.1"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
CHAPTERS, SECTIONS = 10, 10
TARGET_EVERY = 5
UNIT_COUNT = 100
# A plan's source text as long as the Dalian plan's (29,398 characters): a page that loads it per row pays
# for it here as it would in use.
SOURCE_LINE = "推进重点工作，年底前完成建设任务并形成制度成果。（牵头单位：基准单位；配合单位：基准单位）\n"
SOURCE_TEXT = (SOURCE_LINE * 640)[:29_398]

# (label, URL name, which account of a client asks for it)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("ledger", "plans:ledger", "office"),
    ("unit tasks", "reports:my_tasks", "unit"),
    ("review queue", "plans:review_queue", "office"),
)

# The limit of this machine, requested by the same clients in the same run: a file whitenoise serves (no
# Django view) and a view that does nothing but the middleware (set_language's GET answers a redirect).
# (label, path, kind, expected status)
LIMITS: tuple[tuple[str, str, str, int], ...] = (
    ("static file", "/static/luoshi/luoshi.css", "unit", 200),
    ("trivial view", "/i18n/setlang/?next=/", "unit", 302),
)
STATIC_LABEL = LIMITS[0][0]

# The bench's office accounts log in with a password only: the second factor the production settings
# require of the office would send every page to the enrolment page. Pages, not logins, are measured.
BENCH_ACCOUNT_POLICY = {"LUOSHI_2FA_REQUIRED": "false"}


class BenchError(Exception):
    """A condition that stops the bench with a one-line message."""


# ---------------------------------------------------------------------------------------------------------
# The database: a throwaway one on the server of DATABASE_URL


@dataclass
class Database:
    url: str
    label: str
    drop: Callable[[], None] = lambda: None


def _postgres_conninfo(parts: urllib.parse.SplitResult, dbname: str) -> dict[str, Any]:
    return {"host": parts.hostname or HOST, "port": parts.port or 5432, "dbname": dbname,
            "user": urllib.parse.unquote(parts.username or ""), "password": urllib.parse.unquote(parts.password or "")}


def open_database(url: str, *, keep: bool, allow_sqlite: bool) -> Database:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        if not allow_sqlite:
            raise BenchError("DATABASE_URL is SQLite: this bench is about PostgreSQL "
                             "(pass --allow-sqlite to run it on SQLite anyway)")
        if keep:
            return Database(url=url, label=f"sqlite {parts.path}")
        folder = tempfile.mkdtemp(prefix="luoshi-bench-db-")
        return Database(url=f"sqlite:///{folder}/bench.sqlite3", label="sqlite (temporary file)",
                        drop=lambda: shutil.rmtree(folder, ignore_errors=True))
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(f"DATABASE_URL must be a PostgreSQL URL (postgres://…), not {parts.scheme or url!r}")
    if keep:
        return Database(url=url, label=f"postgresql {parts.path.lstrip('/')} (kept)")
    import psycopg
    from psycopg import sql

    name = f"luoshi_bench_{secrets.token_hex(4)}"
    maintenance = _postgres_conninfo(parts, "postgres")
    with psycopg.connect(**maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(**maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return Database(url=urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), label=f"postgresql {name}",
                    drop=drop)


def setup_django(database: Database, data_dir: str) -> None:
    """This process: development settings on the bench database (the test client needs 'testserver')."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.pop("LUOSHI_TODAY", None)  # the real date, as the production server (which refuses a pinned one)
    os.environ.update(DATABASE_URL=database.url, LUOSHI_DATA_DIR=data_dir, LUOSHI_ENV="development",
                      LUOSHI_DEBUG="false", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="luoshi.config.settings",
                      **BENCH_ACCOUNT_POLICY)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


# ---------------------------------------------------------------------------------------------------------
# Data


@dataclass
class Accounts:
    office: list[Any]
    unit: list[Any]
    password: str


@dataclass
class Built:
    tasks: int = 0
    assignments: int = 0
    reports: int = 0
    submitted: int = 0
    seconds: float = 0.0


def create_accounts(clients: int) -> tuple[list[Any], Accounts]:
    """100 units and, per client, an office account and a liaison of its own unit (one password hash)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from luoshi.orgs.models import Unit

    if get_user_model().objects.filter(username__startswith="bench_").exists():
        raise BenchError("the database already holds bench data (a kept run?): give --keep an empty database")
    units = Unit.objects.bulk_create([Unit(name=f"基准单位{i:03d}", kind="city_department", sort_order=i)
                                      for i in range(UNIT_COUNT)])
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    user_model = get_user_model()
    office = user_model.objects.bulk_create([
        user_model(username=f"bench_office_{i:02d}", role="supervisor", password=hashed) for i in range(clients)])
    unit = user_model.objects.bulk_create([
        user_model(username=f"bench_unit_{i:02d}", role="liaison", unit=units[i % len(units)], password=hashed)
        for i in range(clients)])
    return units, Accounts(office=office, unit=unit, password=password)



def build_plan(*, batch: int, task_count: int, units: list[Any], author: Any, today: dt.date) -> Built:
    """One published plan of `task_count` items with two units each, periods, reports and actuals."""
    from django.db import transaction

    from luoshi.plans.models import Assignment, Plan, Target, Task, TaskUnit
    from luoshi.reports.models import Report, TargetActual
    from luoshi.reports.selectors import current_period
    from luoshi.reports.services import periods_ensure

    started = time.perf_counter()
    built = Built()
    per_section = math.ceil(task_count / (CHAPTERS * SECTIONS))
    with transaction.atomic():
        plan = Plan.objects.create(
            title=f"基准工作要点（第{batch}批）", source_text=SOURCE_TEXT, status="published", year=today.year,
            published_at=dt.datetime(today.year, 1, 2, 9, tzinfo=dt.UTC), created_by=author)
        periods_ensure(plan=plan)
        periods = list(plan.periods.order_by("start"))
        now_period = current_period(periods, today)
        past = [p for p in periods if p.due_date < today][-2:]

        position = 0

        def task(parent: Any, key: str, label: str, level: int, text: str, is_item: bool) -> Any:
            nonlocal position
            position += 1
            return Task(plan=plan, parent=parent, key=key, label=label, level=level, position=position, text=text,
                        span_start=0, span_end=1, is_item=is_item)

        chapters = Task.objects.bulk_create([task(None, f"{c}", f"{c}、", 1, f"第{c}章 重点任务", False)
                                             for c in range(1, CHAPTERS + 1)])
        sections = Task.objects.bulk_create([task(ch, f"{ch.key}/{s}", f"（{s}）", 2, f"第{s}节 推进工作", False)
                                             for ch in chapters for s in range(1, SECTIONS + 1)])
        items: list[Any] = []
        for section in sections:
            for i in range(1, per_section + 1):
                if len(items) < task_count:
                    items.append(task(section, f"{section.key}/{i}", f"{i}.", 3,
                                      f"推进第{section.key}-{i}项重点工作，年底前完成建设任务并形成制度成果。", True))
        items = Task.objects.bulk_create(items, batch_size=2000)
        built.tasks = len(items)

        pairs = []  # (item index, task, unit, role)
        for index, item in enumerate(items):
            lead = units[index % len(units)]
            support = units[(index * 7 + 3) % len(units)]
            if support.pk == lead.pk:
                support = units[(index + 1) % len(units)]
            pairs += [(index, item, lead, "lead"), (index, item, support, "support")]
        TaskUnit.objects.bulk_create([TaskUnit(task=item, name=unit.name, unit=unit, role=role,
                                               position=0 if role == "lead" else 1)
                                      for _i, item, unit, role in pairs], batch_size=5000)
        targets = {item.pk: target for item, target in zip(
            items[::TARGET_EVERY],
            Target.objects.bulk_create([Target(task=item, text="新增企业100家", indicator="新增企业", value=100,
                                               unit="家", op=">=", year=today.year)
                                        for item in items[::TARGET_EVERY]], batch_size=2000), strict=True)}

        end_of_year = dt.date(today.year, 12, 31)

        def deadline(index: int) -> dt.date:
            # A quarter overdue (red), a quarter due within the week (amber), the rest at the year's end.
            return [today - dt.timedelta(days=1 + index % 30), today + dt.timedelta(days=index % 7),
                    end_of_year, end_of_year][index % 4]

        closed_at = dt.datetime(today.year, 6, 30, 9, tzinfo=dt.UTC)
        assignments = Assignment.objects.bulk_create([
            Assignment(task=item, unit=unit, role=role, deadline=deadline(index),
                       status="closed" if index % 20 == 0 else "open",
                       closed_at=closed_at if index % 20 == 0 else None,
                       closing_report="已完成。" if index % 20 == 0 else "")
            for index, item, unit, role in pairs], batch_size=5000)
        built.assignments = len(assignments)

        submitted_at = dt.datetime.combine(today, dt.time(8), tzinfo=dt.UTC)
        reports = []
        # Past periods: 60 % accepted, 20 % submitted, 5 % returned, 5 % drafts, 10 % missing.
        mix = ["accepted"] * 12 + ["submitted"] * 4 + ["returned", "draft"] + [None] * 2
        for period in past:
            for number, assignment in enumerate(assignments):
                status = mix[(number + period.pk) % len(mix)]
                if status is None:
                    continue
                reports.append(Report(
                    assignment=assignment, period=period, status=status, created_by=author, version=3,
                    progress="lagging" if number % 19 == 0 else "on_track", narrative=f"{period.label}：按计划推进。",
                    submitted_at=submitted_at - dt.timedelta(minutes=number) if status != "draft" else None,
                    accepted_at=submitted_at if status == "accepted" else None))
        if now_period is not None and now_period not in past:
            reports += [Report(assignment=assignment, period=now_period, status="submitted", created_by=author,
                               narrative="本期进展。", submitted_at=submitted_at - dt.timedelta(minutes=number))
                        for number, assignment in enumerate(assignments) if number % 10 == 0]
        reports = Report.objects.bulk_create(reports, batch_size=5000)
        built.reports = len(reports)
        built.submitted = sum(1 for r in reports if r.status == "submitted")
        TargetActual.objects.bulk_create([
            TargetActual(report=report, target=targets[report.assignment.task_id], value=40 + report.pk % 60)
            for report in reports if report.status == "accepted" and report.assignment.task_id in targets],
            batch_size=5000)
    analyze()
    built.seconds = time.perf_counter() - started
    return built


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give a live database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f'ANALYZE "{table}"')


# ---------------------------------------------------------------------------------------------------------
# Query counts through the test client


PROFILE_REPEATS = 5  # one request is timed as the median of this many (the machine may be shared)


REPORT_FORM = "report form"  # timed with the pages, not in the load: a unit opening the form of one task


@dataclass
class Profile:
    """One request of a page in this process: its queries, its time (median of PROFILE_REPEATS requests),
    the part of it spent in SQL (of the same request), and the CPU time of this process (median): the
    Python part, which other jobs on a shared machine inflate far less than the wall-clock time."""

    queries: int
    ms: float
    sql_ms: float
    slowest: str
    cpu_ms: float = 0.0


def report_form_path(accounts: Accounts) -> str:
    """The report form of the first unit account for its current period, on an open task it has not
    reported on yet in that period (what a liaison opens to report progress)."""
    from django.urls import reverse

    from luoshi.core import clock
    from luoshi.plans.models import Assignment
    from luoshi.reports.models import Report
    from luoshi.reports.selectors import current_period

    unit_id = accounts.unit[0].unit_id
    today = clock.today()
    for assignment in (Assignment.objects.filter(unit_id=unit_id, active=True, status="open")
                       .select_related("task__plan").order_by("pk")):
        period = current_period(list(assignment.task.plan.periods.all()), today)
        if period is not None and not Report.objects.filter(assignment=assignment, period=period).exists():
            return reverse("reports:report_edit", args=[assignment.pk, period.pk])
    raise BenchError("no open task without a report in the current period for the report form")


def profile_pages(accounts: Accounts, *, cached: bool = True) -> dict[str, Profile]:
    """As served (cached fragments warm), or with cached=False as computed: what the first request after a
    change costs (LUOSHI_DASHBOARD_CACHE_SECONDS=0 turns the fragment cache off). The report form caches
    nothing: both are the same for it."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    if not cached:
        with override_settings(LUOSHI_DASHBOARD_CACHE_SECONDS=0):
            return profile_pages(accounts)
    return _profile_pages(accounts, Client(), connection, CaptureQueriesContext)


def _profile_pages(accounts: Accounts, client: Any, connection: Any, capture: Any) -> dict[str, Profile]:
    from django.urls import reverse

    found = {}
    measured = [(label, reverse(url_name), kind) for label, url_name, kind in PAGES]
    measured.append((REPORT_FORM, report_form_path(accounts), "unit"))
    for label, url, kind in measured:
        client.force_login(accounts.office[0] if kind == "office" else accounts.unit[0])
        client.get(url)  # warm: the first request of a session loads things once
        runs = []
        for _repeat in range(PROFILE_REPEATS):
            began, cpu = time.perf_counter(), time.process_time()
            with capture(connection) as queries:
                response = client.get(url)
            elapsed, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
            if response.status_code != 200:
                raise BenchError(f"{label}: {url} answered {response.status_code} in the test client")
            runs.append((elapsed, cpu, queries))
        elapsed, _cpu, queries = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        times = [float(q["time"]) * 1000 for q in queries.captured_queries]
        slowest = max(range(len(times)), key=times.__getitem__) if times else -1
        found[label] = Profile(queries=len(queries), ms=elapsed, sql_ms=sum(times),
                               cpu_ms=sorted(run[1] for run in runs)[len(runs) // 2],
                               slowest=f"{times[slowest]:.0f} ms: {queries.captured_queries[slowest]['sql'][:90]}"
                               if times else "")
    return found


# ---------------------------------------------------------------------------------------------------------
# The production server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def production_server(database: Database, data_dir: str, *, workers: int, threads: int) -> Iterator[int]:
    """gunicorn with the production settings on 127.0.0.1; yields the port, stops it on the way out."""
    env = {**os.environ, "LUOSHI_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": database.url,
           "LUOSHI_DATA_DIR": data_dir, "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "luoshi.config.settings",
           **BENCH_ACCOUNT_POLICY}
    env.pop("LUOSHI_DEBUG", None)
    env.pop("LUOSHI_TODAY", None)
    python = sys.executable
    # The manifest storage of production needs collected static files, as a deployment would have.
    subprocess.run([python, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    port = free_port()
    command = [str(Path(python).parent / "gunicorn"), "luoshi.config.wsgi", "-w", str(workers),
               "-b", f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning"]
    if threads > 1:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited with status {server.returncode}")
            try:
                status, _headers, _body = Session(port).request("GET", "/login/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError("gunicorn did not answer /login/ within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------------------------------------------------
# Clients: standard library only, a cookie dict per session (the production cookies are Secure, which
# http.cookiejar would not send back over plain http to 127.0.0.1)


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Session:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        """One request on a fresh connection (Connection: close), cookies stored from the answer."""
        headers = {"Host": f"{HOST}:{self.port}", "Connection": "close", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, data

    def login(self, username: str, password: str) -> None:
        status, _headers, page = self.request("GET", "/login/")
        token = CSRF_FIELD.search(page.decode("utf-8", "replace"))
        if status != 200 or token is None:
            raise BenchError(f"the login page answered {status} without a CSRF token")
        status, headers, _body = self.request("POST", "/login/", {
            "username": username, "password": password, "csrfmiddlewaretoken": token.group(1), "next": "/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"login of {username} failed: {status} {headers.get('Location', '')}")


@dataclass
class LoadResult:
    latencies: dict[str, list[float]]
    errors: list[str]
    seconds: float


def run_load(port: int, accounts: Accounts, urls: dict[str, str], *, clients: int, rounds: int,
             think: float) -> LoadResult:
    """`clients` threads, each with its office and unit session, request the pages `rounds` times each."""
    sessions = []
    for index in range(clients):
        office, unit = Session(port), Session(port)
        office.login(accounts.office[index].username, accounts.password)
        unit.login(accounts.unit[index].username, accounts.password)
        sessions.append({"office": office, "unit": unit})
    measured = [(label, urls[label], kind) for label, _name, kind in PAGES]
    measured += [(label, path, kind) for label, path, kind, _status in LIMITS]
    limits = {label: status for label, _path, _kind, status in LIMITS}

    def complete(label: str, status: int, body: bytes) -> bool:
        if label in limits:
            return status == limits[label]
        return status == 200 and b"<table" in body

    return drive_load(sessions, measured, rounds=rounds, think=think, check=complete)


def drive_load(sessions: list[dict[str, Session]], measured: list[tuple[str, str, str]], *, rounds: int,
               think: float = 0.0, complete: Callable[[bytes], bool] = bool,
               check: Callable[[str, int, bytes], bool] | None = None) -> LoadResult:
    """One thread per client (`sessions[i]` maps a kind of visitor to its logged-in session) requests each
    (label, path, kind) of `measured` `rounds` times, back to back (`think` seconds apart); a response that is
    not 200 or not `complete` counts as an error (or, given `check(label, status, body)`, one it refuses).
    Every worker is warmed first (imports, templates, connections), unmeasured."""
    def accepted(label: str, status: int, body: bytes) -> bool:
        return check(label, status, body) if check is not None else status == 200 and complete(body)
    for own in sessions:
        for _label, path, kind in measured:
            own[kind].request("GET", path)
    latencies: dict[str, list[float]] = {label: [] for label, _path, _kind in measured}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(sessions) + 1)

    def client(index: int) -> None:
        own: dict[str, list[float]] = {label: [] for label in latencies}
        start.wait()
        for round_number in range(rounds):
            for offset in range(len(measured)):  # each client starts on a different page
                label, path, kind = measured[(index + round_number + offset) % len(measured)]
                began = time.perf_counter()
                try:
                    status, _headers, body = sessions[index][kind].request("GET", path)
                except OSError as exc:
                    with lock:
                        errors.append(f"{label}: {exc}")
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                if not accepted(label, status, body):
                    with lock:
                        errors.append(f"{label}: status {status}")
                own[label].append(elapsed)
                if think:
                    time.sleep(think)
        with lock:
            for label, values in own.items():
                latencies[label] += values

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return LoadResult(latencies=latencies, errors=errors, seconds=time.perf_counter() - began)


@dataclass
class LatencyReport:
    lines: list[str]
    worst: float  # the highest p95 of the pages (not of the limits)
    worst_ratio: float  # the highest page p95 over the static file's p95


def latency_report(load: LoadResult) -> LatencyReport:
    """Per page and limit: n, p50, p95, max, p95 over GOAL_P95_MS and over the static file's p95."""
    static = load.latencies.get(STATIC_LABEL) or []
    static_p95 = percentile(static, 0.95) if static else 0.0
    limits = {label for label, _path, _kind, _status in LIMITS}
    lines, worst, worst_ratio = [], 0.0, 0.0
    for label, values in load.latencies.items():
        if not values:
            lines.append(f"{label:<14}{0:>6}  no answer")
            continue
        p95 = percentile(values, 0.95)
        ratio = p95 / static_p95 if static_p95 else math.inf
        if label not in limits:
            worst, worst_ratio = max(worst, p95), max(worst_ratio, ratio)
        lines.append(f"{label:<14}{len(values):>6}{percentile(values, 0.5):>9.0f}{p95:>9.0f}{max(values):>9.0f}"
                     f"{p95 / GOAL_P95_MS:>10.2f}{ratio:>12.1f}")
    return LatencyReport(lines=lines, worst=worst, worst_ratio=worst_ratio)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# ---------------------------------------------------------------------------------------------------------


def bench_main(description: str, run_bench: Callable[[argparse.Namespace, Any, str], int], *,
               think: bool = True) -> int:
    """The command line shared by the server benches: options, DATABASE_URL, a throwaway database and data
    directory around `run_bench(args, database, data_dir)`, dropped afterwards unless --keep."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--tasks", type=int, default=10_000, help="task items per plan (two units each)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="requests per client and page")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (1: sync workers)")
    if think:
        parser.add_argument("--think", type=float, default=0.0, help="seconds a client waits between requests")
    parser.add_argument("--keep", action="store_true", help="use DATABASE_URL's database as it is and keep it")
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://luoshi:luoshi@127.0.0.1:5432/postgres "
              "(the bench creates and drops its own database there)", file=sys.stderr)
        return 2
    if args.clients > UNIT_COUNT:
        print(f"--clients is at most {UNIT_COUNT}", file=sys.stderr)
        return 2
    try:
        database = open_database(url, keep=args.keep, allow_sqlite=args.allow_sqlite)
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 2
    data_dir = tempfile.mkdtemp(prefix="luoshi-bench-data-")
    (Path(data_dir) / "static").mkdir()  # whitenoise warns about a missing static root otherwise
    try:
        return run_bench(args, database, data_dir)
    except BenchError as exc:
        print(f"NOT OK: {exc}", file=sys.stderr)
        return 1
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            database.drop()
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"kept: {database.label}; files in {data_dir}")


def main() -> int:
    return bench_main((__doc__ or "").splitlines()[0], run)


def run(args: argparse.Namespace, database: Database, data_dir: str) -> int:
    setup_django(database, data_dir)
    from django.urls import reverse

    from luoshi.core import clock

    today = clock.today()
    units, accounts = create_accounts(args.clients)
    author = accounts.office[0]
    first = build_plan(batch=1, task_count=args.tasks, units=units, author=author, today=today)
    print(f"database: {database.label}; {first.tasks:,} tasks, {first.assignments:,} assignments over "
          f"{len(units)} units, {first.reports:,} reports ({first.submitted:,} awaiting review); "
          f"built in {first.seconds:.1f} s", flush=True)
    load_before = os.getloadavg()[0]
    single, single_computed = profile_pages(accounts), profile_pages(accounts, cached=False)
    urls = {label: reverse(name) for label, name, _kind in PAGES}

    with production_server(database, data_dir, workers=args.workers, threads=args.threads) as port:
        mode = f"-w {args.workers}" + (f" --threads {args.threads}" if args.threads > 1 else " (sync)")
        print(f"gunicorn {mode} on {HOST}:{port}, production settings; {args.clients} clients x {args.rounds} "
              f"rounds x {len(PAGES)} pages, a static file and a trivial view"
              + (f", {args.think:g} s think time" if args.think else ", back to back"),
              flush=True)
        load = run_load(port, accounts, urls, clients=args.clients, rounds=args.rounds, think=args.think)

    second = build_plan(batch=2, task_count=args.tasks, units=units, author=author, today=today)
    double, double_computed = profile_pages(accounts), profile_pages(accounts, cached=False)

    load_now = os.getloadavg()[0]
    print(f"\n{'one request':<22}{'queries 1x':>11}{'2x':>5}{'ms 1x':>8}{'SQL':>7}{'CPU':>7}{'ms 2x':>8}{'SQL':>7}"
          f"{'CPU':>7}  (in this process, test client, median of {PROFILE_REPEATS}; goal <= {GOAL_SERVER_MS:.0f} ms)")
    slow_pages = []
    labels = [label for label, _name, _kind in PAGES] + [REPORT_FORM]

    def line(label: str, one: Profile, two: Profile) -> str:
        flat = "same" if two.queries <= one.queries else "GROWS"
        return (f"{label:<22}{one.queries:>11}{two.queries:>5}{one.ms:>8.0f}{one.sql_ms:>7.0f}{one.cpu_ms:>7.0f}"
                f"{two.ms:>8.0f}{two.sql_ms:>7.0f}{two.cpu_ms:>7.0f}  {flat}"
                f"  {max(one.ms, two.ms) / GOAL_SERVER_MS:.1f}x the goal")

    for label in labels:
        one, two = single[label], double[label]
        if max(one.ms, two.ms) > GOAL_SERVER_MS:
            slow_pages.append(label)
        print(line(label, one, two))
    for label, _name, _kind in PAGES:
        print(line(label + ", computed", single_computed[label], double_computed[label]))
    print("(computed: the cached fragments off, i.e. the first request after a change; the report form caches "
          "nothing. CPU: this process's CPU time, the Python part of the request)")
    print(f"(2x: a second plan of {second.tasks:,} tasks and {second.assignments:,} assignments; load average "
          f"{load_before:.1f} before the 1x requests, {load_now:.1f} now, on {os.cpu_count()} cores)")
    for label in labels:
        print(f"  slowest query of {label} at 1x: {single[label].slowest}")

    report = latency_report(load)
    print(f"\n{'latency ms':<14}{'n':>6}{'p50':>9}{'p95':>9}{'max':>9}{'p95/goal':>10}{'p95/static':>12}")
    for line in report.lines:
        print(line)
    page_labels = {label for label, _name, _kind in PAGES}
    page_requests = sum(len(v) for label, v in load.latencies.items() if label in page_labels)
    total = sum(len(v) for v in load.latencies.values())
    throughput = page_requests / load.seconds
    print(f"{total:,} requests in {load.seconds:.1f} s, {len(load.errors)} errors; the three pages: {page_requests:,} "
          f"({throughput:.1f} per second, goal >= {GOAL_THROUGHPUT:.0f}: 5x the {BASELINE_THROUGHPUT} of issue 13)")
    print(f"goals: p95 <= {GOAL_P95_MS:.0f} ms and <= {GOAL_STATIC_RATIO:.0f}x the static file's p95 in the same run "
          f"(this machine: {os.cpu_count()} cores, load generator included)")
    for error in load.errors[:10]:
        print(f"  error: {error}")

    flat = all(double[label].queries <= single[label].queries for label in single) and all(
        double_computed[label].queries <= single_computed[label].queries for label in single_computed)
    reasons = [text for failed, text in (
        (not flat, "query counts grow"), (bool(load.errors), "errors"),
        (bool(slow_pages), f"one request over {GOAL_SERVER_MS:.0f} ms ({', '.join(slow_pages)})"),
        (report.worst > GOAL_P95_MS, "p95 over the goal"),
        (report.worst_ratio > GOAL_STATIC_RATIO, f"p95 over {GOAL_STATIC_RATIO:.0f}x the static file's"),
        (throughput < GOAL_THROUGHPUT, "throughput under the goal")) if failed]
    ok = not reasons
    print("OK" if ok else f"NOT OK: {', '.join(reasons)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
