from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "luoshi.orgs"
    label = "orgs"
    verbose_name = "Units and accounts"

    def ready(self) -> None:
        # Logins, logouts and django-axes lockouts are announced by signal only (see orgs.security).
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import security

        user_locked_out.connect(security.on_user_locked_out, dispatch_uid="luoshi.orgs.lockout")
        user_logged_in.connect(security.on_user_logged_in, dispatch_uid="luoshi.orgs.logged_in")
        user_logged_out.connect(security.on_user_logged_out, dispatch_uid="luoshi.orgs.logged_out")
