"""The API's permission matrix: every endpoint (list, detail, action) x every persona's token and no token.

ROWS says, per (URL name, method), who gets the granted status, who gets 403 (the object is theirs to see
but a domain rule refuses them, e.g. a liaison accepting its own report) and that everybody else gets 404,
exactly like a missing id (the same status and body); lists answer every account, and name the object
they must contain for exactly the accounts that may open it. A write marked audited must add an audit
entry; every other request adds none and leaves the objects it could touch unchanged.

An endpoint added without a row fails test_it_has_a_row_for_every_endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luoshi.core.models import AuditEntry
from luoshi.indicators.models import Observation
from luoshi.reports.models import Report, TargetActual
from tests.api.conftest import PERSONAS, World

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
ANONYMOUS = "anonymous"
MISSING = 987654321

OFFICE = frozenset({"supervisor"})  # 三员分立: the administrators read no business data
READERS = OFFICE | {"leader"}
LEAD = frozenset({"lead_liaison", "lead_head"})                      # 市科技局: owns the objects below
IN_PLAN = LEAD | {"support_liaison", "other_liaison", "zone_liaison"}  # units with an assignment in the plan
EVERYONE = frozenset(PERSONAS)


@dataclass(frozen=True)
class Row:
    """What one (URL name, method) answers each persona."""

    allowed: frozenset[str]                         # get `granted`
    granted: int = 200
    obj: Callable[[World], int] | None = None       # the object of a detail URL (its pk)
    forbidden: frozenset[str] = frozenset()         # get 403 with the service's message
    audited: frozenset[str] = frozenset()           # their request writes at least one audit entry
    body: Callable[[World], dict[str, Any]] | None = None
    listed: Callable[[World], int] | None = None    # a list: this id is in it exactly for `sees`
    sees: frozenset[str] = frozenset()
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    session: bool = False                           # a page (browser session), not the token API

    def __post_init__(self) -> None:
        assert self.audited <= self.allowed and not (self.forbidden & self.allowed)


def lst(listed: Callable[[World], int] | None = None, sees: frozenset[str] = frozenset()) -> Row:
    return Row(allowed=EVERYONE, listed=listed, sees=sees)


def detail(obj: Callable[[World], int], allowed: frozenset[str]) -> Row:
    return Row(allowed=allowed, obj=obj)


def _save_body(w: World) -> dict[str, Any]:
    return {"assignment": w.lead.pk, "period": w.february.pk, "version": w.draft.version, "progress": "lagging",
            "narrative": "二月：进度有所滞后。", "actuals": [{"target": w.target.pk, "value": 1500}],
            "answers": [{"instruction": w.instruction.pk, "text": "已按批示加快。"}]}


ROWS: dict[tuple[str, str], Row] = {
    ("api:api-root", GET): lst(),
    ("api:schema", GET): lst(),
    ("api:me", GET): lst(),
    ("api:docs", GET): Row(allowed=EVERYONE, session=True),
    ("api:token", GET): Row(allowed=EVERYONE, session=True),
    ("api:token", POST): Row(allowed=EVERYONE, session=True, audited=EVERYONE, body=lambda w: {"action": "issue"}),
    # --- plans --------------------------------------------------------------------------------------------
    ("api:plan-list", GET): lst(lambda w: w.plan.pk, READERS | IN_PLAN),
    ("api:plan-detail", GET): detail(lambda w: w.plan.pk, READERS | IN_PLAN),
    ("api:plan-tree", GET): detail(lambda w: w.plan.pk, READERS | IN_PLAN),
    ("api:task-list", GET): lst(lambda w: w.item1.pk, READERS | LEAD | {"support_liaison"}),
    ("api:task-detail", GET): detail(lambda w: w.item1.pk, READERS | LEAD | {"support_liaison"}),
    ("api:ledger-list", GET): lst(lambda w: w.item1.pk, READERS | LEAD | {"support_liaison"}),
    ("api:target-list", GET): lst(lambda w: w.target.pk, READERS | LEAD | {"support_liaison"}),
    ("api:target-detail", GET): detail(lambda w: w.target.pk, READERS | LEAD | {"support_liaison"}),
    ("api:assignment-list", GET): lst(lambda w: w.lead.pk, READERS | LEAD),
    ("api:assignment-detail", GET): detail(lambda w: w.lead.pk, READERS | LEAD),
    # --- reports ------------------------------------------------------------------------------------------
    ("api:period-list", GET): lst(lambda w: w.january.pk, READERS | IN_PLAN),
    ("api:period-detail", GET): detail(lambda w: w.january.pk, READERS | IN_PLAN),
    ("api:report-list", GET): lst(lambda w: w.draft.pk, READERS | LEAD),
    ("api:report-list", POST): Row(allowed=LEAD, audited=LEAD, body=_save_body),  # only the unit writes
    ("api:report-detail", GET): detail(lambda w: w.draft.pk, READERS | LEAD),
    ("api:report-approve", POST): Row(allowed=frozenset({"lead_head"}), obj=lambda w: w.draft.pk,
                                      forbidden=OFFICE | {"lead_liaison"}, audited=frozenset({"lead_head"}),
                                      body=lambda w: {"version": w.draft.version}),
    ("api:report-submit", POST): Row(allowed=frozenset({"lead_head"}), obj=lambda w: w.draft.pk,
                                     forbidden=OFFICE | {"lead_liaison"}, audited=frozenset({"lead_head"}),
                                     body=lambda w: {"version": w.draft.version}),
    ("api:report-accept", POST): Row(allowed=OFFICE, obj=lambda w: w.submitted.pk, forbidden=LEAD, audited=OFFICE,
                                     body=lambda w: {"version": w.submitted.version, "comment": "同意。"}),
    ("api:report-return", POST): Row(allowed=OFFICE, obj=lambda w: w.submitted.pk, forbidden=LEAD, audited=OFFICE,
                                     body=lambda w: {"version": w.submitted.version, "comment": "请补充数据。"}),
    ("api:instruction-list", GET): lst(lambda w: w.instruction.pk, READERS | LEAD | {"support_liaison"}),
    ("api:instruction-detail", GET): detail(lambda w: w.instruction.pk, READERS | LEAD | {"support_liaison"}),
    ("api:actual-list", GET): lst(lambda w: w.actual.pk, READERS | LEAD),
    ("api:actual-detail", GET): detail(lambda w: w.actual.pk, READERS | LEAD),
    # --- indicators ---------------------------------------------------------------------------------------
    ("api:indicator-list", GET): lst(lambda w: w.indicator_target.indicator_id, EVERYONE),
    ("api:indicator-detail", GET): detail(lambda w: w.indicator_target.indicator_id, EVERYONE),
    ("api:region-list", GET): lst(lambda w: w.zone_region.pk, READERS | {"zone_liaison"}),
    ("api:region-detail", GET): detail(lambda w: w.zone_region.pk, READERS | {"zone_liaison"}),
    ("api:indicator_target-list", GET): lst(lambda w: w.indicator_target.pk, READERS | LEAD),
    ("api:indicator_target-detail", GET): detail(lambda w: w.indicator_target.pk, READERS | LEAD),
    ("api:observation-list", GET): lst(lambda w: w.zone_observation.pk, READERS | {"zone_liaison"}),
    ("api:observation-list", POST): Row(allowed=OFFICE, granted=201, audited=OFFICE, body=lambda w: {
        "indicator": "tech-contract-turnover", "region": w.zone_region.pk, "year": 2019, "through_month": 6,
        "value": 12.5, "source": "official"}),
    ("api:observation-detail", GET): detail(lambda w: w.zone_observation.pk, READERS | {"zone_liaison"}),
    ("api:index_edition-list", GET): lst(lambda w: w.edition.pk, EVERYONE),  # published: every account
    ("api:index_edition-detail", GET): detail(lambda w: w.edition_draft.pk, OFFICE),  # a draft: the office
    # --- assessment ---------------------------------------------------------------------------------------
    ("api:rubric-list", GET): lst(lambda w: w.rubric.pk, READERS),
    ("api:rubric-detail", GET): detail(lambda w: w.rubric.pk, READERS),
    ("api:score-list", GET): lst(lambda w: w.score.pk, READERS | LEAD),
    ("api:score-detail", GET): detail(lambda w: w.score.pk, READERS | LEAD),
}


def _api_routes() -> dict[str, set[str]]:
    """Every named URL under the api namespace with the methods it serves (HEAD/OPTIONS aside)."""
    routes: dict[str, set[str]] = {}

    def walk(patterns: Any, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and prefix.startswith("api:"):
                actions = getattr(pattern.callback, "actions", None)
                if actions is not None:
                    methods = {m.upper() for m in actions}
                elif hasattr(pattern.callback, "cls"):  # an APIView (the schema)
                    methods = {m.upper() for m in pattern.callback.cls.http_method_names if hasattr(
                        pattern.callback.cls, m)} - {"OPTIONS", "HEAD"}
                else:
                    methods = {GET, POST} if pattern.name == "token" else {GET}
                routes.setdefault(f"{prefix}{pattern.name}", set()).update(methods - {"HEAD", "OPTIONS"})

    walk(get_resolver().url_patterns, "")
    return routes


def test_it_has_a_row_for_every_endpoint() -> None:
    routes = _api_routes()
    assert "api:report-accept" in routes and routes["api:report-list"] == {GET, POST}
    expected = {(name, method) for name, methods in routes.items() for method in methods}
    assert expected - set(ROWS) == set(), "endpoints without a row"
    assert set(ROWS) - expected == set(), "rows for endpoints that do not exist"


def _url(name: str, row: Row, world: World, pk: int | None = None) -> str:
    kwargs = row.kwargs(world)
    if row.obj is not None:
        kwargs["pk"] = row.obj(world) if pk is None else pk
    return reverse(name, kwargs=kwargs or None)


def _send(world: World, name: str, method: str, persona: str, row: Row, pk: int | None = None) -> Any:
    url = _url(name, row, world, pk)
    if row.session:
        client: Any = Client()
        if persona != ANONYMOUS:
            client.force_login(world.users[persona])
    else:
        client = world.client(None if persona == ANONYMOUS else persona)
    if row.listed is not None:
        url += "?page_size=200"
    if method == GET:
        return client.get(url)
    body = row.body(world) if row.body else {}
    if row.session:
        return client.post(url, body)
    return client.post(url, body, format="json")


def _state(world: World) -> tuple[Any, ...]:
    reports = tuple(Report.objects.order_by("pk").values_list("status", "version", "progress", "narrative"))
    actuals = tuple(TargetActual.objects.order_by("pk").values_list("value"))
    return reports, actuals, Observation.objects.count()


CASES = [pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
         for (name, method) in ROWS for persona in (*PERSONAS, ANONYMOUS)]


@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_it_answers_as_the_matrix_says(api_world: World, name: str, method: str, persona: str) -> None:
    row = ROWS[name, method]
    audit_before = AuditEntry.objects.changes().count()
    state_before = _state(api_world)
    response = _send(api_world, name, method, persona, row)

    if persona == ANONYMOUS:
        expected = 302 if row.session else 401
    elif persona in row.allowed:
        expected = row.granted
    elif persona in row.forbidden:
        expected = 403
    else:
        expected = 404
    assert response.status_code == expected, response.content[:500]

    if persona in row.audited:
        assert AuditEntry.objects.changes().count() > audit_before, "an allowed write is audited"
    else:
        assert AuditEntry.objects.changes().count() == audit_before, "nothing else writes an audit entry"
        assert _state(api_world) == state_before, "a refused or read request changes nothing"

    if expected == 403:
        assert response.json()["code"] == "forbidden" and response.json()["detail"]
    if expected == 404 and row.obj is not None:
        # Another unit's object answers exactly like an id that does not exist.
        missing = _send(api_world, name, method, persona, row, pk=MISSING)
        assert (missing.status_code, missing.json()) == (404, response.json())
    if row.listed is not None and expected == 200 and name != "api:schema":
        ids = {item["id"] for item in response.json()["results"]}
        assert (row.listed(api_world) in ids) == (persona in row.sees), ids


def test_it_lists_only_what_the_detail_opens(api_world: World) -> None:
    """For every list and persona, each listed object also opens on its detail URL (and nothing else shows)."""
    for (name, method), row in ROWS.items():
        detail_name = name.replace("-list", "-detail")
        if method != GET or row.listed is None or (detail_name, GET) not in ROWS:
            continue
        for persona in ("supervisor", "lead_liaison", "other_liaison", "zone_liaison", "outsider"):
            client = api_world.client(persona)
            listed = client.get(reverse(name) + "?page_size=200").json()["results"]
            for item in listed:
                assert client.get(reverse(detail_name, kwargs={"pk": item["id"]})).status_code == 200, (name, item)


def test_it_refuses_writes_on_read_only_endpoints(api_world: World) -> None:
    routes = _api_routes()
    client = api_world.client("supervisor")
    for (name, _method), row in ROWS.items():
        if row.session or POST in routes[name]:
            continue
        response = client.post(_url(name, row, api_world), {}, format="json")
        assert response.status_code == 405, name
        assert client.delete(_url(name, row, api_world)).status_code == 405, name


def test_it_refuses_a_wrong_or_revoked_token(api_world: World) -> None:
    from luoshi.api.services import api_token_revoke

    url = reverse("api:plan-list")
    client = api_world.client(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(url).status_code == 401
    lead = api_world.client("lead_liaison")
    assert lead.get(url).status_code == 200
    api_token_revoke(actor=api_world.users["lead_liaison"], user=api_world.users["lead_liaison"])
    assert lead.get(url).status_code == 401


def test_it_hides_headings_and_other_units_reports_from_a_unit(api_world: World) -> None:
    heading = reverse("api:task-detail", kwargs={"pk": api_world.heading.pk})
    assert api_world.client("supervisor").get(heading).status_code == 200
    assert api_world.client("lead_liaison").get(heading).status_code == 404
    other = reverse("api:report-detail", kwargs={"pk": api_world.other_report.pk})
    assert api_world.client("other_liaison").get(other).status_code == 200
    assert api_world.client("lead_head").get(other).status_code == 404
    observation = reverse("api:observation-detail", kwargs={"pk": api_world.other_observation.pk})
    assert api_world.client("zone_liaison").get(observation).status_code == 404
    assert api_world.client("leader").get(observation).status_code == 200
    published = reverse("api:index_edition-detail", kwargs={"pk": api_world.edition.pk})
    assert api_world.client("outsider").get(published).status_code == 200
