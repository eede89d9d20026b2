"""Units (departments, district governments, pilot zones…), their groups and aliases, and accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ADMIN_ROLES, TWO_FACTOR_ROLES, Role, UnitKind
from .permissions import role_permissions


class Unit(models.Model):
    """A responsible unit (市科技局), or a group of units (各区市县政府) whose members answer separately."""

    name = models.CharField(_("简称"), max_length=100, unique=True)
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    kind = models.CharField(_("类别"), max_length=32, choices=UnitKind.choices, default=UnitKind.OTHER)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级单位"))
    is_group = models.BooleanField(_("单位集合"), default=False)
    members = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="member_of",
                                     verbose_name=_("成员单位"))
    member_kind = models.CharField(_("按类别包含"), max_length=32, choices=UnitKind.choices, blank=True,
                                   help_text=_("集合包含该类别的全部单位，例如“市直各部门”"))
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(condition=Q(is_group=True) | Q(member_kind=""), name="unit_member_kind_only_groups",
                                   violation_error_message=_("只有单位集合可以按类别包含成员")),
        ]

    def __str__(self) -> str:
        return self.name

    def member_units(self) -> models.QuerySet[Unit]:
        """The real units a group stands for (itself for a plain unit)."""
        if not self.is_group:
            return Unit.objects.filter(pk=self.pk)
        q = Q(member_of=self)
        if self.member_kind:
            q |= Q(kind=self.member_kind)
        return Unit.objects.filter(q, is_group=False, active=True).distinct()


class UnitAlias(models.Model):
    """Another name a plan uses for a unit (市发改委 -> 市发展改革委); confirmed mappings are remembered here."""

    alias = models.CharField(_("别名"), max_length=200, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))

    class Meta:
        ordering = ["alias"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"


class LuoshiUserManager(UserManager["User"]):
    def create_superuser(self, username: str, email: str | None = None, password: str | None = None,
                         **extra_fields: Any) -> User:
        # `manage.py createsuperuser` is for installation only: its account is a system administrator like
        # any other (the superuser flag grants nothing, see orgs.permissions), to create the three
        # administrators with, then deactivate.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account. Unit roles (liaison, head) belong to one unit; the office, leaders and admins to none."""

    objects = LuoshiUserManager()

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.LIAISON)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
                             verbose_name=_("所属单位"))
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)
    password_change_required = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("下次登录时必须先修改密码（新账号、管理员重设密码后）"))

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[Role.LIAISON, Role.HEAD]) | Q(unit__isnull=False),
                name="user_unit_roles_have_unit",
                violation_error_message=_("单位联络员和单位负责人必须属于一个单位")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password (set_password keeps the raw one in _password until saved) starts its age and
        # joins the history that PasswordHistoryValidator checks. A hash upgrade at login is not a change
        # (Django clears _password before saving it).
        changed = self._password is not None  # type: ignore[attr-defined]
        if changed:
            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)
        if changed and self.has_usable_password():
            PasswordHistory.record(self)

    @property
    def is_unit_user(self) -> bool:
        return self.role in (Role.LIAISON, Role.HEAD)

    @property
    def sees_everything(self) -> bool:
        """The office and leaders read every plan and task (administrators hold no business role)."""
        return self.role in (Role.SUPERVISOR, Role.LEADER)

    @property
    def is_office(self) -> bool:
        """The supervising office. Not the superuser, not an administrator: 三员分立."""
        return self.role == Role.SUPERVISOR

    @property
    def is_administrator(self) -> bool:
        """One of the three administrator roles (system, security, audit)."""
        return self.role in ADMIN_ROLES

    @property
    def needs_two_factor(self) -> bool:
        """Administrators and the office must use a second factor (when LUOSHI_2FA_REQUIRED is on)."""
        return self.role in TWO_FACTOR_ROLES

    # Admin permissions come from the role only (orgs.permissions), never from the superuser flag or
    # Django groups: that is what keeps the three administrator roles apart.
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active and perm in role_permissions(self.role)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and any(p.startswith(f"{app_label}.") for p in role_permissions(self.role))


class PasswordHistory(models.Model):
    """A password an account has had (its hash), so the last few are not used again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    @classmethod
    def record(cls, user: User) -> None:
        from django.conf import settings

        cls.objects.create(user=user, password=user.password)
        keep = cls.objects.filter(user=user).order_by("-created_at", "-pk")[:settings.LUOSHI_PASSWORD_HISTORY]
        cls.objects.filter(user=user).exclude(pk__in=list(keep.values_list("pk", flat=True))).delete()


class AccountSession(models.Model):
    """A logged-in session of an account, so LUOSHI_MAX_SESSIONS can end the oldest ones."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
