"""audit_record: called by every service that changes state, inside its transaction, and by the security
event hooks (luoshi.core.security_events) for logins, denied access, downloads and admin changes."""

from __future__ import annotations

from typing import Any

from django.db import models

from .chain import chain_append
from .middleware import current_request_id, current_source_address
from .models import AuditEntry, AuditResult

# Never copied into before/after: a field whose name holds one of these (password hashes, token keys).
SECRET_FIELD_MARKERS = ("password", "secret", "key_hash")
SECRET_FIELD_NAMES = frozenset({"api_key", "token_key"})   # a task's "key" is its numbering path, not a secret


def audit_record(
    *, actor: Any, action: str, target: models.Model | None, before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, message: str = "", plan_id: int | None = None,
    task_id: int | None = None, unit_id: int | None = None, result: str = AuditResult.SUCCESS,
    object_repr: str | None = None, source_address: str | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user or None for the system (scheduled jobs); `target` may be None for
    an event about no stored object (a failed login, a denied URL). The request id and source address come
    from the current request (RequestIdMiddleware), empty outside one."""
    user = actor if getattr(actor, "pk", None) else None
    unit = getattr(user, "unit", None) if user else None
    entry = AuditEntry(
        actor=user,
        actor_name=(user.get_full_name() or user.get_username())[:150] if user else "system",
        actor_unit=str(unit)[:200] if unit else "",
        request_id=current_request_id(),
        source_address=current_source_address() if source_address is None else source_address[:45],
        result=result,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=(str(target) if object_repr is None else object_repr)[:300],
        plan_id=plan_id,
        task_id=task_id,
        unit_id=unit_id,
        before=_jsonable(before),
        after=_jsonable(after),
        message=message,
    )
    return chain_append(entry)


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


def _is_secret(name: str) -> bool:
    return name.lower() in SECRET_FIELD_NAMES or any(marker in name.lower() for marker in SECRET_FIELD_MARKERS)


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: ("[hidden]" if _is_secret(k) else _value(v)) for k, v in data.items()}
