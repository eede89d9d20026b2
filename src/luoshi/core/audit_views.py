"""The audit log export page: for accounts holding core.export_auditentry (the audit administrator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit_export import MAX_EXPORT_ROWS, audit_entries_between, audit_export_workbook
from .viewtools import download_response, login_form

EXPORT_PERMISSION = "core.export_auditentry"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditExportForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期（含）"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("结束日期不能早于开始日期。"))
        return cleaned


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone))


@login_form
def audit_export(request: HttpRequest) -> HttpResponse:
    """Choose a date range; the answer is the range's entries with their hash chain (.xlsx)."""
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise Http404
    form = AuditExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, end = _bounds(form.cleaned_data["start"], form.cleaned_data["end"])
        if audit_entries_between(start, end).count() > MAX_EXPORT_ROWS:
            form.add_error(None, _("所选时间段的记录过多，请缩小范围。"))
        else:
            name = f"audit-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.xlsx"
            return download_response(audit_export_workbook(start=start, end=end), filename=name,
                                     content_type=XLSX_CONTENT_TYPE)
    return render(request, "core/audit_export.html", {"form": form})
