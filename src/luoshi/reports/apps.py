from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "luoshi.reports"
    label = "reports"
    verbose_name = "Reporting cycle"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .models import Attachment
        from .services import remove_attachment_file

        post_delete.connect(remove_attachment_file, sender=Attachment, dispatch_uid="luoshi_remove_attachment_file")
