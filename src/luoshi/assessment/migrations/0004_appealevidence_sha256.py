import hashlib

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    """Appeal evidence uploaded before: its SHA-256 as stored now (a file already missing keeps an empty hash)."""
    evidence_model = apps.get_model("assessment", "AppealEvidence")
    for evidence in evidence_model.objects.filter(sha256="").iterator(chunk_size=500):
        digest = hashlib.sha256()
        try:
            with evidence.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
        except (FileNotFoundError, OSError, ValueError):
            continue
        evidence_model.objects.filter(pk=evidence.pk).update(sha256=digest.hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0003_rubric_quality_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="appealevidence",
            name="sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
