"""Writes of the API app: issuing and revoking an account's token (audited, like every change)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role

from .models import ApiToken, TokenScope, hash_key, new_key


def may_manage_tokens_of(actor: Any, user: Any) -> bool:
    """The account itself, or the system administrator (三员分立: the superuser flag grants nothing here)."""
    return actor is None or actor.pk == user.pk or actor.role == Role.ADMIN


def active_token(user: Any) -> ApiToken | None:
    """The account's usable token (not revoked, not expired), if any."""
    token: ApiToken | None = (ApiToken.objects.filter(user=user, revoked_at__isnull=True,
                                                      expires_at__gt=timezone.now()).order_by("-created_at").first())
    return token


def _revoke_all(*, actor: Any, user: Any) -> int:
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.revoked_by = actor if getattr(actor, "pk", None) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
    return len(tokens)


@transaction.atomic
def api_token_issue(*, actor: Any, user: Any, scope: str = TokenScope.READ) -> ApiToken:
    """Issue `user` a new token with `scope`, revoking any previous one. The returned token carries the key
    in `.key`, the one time it exists outside the client: only its SHA-256 is stored.

    The audit entry records who issued it, the scope, the expiry and the prefix, never the key.
    """
    if not may_manage_tokens_of(actor, user):
        raise DomainError(_("只能为自己的账号生成令牌"),
                          code="forbidden")
    if not user.is_active:
        raise DomainError(_("账号已停用，不能生成令牌"), code="inactive")
    if scope not in TokenScope.values:
        raise DomainError(_("令牌权限范围无效"), code="bad_scope")
    replaced = _revoke_all(actor=actor, user=user)
    prefix, key = new_key()
    token = ApiToken.objects.create(user=user, prefix=prefix, key_hash=hash_key(key), scope=scope,
                                    expires_at=timezone.now() + dt.timedelta(days=settings.LUOSHI_API_TOKEN_DAYS))
    token.key = key  # type: ignore[attr-defined]
    audit_record(actor=actor, action="api_token.issue", target=user, before={"had_token": replaced > 0},
                 after={"had_token": True, "created": token.created_at, "prefix": prefix, "scope": scope,
                        "expires": token.expires_at},
                 unit_id=user.unit_id, message=f"API token issued for {user.get_username()}")
    return token


@transaction.atomic
def api_token_revoke(*, actor: Any, user: Any) -> bool:
    """Revoke `user`'s tokens (same rule as issuing); False when there was none usable (nothing audited)."""
    if not may_manage_tokens_of(actor, user):
        raise DomainError(_("只能撤销自己的令牌"), code="forbidden")
    if _revoke_all(actor=actor, user=user) == 0:
        return False
    audit_record(actor=actor, action="api_token.revoke", target=user, before={"had_token": True},
                 after={"had_token": False}, unit_id=user.unit_id,
                 message=f"API token revoked for {user.get_username()}")
    return True
