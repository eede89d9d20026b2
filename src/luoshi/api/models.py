"""API tokens, stored hashed.

A key reads `<prefix>.<secret>`: the prefix (public, unique) finds the row, and only the SHA-256 of the whole
key is stored, so a copy of the database (or a backup) gives no usable token. A token belongs to one account,
acts exactly as that account, carries a scope (read: safe methods only; read-write) and an expiry, and is
revoked by its owner or the system administrator (luoshi.api.services).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    READ_WRITE = "read_write", _("读写")


def hash_key(key: str) -> str:
    """SHA-256 of a key. No salt or slow hash is needed: the secret is 256 random bits, not a password."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """(prefix, key) for a fresh token."""
    prefix = secrets.token_hex(6)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


class ApiToken(models.Model):
    """An account's API token: the prefix and a SHA-256 of the key, never the key itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
                             verbose_name=_("账号"))
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.CharField(_("权限范围"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("撤销人"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
