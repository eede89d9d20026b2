# ExportJob: files built in the background (the ledger export), downloaded by their owner only.

import django.db.models.deletion
import luoshi.reports.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_reporting_cycle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExportJob',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=32, verbose_name='类型')),
                ('params', models.JSONField(blank=True, default=dict)),
                ('status', models.CharField(choices=[('pending', '排队中'), ('running', '生成中'), ('done', '已完成'), ('failed', '失败')], default='pending', max_length=16, verbose_name='状态')),
                ('file', models.FileField(blank=True, upload_to=luoshi.reports.models.export_path)),
                ('filename', models.CharField(blank=True, max_length=255, verbose_name='文件名')),
                ('error', models.CharField(blank=True, max_length=500, verbose_name='错误')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '导出任务',
                'verbose_name_plural': '导出任务',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['user', 'created_at'], name='exportjob_user_idx')],
            },
        ),
    ]
