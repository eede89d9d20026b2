"""What each administrator role may do in the Django admin (三员分立), as one table.

Django's own permission tables, groups and the superuser flag grant nothing here: `User.has_perm` reads
this table only, so the `createsuperuser` account of the installation is a system administrator like any
other, and no account can hold the powers of two administrator roles. Business roles (the office, units,
leaders) work in the pages, not in the admin, and have no admin permission at all.
"""

from __future__ import annotations

from .choices import Role

SYSTEM_ADMIN_PERMISSIONS = frozenset({
    # accounts (profile, unit, password reset) and the unit directory
    "orgs.view_user", "orgs.add_user", "orgs.change_user",
    "orgs.view_unit", "orgs.add_unit", "orgs.change_unit",
    "orgs.view_unitalias", "orgs.add_unitalias", "orgs.change_unitalias", "orgs.delete_unitalias",
    # configuration: the indicator catalogue and regions
    "indicators.view_indicator", "indicators.add_indicator", "indicators.change_indicator",
    "indicators.view_indicatoralias", "indicators.add_indicatoralias", "indicators.change_indicatoralias",
    "indicators.delete_indicatoralias",
    "indicators.view_region", "indicators.add_region", "indicators.change_region",
    # configuration: the reporting calendar (a period's due date)
    "reports.view_reportingperiod", "reports.change_reportingperiod",
    # API tokens: listed without keys, revoked with the list's action (issued with `manage.py api_token --actor`)
    "api.view_apitoken", "api.change_apitoken",
})

SECURITY_ADMIN_PERMISSIONS = frozenset({
    # accounts: roles, locking and unlocking, second factors (the user admin shows only those fields)
    "orgs.view_user", "orgs.change_user",
    # login lockouts (django-axes): read them, delete one to unlock
    "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog", "axes.view_accessfailurelog",
})

AUDIT_ADMIN_PERMISSIONS = frozenset({
    "core.view_auditentry",
    "core.export_auditentry",   # the audit log with its hash chain (/audit/export/)
})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: SYSTEM_ADMIN_PERMISSIONS,
    Role.SECURITY_ADMIN: SECURITY_ADMIN_PERMISSIONS,
    Role.AUDIT_ADMIN: AUDIT_ADMIN_PERMISSIONS,
}


def role_permissions(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
