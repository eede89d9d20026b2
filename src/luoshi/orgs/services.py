"""Writes to the unit directory and accounts. Each service audits inside its transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from luoshi.core.audit import audit_record, snapshot
from luoshi.core.errors import DomainError
from luoshi.core.parser_messages import parser_message
from luoshi.plandoc.errors import PlanDocError
from luoshi.plandoc.units import DirectoryEntry, UnitDirectory

from .choices import ADMIN_ROLES, Role, UnitKind
from .models import Unit, UnitAlias, User
from .selectors import CREATE, SAME, UPDATE, unit_directory_plan

UNIT_ROLES = (Role.LIAISON, Role.HEAD)


@transaction.atomic
def unit_directory_import(*, actor: Any, directory: UnitDirectory, source: str = "",
                          dry_run: bool = False) -> dict[str, int]:
    """Create or update units, aliases and groups from a parser directory (built-in, CSV, YAML or Excel).

    Units are matched by name and keep their id; new units sort after the existing ones. Aliases are
    added (one another unit holds moves); a group's listed members are replaced; nothing is deleted.
    All or nothing: a unit the result would leave ambiguous (a name or alias naming two units) refuses
    the whole import. `dry_run` checks everything and rolls back. Returns created/updated/unchanged.
    """
    planned = unit_directory_plan(directory)
    refused = next((p for p in planned if p.error), None)
    if refused is not None:
        raise DomainError(refused.error, code="bad_directory")
    top = Unit.objects.aggregate(top=Max("sort_order"))["top"]
    next_order = 0 if top is None else top + 1
    by_name: dict[str, Unit] = {}
    for item in planned:
        unit = item.unit
        if unit is None:
            unit = Unit.objects.create(name=item.entry.name, sort_order=next_order, **item.values)
            next_order += 1
        elif item.changes:
            for name, value in item.values.items():
                setattr(unit, name, value)
            unit.save(update_fields=list(item.values))
        by_name[unit.name] = unit
    for item in planned:
        unit = by_name[item.entry.name]
        parent = by_name[item.parent] if isinstance(item.parent, str) else item.parent
        if unit.parent_id != (parent.pk if parent else None):
            Unit.objects.filter(pk=unit.pk).update(parent=parent)
        for alias in item.new_aliases:
            UnitAlias.objects.update_or_create(alias=alias, defaults={"unit": unit})
        if item.members is not None:
            unit.members.set([by_name[m] for m in item.members if m in by_name])
    try:
        unit_directory_for_parser()
    except PlanDocError as exc:
        raise DomainError(_("导入后单位目录将有歧义：%(reason)s") % {"reason": parser_message(exc)},
                          code="bad_directory") from None
    counts = {"created": sum(p.action == CREATE for p in planned), "updated": sum(p.action == UPDATE for p in planned),
              "unchanged": sum(p.action == SAME for p in planned)}
    if by_name:
        audit_record(actor=actor, action="units.import", target=next(iter(by_name.values())), after=counts,
                     message=f"单位目录导入：{source}" if source else "单位目录导入")
    if dry_run:
        transaction.set_rollback(True)
    return counts


def unit_directory_for_parser() -> UnitDirectory:
    """The directory in the database as the parser's UnitDirectory, aliases included."""
    aliases: dict[int, list[str]] = {}
    for alias in UnitAlias.objects.all():
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    units = list(Unit.objects.filter(active=True).prefetch_related("members"))
    names = {u.name for u in units}
    entries = []
    for u in units:
        members: tuple[str, ...] = ()
        if u.is_group:
            members = tuple(m.name for m in u.members.all() if m.name in names)
            if u.member_kind:
                members += (f"kind:{u.member_kind}",)
        entries.append(DirectoryEntry(name=u.name, full_name=u.full_name or None, kind=u.kind,
                                      aliases=tuple(aliases.get(u.pk, ())), is_group=u.is_group, members=members))
    return UnitDirectory(entries, cities=_cities(units))


def _cities(units: list[Unit]) -> tuple[str, ...]:
    found = set()
    for u in units:
        if u.full_name.startswith("大连市"):
            found.add("大连")
    return tuple(found)


@transaction.atomic
def unit_alias_create(*, actor: Any, alias: str, unit: Unit) -> UnitAlias:
    """Remember that plans call `unit` by `alias` (mapping confirmed in an import preview)."""
    alias = alias.strip()
    if not alias:
        raise DomainError(_("别名不能为空"))
    existing = UnitAlias.objects.filter(alias=alias).select_related("unit").first()
    if existing and existing.unit_id != unit.pk:
        raise DomainError(_("“%(alias)s”已是“%(unit)s”的别名") % {"alias": alias, "unit": existing.unit})
    if Unit.objects.filter(name=alias).exclude(pk=unit.pk).exists():
        raise DomainError(_("“%(alias)s”是另一个单位的名称") % {"alias": alias})
    obj, _created = UnitAlias.objects.get_or_create(alias=alias, defaults={"unit": unit})
    audit_record(actor=actor, action="units.alias", target=unit, after={"alias": alias}, unit_id=unit.pk)
    return obj


# Accounts. Unit roles (liaison, head) belong to one unit; the office, leaders and admins to none.
# 三员分立: the system administrator creates accounts and edits their profile and unit; the security
# administrator changes roles (granting the administrator roles included) and locks or unlocks accounts;
# the audit administrator changes nothing. The three are staff (they use /admin/, with the permissions of
# orgs.permissions); no account is made a superuser here. `actor=None` is the system itself (installation
# commands, the demo), which these rules do not bind.

USER_FIELDS = ["username", "first_name", "last_name", "email", "phone", "role", "unit", "is_active", "is_staff",
               "is_superuser"]
USER_PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "phone")


def user_role_check(*, role: str, unit: Unit | None) -> None:
    """Refuse a role/unit pair the organisation does not allow (shared by the services and the admin form)."""
    if role not in Role.values:
        raise DomainError(_("未知角色“%(role)s”") % {"role": role}, code="bad_role")
    if role in UNIT_ROLES and unit is None:
        raise DomainError(_("单位联络员和单位负责人必须属于一个单位"),
                          code="unit_required")
    if role not in UNIT_ROLES and unit is not None:
        raise DomainError(_("督查人员、领导和系统管理员不属于任何单位"),
                          code="unit_not_allowed")
    if unit is not None and unit.is_group:
        raise DomainError(_("“%(unit)s”是单位集合，账号须属于具体单位") % {"unit": unit},
                          code="unit_is_group")


def _refuse_unless(actor: Any, role: str, message: str) -> None:
    if actor is not None and getattr(actor, "role", None) != role:
        raise DomainError(message, code="forbidden")


def user_change_check(*, actor: Any, user: User | None, role: str, unit: Unit | None, is_active: bool,
                      invite: bool = False) -> None:
    """All account rules for a new (`user=None`) or changed account; the admin form runs it before saving.

    Accounts are the system administrator's, with one delegation: the supervising office invites a unit's
    liaison and head (`invite`: an account without a password, whose owner sets it through a one-time link),
    so that a new unit can report without waiting for the administrator.
    """
    user_role_check(role=role, unit=unit)
    if user is None:
        if invite and getattr(actor, "is_office", False) and role in (Role.LIAISON, Role.HEAD):
            return
        _refuse_unless(actor, Role.ADMIN, _("只有系统管理员可以创建账号"))
        # Administrator accounts come from the installation (the superuser of `createsuperuser`, or the
        # system itself); afterwards the security administrator grants those roles.
        if actor is not None and role in ADMIN_ROLES and not actor.is_superuser:
            raise DomainError(_("管理员角色由安全管理员授予：请先以业务角色创建账号"), code="forbidden")
        return
    if role != user.role:
        _refuse_unless(actor, Role.SECURITY_ADMIN,
                       _("只有安全管理员可以修改角色"))
    elif (unit.pk if unit else None) != user.unit_id:
        _refuse_unless(actor, Role.ADMIN,
                       _("只有系统管理员可以修改所属单位"))
    if is_active != user.is_active:
        _refuse_unless(actor, Role.SECURITY_ADMIN,
                       _("只有安全管理员可以锁定或解锁账号"))
    if actor is None or getattr(actor, "pk", None) != user.pk:
        return
    # An administrator who demotes or locks out themselves may leave nobody able to undo it.
    if role != user.role:
        raise DomainError(_("不能修改自己的角色"), code="own_role")
    if user.is_active and not is_active:
        raise DomainError(_("不能停用自己的账号"), code="own_account")


def _user_snapshot(user: User) -> dict[str, Any]:
    return {**snapshot(user, USER_FIELDS), "unit_name": str(user.unit) if user.unit_id else ""}


def _apply_role(user: User, role: str, unit: Unit | None) -> None:
    user.role = role
    user.unit = unit
    user.is_staff = role in ADMIN_ROLES
    user.is_superuser = False  # grants nothing (orgs.permissions) and is kept for the installation account only


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, role: str, unit: Unit | None = None, first_name: str = "",
    last_name: str = "", email: str = "", phone: str = "", password_change_required: bool = True,
    invite: bool = False,
) -> User:
    """Create an account; `password=None` makes one that cannot log in with a password.

    The password was chosen by someone else, so by default the account must change it at its first login.
    `invite`: the office's invitation of a unit's liaison or head (see user_change_check).
    """
    username = username.strip()
    if not username:
        raise DomainError(_("用户名不能为空"), code="username_required")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("用户名“%(username)s”已被使用") % {"username": username}, code="username_taken")
    user_change_check(actor=actor, user=None, role=role, unit=unit, is_active=True,
                      invite=invite and password is None)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, phone=phone,
                password_change_required=password_change_required and password is not None)
    _apply_role(user, role, unit)
    if password is None:
        user.set_unusable_password()
    else:
        _password_check(password, user)
        user.set_password(password)
    _full_clean(user, validate_unique=True)
    user.save()
    audit_record(actor=actor, action="user.create", target=user, after=_user_snapshot(user),
                 unit_id=unit.pk if unit else None)
    return user


def _full_clean(user: User, *, validate_unique: bool) -> None:
    try:
        user.full_clean(exclude=["password"], validate_unique=validate_unique)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid_account") from None


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from None


@transaction.atomic
def user_set_role(*, actor: Any, user: User, role: str, unit: Unit | None) -> User:
    """Change an account's role and unit (a liaison moving to another unit, a head becoming a leader…)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user_change_check(actor=actor, user=user, role=role, unit=unit, is_active=user.is_active)
    before = _user_snapshot(user)
    _apply_role(user, role, unit)
    user.save(update_fields=["role", "unit", "is_staff", "is_superuser"])
    after = _user_snapshot(user)
    if after != before:
        audit_record(actor=actor, action="user.set_role", target=user, before=before, after=after,
                     unit_id=unit.pk if unit else None)
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Disable an account (it can no longer log in; its history stays). Accounts are never deleted."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user_change_check(actor=actor, user=user, role=user.role, unit=user.unit, is_active=False)
    if not user.is_active:
        return user
    before = _user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.deactivate", target=user, before=before,
                 after=_user_snapshot(user), unit_id=user.unit_id)
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, changes: dict[str, Any]) -> User:
    """Change profile fields (name, e-mail, phone, username) or re-activate an account.

    Role and unit go through user_set_role, deactivation through user_deactivate, so each is its own action.
    """
    allowed = {*USER_PROFILE_FIELDS, "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("不能在此修改：%(fields)s") % {"fields": "、".join(sorted(unknown))},
                          code="bad_field")
    if changes.get("is_active") is False:
        raise DomainError(_("停用账号请使用“停用”"), code="bad_field")
    if set(changes) & set(USER_PROFILE_FIELDS):
        _refuse_unless(actor, Role.ADMIN, _("只有系统管理员可以修改账号信息"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if changes.get("is_active") and not user.is_active:
        _refuse_unless(actor, Role.SECURITY_ADMIN,
                       _("只有安全管理员可以锁定或解锁账号"))
    if "username" in changes:
        changes = {**changes, "username": str(changes["username"]).strip()}
    username = changes.get("username", user.username)
    if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
        raise DomainError(_("用户名“%(username)s”已被使用") % {"username": username}, code="username_taken")
    before = _user_snapshot(user)
    for name, value in changes.items():
        setattr(user, name, value)
    _full_clean(user, validate_unique=False)  # uniqueness checked above, case-insensitively
    user.save(update_fields=list(changes))
    after = _user_snapshot(user)
    if after != before:
        audit_record(actor=actor, action="user.update", target=user, before=before, after=after,
                     unit_id=user.unit_id)
    return user


# Units the office adds while mapping a plan, and the accounts it invites for them.

INVITE_ROLES = (Role.LIAISON, Role.HEAD)


def _require_office(actor: Any) -> None:
    if not getattr(actor, "is_office", False):
        raise DomainError(_("只有督查人员可以进行此操作。"), code="forbidden")


@transaction.atomic
def unit_create(*, actor: Any, name: str, kind: str, full_name: str = "") -> Unit:
    """The office adds a unit a plan names and the directory lacks (from the plan's unit-mapping step).

    A name already used by a unit or an alias is refused: mapping to that unit is what is wanted then.
    """
    _require_office(actor)
    name, full_name = name.strip(), full_name.strip()
    if not name or len(name) > 100:
        raise DomainError(_("单位简称不能为空，且不超过100字。"), code="bad_name")
    if kind not in UnitKind.values or kind == UnitKind.GROUP:
        raise DomainError(_("请选择单位类别。"), code="bad_kind")
    if Unit.objects.filter(name=name).exists() or UnitAlias.objects.filter(alias=name).exists():
        raise DomainError(_("“%(name)s”已在单位目录中，请直接对应。") % {"name": name}, code="exists")
    top = Unit.objects.aggregate(top=Max("sort_order"))["top"]
    unit = Unit.objects.create(name=name, full_name=full_name[:200], kind=kind,
                               sort_order=0 if top is None else top + 1)
    audit_record(actor=actor, action="unit.create", target=unit, unit_id=unit.pk,
                 after={"name": unit.name, "full_name": unit.full_name, "kind": unit.kind})
    return unit


def set_password_path(user: User) -> str:
    """The one-time link that lets an invited account choose its password (Django's reset token: it stops
    working once the password is set, or after PASSWORD_RESET_TIMEOUT)."""
    path: str = reverse("orgs:set_password", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                   default_token_generator.make_token(user)])
    return path


@transaction.atomic
def user_invite(*, actor: Any, unit: Unit, role: str, username: str, name: str = "", email: str = "",
                phone: str = "", site_url: str = "") -> tuple[User, str]:
    """The office creates a unit's liaison or head account without a password and returns the one-time
    link where its owner sets one (first login = choosing the password). With an e-mail address the link
    is also mailed, after commit (`site_url`, e.g. https://luoshi.example.org, makes it absolute)."""
    _require_office(actor)
    if role not in INVITE_ROLES:
        raise DomainError(_("只能邀请单位联络员或单位负责人。"), code="bad_role")
    user = user_create(actor=actor, username=username, password=None, role=role, unit=unit, first_name=name.strip(),
                       email=email.strip(), phone=phone.strip(), invite=True)
    link = site_url.rstrip("/") + set_password_path(user)
    audit_record(actor=actor, action="user.invite", target=user, unit_id=unit.pk,
                 after={"username": user.username, "role": role, "unit": unit.name, "emailed": bool(user.email)})
    if user.email:
        subject = _("落实系统账号邀请：%(unit)s%(role)s") % {"unit": unit.name, "role": Role(role).label}
        body = _("您已被添加为%(unit)s的%(role)s（用户名：%(username)s）。请打开以下链接设置密码后登录，"
                 "链接仅能使用一次：\n%(link)s") % {"unit": unit.name, "role": Role(role).label,
                                                   "username": user.username, "link": link}
        address = user.email
        transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
    return user, link
