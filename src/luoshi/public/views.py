"""The public transparency pages (no login): plans marked public, indicators, the innovation index, a feed.

Pages are rendered without the request's context processors (render_to_string without a request): they
never read the session, the user or the CSRF token, so every visitor gets the same cacheable response
(see caching.py). What may appear is decided in selectors.py, which states the rule.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

import yaml
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luoshi.core import charts, clock
from luoshi.indicators.index import edition_rows, method_of

from . import selectors
from .caching import ENGLISH, page_number, public_page

STATUS_COLORS = {selectors.CLOSED: charts.RAG_COLORS["green"], selectors.IN_PROGRESS: charts.DEFAULT_COLOR,
                 selectors.OVERDUE: charts.RAG_COLORS["red"], selectors.NOT_ASSIGNED: charts.RAG_COLORS["grey"]}


def _status_series() -> list[charts.Series]:
    return [charts.Series(key, str(selectors.TASK_STATUS_LABELS[key]), STATUS_COLORS[key])
            for key in selectors.STATUS_ORDER]


def _page(request: HttpRequest, template: str, section: str, context: dict[str, Any]) -> HttpResponse:
    english = get_language() == ENGLISH
    context = {"english": english, "q": "?lang=en" if english else "", "path": request.path,
               "rule": selectors.PUBLICATION_RULE, "section": section, **context}
    return HttpResponse(render_to_string(template, context))


@public_page
def home(request: HttpRequest) -> HttpResponse:
    summaries = selectors.plan_summaries(today=clock.today())
    return _page(request, "public/home.html", "home", {
        "summaries": summaries, "editions": selectors.latest_editions()[:3],
        "status_rule": selectors.STATUS_RULE, "today": clock.today()})


def _page_links(request: HttpRequest, number: int, pages: int) -> list[tuple[int | None, str]]:
    """(page number, URL) around the current page, with None for a gap; the language kept."""
    english = get_language() == ENGLISH
    shown = sorted({1, pages, *range(max(1, number - 3), min(pages, number + 3) + 1)})
    links: list[tuple[int | None, str]] = []
    for n in shown:
        if links and links[-1][0] is not None and n - links[-1][0] > 1:  # type: ignore[operator]
            links.append((None, ""))
        query = {"page": n} if n > 1 else {}
        if english:
            query["lang"] = ENGLISH  # type: ignore[assignment]
        links.append((n, request.path + (f"?{urlencode(query)}" if query else "")))
    return links


@public_page
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.public_plan_get(pk)
    page = selectors.plan_page(plan, today=clock.today(), number=page_number(request), size=selectors.PAGE_SIZE)
    chart, chart_title = None, _("各部分任务办理状态")
    if page.chapters:
        # Narrow enough to stay legible when a phone scales it down to its width.
        chart = charts.stacked_bar_chart(
            [charts.StackRow(name, counts) for name, counts in page.chapters], _status_series(),
            title=chart_title, description=_("按计划的各部分统计任务项的办理状态。"), width=460)
    return _page(request, "public/plan.html", "home", {
        "plan": plan, "page": page, "nodes": page.nodes, "counts": page.counts, "chart": chart,
        "chart_title": chart_title, "page_links": _page_links(request, page.number, page.pages),
        "labels": selectors.TASK_STATUS_LABELS, "status_rule": selectors.STATUS_RULE, "today": clock.today()})


@public_page
def indicators(request: HttpRequest) -> HttpResponse:
    english = get_language() == ENGLISH
    blocks = []
    for series in selectors.indicator_series():
        indicator = series.indicator
        name = indicator.name_en if english and indicator.name_en else indicator.name_zh
        suffix = f" {indicator.unit}"
        figures = []
        if len(series.city) >= 2:  # one figure is no trend: the page states it in words instead
            target = series.target[0] if series.target and series.target[1] == indicator.unit else None
            title = _("%(name)s：%(region)s历年") % {"name": name, "region": series.city_region}
            figures.append((title, charts.line_chart(
                series.city, title=title, suffix=suffix, target=target,
                description=_("虚线为公开计划中的目标值。") if target is not None else "")))
        if series.regions:
            title = _("%(name)s：各地区（%(period)s）") % {"name": name, "period": series.regions_year}
            figures.append((title, charts.bar_chart(
                [charts.Bar(region, value) for region, value in series.regions], title=title, suffix=suffix,
                width=480)))
        blocks.append({"series": series, "name": name, "figures": figures})
    return _page(request, "public/indicators.html", "indicators", {
        "blocks": blocks, "any_illustrative": any(block["series"].illustrative for block in blocks)})


def _edition_context(edition: Any) -> dict[str, Any]:
    method = method_of(edition.method)
    rows = edition_rows(edition)
    previous = selectors.previous_edition(edition)
    last_rank = {row.region: row.rank for row in edition_rows(previous)} if previous else {}
    chart_title = _("%(title)s %(year)d：指数与排名区间") % {
        "title": edition.method.title or edition.method.method_id, "year": edition.year}
    chart = charts.ranked_interval_chart(
        [charts.RankedItem(row.region, row.index, row.rank, row.rank_5, row.rank_95,
                           change=(last_rank[row.region] - row.rank) if row.rank and last_rank.get(row.region)
                           else None) for row in rows if row.rank],
        title=chart_title, decimals=3,
        description=_("条形为指数得分；右侧圆点为排名，横线为蒙特卡洛模拟的5%–95%排名区间。"))
    pillars = [node.name for node in method.nodes() if node.name != method.index.name]
    lines = [(row, [row.pillars.get(name) for name in pillars]) for row in rows]
    return {"edition": edition, "chart": chart, "chart_title": chart_title, "lines": lines, "pillars": pillars,
            "previous": previous,
            "description": method.describe("en" if get_language() == ENGLISH else "zh"), "stem": _stem(edition),
            "indicator_codes": sorted({row["indicator"] for row in edition.data_rows})}


@public_page
def index_home(request: HttpRequest) -> HttpResponse:
    editions = selectors.latest_editions()
    context: dict[str, Any] = {"editions": editions}
    if editions:
        context.update(_edition_context(selectors.published_edition_get(editions[0].pk)))
    return _page(request, "public/index.html", "index", context)


@public_page
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.published_edition_get(pk)
    return _page(request, "public/index.html", "index", {"editions": selectors.latest_editions(),
                                                **_edition_context(edition)})


def _download(data: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _stem(edition: Any) -> str:
    stem = f"{edition.method.method_id}-{edition.method.version}-{edition.year}-{edition.number}"
    return f"{stem}-illustrative" if edition.illustrative else stem


@public_page
def edition_method_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    """The method document in canonical form: what the edition was computed with (same fingerprint)."""
    edition = selectors.published_edition_get(pk)
    text = yaml.safe_dump(edition.method.document, allow_unicode=True, sort_keys=False)
    return _download(text, f"{_stem(edition)}-method.yaml", "application/yaml")


@public_page
def edition_method_json(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.published_edition_get(pk)
    text = json.dumps(edition.method.document, ensure_ascii=False, indent=2) + "\n"
    return _download(text, f"{_stem(edition)}-method.json", "application/json")


@public_page
def edition_data_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every figure the edition read, as long rows (region, indicator, year, value): compindex's Dataset."""
    edition = selectors.published_edition_get(pk)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["region", "indicator", "year", "value"])
    for row in edition.data_rows:
        writer.writerow([row["region"], row["indicator"], row["year"], repr(float(row["value"]))])
    return _download(out.getvalue(), f"{_stem(edition)}-data.csv", "text/csv")

