from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "luoshi.reports"
    label = "reports"
    verbose_name = "Reporting cycle"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from luoshi.core.storedfiles import remove_file_after_delete

        from .models import Attachment

        post_delete.connect(remove_file_after_delete, sender=Attachment, dispatch_uid="luoshi_remove_attachment_file")
