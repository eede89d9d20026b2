"""The audit log's hash chain, source address and result, and the database's append-only guard.

Existing entries are chained in id order (the same digest as luoshi.core.chain.entry_digest, copied here as
migrations must not import app code that may change). Then triggers refuse UPDATE and DELETE of the audit
tables (and TRUNCATE on PostgreSQL) unless the connection unlocked them; see luoshi.core.chain.
"""

import datetime as dt
import hashlib
import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("created_at", "actor_id", "actor_name", "actor_unit", "request_id", "source_address", "result",
                 "action", "object_type", "object_id", "object_repr", "plan_id", "task_id", "unit_id",
                 "before", "after", "message")
TABLES = ("core_auditentry", "core_auditanchor")


def _digest(entry, prev_hash):
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["created_at"] = fields["created_at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def chain_existing(apps, schema_editor):
    entry_model = apps.get_model("core", "AuditEntry")
    prev_hash = GENESIS_HASH
    batch = []
    for entry in entry_model.objects.order_by("id").iterator(chunk_size=2000):
        entry.prev_hash = prev_hash
        entry.entry_hash = prev_hash = _digest(entry, prev_hash)
        batch.append(entry)
        if len(batch) >= 2000:
            entry_model.objects.bulk_update(batch, ["prev_hash", "entry_hash"])
            batch = []
    if batch:
        entry_model.objects.bulk_update(batch, ["prev_hash", "entry_hash"])


POSTGRESQL_GUARD = """
CREATE OR REPLACE FUNCTION luoshi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The tables' owner may unlock its own transaction (audit_prune, the test suite's flush); it could drop
    -- this trigger anyway. Anyone else, the application role included, is refused.
    IF current_setting('luoshi.audit_unlock', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only (% on %).', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _postgresql_table(table):
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION luoshi_audit_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION luoshi_audit_append_only();
"""


def _sqlite_table(table):
    # luoshi_audit_unlocked() is registered on Luoshi's connections (luoshi.core.chain); any other program
    # lacks it, and its UPDATE or DELETE then fails with "no such function": refused all the same.
    return [f"""
CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
WHEN NOT luoshi_audit_unlocked()
BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;
""" for op in ("UPDATE", "DELETE")]


def add_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_GUARD, params=None)  # its % are PL/pgSQL's
        for table in TABLES:
            schema_editor.execute(_postgresql_table(table))
    elif vendor == "sqlite":
        for table in TABLES:
            for statement in _sqlite_table(table):
                schema_editor.execute(statement)


def remove_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS luoshi_audit_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_audit_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('pruned_through_id', models.BigIntegerField()),
                ('pruned_before', models.DateTimeField()),
                ('pruned_count', models.PositiveIntegerField()),
                ('anchor_hash', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': '审计链锚点',
                'verbose_name_plural': '审计链锚点',
                'ordering': ['-pruned_through_id'],
            },
        ),
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['-created_at', '-id'], 'permissions': [('export_auditentry', 'Can export the audit log with its hash chain')], 'verbose_name': '审计记录', 'verbose_name_plural': '审计记录'},
        ),
        migrations.AddField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='result',
            field=models.CharField(choices=[('success', '成功'), ('failure', '失败')], default='success', max_length=16, verbose_name='结果'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='source_address',
            field=models.CharField(blank=True, max_length=45, verbose_name='来源地址'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(add_guard, remove_guard),
    ]
