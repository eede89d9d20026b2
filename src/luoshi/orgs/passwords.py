"""Password policy: character classes, no reuse of recent passwords, expiry (settings in docs/security.md)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    # Anything else counts as a symbol: punctuation, spaces, and CJK characters (which have no case).
    symbol = any(not (c.isupper() or c.islower() or c.isdigit()) and unicodedata.category(c) != "Cc"
                 for c in password)
    return upper + lower + digit + symbol


class CharacterClassesValidator:
    """At least `min_classes` of the four character classes."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """None of the account's last LUOSHI_PASSWORD_HISTORY passwords (its current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        count = settings.LUOSHI_PASSWORD_HISTORY
        if count <= 0:
            return
        from .models import PasswordHistory, User

        stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:count])
        if stored and stored not in hashes:  # an account older than the history keeps its current one
            hashes = [stored, *hashes[:count - 1]]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        count = settings.LUOSHI_PASSWORD_HISTORY
        return ngettext("不能使用最近用过的%(n)d个密码。", "不能使用最近用过的%(n)d个密码。", count) % {"n": count}


def password_expires_at(user: Any) -> dt.datetime | None:
    """When the account's password stops being accepted without a change (None: never)."""
    days = settings.LUOSHI_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or user.password_changed_at is None:
        return None
    expires: dt.datetime = user.password_changed_at + dt.timedelta(days=days)
    return expires


def password_change_due(user: Any) -> bool:
    """The account must change its password before doing anything else (set by an administrator, or old)."""
    if not user.has_usable_password():
        return False
    if user.password_change_required:
        return True
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()
