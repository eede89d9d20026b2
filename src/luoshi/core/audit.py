"""audit_record: called by every service that changes state, inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .middleware import current_request_id
from .models import AuditEntry


def audit_record(
    *, actor: Any, action: str, target: models.Model, before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, message: str = "", plan_id: int | None = None,
    task_id: int | None = None, unit_id: int | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user or None for the system (scheduled jobs)."""
    user = actor if getattr(actor, "pk", None) else None
    unit = getattr(user, "unit", None) if user else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_full_name() or user.get_username()) if user else "system",
        actor_unit=str(unit) if unit else "",
        request_id=current_request_id(),
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:300],
        plan_id=plan_id,
        task_id=task_id,
        unit_id=unit_id,
        before=_jsonable(before),
        after=_jsonable(after),
        message=message,
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model instance as JSON-ready values (for before/after)."""
    return {name: _value(getattr(obj, name)) for name in fields}


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if data is None else {k: _value(v) for k, v in data.items()}
