"""Writes of identification and authentication: password changes, second factors, sessions, lockouts.

Each change is audited in its own transaction, like every service. The signal receivers at the end are
connected in OrgsConfig.ready(): django-axes announces lockouts and Django announces logins by signal,
so those are the only places the audit rows for them can be written.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError

from .choices import Role
from .models import AccountSession, User

SESSION_LOGIN_AT = "luoshi_login_at"
SESSION_SEEN_AT = "luoshi_seen_at"
SESSION_TWO_FACTOR = "luoshi_2fa"  # what the session owes: "verify", "setup" or "" (nothing), set at login
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


# ---------------------------------------------------------------------------------------------------
# Passwords


@transaction.atomic
def password_changed_by_owner(*, user: User) -> None:
    """The account changed its own password (Django's form saved it): the forced change is done."""
    User.objects.filter(pk=user.pk).update(password_change_required=False)
    user.password_change_required = False
    audit_record(actor=user, action="user.password_change", target=user, unit_id=user.unit_id,
                 message="本人修改密码")


def password_reset_by_admin_check(*, actor: Any) -> None:
    """Setting another account's password is account management: the system administrator's."""
    if actor is not None and actor.role != Role.ADMIN:
        raise DomainError(_("只有系统管理员可以重设密码"),
                          code="forbidden")


# ---------------------------------------------------------------------------------------------------
# Second factor: one TOTP device (an authenticator app) and one set of recovery codes per account.


def two_factor_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_needed(user: Any) -> bool:
    """Must this account verify a second factor to use the site? Enrolled ones always must."""
    return (settings.LUOSHI_2FA_REQUIRED and user.needs_two_factor) or two_factor_enrolled(user)


def two_factor_owed(user: Any) -> str:
    if two_factor_enrolled(user):
        return "verify"
    return "setup" if two_factor_needed(user) else ""


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The account's unconfirmed TOTP device (its secret shown as a QR code until confirmed with a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> list[str]:
    """Confirm the pending device with a code it shows; returns the new recovery codes (shown once)."""
    if two_factor_enrolled(user):
        raise DomainError(_("已启用双因素认证"), code="enrolled")
    device = totp_device_pending(user=user)
    if not device.verify_token(token.strip()):
        raise DomainError(_("验证码不正确"), code="bad_token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="user.2fa_enrol", target=user, unit_id=user.unit_id,
                 after={"totp": True, "recovery_codes": len(codes)}, message="启用双因素认证")
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for an enrolled account; the old ones stop working."""
    if not two_factor_enrolled(user):
        raise DomainError(_("尚未启用双因素认证"), code="not_enrolled")
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="user.2fa_recovery_codes", target=user, unit_id=user.unit_id,
                 after={"recovery_codes": len(codes)}, message="重新生成恢复码")
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.LUOSHI_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_remove(*, actor: Any, user: User) -> bool:
    """Remove the account's second factor (a lost phone). The account itself may do so only where it is
    optional; for another account only the security administrator. False when there was none."""
    if actor is not None and actor.pk == user.pk:
        if settings.LUOSHI_2FA_REQUIRED and user.needs_two_factor:
            raise DomainError(_("您的角色必须使用双因素认证，请联系安全管理员"),
                              code="required")
    elif actor is not None and actor.role != Role.SECURITY_ADMIN:
        raise DomainError(_("只有安全管理员可以重置他人的双因素认证"),
                          code="forbidden")
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    if not removed:
        return False
    audit_record(actor=actor, action="user.2fa_remove", target=user, unit_id=user.unit_id,
                 before={"totp": True}, after={"totp": False}, message="移除双因素认证")
    return True


def two_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator app or a recovery code; on success the session is verified.
    A failure and the use of a recovery code are audited (the login itself is audited on its own)."""
    user: Any = request.user
    token = token.strip().replace(" ", "")
    device = _matching_device(user, token)
    with transaction.atomic():
        if device is None:
            audit_record(actor=user, action="user.2fa_failed", target=user, unit_id=user.unit_id,
                         message="双因素验证失败")
            return False
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = StaticToken.objects.filter(device=device).count()
            audit_record(actor=user, action="user.2fa_recovery_code_used", target=user, unit_id=user.unit_id,
                         after={"recovery_codes_left": left}, message="使用恢复码登录")
    return True


def _matching_device(user: Any, token: str) -> Any:
    if not token:
        return None
    # Only a code of the app's shape goes to the TOTP device: a recovery code there would count as a failed
    # code and slow down the next real one (django-otp's throttling).
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if token.isdigit() and len(token) == device.digits and device.verify_token(token):
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token):
            return static
    return None


# ---------------------------------------------------------------------------------------------------
# Sessions


def session_started(*, request: HttpRequest, user: User) -> None:
    """A login: stamp the session (absolute and idle limits) and keep at most LUOSHI_MAX_SESSIONS."""
    now = timezone.now().timestamp()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    request.session[SESSION_TWO_FACTOR] = two_factor_owed(user)
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    AccountSession.objects.update_or_create(session_key=key, defaults={"user": user})
    limit = settings.LUOSHI_MAX_SESSIONS
    if limit <= 0:
        return
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    others = list(AccountSession.objects.filter(user=user, session_key__in=live).exclude(session_key=key)
                  .order_by("-created_at", "-pk").values_list("session_key", flat=True))
    ended = others[limit - 1:]
    if ended:
        with transaction.atomic():
            Session.objects.filter(session_key__in=ended).delete()
            AccountSession.objects.filter(session_key__in=ended).delete()
            audit_record(actor=user, action="user.sessions_ended", target=user, unit_id=user.unit_id,
                         after={"ended": len(ended), "limit": limit}, message="超出同时登录数，结束较早的会话")


def session_ended(*, request: HttpRequest) -> None:
    key = request.session.session_key
    if key:
        AccountSession.objects.filter(session_key=key).delete()


# ---------------------------------------------------------------------------------------------------
# django-axes hooks and signal receivers


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind LUOSHI_PROXY_COUNT proxies the
    entry of LUOSHI_CLIENT_IP_HEADER that the outermost of them appended (counted from the right)."""
    remote = request.META.get("REMOTE_ADDR")
    header = settings.LUOSHI_CLIENT_IP_HEADER
    if not header:
        return remote
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    entries = [part.strip() for part in raw.split(",") if part.strip()]
    count = max(settings.LUOSHI_PROXY_COUNT, 1)
    if len(entries) < count:
        return remote  # the request did not come through the proxies (or they are misconfigured)
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote


def login_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account a login attempt is counted against, however its name was typed (AXES_USERNAME_CALLABLE)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return str(raw or "").strip().lower()[:150]


def on_user_locked_out(sender: Any, request: HttpRequest | None = None, username: str = "",
                       ip_address: str = "", **kwargs: Any) -> None:
    from axes.models import AccessAttempt

    user = User.objects.filter(username__iexact=username).first()
    target: Any = user or AccessAttempt.objects.filter(username=username).order_by("-pk").first()
    if target is None:
        return
    audit_record(actor=None, action="login.lockout", target=target, unit_id=getattr(user, "unit_id", None),
                 after={"username": username, "ip_address": ip_address,
                        "minutes": settings.LUOSHI_LOGIN_LOCKOUT_MINUTES},
                 message=f"连续登录失败，锁定{settings.LUOSHI_LOGIN_LOCKOUT_MINUTES}分钟")


def on_user_logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and user is not None:
        session_started(request=request, user=user)


def on_user_logged_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_ended(request=request)


class LoginThrottleBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' backend, which refuses authenticate() calls without a request; those come only from
    code (shells, tests), never from a login page, and have no client to count, so they are let through
    to the password check unthrottled."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]
