"""Writes of the API app: issuing an account's token (audited, like every change)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.orgs.choices import Role


@transaction.atomic
def api_token_issue(*, actor: Any, user: Any) -> Token:
    """Create `user`'s API token, replacing (revoking) any previous one. Returns the new token.

    An account issues its own token; the system administrator may issue one for any active account. The audit
    entry records who issued it and whether it replaced an earlier token, never the key itself.
    """
    if actor is not None and actor.pk != user.pk and actor.role != Role.ADMIN:
        raise DomainError(_("只能为自己的账号生成令牌"),
                          code="forbidden")
    if not user.is_active:
        raise DomainError(_("账号已停用，不能生成令牌"), code="inactive")
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit_record(actor=actor, action="api_token.issue", target=user, before={"had_token": replaced},
                 after={"had_token": True, "created": token.created}, unit_id=user.unit_id,
                 message=f"API token issued for {user.get_username()}")
    return token


@transaction.atomic
def api_token_revoke(*, actor: Any, user: Any) -> bool:
    """Delete `user`'s API token (same rule as issuing); False when there was none (nothing audited)."""
    if actor is not None and actor.pk != user.pk and actor.role != Role.ADMIN:
        raise DomainError(_("只能撤销自己的令牌"), code="forbidden")
    if Token.objects.filter(user=user).delete()[0] == 0:
        return False
    audit_record(actor=actor, action="api_token.revoke", target=user, before={"had_token": True},
                 after={"had_token": False}, unit_id=user.unit_id,
                 message=f"API token revoked for {user.get_username()}")
    return True
