"""Helpers for the audit tests: switching the append-only guard back on, and posting admin forms."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

from luoshi.core import chain


@contextlib.contextmanager
def audit_guard_on() -> Iterator[None]:
    """The triggers as production has them (the suite unlocks every connection for its flushes)."""
    chain.unlock_everywhere_for_tests(False)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL luoshi.audit_unlock = 'off'")
            yield
    finally:
        chain.unlock_everywhere_for_tests(True)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return str(getattr(value, "pk", value))


def admin_form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """The POST body an admin change page would send unchanged (main form and inlines), plus `changes`."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _form_value(form[name].value())
        if value not in ("", []):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = _form_value(inline_form[name].value())
                if value not in ("", []):
                    data[inline_form.add_prefix(name)] = value
    data.update(changes)
    return data
