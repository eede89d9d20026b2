"""Writes of the assessment: every state change is here, with its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse as url_for
from django.utils import formats
from django.utils.translation import gettext as _

from luoshi.core import clock
from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError, StaleUpdate
from luoshi.core.storedfiles import file_sha256
from luoshi.orgs.choices import Role
from luoshi.orgs.models import Unit, User
from luoshi.reports.models import Notification
from luoshi.reports.notices import notify_office
from luoshi.reports.services import attachment_clean_name, attachment_content_type

from .choices import AdjustmentKind, AppealDecision, AppealStatus, RubricStatus
from .models import Adjustment, Appeal, AppealEvidence, Rubric, Score
from .scoring import Event, UnitResult, Weights, ranks_apply, results_compute, totals_apply, units_assessed

RUBRIC_NUMBERS = ("weight_completion", "weight_timeliness", "weight_quality", "weight_reminders",
                  "weight_extensions", "weight_indicators", "per_return", "per_reminder", "per_extension",
                  "appeal_days")
# What the office sets on a draft (a new version starts from the latest version's settings).
RUBRIC_SETTINGS = (*RUBRIC_NUMBERS, "note")
RUBRIC_FIELDS = ["year", "unit_group", "version", "status", *RUBRIC_SETTINGS, "quality_rule", "revision",
                 "published_at", "appeal_deadline"]
APPEAL_EVIDENCE_MAX = 5
APPEAL_FIELDS = ["status", "decided_by", "decided_at", "decision_comment"]


def _require_office(actor: Any) -> None:
    if not getattr(actor, "is_office", False):
        raise DomainError(_("只有督查人员可以进行此操作"), code="forbidden")


def _locked_draft(rubric: Rubric, revision: int | None = None) -> Rubric:
    locked: Rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.is_frozen:
        raise DomainError(_("考核结果已发布，方案已冻结"),
                          code="frozen")
    if revision is not None and revision != locked.revision:
        raise StaleUpdate(_("方案已被他人修改，请刷新后重试"))
    return locked


def rubric_create(*, actor: Any, year: int, unit_group: str, values: dict[str, Any] | None = None) -> Rubric:
    """A new version of the year's rubric for the group, a draft; it starts from the latest version."""
    _require_office(actor)
    with transaction.atomic():
        existing = Rubric.objects.select_for_update().filter(year=year, unit_group=unit_group)
        latest = existing.order_by("-version").first()
        version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
        rubric = Rubric(year=year, unit_group=unit_group, version=version, created_by=actor)
        for name in RUBRIC_SETTINGS:
            if latest is not None:
                setattr(rubric, name, getattr(latest, name))
            if values and name in values:
                setattr(rubric, name, values[name])
        rubric.full_clean()
        rubric.save()
        audit_record(actor=actor, action="rubric.create", target=rubric, after=snapshot(rubric, RUBRIC_FIELDS))
    return rubric


def rubric_update(*, actor: Any, rubric: Rubric, revision: int | None, values: dict[str, Any]) -> Rubric:
    """Change a draft's weights and deductions; refused once published or when based on a stale revision."""
    _require_office(actor)
    with transaction.atomic():
        locked = _locked_draft(rubric, revision)
        before = snapshot(locked, RUBRIC_FIELDS)
        for name in RUBRIC_SETTINGS:
            if name in values:
                setattr(locked, name, values[name])
        locked.revision += 1
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action="rubric.update", target=locked, before=before,
                     after=snapshot(locked, RUBRIC_FIELDS))
    return locked


def adjustment_add(*, actor: Any, rubric: Rubric, unit: Unit, kind: str, points: Decimal, reason: str) -> Adjustment:
    """A bonus or deduction item for a unit of the rubric's group, with its reason (drafts only)."""
    _require_office(actor)
    if not reason.strip():
        raise DomainError(_("请填写加减分事由"), code="reason_required")
    with transaction.atomic():
        locked = _locked_draft(rubric)
        if not units_assessed(year=locked.year, unit_group=locked.unit_group).filter(pk=unit.pk).exists():
            raise DomainError(_("该单位不在本方案的考核对象中"),
                              code="unit_not_assessed")
        adjustment = Adjustment(rubric=locked, unit=unit, kind=AdjustmentKind(kind), points=points,
                                reason=reason.strip(), created_by=actor)
        adjustment.full_clean()
        adjustment.save()
        audit_record(actor=actor, action="assessment.adjustment_add", target=adjustment, unit_id=unit.pk,
                     after=snapshot(adjustment, ["rubric", "unit", "kind", "points", "reason"]))
    return adjustment


def _score_fields(result: UnitResult) -> dict[str, Any]:
    return {"total": result.total, "rank": result.rank,
            "components": {k: str(v) for k, v in result.components.items()},
            "trace": [e.as_json() for e in result.events]}


def rubric_publish(*, actor: Any, rubric: Rubric, revision: int | None = None) -> Rubric:
    """Compute the scores, store them with their trace, freeze the rubric and open the appeal window.

    A previously published version of the same year and group is superseded.
    """
    _require_office(actor)
    with transaction.atomic():
        locked = _locked_draft(rubric, revision)
        before = snapshot(locked, RUBRIC_FIELDS)
        today = clock.today()
        results = results_compute(locked, as_of=today)
        if not results:
            raise DomainError(_("没有可考核的单位"), code="empty")
        for old in Rubric.objects.select_for_update().filter(
                year=locked.year, unit_group=locked.unit_group, status=RubricStatus.PUBLISHED):
            old_before = snapshot(old, RUBRIC_FIELDS)
            old.status = RubricStatus.SUPERSEDED
            old.save(update_fields=["status"])
            audit_record(actor=actor, action="rubric.supersede", target=old, before=old_before,
                         after=snapshot(old, RUBRIC_FIELDS))
        Score.objects.bulk_create([Score(rubric=locked, unit=r.unit, **_score_fields(r)) for r in results])
        locked.status = RubricStatus.PUBLISHED
        locked.published_at = clock.now()
        locked.appeal_deadline = today + dt.timedelta(days=locked.appeal_days)
        locked.revision += 1
        locked.save()
        audit_record(actor=actor, action="rubric.publish", target=locked, before=before,
                     after=snapshot(locked, RUBRIC_FIELDS),
                     message=_("发布%(count)d个单位的考核结果") % {"count": len(results)})
    return locked


def deduction_find(score: Score, key: str) -> Event | None:
    """The named deduction of a score's trace (a negative event), or None."""
    for data in score.trace:
        event = Event.from_json(data)
        if event.key == key and event.points < 0:
            return event
    return None


def _evidence_checked(uploads: Sequence[Any]) -> list[tuple[Any, str, str]]:
    """(upload, clean name, content type) of each evidence file, checked like report evidence (size, type,
    content); the first bad file stops the appeal with its name in the message."""
    if not uploads:
        raise DomainError(_("请附上至少一份佐证材料"), code="evidence_required")
    if len(uploads) > APPEAL_EVIDENCE_MAX:
        raise DomainError(_("佐证材料最多%(max)d个文件") % {"max": APPEAL_EVIDENCE_MAX},
                          code="too_many_files")
    checked = []
    for upload in uploads:
        name = attachment_clean_name(str(upload.name or ""))
        try:
            content_type = attachment_content_type(name=name, stream=upload, size=int(upload.size or 0))
        except DomainError as error:
            raise DomainError(f"{name}：{error.message}", code=error.code) from None
        checked.append((upload, name, content_type))
    return checked


def appeal_file(*, actor: Any, score: Score, event_key: str, reason: str, evidence: Sequence[Any]) -> Appeal:
    """A unit account disputes one deduction of its own published score, within the appeal window, with its
    reason and evidence files (Django UploadedFiles, stored under random names)."""
    if not (getattr(actor, "is_unit_user", False) and actor.unit_id == score.unit_id):
        raise DomainError(_("只能对本单位的扣分提出申诉"), code="forbidden")
    if not reason.strip():
        raise DomainError(_("请填写申诉理由"), code="reason_required")
    files = _evidence_checked(evidence)
    with transaction.atomic():
        score = Score.objects.select_for_update().select_related("rubric").get(pk=score.pk)
        rubric = score.rubric
        if rubric.status != RubricStatus.PUBLISHED or rubric.appeal_deadline is None:
            raise DomainError(_("该考核结果不接受申诉"), code="closed")
        if clock.today() > rubric.appeal_deadline:
            raise DomainError(_("申诉期已于%(date)s截止") % {
                "date": formats.date_format(rubric.appeal_deadline)}, code="window_closed")
        event = deduction_find(score, event_key)
        if event is None:
            raise DomainError(_("没有这项扣分"), code="no_deduction")
        if Appeal.objects.filter(score=score, event_key=event_key).exists():
            raise DomainError(_("这项扣分已提出过申诉"), code="duplicate")
        appeal: Appeal = Appeal.objects.create(score=score, event_key=event.key, event_text=event.text[:500],
                                               points=event.points, reason=reason.strip(), filed_by=actor)
        stored = []
        for upload, name, content_type in files:
            upload.seek(0)
            item = AppealEvidence(appeal=appeal, original_name=name, content_type=content_type,
                                  size=int(upload.size), sha256=file_sha256(upload), uploaded_by=actor)
            upload.seek(0)
            item.file.save("evidence", upload, save=False)
            item.save()
            stored.append(f"{name} ({item.size} B, {content_type})")
        audit_record(actor=actor, action="appeal.file", target=appeal, unit_id=score.unit_id,
                     after={"event_key": event.key, "points": str(event.points), "reason": appeal.reason,
                            "evidence": "; ".join(stored)})
        unit = score.unit
        notify_office(url=url_for("assessment:score_detail", args=[score.pk]), text=lambda: _(
            "%(unit)s对考核扣分提出申诉：%(event)s") % {"unit": unit, "event": event.text[:200]})
    return appeal


def _rescore(rubric: Rubric) -> dict[int, tuple[str, int]]:
    """Recompute totals and ranks of the rubric's stored scores from their traces; returns old (total, rank)."""
    weights = Weights.of(rubric)
    scores = list(Score.objects.select_for_update().filter(rubric=rubric).select_related("unit"))
    by_unit = {s.unit_id: s for s in scores}
    old = {s.unit_id: (str(s.total), s.rank) for s in scores}
    results = []
    for score in scores:
        result = UnitResult(unit=score.unit, events=[Event.from_json(d) for d in score.trace])
        totals_apply(result, weights)
        results.append(result)
    for result in ranks_apply(results):
        score = by_unit[result.unit.pk]
        for name, value in _score_fields(result).items():
            setattr(score, name, value)
    Score.objects.bulk_update(scores, ["total", "rank", "components", "trace"])
    return old


def _notify_unit_of_decision(appeal: Appeal) -> None:
    """The appealing unit's accounts learn of the decision, once it is committed."""
    unit_id = appeal.score.unit_id
    text = _("申诉已处理（%(decision)s）：%(event)s") % {"decision": appeal.get_status_display(),
                                                  "event": appeal.event_text}
    url = url_for("assessment:score_detail", args=[appeal.score_id])

    def send() -> None:
        recipients = User.objects.filter(unit_id=unit_id, role__in=[Role.LIAISON, Role.HEAD], is_active=True)
        Notification.objects.bulk_create([Notification(user=user, text=text[:500], url=url) for user in recipients])

    transaction.on_commit(send)


def appeal_decide(*, actor: Any, appeal: Appeal, decision: str | None, comment: str) -> Appeal:
    """The office upholds or reverses a pending appeal, `decision` one of AppealDecision: there is no default,
    anything else (missing, empty) is refused and changes nothing. A reversal cancels the deduction in the frozen
    trace, recomputes the unit's total and the group's ranks; both changes are audited."""
    _require_office(actor)
    if decision not in AppealDecision.values:
        raise DomainError(_("请选择处理结果：撤销扣分或维持扣分"), code="decision_required")
    reverse = decision == AppealDecision.REVERSE
    if not comment.strip():
        raise DomainError(_("请填写处理意见"), code="comment_required")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("score", "score__rubric").get(pk=appeal.pk)
        assert isinstance(appeal, Appeal)
        if appeal.status != AppealStatus.PENDING:
            raise DomainError(_("该申诉已处理"), code="already_decided")
        before = snapshot(appeal, APPEAL_FIELDS)
        appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
        appeal.decided_by = actor
        appeal.decided_at = clock.now()
        appeal.decision_comment = comment.strip()
        appeal.save()
        unit_id = appeal.score.unit_id
        audit_record(actor=actor, action="appeal.reverse" if reverse else "appeal.uphold", target=appeal,
                     before=before, after=snapshot(appeal, APPEAL_FIELDS), unit_id=unit_id,
                     message=appeal.decision_comment)
        _notify_unit_of_decision(appeal)
        if reverse:
            score = Score.objects.select_for_update().get(pk=appeal.score_id)
            score.trace = [{**d, "reversed": True} if d["key"] == appeal.event_key else d for d in score.trace]
            score.save(update_fields=["trace"])
            old = _rescore(appeal.score.rubric)
            score.refresh_from_db()
            audit_record(actor=actor, action="score.recompute", target=score, unit_id=unit_id,
                         before={"total": old[unit_id][0], "rank": old[unit_id][1]},
                         after={"total": str(score.total), "rank": score.rank},
                         message=_("申诉 #%(id)s 撤销扣分：%(event)s") % {"id": appeal.pk, "event": appeal.event_text})
    return appeal
