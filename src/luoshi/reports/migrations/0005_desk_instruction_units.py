"""A leader's instruction (批示) may name the units that must answer it (issue 12); none named: all of the task's."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_user_manager'),
        ('reports', '0004_reminder_add_email_status'),
    ]

    operations = [
        migrations.AddField(
            model_name='instruction',
            name='units',
            field=models.ManyToManyField(blank=True, related_name='+', to='orgs.unit', verbose_name='批示单位'),
        ),
    ]
