"""The unit directory import page (administrators only): upload, preview, apply.

Upload a file: it is read and checked (orgs.directory_files) and the import is tried and rolled back,
so the preview shows every bad row and exactly what applying would change. The checked entries wait in
the session (nothing is stored in the directory); "apply" imports them through the service, all or
nothing. If the directory changed in between, the page shows the new preview instead of applying.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luoshi.core.errors import DomainError
from luoshi.core.parser_messages import parser_message
from luoshi.plandoc.errors import PlanDocError
from luoshi.plandoc.units import DirectoryEntry, UnitDirectory

from .choices import Role, UnitKind
from .directory_files import DirectoryFile, DirectoryRow, directory_file_read
from .forms import UnitDirectoryUploadForm
from .selectors import CREATE, SAME, UPDATE, unit_directory_plan
from .services import unit_directory_import

SESSION_KEY = "orgs.unit_import"
TEMPLATE = "orgs/unit_import.html"


def _require_admin(user: Any) -> None:
    """The directory is the system administrators' to change; everyone else is told the page is not there."""
    if user.role != Role.ADMIN:
        raise Http404


@dataclass
class PreviewRow:
    where: str
    name: str
    action: str          # create / update / same / error
    changes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class ImportPreview:
    filename: str
    rows: list[PreviewRow]
    errors: list[str]
    counts: dict[str, int]
    digest: str = ""

    @property
    def can_apply(self) -> bool:
        return not self.errors and not any(r.error for r in self.rows) and bool(self.rows)

    @property
    def shown_rows(self) -> list[PreviewRow]:
        """Errors and changes; unchanged units are only counted."""
        return [r for r in self.rows if r.action != SAME]


def _preview(actor: Any, directory_file: DirectoryFile) -> ImportPreview:
    """Every bad row, or what the import would do to each unit (tried and rolled back)."""
    if not directory_file.is_valid:
        rows = [PreviewRow(r.where, r.entry.name if r.entry else "", "error", error=r.error)
                for r in directory_file.row_errors]
        return ImportPreview(directory_file.filename, rows, list(directory_file.file_errors), {})
    directory = directory_file.directory()
    planned = unit_directory_plan(directory)
    rows = [PreviewRow(row.where, item.entry.name, "error" if item.error else item.action, item.changes, item.error)
            for row, item in zip(directory_file.rows, planned, strict=True)]
    errors: list[str] = []
    if not any(r.error for r in rows):
        try:
            unit_directory_import(actor=actor, directory=directory, source=directory_file.filename, dry_run=True)
        except DomainError as exc:
            errors.append(exc.message)
    counts = {action: sum(r.action == action for r in rows) for action in (CREATE, UPDATE, SAME)}
    digest = hashlib.sha256(json.dumps([[r.name, r.action, r.changes, r.error] for r in rows] + [errors],
                                       ensure_ascii=False).encode()).hexdigest()
    return ImportPreview(directory_file.filename, rows, errors, counts, digest)


def _remember(request: HttpRequest, directory_file: DirectoryFile, preview: ImportPreview) -> None:
    request.session[SESSION_KEY] = {
        "filename": directory_file.filename, "cities": directory_file.cities, "digest": preview.digest,
        "entries": [dataclasses.asdict(e) for e in directory_file.entries],
        "wheres": [r.where for r in directory_file.rows]}


def _recall(request: HttpRequest) -> DirectoryFile | None:
    """The checked file waiting in the session, as a DirectoryFile again."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    entries = [DirectoryEntry(name=e["name"], full_name=e["full_name"], kind=e["kind"], aliases=tuple(e["aliases"]),
                              is_group=bool(e["is_group"]), members=tuple(e["members"]), parent=e["parent"])
               for e in pending["entries"]]
    rows = [DirectoryRow(where, entry) for where, entry in zip(pending["wheres"], entries, strict=True)]
    return DirectoryFile(filename=pending["filename"], rows=rows, cities=list(pending["cities"]))


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    action = request.POST.get("action", "preview") if request.method == "POST" else ""
    if action == "apply":
        return _apply(request)
    if action == "cancel":
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("已取消，单位目录未改动。"))
        return redirect(reverse("orgs:unit_import"))
    form = UnitDirectoryUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "kinds": UnitKind.choices}
    if request.method == "POST" and form.is_valid():
        data, filename = form.read()
        try:
            directory_file = directory_file_read(filename=filename, data=data)
        except DomainError as exc:
            request.session.pop(SESSION_KEY, None)
            form.add_error("directory", exc.message)
        else:
            preview = _preview(request.user, directory_file)
            if preview.can_apply:
                _remember(request, directory_file, preview)
            else:
                request.session.pop(SESSION_KEY, None)
            context.update(form=UnitDirectoryUploadForm(), preview=preview)
    return render(request, TEMPLATE, context)


def _apply(request: HttpRequest) -> HttpResponse:
    directory_file = _recall(request)
    pending_digest = request.session.get(SESSION_KEY, {}).get("digest") if directory_file else None
    if directory_file is None:
        messages.error(request, _("没有待导入的单位目录，请重新上传。"))
        return redirect(reverse("orgs:unit_import"))
    context: dict[str, Any] = {"form": UnitDirectoryUploadForm(), "kinds": UnitKind.choices}
    try:
        preview = _preview(request.user, directory_file)
    except PlanDocError as exc:  # only if the session held something the checks never passed
        request.session.pop(SESSION_KEY, None)
        messages.error(request, parser_message(exc))
        return redirect(reverse("orgs:unit_import"))
    if preview.digest != pending_digest or not preview.can_apply:
        # Someone changed the directory since the preview: show what applying would do now.
        if preview.can_apply:
            _remember(request, directory_file, preview)
        else:
            request.session.pop(SESSION_KEY, None)
        context.update(preview=preview, changed=True)
        return render(request, TEMPLATE, context)
    try:
        counts = unit_directory_import(actor=request.user, directory=UnitDirectory(
            directory_file.entries, cities=directory_file.cities), source=directory_file.filename)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("orgs:unit_import"))
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("已导入“%(file)s”：新建 %(created)s 个单位，更新 %(updated)s 个，"
                                "%(unchanged)s 个无变化。") % {"file": directory_file.filename, **counts})
    return redirect(reverse("orgs:unit_import"))
