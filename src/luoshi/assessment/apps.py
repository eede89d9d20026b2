from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    label = "assessment"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from luoshi.core.storedfiles import remove_file_after_delete

        from .models import AppealEvidence

        post_delete.connect(remove_file_after_delete, sender=AppealEvidence,
                            dispatch_uid="luoshi_remove_appeal_evidence_file")
