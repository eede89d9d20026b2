"""Security events written to the audit log besides the services' state changes (docs/security.md):

- logins, logouts and failed logins (Django's auth signals, so every login path is covered);
- access denied: every 404 answered to a logged-in account. The access helpers answer "not found" both for
  a missing object and for another unit's, on purpose (ids cannot be probed), so all of them are recorded,
  here, in the one place every such answer passes through (pages and API alike);
- downloads of evidence and of exports (responses marked by luoshi.core.viewtools' download helpers);
- changes made in the Django admin, with before and after (AuditedAdminMixin, put on every registered
  ModelAdmin by CoreConfig.ready).

Their actions start with "security." (SECURITY_PREFIX) except the admin's ("admin."), which change data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.http import HttpRequest, HttpResponse

from .audit import audit_record
from .middleware import account_of
from .models import AuditResult

DOWNLOAD_ATTRIBUTE = "luoshi_download"  # set on a response by viewtools' download helpers


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="security.login", target=user, unit_id=getattr(user, "unit_id", None))


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action="security.logout", target=user, unit_id=getattr(user, "unit_id", None))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the typed username is kept.
    username = str(credentials.get("username", ""))[:150]
    account = get_user_model().objects.filter(username=username).first() if username else None
    audit_record(actor=None, action="security.login_failed", target=account, object_repr=username,
                 result=AuditResult.FAILURE, message=f"failed login as {username!r}")


def record_response_events(request: HttpRequest, response: HttpResponse) -> None:
    """Called by RequestIdMiddleware once the view has answered."""
    user = account_of(request)
    if user is None:
        return  # anonymous 404s (scanners) are the proxy's access log's business; pages need a login
    where = f"{request.method} {request.get_full_path()[:250]}"
    if response.status_code == 404 and getattr(request, "resolver_match", None) is not None:
        # A view answered "not found" (an access helper, an id that matches nothing). A URL no view serves
        # (/favicon.ico, a typo) names no object and is left to the proxy's access log.
        audit_record(actor=user, action="security.access_denied", target=None, object_repr=where,
                     result=AuditResult.FAILURE, unit_id=user.unit_id,
                     message="not found or not visible to this account")
        return
    download = getattr(response, DOWNLOAD_ATTRIBUTE, None)
    disposition = response.get("Content-Disposition", "")
    if download is None and disposition.startswith("attachment"):
        # A view that built its own attachment answer (not through viewtools): still an export download.
        download = {"kind": "export", "filename": disposition[:250], "target": None}
    if download is not None and response.status_code == 200:
        target = download.get("target")
        audit_record(actor=user, action=f"security.download.{download['kind']}", target=target,
                     object_repr=download["filename"] if target is None else None, unit_id=user.unit_id,
                     after={"filename": download["filename"]}, message=where)


def record_integrity_failure(*, actor: Any, target: models.Model, expected: str, found: str) -> None:
    """A stored file no longer matches the SHA-256 taken at upload: the download was refused."""
    audit_record(actor=actor, action="security.integrity_failure", target=target, result=AuditResult.FAILURE,
                 before={"sha256": expected}, after={"sha256": found},
                 message="stored file does not match its SHA-256; download refused")


# --- accounts are deactivated, never deleted ------------------------------------------------------------


def refuse_user_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete of the user model (a model's delete(), a queryset's delete(), the admin): refused. Its
    audit entries, reports and reviews name it; deactivating it (is_active) keeps them true."""
    raise ProtectedError("Accounts are deactivated, never deleted (their audit trail names them).", {instance})


# --- the Django admin ---------------------------------------------------------------------------------------


def _concrete_fields(model: type[models.Model], names: list[str]) -> list[str]:
    concrete = {f.name for f in model._meta.concrete_fields}
    return [name for name in names if name in concrete]


def _m2m_fields(model: type[models.Model], names: list[str]) -> list[str]:
    many = {f.name for f in model._meta.many_to_many}
    return [name for name in names if name in many]


def _pks(value: Any) -> list[Any]:
    return sorted(getattr(item, "pk", item) for item in (value or []))


def _diff(model_form: Any, stored: models.Model | None, saved: models.Model) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before (from the stored row) and after (the saved object) of the fields the form changed."""
    names = list(model_form.changed_data)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in _concrete_fields(type(saved), names):
        field = type(saved)._meta.get_field(name)
        before[name] = getattr(stored, field.attname) if stored is not None else None
        after[name] = getattr(saved, field.attname)
    for name in _m2m_fields(type(saved), names):
        before[name] = str(_pks(model_form.initial.get(name)))
        after[name] = str(_pks(model_form.cleaned_data.get(name)))
    return before, after


def _stored(obj: models.Model) -> models.Model | None:
    if obj.pk is None or obj._state.adding:
        return None
    stored: models.Model | None = type(obj)._default_manager.filter(pk=obj.pk).first()
    return stored


class AuditedAdminMixin:
    """Every add, change and delete made in the admin (inlines included) becomes an audit entry with the
    changed fields before and after. Put in front of each registered ModelAdmin's class by CoreConfig.ready,
    so a ModelAdmin added later is audited without remembering to."""

    model: type[models.Model]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.model is get_user_model():
            return False  # deactivate instead (refuse_user_delete)
        allowed: bool = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return allowed

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            stored = _stored(obj) if change else None
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            before, after = _diff(form, stored, obj)
            if change and not after:
                return
            audit_record(actor=request.user, action="admin.change" if change else "admin.add", target=obj,
                         before=before if change else None, after=after, message="Django admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            stored = {f.instance.pk: _stored(f.instance) for f in formset.initial_forms
                      if f.instance.pk is not None and f.has_changed()}
            forms_by_pk = {f.instance.pk: f for f in formset.initial_forms if f.instance.pk is not None}
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            for obj in formset.new_objects:
                audit_record(actor=request.user, action="admin.add", target=obj,
                             after={f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields},
                             message="Django admin (inline)")
            for obj, _names in formset.changed_objects:
                before, after = _diff(forms_by_pk[obj.pk], stored.get(obj.pk), obj)
                audit_record(actor=request.user, action="admin.change", target=obj, before=before, after=after,
                             message="Django admin (inline)")
            for obj in formset.deleted_objects:
                audit_record(actor=request.user, action="admin.delete", target=obj, object_repr=str(obj),
                             before={f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields},
                             message="Django admin (inline)")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _audit_delete(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action="admin.delete", target=obj,
                     before={f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields},
                     message="Django admin")


def audit_every_admin(site: admin.AdminSite) -> None:
    """Make each registered ModelAdmin audited (its class gains AuditedAdminMixin in front)."""
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if not issubclass(cls, AuditedAdminMixin):
            model_admin.__class__ = type(f"Audited{cls.__name__}", (AuditedAdminMixin, cls), {})
