"""The API's token authentication (hashed keys, expiry, revocation) and the token scope check."""

from __future__ import annotations

import hmac
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken, TokenScope, hash_key


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` (DRF's header, so clients and the schema are unchanged), checked against
    the stored SHA-256. Unknown, revoked and expired keys, and keys of inactive accounts, are all 401."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        prefix, dot, _secret = key.partition(".")
        token = (ApiToken.objects.select_related("user", "user__unit").filter(prefix=prefix).first()
                 if dot else None)
        if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
            raise AuthenticationFailed(_("令牌无效"))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("令牌已撤销"))
        if token.expires_at <= timezone.now():
            raise AuthenticationFailed(_("令牌已过期"))
        if not token.user.is_active:
            raise AuthenticationFailed(_("账号已停用"))
        return token.user, token


class TokenScopePermission(BasePermission):
    """A read-only token may only read: any other method is 403, whatever the account may do on a page."""

    message = gettext_lazy("此令牌为只读")
    code = "read_only_token"

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == TokenScope.READ:
            return request.method in SAFE_METHODS
        return True
