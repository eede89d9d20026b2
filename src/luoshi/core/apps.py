from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = "Luoshi core"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_delete

        from . import security_events
        from .chain import register_sqlite_guard

        connection_created.connect(register_sqlite_guard, dispatch_uid="luoshi_audit_sqlite_guard")
        user_logged_in.connect(security_events.on_logged_in, dispatch_uid="luoshi_audit_login")
        user_logged_out.connect(security_events.on_logged_out, dispatch_uid="luoshi_audit_logout")
        user_login_failed.connect(security_events.on_login_failed, dispatch_uid="luoshi_audit_login_failed")
        pre_delete.connect(security_events.refuse_user_delete, sender=get_user_model(),
                           dispatch_uid="luoshi_refuse_user_delete")
        # The admin has discovered every app's admin.py by now (its app comes first in INSTALLED_APPS).
        security_events.audit_every_admin(admin.site)
