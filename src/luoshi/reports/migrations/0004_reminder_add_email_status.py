"""Reminders record whether their e-mail reached the mail server (issue 10).

Reminders written before this migration were handed to the mail backend once and never retried: they are
marked sent, so no sweep ever mails them again; new rows start pending.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_remove_exportjob'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='email_error',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='reminder',
            name='email_status',
            field=models.CharField(choices=[('pending', '待发送'), ('sent', '已发送'), ('failed', '未发送'), ('no_address', '无邮箱')], default='sent', max_length=16, verbose_name='邮件'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='email_status',
            field=models.CharField(choices=[('pending', '待发送'), ('sent', '已发送'), ('failed', '未发送'), ('no_address', '无邮箱')], default='pending', max_length=16, verbose_name='邮件'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='emailed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(condition=models.Q(('email_status', 'failed')), fields=['period'], name='reminder_email_failed_idx'),
        ),
    ]
