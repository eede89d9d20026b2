from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("市直部门")
    DISTRICT_GOVERNMENT = "district_government", _("区市县政府")
    PILOT_ZONE = "pilot_zone", _("先导区")
    PARTY_DEPARTMENT = "party_department", _("党委部门")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    CENTRAL_UNIT = "central_unit", _("中直省直驻市单位")
    MASS_ORGANIZATION = "mass_organization", _("群团组织")
    GROUP = "group", _("单位集合")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    SUPERVISOR = "supervisor", _("督查人员")
    LIAISON = "liaison", _("单位联络员")
    HEAD = "head", _("单位负责人")
    LEADER = "leader", _("领导")


# 三员分立: the three administrator roles. Each holds no business role (it never acts as the office or
# a unit) and no account holds two of them (an account has exactly one role).
ADMIN_ROLES = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Accounts that must use a second factor when LUOSHI_2FA_REQUIRED is on: administrators and the office.
TWO_FACTOR_ROLES = (*ADMIN_ROLES, Role.SUPERVISOR)
