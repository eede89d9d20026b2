"""Forms of the unit directory pages: they reject malformed input; directory_files and the services decide the rest."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .choices import Role, UnitKind
from .directory_files import DIRECTORY_FILE_ACCEPT, DIRECTORY_SUFFIXES, MAX_DIRECTORY_BYTES


class UnitDirectoryUploadForm(forms.Form):
    directory = forms.FileField(
        label=_("单位目录文件"), help_text=_("支持 Excel（.xlsx）、CSV 和 YAML 格式，不超过 2 MB"),
        error_messages={"empty": _("文件为空"),
                        "required": _("请选择要上传的文件")},
        widget=forms.ClearableFileInput(attrs={"accept": DIRECTORY_FILE_ACCEPT}))

    def clean_directory(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["directory"]
        if upload.size is not None and upload.size > MAX_DIRECTORY_BYTES:
            raise forms.ValidationError(_("文件过大：不能超过 %(mb)s MB"),
                                        params={"mb": MAX_DIRECTORY_BYTES // (1024 * 1024)}, code="too_large")
        if PurePath(upload.name or "").suffix.lower() not in (*DIRECTORY_SUFFIXES, ".xls"):
            # .xls gets its own message (save as .xlsx) from directory_file_read.
            raise forms.ValidationError(
                _("单位目录只能是 CSV、YAML 或 Excel（.xlsx）文件"),
                code="bad_type")
        return upload

    def read(self) -> tuple[bytes, str]:
        upload: UploadedFile = self.cleaned_data["directory"]
        # At most one byte past the limit: a lying Content-Length cannot make us hold more.
        return upload.read(MAX_DIRECTORY_BYTES + 1), (upload.name or "units")[:200]


class UnitCreateForm(forms.Form):
    """A unit a plan names that the directory lacks: its name as the plan writes it, its kind, its full name."""

    name = forms.CharField(max_length=100, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类别"), choices=[(k, label) for k, label in UnitKind.choices
                                                       if k != UnitKind.GROUP])
    full_name = forms.CharField(label=_("全称"), max_length=200, required=False)


class InviteForm(forms.Form):
    """An account the office invites for a unit: it gets no password, its owner sets one through the link."""

    role = forms.ChoiceField(label=_("角色"),
                             choices=[(Role.LIAISON, Role.LIAISON.label), (Role.HEAD, Role.HEAD.label)])
    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("填写后设置密码的链接将发送到该邮箱"))
    phone = forms.CharField(label=_("电话"), max_length=32, required=False)
