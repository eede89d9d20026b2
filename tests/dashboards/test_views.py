"""The dashboards: every number equals the length of the list its link opens and what the database holds;
a unit sees only itself; the query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.assessment.models import Appeal
from luoshi.dashboards.selectors import leader_cache_key, plan_breakdown
from luoshi.indicators.models import IndexEdition
from luoshi.orgs.models import Unit
from luoshi.plans.models import Assignment, Task
from luoshi.plans.selectors import ledger_tasks
from luoshi.reports.models import Extension, Reminder, Report
from tests.conftest import Personas
from tests.dashboards.world import CITY_TURNOVER, TODAY, World, build, grow, report

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(personas: Personas, settings: Any) -> World:
    settings.LUOSHI_TODAY = TODAY
    return build(personas)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def list_count(client: Client, url: str) -> int:
    """The number of rows the list page at `url` holds (its paginator's count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    count: int = response.context["page"].paginator.count
    return count


def figure_links(html: str, container_id: str) -> dict[str, tuple[int, str]]:
    """data-figure -> (number shown, href) of the figure cards inside the element with `container_id`."""
    block = html[html.index(f'id="{container_id}"'):]
    block = block[:block.index("</div>")]
    found = re.findall(r'<a[^>]*href="([^"]+)"[^>]*data-figure="([^"]+)"[^>]*><span class="num">([^<]+)</span>', block)
    return {name: (int(number), unescape(href)) for href, name, number in found}


def table_links(html: str, table_id: str) -> list[tuple[int, str]]:
    """(number, href) of every linked number in the table with `table_id`."""
    block = html[html.index(f'id="{table_id}"'):]
    block = block[:block.index("</table>")]
    return [(int(number), unescape(href)) for href, number in re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', block)]


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(chunk) for chunk in re.findall(r"<svg\b.*?</svg>", html, re.S)]


# --- the leader's dashboard --------------------------------------------------------------------------------


def test_it_shows_the_plans_task_counts_each_linked_to_the_ledger_rows_it_counts(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    figures = figure_links(html, "plan-figures")
    assert set(figures) == {"total", "open", "closed", "overdue", "red", "amber", "green"}
    for name, (number, href) in figures.items():
        assert href.startswith(reverse("plans:ledger")) and f"plan={world.plan.pk}" in href
        assert list_count(client, href) == number, name
    items = Task.objects.filter(plan=world.plan, is_item=True, removed=False)
    assert figures["total"][0] == items.count() == 4
    # item 1 is past its 30 June deadline with 市科技局 and 市财政局 still open: red, and the only overdue item
    assert figures["overdue"][0] == items.filter(assignments__status="open", assignments__deadline__lt=TODAY
                                                 ).distinct().count() == 1
    # items 3 (the pilot zones never reported) and 4 (市科技局 owes January to June) owe two or more
    # overdue reports: red as well
    assert figures["red"][0] == 3
    assert figures["amber"][0] == 1  # item 2: 市经信委's deadline in five days, this period not accepted
    assert figures["red"][0] + figures["amber"][0] + figures["green"][0] == figures["total"][0]


def test_it_breaks_the_tasks_down_by_chapter_and_unit_with_every_cell_linked(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    for table in ("chapter-table", "unit-table"):
        cells = table_links(html, table)
        assert cells, table
        for number, href in cells:
            assert list_count(client, href) == number, (table, href)
    units = re.findall(r'<tr><td class="name">([^<]+)</td>\s*<td class="n"><a href="[^"]*">(\d+)</a>',
                       html[html.index('id="unit-table"'):])
    held = {name: int(n) for name, n in units}
    for name, count in held.items():
        assert count == Assignment.objects.filter(task__plan=world.plan, unit__name=name, active=True).count()
    assert held["市科技局"] == 2


def test_it_lists_overdue_assignments_with_days_and_reminders(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    overdue = Assignment.objects.filter(task__plan=world.plan, status="open", deadline__lt=TODAY)
    total = re.search(r'id="overdue-total">(\d+)<', html)
    assert total is not None and int(total.group(1)) == overdue.count() == 2
    assert list_count(client, reverse("dashboards:overdue", args=[world.plan.pk])) == 2
    rows = html[html.index('id="overdue-table"'):]
    rows = rows[:rows.index("</table>")]
    first = re.search(r"市科技局</td><td>2019年6月30日</td><td class=\"n\">(\d+)</td>\s*<td class=\"n\">"
                      r"<a [^>]*>(\d+)</a>", rows)
    assert first is not None
    assert int(first.group(1)) == (TODAY - dt.date(2019, 6, 30)).days == 41
    assert int(first.group(2)) == Reminder.objects.filter(assignment=world.overdue).count() == 3


def test_it_ranks_units_by_on_time_reporting(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    table = html[html.index('id="ontime-table"'):]
    table = table[:table.index("</table>")]
    linked = r'<td class="n"><a href="[^"]+">(\d+)</a></td>'
    rows = re.findall(r'<tr data-unit="\d+"><td class="n">(\d+)</td><td class="name"><a href="[^"]+">([^<]+)</a></td>'
                      rf'\s*{linked}{linked}{linked}\s*{linked}<td class="n">([^<]+)</td>', table)
    ranking = {name: (int(rank), int(owed), int(on_time), int(late), int(missing), rate)
               for rank, name, owed, on_time, late, missing, rate in rows}
    periods_due = world.plan.periods.filter(due_date__lt=TODAY).count()
    assert periods_due == 7  # January to July, the plan published on 2 January
    assert ranking["市经信委"] == (1, periods_due, 7, 0, 0, "100.0%")
    kjj = Assignment.objects.filter(task__plan=world.plan, unit__name="市科技局").count() * periods_due
    on_time = Report.objects.filter(assignment__unit__name="市科技局", is_late=False,
                                    status__in=("submitted", "returned", "accepted")).count()
    assert ranking["市科技局"][1:5] == (kjj, on_time, 1, kjj - on_time - 1)
    assert ranking["市科技局"][0] == 2
    assert [r[0] for r in sorted(ranking.values())] == sorted(r[0] for r in ranking.values())
    # choosing an earlier period counts only the periods due up to it
    march = world.periods[3]
    html = client.get(reverse("dashboards:leader"), {"plan": world.plan.pk, "period": march.pk}).content.decode()
    assert re.search(r'市经信委</a></td>\s*<td class="n"><a [^>]+>3</a></td><td class="n"><a [^>]+>3</a></td>', html)


def test_it_opens_the_reports_behind_each_on_time_ranking_number(world: World) -> None:
    client = client_for(world.personas.leader)
    march = world.periods[3]
    for params in ({}, {"plan": world.plan.pk, "period": march.pk}):
        html = client.get(reverse("dashboards:leader"), params).content.decode()
        for unit in ("市科技局", "市经信委"):
            row = html[html.index(f">{unit}</a></td>"):]
            row = row[:row.index("</tr>")]
            cells = [(int(n), unescape(href)) for href, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', row)]
            assert len(cells) == 4, row  # owed, on time, late, missing
            (owed, all_url), *states = cells
            assert list_count(client, all_url) == owed > 0
            for (number, url), state in zip(states, ("on_time", "late", "missing"), strict=True):
                page = client.get(url)
                assert page.context["page"].paginator.count == number, (unit, state, params)
                assert {row.state for row in page.context["page"].object_list} <= {state}
            assert sum(n for n, _url in states) == owed
    # a unit account, or another plan's id, finds nothing there
    unit = Unit.objects.get(name="市科技局")
    url = reverse("dashboards:unit_reporting", args=[world.plan.pk, unit.pk])
    assert client_for(world.personas.lead_liaison).get(url).status_code == 404
    assert client.get(reverse("dashboards:unit_reporting", args=[10**9, unit.pk])).status_code == 404
    assert client.get(url, {"period": "x", "state": "<script>"}).status_code == 200


def test_it_shows_the_plan_level_target_with_latest_actual_attainment_and_trend(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    section = html[html.index('id="h-targets"'):html.index('id="h-index"')]
    assert "技术交易额" in section and "全市" in section
    assert "初创" not in section and "高新技术企业" not in section  # 市科技局's item target is not plan-level
    assert re.search(r">70亿元\s*<span class=\"muted\">（2019-06）", section)
    assert f"{70 / 160 * 100:.1f}%" in section
    trend = svgs(section)[0]
    line = next(trend.iter(f"{SVG}polyline"))
    assert len(line.get("points", "").split()) == len([y for y in CITY_TURNOVER if y > 2019 - 6])


def test_it_shows_the_published_index_ranked_with_intervals_and_the_change_on_last_year(world: World) -> None:
    client = client_for(world.personas.leader)
    html = client.get(reverse("dashboards:leader")).content.decode()
    latest, previous = (IndexEdition.objects.get(year=year, status="published") for year in (2018, 2017))
    rank_now = {r["region"]: r["rank"] for r in latest.result["regions"]}
    rank_before = {r["region"]: r["rank"] for r in previous.result["regions"]}
    assert rank_now == {"西岗区": 1, "高新区": 2, "中山区": 3} and rank_before["西岗区"] == 3
    chart = next(svg for svg in svgs(html) if "chart-ranked" in svg.get("class", ""))
    assert chart.get("role") == "img"
    rows = [g for g in chart.iter(f"{SVG}g") if g.get("class") == "row"]
    assert [g.get("data-rank") for g in rows] == ["1", "2", "3"]
    labels = ["".join(t.itertext()) for g in rows for t in g.iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels == ["1. 西岗区", "2. 高新区", "3. 中山区"]
    changes = {el.get("data-change") for el in chart.iter(f"{SVG}text") if el.get("class") == "change"}
    assert changes == {str(rank_before[r] - rank_now[r]) for r in rank_now}
    intervals = {r["region"]: (r["rank_5"], r["rank_95"]) for r in latest.uncertainty["regions"]}
    table = html[html.index('id="index-table"'):]
    for region, (low, high) in intervals.items():
        assert re.search(rf"<td>{region}</td><td class=\"n\">[^<]+</td>\s*<td class=\"n\">{low}–{high}</td>", table)


def test_it_switches_plan_and_period_with_htmx_and_survives_bad_parameters(world: World) -> None:
    client = client_for(world.personas.leader)
    partial = client.get(reverse("dashboards:leader"), {"plan": world.plan.pk}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="dashboard">') and "<html" not in body
    for params in ({"plan": "abc", "period": "x"}, {"plan": 999999}, {"period": -1}):
        response = client.get(reverse("dashboards:leader"), params)
        assert response.status_code == 200
        assert 'id="plan-figures"' in response.content.decode()


def test_it_escapes_hostile_unit_and_task_names(world: World) -> None:
    from luoshi.orgs.models import Unit

    Unit.objects.filter(name="市经信委").update(name='<script>alert("x")</script>')
    html = client_for(world.personas.leader).get(reverse("dashboards:leader")).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    for svg in svgs(html):  # every chart is still well-formed markup
        assert svg.get("role") == "img"


# --- the office's desk ------------------------------------------------------------------------------------


def test_it_shows_the_office_what_waits_each_count_opening_its_list(world: World) -> None:
    client = client_for(world.personas.supervisor)
    html = client.get(reverse("dashboards:supervisor")).content.decode()
    figures = figure_links(html, "office-figures")
    assert figures["queue"][0] == Report.objects.filter(status="submitted").count() == 2
    assert figures["returned"][0] == Report.objects.filter(status="returned").count() == 1
    assert figures["extensions"][0] == Extension.objects.filter(status="pending").count() == 1
    assert figures["appeals"][0] == Appeal.objects.filter(status="pending").count() == 1
    # 市经信委's item is due in 5 days: within the next 7 days (the calendar week would end tomorrow, Sunday)
    assert figures["week-tasks"][0] == 1
    assert figures["closing"][0] == 0 and figures["answers"][0] == 0
    for name in ("queue", "returned", "extensions", "overdue-reports", "week-tasks", "closing", "answers"):
        number, href = figures[name]
        assert list_count(client, href) == number, name
    # every open assignment owes past reports except 市经信委's, filed every month
    assert figures["overdue-reports"][0] == Assignment.objects.filter(
        task__plan=world.plan, status="open").exclude(unit__name="市经信委").count() == 7
    # the July reports were due on Monday 5 August, the August ones on 5 September: none in the next 7 days
    assert table_links(html, "week-table") == []


def test_it_counts_reports_due_in_the_next_seven_days_on_a_sunday(world: World, settings: Any) -> None:
    """Sunday 1 September 2019: the August reports are due on Thursday 5 September. The calendar week ended
    today and showed nothing; the next 7 days show them."""
    settings.LUOSHI_TODAY = dt.date(2019, 9, 1)
    assert settings.LUOSHI_TODAY.weekday() == 6
    client = client_for(world.personas.supervisor)
    html = client.get(reverse("dashboards:supervisor")).content.decode()
    august = world.periods[8]
    cells = table_links(html, "week-table")
    assert cells == [(cells[0][0], reverse("dashboards:outstanding", args=[august.pk]))]
    owing = Assignment.objects.filter(task__plan=world.plan, active=True).exclude(
        pk__in=Report.objects.filter(period=august, status__in=("submitted", "accepted")).values("assignment"))
    assert cells[0][0] == owing.count() == list_count(client, cells[0][1]) > 0
    # the task deadlines too: an item due on Saturday 7 September counts, one due on the 8th does not
    Task.objects.filter(plan=world.plan, key="二/(二)/4").update(deadline=dt.date(2019, 9, 7))
    Task.objects.filter(plan=world.plan, key="二/(一)/2").update(deadline=dt.date(2019, 9, 8))
    figures = figure_links(client.get(reverse("dashboards:supervisor")).content.decode(), "office-figures")
    assert figures["week-tasks"][0] == 1 == list_count(client, figures["week-tasks"][1])


def test_it_counts_this_weeks_task_deadlines(world: World) -> None:
    Task.objects.filter(plan=world.plan, key="二/(一)/2").update(deadline=TODAY + dt.timedelta(days=30))
    Task.objects.filter(plan=world.plan, key="二/(二)/4").update(deadline=TODAY + dt.timedelta(days=1))
    client = client_for(world.personas.supervisor)
    figures = figure_links(client.get(reverse("dashboards:supervisor")).content.decode(), "office-figures")
    number, href = figures["week-tasks"]
    assert number == 1 == list_count(client, href)


# --- a unit's own page ------------------------------------------------------------------------------------


def test_it_shows_a_unit_its_own_tasks_targets_and_assessment(world: World) -> None:
    client = client_for(world.personas.lead_liaison)
    html = client.get(reverse("dashboards:unit")).content.decode()
    figures = figure_links(html, "unit-figures")
    for name, (number, href) in figures.items():
        assert list_count(client, href) == number, name
    own = Assignment.objects.filter(unit__name="市科技局", task__plan=world.plan)
    assert figures["open"][0] == own.filter(status="open").count() == 2
    assert figures["returned"][0] == 1
    assert figures["past-deadline"][0] == own.filter(deadline__lt=TODAY).count() == 1
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', html))
    assert int(counts["reminders"]) == Reminder.objects.filter(assignment__unit__name="市科技局").count() == 3
    assert int(counts["returns"]) == 1 and int(counts["late"]) == 1
    assert "高新技术企业" in html  # the target 市科技局 answers for
    assert "市经信委" not in html and "市财政局" not in html  # nothing of another unit


def test_it_refuses_another_units_dashboard_like_a_missing_one(world: World) -> None:
    kjj = world.overdue.unit_id
    other = client_for(world.personas.other_liaison)
    assert other.get(reverse("dashboards:unit_detail", args=[kjj])).status_code == 404
    assert other.get(reverse("dashboards:unit_detail", args=[999999])).status_code == 404
    assert other.get(reverse("dashboards:unit_detail", args=[world.amber.unit_id])).status_code == 200
    assert client_for(world.personas.leader).get(reverse("dashboards:unit_detail", args=[kjj])).status_code == 200
    for name in ("dashboards:leader", "dashboards:supervisor"):
        assert other.get(reverse(name)).status_code == 404
    assert client_for(world.personas.leader).get(reverse("dashboards:supervisor")).status_code == 404


def test_it_points_each_role_home_to_its_dashboard(world: World) -> None:
    for persona, target in (("leader", "dashboards:leader"), ("supervisor", "dashboards:supervisor"),
                            ("lead_liaison", "dashboards:unit")):
        client = client_for(getattr(world.personas, persona))
        home = client.get(reverse("home")).content.decode()
        assert f'href="{reverse(target)}"' in home, persona
        assert client.get(reverse("dashboards:index")).url == reverse(target)


# --- query counts do not grow with the data ----------------------------------------------------------------


PAGES = (("leader", "dashboards:leader", 40), ("supervisor", "dashboards:supervisor", 30),
         ("lead_liaison", "dashboards:unit", 30))


def test_it_runs_the_same_number_of_queries_at_two_data_sizes(world: World, settings: Any,
                                                              django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LUOSHI_DASHBOARD_CACHE_SECONDS = 0  # every request computes (the cache has its own test)

    def counts() -> dict[str, int]:
        found = {}
        for persona, name, limit in PAGES:
            client = client_for(getattr(world.personas, persona))
            client.get(reverse(name))  # session and caches warm
            with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            found[name] = len(queries)
        return found

    small = counts()
    grow(world, 60)
    assert Assignment.objects.filter(task__plan=world.plan).count() > 100
    large = counts()
    assert large == small


def test_it_serves_the_leader_dashboard_from_the_cache_until_an_audited_change(world: World, settings: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.reports.services import report_return

    settings.LUOSHI_DASHBOARD_CACHE_SECONDS = 60
    lead_alone = Assignment.objects.get(task__plan=world.plan, task__key="二/(二)/4")
    for month in range(1, 7):  # 市科技局 reported January to June on item 4: green, July submitted
        report(world.plan, lead_alone, world.periods[month], "accepted", world.personas.lead_head)
    client = client_for(world.personas.leader)
    url = reverse("dashboards:leader")
    with CaptureQueriesContext(connection) as computed:
        first = figure_links(client.get(url).content.decode(), "plan-figures")
    with CaptureQueriesContext(connection) as cached:
        assert figure_links(client.get(url).content.decode(), "plan-figures") == first
    assert len(cached) < len(computed) - 10
    # A change outside the services (no audit entry) waits for the cache to expire ...
    Task.objects.filter(plan=world.plan, key="二/(二)/4").update(removed=True)
    assert figure_links(client.get(url).content.decode(), "plan-figures")["total"][0] == first["total"][0]
    Task.objects.filter(plan=world.plan, key="二/(二)/4").update(removed=False)
    # ... one through a service shows at once: 市科技局's July report on item 4 returned turns the item amber.
    submitted = Report.objects.get(assignment__task__key="二/(二)/4", status="submitted")
    report_return(actor=world.personas.supervisor, report=submitted, comment="请补充。", version=submitted.version)
    after = figure_links(client.get(url).content.decode(), "plan-figures")
    assert after["amber"][0] == first["amber"][0] + 1
    assert after["amber"][0] == list_count(client, after["amber"][1])


@pytest.mark.parametrize("today", [TODAY, dt.date(2019, 7, 3), dt.date(2019, 5, 20)])
def test_it_counts_each_light_exactly_as_the_ledger_rates_each_item(world: World, today: dt.date) -> None:
    """The dashboard aggregates the ledger's rule in SQL: its counts are the ledger's per-item lights."""
    grow(world, 24)
    for n, a in enumerate(Assignment.objects.filter(task__key__startswith="二/(九)/").order_by("pk")):
        for month in range(1, 5 - n % 3):  # some owe nothing before May, some one or two months more
            report(world.plan, a, world.periods[month], "accepted", world.personas.supervisor)
        if n % 5 == 0:
            extension = Extension.objects.create(assignment=a, requested_deadline=dt.date(2019, 12, 31),
                                                 reason="协调。", status="granted",
                                                 requested_by=world.personas.supervisor)
            Extension.objects.filter(pk=extension.pk).update(requested_at=dt.datetime(2019, 7, 2, tzinfo=dt.UTC))
    for user in (world.personas.leader, world.personas.supervisor):
        lights = dict(ledger_tasks(user, today=today).filter(plan=world.plan).values_list("key", "rag"))
        breakdown = plan_breakdown(user, world.plan, today=today)
        counted = {rag: sum(1 for light in lights.values() if light == rag) for rag in ("red", "amber", "green")}
        assert {rag: breakdown.totals.counts[rag] for rag in counted} == counted, (user, today)
        for chapter in breakdown.chapters:
            chapter_key = Task.objects.get(plan=world.plan, parent=None, position=chapter.key).key
            in_chapter = [light for key, light in lights.items() if key.split("/")[0] == chapter_key]
            assert [chapter.counts[rag] for rag in counted] == [in_chapter.count(rag) for rag in counted]
    assert len({*lights.values()}) >= 2 or today != TODAY


def test_it_keys_the_cached_dashboard_by_the_day(world: World) -> None:
    """Reports turn overdue by the passage of time alone (no audit entry): the next day is a new cache entry."""
    keys = {leader_cache_key(plan_id="", period_id="", today=day, language="zh-hans")
            for day in (TODAY, TODAY + dt.timedelta(days=1))}
    assert len(keys) == 2
