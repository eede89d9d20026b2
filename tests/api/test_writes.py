"""The API's writes behave like the pages': the same services, the same rules, the same audit trail.

A unit files a report with its actual values, its head submits it and the office accepts it; a stale
version is 409, a broken rule 400 with the service's message and nothing stored; the office posts
figures that become revisions. Also: tokens (issued audited, shown once, rotated, by command), the rate
limit, and the reference page built from the schema with no outside assets.
"""

from __future__ import annotations

import hashlib
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from luoshi.api.models import ApiToken
from luoshi.core.models import AuditEntry
from luoshi.indicators.models import Observation
from luoshi.plans.models import Target
from luoshi.reports.models import Notification, Report, TargetActual
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


def _actions(since: int) -> list[str]:
    return list(AuditEntry.objects.changes().filter(pk__gt=since).order_by("pk").values_list("action", flat=True))


def _last_audit() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_it_files_submits_and_accepts_a_report_with_actuals(api_world: World,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    w = api_world
    march = w.plan.periods.get(start__month=3)
    mark = _last_audit()
    saved = w.client("lead_liaison").post(REPORTS, {
        "assignment": w.lead.pk, "period": march.pk, "progress": "on_track", "narrative": "三月：新增企业1500家。",
        "actuals": [{"target": w.target.pk, "value": 1500}],
        "answers": [{"instruction": w.instruction.pk, "text": "已按批示加快。"}]}, format="json")
    assert saved.status_code == 201, saved.content
    body = saved.json()
    assert (body["status"], body["version"], body["unit_name"]) == ("draft", 1, "市科技局")
    assert body["actuals"] == [{"id": body["actuals"][0]["id"], "target": w.target.pk, "value": 1500.0, "note": ""}]
    report = Report.objects.get(pk=body["id"])
    assert TargetActual.objects.get(report=report, target=w.target).value == 1500.0
    assert _actions(mark) == ["report.create"]

    # The liaison may not submit a draft the head has not approved: 403 with the service's reason.
    refused = w.client("lead_liaison").post(f"{REPORTS}{report.pk}/submit/", {"version": 1}, format="json")
    assert refused.status_code == 403 and "负责人" in refused.json()["detail"]
    submitted = w.client("lead_head").post(f"{REPORTS}{report.pk}/submit/", {"version": 1}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert [r["action"] for r in submitted.json()["reviews"]] == ["submit"]

    mark = _last_audit()
    with django_capture_on_commit_callbacks(execute=True):  # the unit is notified after commit
        accepted = w.client("supervisor").post(f"{REPORTS}{report.pk}/accept/",
                                               {"version": submitted.json()["version"], "comment": "同意。"},
                                               format="json")
    assert accepted.status_code == 200, accepted.content
    report.refresh_from_db()
    assert report.status == "accepted" and report.accepted_at is not None
    # The same service as the page: accepted actuals of a mapped target also become self-reported figures.
    assert _actions(mark) == ["report.accept", "observation.create"]
    assert Observation.objects.get(source="self_report", value=1500.0).indicator_id == \
        w.indicator_target.indicator_id
    assert Notification.objects.filter(user=w.users["lead_liaison"], text__contains="审核通过").exists()

    # Accepted reports are locked for everyone: the service refuses, nothing changes.
    locked = w.client("lead_liaison").post(REPORTS, {
        "assignment": w.lead.pk, "period": march.pk, "version": report.version, "progress": "done",
        "narrative": "改写", "actuals": [{"target": w.target.pk, "value": 1}]}, format="json")
    assert locked.status_code == 400 and locked.json()["code"] == "locked"
    assert TargetActual.objects.get(report=report, target=w.target).value == 1500.0


def test_it_refuses_a_stale_version_with_409(api_world: World) -> None:
    w = api_world
    body = {"assignment": w.lead.pk, "period": w.february.pk, "version": w.draft.version - 1 if w.draft.version > 1
            else w.draft.version + 5, "progress": "lagging", "narrative": "过期的表单。"}
    mark = _last_audit()
    response = w.client("lead_liaison").post(REPORTS, body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale"
    assert Report.objects.get(pk=w.draft.pk).narrative == w.draft.narrative
    assert _last_audit() == mark
    new_without_version = w.client("lead_liaison").post(REPORTS, {**body, "version": None}, format="json")
    assert new_without_version.status_code == 409  # someone created this period's report already


def test_it_returns_the_services_message_for_broken_rules(api_world: World) -> None:
    w = api_world
    mark = _last_audit()
    other_target = Target.objects.exclude(task=w.item1).filter(task__plan=w.plan).first()
    assert other_target is not None
    wrong = w.client("lead_liaison").post(REPORTS, {
        "assignment": w.lead.pk, "period": w.february.pk, "version": w.draft.version, "progress": "on_track",
        "narrative": "x", "actuals": [{"target": other_target.pk, "value": 3}]}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_target"
    assert "目标" in wrong.json()["detail"]
    not_submitted = w.client("supervisor").post(f"{REPORTS}{w.draft.pk}/accept/", {}, format="json")
    assert not_submitted.status_code == 400 and not_submitted.json()["code"] == "bad_status"
    no_comment = w.client("supervisor").post(f"{REPORTS}{w.submitted.pk}/return/", {"comment": ""}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()
    malformed = w.client("lead_liaison").post(REPORTS, {
        "assignment": w.lead.pk, "period": w.february.pk, "progress": "soon", "narrative": "x",
        "actuals": [{"target": w.target.pk, "value": "NaN"}, {"target": w.target.pk, "value": 2}]}, format="json")
    assert malformed.status_code == 400 and {"progress", "actuals"} <= set(malformed.json())
    assert _last_audit() == mark
    assert Report.objects.get(pk=w.draft.pk).version == w.draft.version


def test_it_returns_a_report_with_the_office_comment(api_world: World) -> None:
    w = api_world
    returned = w.client("supervisor").post(f"{REPORTS}{w.submitted.pk}/return/",
                                      {"version": w.submitted.version, "comment": "请补充数据。"}, format="json")
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["reviews"][-1] == {**returned.json()["reviews"][-1], "action": "return",
                                              "comment": "请补充数据。"}
    stale = w.client("supervisor").post(f"{REPORTS}{w.submitted.pk}/accept/", {"version": w.submitted.version},
                                   format="json")
    assert stale.status_code == 409


def test_it_posts_observations_as_revisions(api_world: World) -> None:
    w = api_world
    url = "/api/v1/observations/"
    figure = {"indicator": "tech-contract-turnover", "region": w.zone_region.pk, "year": 2019, "through_month": 6,
              "value": 12.5, "source": "official", "note": "半年报"}
    office = w.client("supervisor")
    first = office.post(url, figure, format="json")
    assert first.status_code == 201 and first.json()["revision"] == 1
    again = office.post(url, figure, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]  # the same figure: no change
    mark = _last_audit()
    corrected = office.post(url, {**figure, "value": 13.0}, format="json")
    assert corrected.status_code == 201 and corrected.json()["revision"] == 2
    assert not Observation.objects.get(pk=first.json()["id"]).is_latest
    assert _actions(mark) == ["observation.revise"]
    latest = w.client("zone_liaison").get(url, {"year": 2019, "latest": "true"}).json()["results"]
    assert [(o["value"], o["revision"]) for o in latest] == [(13.0, 2)]

    demo = office.post(url, {**figure, "year": 2020, "illustrative": True}, format="json")
    assert demo.status_code == 201 and demo.json()["illustrative"] is True  # labelled wherever it shows
    assert Observation.objects.get(pk=demo.json()["id"]).illustrative

    implausible = office.post(url, {**figure, "value": 99999}, format="json")
    assert implausible.status_code == 400 and implausible.json()["code"] == "bad_value"
    unknown = office.post(url, {**figure, "indicator": "no-such-indicator"}, format="json")
    assert unknown.status_code == 400 and "indicator" in unknown.json()
    for persona in ("zone_liaison", "leader", "lead_head"):
        assert w.client(persona).post(url, figure, format="json").status_code == 404
    assert Observation.objects.filter(region=w.zone_region, year__gte=2019).count() == 3


def test_it_filters_lists_like_the_pages(api_world: World) -> None:
    w = api_world
    office = w.client("supervisor")
    submitted = office.get(REPORTS, {"status": "submitted"}).json()["results"]
    assert [r["id"] for r in submitted] == [w.submitted.pk]
    searched = office.get(REPORTS, {"q": "经信委"}).json()["results"]
    assert [r["id"] for r in searched] == [w.other_report.pk]
    ledger = office.get("/api/v1/ledger/", {"q": "知识产权"}).json()["results"]
    assert [t["path"] for t in ledger] == ["二.(二).4"] and ledger[0]["rag"] in ("red", "amber", "green")
    for_unit = office.get("/api/v1/ledger/", {"unit": w.other.unit_id}).json()["results"]
    assert {t["id"] for t in for_unit} == {w.other.task_id}
    invisible_plan = w.client("outsider").get("/api/v1/ledger/", {"plan": w.plan.pk})
    assert invisible_plan.status_code == 400  # not a choice for this account, as on the ledger page
    closed = w.client("lead_liaison").get("/api/v1/assignments/", {"state": "closed"}).json()
    assert closed["count"] == 0
    paged = office.get("/api/v1/periods/", {"plan": w.plan.pk, "page_size": 5}).json()
    assert (paged["count"], len(paged["results"]), paged["next"] is not None) == (12, 5, True)
    assert office.get("/api/v1/periods/", {"page_size": 500}).status_code == 400


def test_it_issues_tokens_audited_and_shows_the_key_once(api_world: World) -> None:
    w = api_world
    user = w.users["outsider"]
    client = Client()
    client.force_login(user)
    mark = _last_audit()
    page = client.post(reverse("api:token"), {"action": "issue", "scope": "read_write"})
    key = re.search(r'id="api-key"[^>]*value="([^"]+)"', page.content.decode())[1]  # type: ignore[index]
    stored = ApiToken.objects.get(user=user, revoked_at__isnull=True)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(vars(stored))
    assert stored.scope == "read_write" and key != w.tokens["outsider"]
    assert "no-store" in page.headers.get("Cache-Control", "")
    entry = AuditEntry.objects.changes().get(pk__gt=mark)
    assert (entry.action, entry.actor_id) == ("api_token.issue", user.pk) and key not in str(entry.after)
    assert key not in client.get(reverse("api:token")).content.decode()  # shown once
    assert w.client("outsider").get("/api/v1/plans/").status_code == 401  # the old token is gone

    out = StringIO()
    call_command("api_token", user.username, "--actor", "admin", stdout=out)  # the system administrator
    rotated = out.getvalue().strip()
    assert rotated != key and ApiToken.objects.get(user=user, revoked_at__isnull=True).scope == "read"
    call_command("api_token", user.username, "--revoke", "--actor", user.username, stdout=StringIO())
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert _actions(mark) == ["api_token.issue", "api_token.issue", "api_token.revoke"]
    issued, revoked = AuditEntry.objects.filter(pk__gt=mark).order_by("pk")[1:]
    assert (issued.actor, revoked.actor) == (w.users["admin"], user)  # the command names who asked


def test_it_lets_only_the_system_administrator_issue_a_token_for_another_account(api_world: World) -> None:
    from django.core.management import CommandError

    user = api_world.users["lead_liaison"]
    mark = _last_audit()
    for actor in ("security_admin", "audit_admin", "supervisor", "other_liaison"):
        with pytest.raises(CommandError):
            call_command("api_token", user.username, "--actor", api_world.users[actor].username, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("api_token", user.username, stdout=StringIO())  # who asks must be named
    assert _last_audit() == mark


def test_it_only_lets_an_account_issue_its_own_token(api_world: World) -> None:
    from luoshi.api.services import api_token_issue
    from luoshi.core.errors import DomainError

    with pytest.raises(DomainError):
        api_token_issue(actor=w_user(api_world, "supervisor"), user=w_user(api_world, "lead_liaison"))
    assert api_token_issue(actor=w_user(api_world, "admin"), user=w_user(api_world, "lead_liaison")).key


def w_user(world: World, persona: str) -> Any:
    return world.users[persona]


def test_it_limits_requests_per_account(api_world: World, settings: Any) -> None:
    settings.LUOSHI_API_RATE = "3/minute"
    client = api_world.client("zone_liaison")
    answers = [client.get("/api/v1/indicators/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert api_world.client("other_liaison").get("/api/v1/indicators/").status_code == 200  # per account


def test_it_serves_a_reference_built_from_the_schema_without_outside_assets(api_world: World) -> None:
    client = Client()
    client.force_login(api_world.users["lead_liaison"])
    html = client.get(reverse("api:docs")).content.decode()
    for operation in ("/api/v1/reports/{id}/accept/", "/api/v1/observations/", "/api/v1/ledger/"):
        assert operation in html
    assert "narrative" in html and "page_size" in html
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    browsable = client.get("/api/v1/plans/", HTTP_ACCEPT="text/html").content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', browsable)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    schema = api_world.client("lead_liaison").get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and "/api/v1/reports/{id}/return/" in schema.json()["paths"]


def test_it_answers_json_for_unknown_paths_and_malformed_ids(api_world: World) -> None:
    client = api_world.client("supervisor")
    for path in ("/api/v1/nothing-here/", "/api/v1/plans/1.5/", "/api/v1/plans/99999999999999999999999/",
                 "/api/v1/reports/abc/accept/"):
        response = client.get(path)
        assert response.status_code in (404, 405) and response["Content-Type"] == "application/json", path
    # Every "not found" has one body, whichever model or access rule said so, in the request's language.
    outsider = api_world.client("outsider")
    bodies = {str(outsider.get(path).json()) for path in (
        f"/api/v1/plans/{api_world.plan.pk}/", f"/api/v1/reports/{api_world.draft.pk}/", "/api/v1/scores/987654/",
        "/api/v1/nothing-here/")}
    assert len(bodies) == 1, bodies
    english = outsider.get(f"/api/v1/plans/{api_world.plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == {"detail": "Not found.", "code": "not_found"}
    huge = client.get("/api/v1/reports/", {"assignment": "9" * 30})
    assert huge.status_code == 400 and "assignment" in huge.json()


def test_it_lists_tokens_in_the_admin_without_keys_or_changes(api_world: World) -> None:
    client = Client()
    client.force_login(api_world.users["admin"])
    page = client.get(reverse("admin:api_apitoken_changelist"))
    assert page.status_code == 200
    assert api_world.users["lead_liaison"].username in page.content.decode()
    assert api_world.tokens["lead_liaison"] not in page.content.decode()
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403


LISTS = ["/api/v1/plans/", "/api/v1/tasks/", "/api/v1/ledger/", "/api/v1/targets/", "/api/v1/assignments/",
         "/api/v1/periods/", "/api/v1/reports/", "/api/v1/actuals/", "/api/v1/indicators/", "/api/v1/regions/",
         "/api/v1/indicator-targets/", "/api/v1/observations/", "/api/v1/index-editions/", "/api/v1/rubrics/",
         "/api/v1/scores/", "/api/v1/instructions/"]


@pytest.mark.parametrize("url", LISTS)
def test_it_reads_a_page_in_a_fixed_number_of_queries(api_world: World, url: str) -> None:
    """A page of 1 row and a page of every row cost the same queries: nothing is fetched row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_a_second_row(api_world, url)
    client = api_world.client("supervisor")
    counts = []
    for size in (1, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200
        counts.append((len(response.json()["results"]), len(queries)))
    (one_row, one_page), (rows, full_page) = counts
    assert one_row == 1 and rows >= 2, counts
    assert full_page == one_page, counts


def _add_a_second_row(w: World, url: str) -> None:
    """The world holds one plan, actual value, indicator target and rubric: add another through the services."""
    office = w.users["supervisor"]
    if url == "/api/v1/plans/":
        from luoshi.plans.services import plan_import
        from tests.conftest import SMALL_PLAN

        plan_import(actor=office, data=SMALL_PLAN.replace("科技创新工作要点", "另一份要点").encode(), filename="b.txt")
    elif url == "/api/v1/actuals/":
        from luoshi.reports.services import report_save

        report_save(actor=w.users["lead_liaison"], assignment=w.lead, period=w.plan.periods.get(start__month=3),
                    version=None, progress="on_track", narrative="三月。", actuals={w.target.pk: 1300.0})
    elif url == "/api/v1/indicator-targets/":
        from luoshi.indicators.models import Indicator
        from luoshi.indicators.services import target_map

        target_map(actor=office, target=Target.objects.get(task__plan=w.plan, text__contains="企业技术中心"),
                   indicator=Indicator.objects.get(code="innovation-platforms"))
    elif url == "/api/v1/instructions/":
        from luoshi.reports.services import instruction_create

        instruction_create(actor=w.users["leader"], task=w.item1, text="请及时报送数据。")
    elif url == "/api/v1/rubrics/":
        from luoshi.assessment.services import rubric_create

        rubric_create(actor=office, year=w.plan.year, unit_group="departments")


def test_it_tells_a_token_which_account_it_acts_as(api_world: World) -> None:
    me = api_world.client("zone_liaison").get("/api/v1/me/").json()
    assert (me["username"], me["role"], me["unit_name"], me["is_office"]) == ("gxq", "liaison", "高新区管委会", False)
    office = api_world.client("supervisor").get("/api/v1/me/").json()
    assert (office["unit"], office["is_office"], office["sees_everything"]) == (None, True, True)


def test_it_describes_each_action_body_and_leaks_nothing_through_options(api_world: World) -> None:
    client = api_world.client("outsider")
    accept = client.options(f"{REPORTS}{api_world.draft.pk}/accept/").json()
    assert set(accept["actions"]["POST"]) == {"version", "comment"}
    assert set(client.options(REPORTS).json()["actions"]["POST"]) >= {"assignment", "period", "actuals"}
    # Another unit's report and a missing one describe themselves the same way (no object is read).
    assert client.options(f"{REPORTS}{api_world.draft.pk}/").json() == client.options(f"{REPORTS}987654321/").json()


def test_it_tells_a_unit_what_to_report_and_answer(api_world: World) -> None:
    w = api_world
    url = f"/api/v1/assignments/{w.lead.pk}/"
    before = w.client("lead_liaison").get(url).json()
    assert before["current_period"] == w.plan.periods.order_by("start").last().pk  # after the plan's year: its last
    assert [i["id"] for i in before["open_instructions"]] == [w.instruction.pk]  # answered only in a draft
    listed = w.client("lead_liaison").get("/api/v1/instructions/", {"task": w.item1.pk}).json()["results"]
    assert [(i["id"], i["text"]) for i in listed] == [(w.instruction.pk, "请加快评价进度。")]
    submitted = w.client("lead_head").post(f"{REPORTS}{w.draft.pk}/submit/", {"version": w.draft.version},
                                           format="json")
    assert submitted.status_code == 200, submitted.content
    assert w.client("lead_liaison").get(url).json()["open_instructions"] == []
