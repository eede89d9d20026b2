"""Units (departments, district governments, pilot zones…), their groups and aliases, and accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Role, UnitKind


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
        # `manage.py createsuperuser` makes an administrator: that role has no unit.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account. Unit roles (liaison, head) belong to one unit; the office, leaders and admins to none."""

    objects = LuoshiUserManager()

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.LIAISON)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
                             verbose_name=_("所属单位"))
    phone = models.CharField(_("电话"), max_length=32, blank=True)

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

    @property
    def is_unit_user(self) -> bool:
        return self.role in (Role.LIAISON, Role.HEAD)

    @property
    def sees_everything(self) -> bool:
        """The office, leaders and administrators read every plan and task."""
        return self.role in (Role.ADMIN, Role.SUPERVISOR, Role.LEADER) or self.is_superuser

    @property
    def is_office(self) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR) or self.is_superuser
